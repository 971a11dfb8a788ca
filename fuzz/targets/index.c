/* Fuzz target: the git index scanner the hooks use (Sources/CMLGitSupport/index_scan.c),
 * on any bytes as an index file, with and without a prefix, with the cache-tree visitor. */
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include "mlgit_support.h"

static void visit(const mlgit_index_entry *entry, void *payload) {
  size_t *total = payload;
  *total += entry->path_length;
  /* Touch every byte the scanner hands out: AddressSanitizer checks they are in bounds. */
  volatile unsigned char sink = 0;
  for (size_t i = 0; i < entry->path_length; i++) sink ^= (unsigned char)entry->path[i];
  for (size_t i = 0; i < 20; i++) sink ^= entry->oid[i];
  (void)sink;
}

static void visit_tree(const char *path, size_t path_length, const unsigned char *oid, void *payload) {
  size_t *total = payload;
  *total += path_length;
  volatile unsigned char sink = 0;
  for (size_t i = 0; i < path_length; i++) sink ^= (unsigned char)path[i];
  for (size_t i = 0; i < 20; i++) sink ^= oid[i];
  (void)sink;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  size_t total = 0;
  const char *prefixes[] = {"models", ""};
  const size_t lengths[] = {6, 0};
  mlgit_index_scan(data, size, prefixes, lengths, 1, visit, visit_tree, &total);
  mlgit_index_scan(data, size, prefixes + 1, lengths + 1, 1, visit, NULL, &total);
  return 0;
}
