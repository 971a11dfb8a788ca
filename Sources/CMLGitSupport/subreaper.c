#include "mlgit_support.h"
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
