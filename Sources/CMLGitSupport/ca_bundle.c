#include <stddef.h>

#include "mlgit_support.h"

static int ca_bundle_enabled = 0;

void mlgit_ca_bundle_set_enabled(int enabled) { ca_bundle_enabled = enabled; }

#if defined(__linux__)
/*
 * mbedTLS's loader of certificate files, which libgit2 calls only to load CA
 * locations. libgit2 and mbedTLS are linked statically, and the linker's
 * --wrap=mbedtls_x509_crt_parse_file (Package.swift) sends libgit2's calls here;
 * __real_mbedtls_x509_crt_parse_file is mbedTLS's own. When loading is off this
 * reports failure, which libgit2's initialisation tolerates (it then has no
 * default CA locations); when on, it forwards to mbedTLS.
 */
int __real_mbedtls_x509_crt_parse_file(void *chain, const char *path);

int __wrap_mbedtls_x509_crt_parse_file(void *chain, const char *path) {
  if (!ca_bundle_enabled) return -0x2900; /* MBEDTLS_ERR_X509_FILE_IO_ERROR */
  return __real_mbedtls_x509_crt_parse_file(chain, path);
}
#endif
