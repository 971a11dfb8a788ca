#define _GNU_SOURCE
#include <sched.h>
#include <unistd.h>
#include "mlgit_support.h"

int mlgit_usable_cpus(void) {
#if defined(__linux__)
  /* The affinity mask: what `taskset` or a container's cpuset leaves this process. */
  cpu_set_t set;
  CPU_ZERO(&set);
  if (sched_getaffinity(0, sizeof(set), &set) == 0) {
    int count = CPU_COUNT(&set);
    if (count > 0) return count;
  }
#endif
  long online = sysconf(_SC_NPROCESSORS_ONLN);
  return online > 0 ? (int)online : 1;
}
