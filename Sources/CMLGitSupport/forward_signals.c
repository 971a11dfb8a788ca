/*
 * Forwarding of SIGINT, SIGTERM and SIGHUP from mlgit to a training command's process
 * group (see mlgit_support.h). Kept in C so the handler only touches
 * volatile sig_atomic_t values and calls kill(2), which is async-signal-safe.
 */
#define _GNU_SOURCE
#include <signal.h>
#include <spawn.h>
#include <string.h>
#include <sys/types.h>

#include "mlgit_support.h"

static const int forwarded[] = {SIGINT, SIGTERM, SIGHUP};
#define FORWARDED_COUNT (sizeof forwarded / sizeof forwarded[0])

static volatile sig_atomic_t target_group = 0;
static volatile sig_atomic_t received = 0;
static struct sigaction previous[FORWARDED_COUNT];
static int installed[FORWARDED_COUNT];

static void forward(int signal_number) {
  received = signal_number;
  pid_t group = (pid_t)target_group;
  if (group > 0) kill(-group, signal_number);
}

void mlgit_forward_signals_begin(void) {
  target_group = 0;
  received = 0;
  for (size_t i = 0; i < FORWARDED_COUNT; i++) {
    installed[i] = 0;
    struct sigaction current;
    if (sigaction(forwarded[i], NULL, &current) != 0) continue;
    /* A signal ignored when mlgit started stays ignored, for mlgit and its child (as
       shells leave `nohup` and background jobs). */
    if (current.sa_handler == SIG_IGN) continue;
    struct sigaction action;
    memset(&action, 0, sizeof action);
    action.sa_handler = forward;
    sigemptyset(&action.sa_mask);
    action.sa_flags = SA_RESTART;
    if (sigaction(forwarded[i], &action, &previous[i]) == 0) installed[i] = 1;
  }
}

void mlgit_forward_signals_to(int group) {
  target_group = group;
  /* A signal that arrived before the child existed is delivered now. */
  int early = (int)received;
  if (early != 0 && group > 0) kill(-group, early);
}

int mlgit_forward_signals_end(void) {
  target_group = 0;
  for (size_t i = 0; i < FORWARDED_COUNT; i++) {
    if (installed[i]) sigaction(forwarded[i], &previous[i], NULL);
    installed[i] = 0;
  }
  int result = (int)received;
  received = 0;
  return result;
}

int mlgit_spawn_file_actions_addchdir(posix_spawn_file_actions_t *actions, const char *path) {
  return posix_spawn_file_actions_addchdir_np(actions, path);
}
