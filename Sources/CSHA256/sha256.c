/*
 * OpenSSL's low-level SHA-256 (SHA256_Init, _Update, _Final): deprecated in OpenSSL 3.0
 * in favour of EVP_Digest*, which would link the provider machinery (libcrypto's
 * configuration, property queries and algorithm fetching, over a megabyte) for the one
 * digest mlgit uses. The low-level functions call the same block functions as the
 * provider does (sha256_block_data_order, SHA-NI where the CPU has it: x86_64cpuid's
 * .init entry runs OpenSSL's CPU detection before main).
 */
#define OPENSSL_SUPPRESS_DEPRECATED
#include <openssl/sha.h>

#include "mlgit_sha256.h"

_Static_assert(sizeof(SHA256_CTX) <= sizeof(mlgit_sha256_context), "mlgit_sha256_context holds a SHA256_CTX");
_Static_assert(_Alignof(SHA256_CTX) <= _Alignof(mlgit_sha256_context), "mlgit_sha256_context is aligned for it");

void mlgit_sha256_init(mlgit_sha256_context *context) { SHA256_Init((SHA256_CTX *)context); }

void mlgit_sha256_update(mlgit_sha256_context *context, const void *bytes, size_t count) {
  SHA256_Update((SHA256_CTX *)context, bytes, count);
}

void mlgit_sha256_final(mlgit_sha256_context *context, unsigned char digest[32]) {
  SHA256_Final(digest, (SHA256_CTX *)context);
}
