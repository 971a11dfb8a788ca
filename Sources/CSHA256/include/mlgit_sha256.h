#ifndef MLGIT_SHA256_H
#define MLGIT_SHA256_H

#include <stddef.h>
#include <stdint.h>

/*
 * SHA-256 from OpenSSL's libcrypto (Debian's libssl-dev), linked statically on Linux:
 * its SHA-NI and AVX2 code paths, chosen at start by OpenSSL's CPU detection. Only
 * the digest is linked, not OpenSSL's provider machinery (sha256.c says why).
 */
typedef struct {
  uint64_t opaque[16];
} mlgit_sha256_context;

void mlgit_sha256_init(mlgit_sha256_context *context);
void mlgit_sha256_update(mlgit_sha256_context *context, const void *bytes, size_t count);
void mlgit_sha256_final(mlgit_sha256_context *context, unsigned char digest[32]);

#endif
