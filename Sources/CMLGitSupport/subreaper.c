#include "mlgit_support.h"
#include <dirent.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#if defined(__linux__)
#include <sys/prctl.h>
#endif

int mlgit_set_child_subreaper(int on) {
#if defined(__linux__) && defined(PR_SET_CHILD_SUBREAPER)
  return prctl(PR_SET_CHILD_SUBREAPER, on ? 1 : 0, 0, 0, 0);
#else
  (void)on;
  return -1;
#endif
}

int mlgit_is_child_subreaper(void) {
#if defined(__linux__) && defined(PR_GET_CHILD_SUBREAPER)
  int on = 0;
  if (prctl(PR_GET_CHILD_SUBREAPER, &on, 0, 0, 0) != 0) return 0;
  return on != 0;
#else
  return 0;
#endif
}

/* The parent process id in /proc/PID/stat: the second field after the command name,
 * which is in parentheses and may itself hold spaces and parentheses. -1 when unknown. */
static long parent_of(const char *pid) {
  char path[64];
  snprintf(path, sizeof path, "/proc/%s/stat", pid);
  int descriptor = open(path, O_RDONLY | O_CLOEXEC);
  if (descriptor < 0) return -1;
  char text[512];
  ssize_t count = read(descriptor, text, sizeof text - 1);
  close(descriptor);
  if (count <= 0) return -1;
  text[count] = 0;
  char *name_end = strrchr(text, ')');
  if (name_end == NULL) return -1;
  char state;
  long parent;
  if (sscanf(name_end + 1, " %c %ld", &state, &parent) != 2) return -1;
  return parent;
}

int mlgit_children_of(pid_t parent, pid_t *found, int capacity) {
  DIR *folder = opendir("/proc");
  if (folder == NULL) return -1;
  int count = 0;
  struct dirent *entry;
  while ((entry = readdir(folder)) != NULL) {
    const char *name = entry->d_name;
    if (name[0] < '1' || name[0] > '9' || strspn(name, "0123456789") != strlen(name)) continue;
    if (parent_of(name) != (long)parent) continue;
    if (count < capacity) found[count] = (pid_t)atol(name);
    count++;
  }
  closedir(folder);
  return count;
}
