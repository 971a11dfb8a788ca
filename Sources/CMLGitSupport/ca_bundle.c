#define _GNU_SOURCE
#include <dlfcn.h>
#include <stddef.h>

#include "mlgit_support.h"

static int ca_bundle_enabled = 0;

void mlgit_ca_bundle_set_enabled(int enabled) { ca_bundle_enabled = enabled; }

/*
 * Interposes mbedTLS's loader of certificate files, which libgit2 calls only to
 * load CA locations. When loading is off it reports failure, which libgit2's
 * initialisation tolerates (it then has no default CA locations); when on, it
 * forwards to the real function.
 */
__attribute__((visibility("default")))
int mbedtls_x509_crt_parse_file(void *chain, const char *path) {
  if (!ca_bundle_enabled) return -0x2900; /* MBEDTLS_ERR_X509_FILE_IO_ERROR */
  static int (*real)(void *, const char *) = NULL;
  if (real == NULL) real = (int (*)(void *, const char *))dlsym(RTLD_NEXT, "mbedtls_x509_crt_parse_file");
  return real != NULL ? real(chain, path) : -0x2900;
}
