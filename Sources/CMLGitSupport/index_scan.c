#include <stdlib.h>
#include <string.h>

#include "mlgit_support.h"

static uint32_t be32(const unsigned char *p) {
  return ((uint32_t)p[0] << 24) | ((uint32_t)p[1] << 16) | ((uint32_t)p[2] << 8) | (uint32_t)p[3];
}

static uint16_t be16(const unsigned char *p) { return (uint16_t)((p[0] << 8) | p[1]); }

static int wanted(const char *path, size_t length, const char *const *prefixes, const size_t *lengths,
                  size_t count, const unsigned char *first_bytes) {
  if (length == 0 || !first_bytes[(unsigned char)path[0]]) return 0;
  for (size_t i = 0; i < count; i++) {
    size_t n = lengths[i];
    if (n == 0) return 1;
    if (length >= n && memcmp(path, prefixes[i], n) == 0 && (length == n || path[n] == '/')) return 1;
  }
  return 0;
}

/* True when `path` is a prefix, lies under one, or (for reading the cache tree) is above one.
   The root is above every prefix, and is kept even with none (the tree the index would commit). */
static int related(const char *path, size_t length, const char *const *prefixes, const size_t *lengths, size_t count) {
  if (length == 0) return 1;
  for (size_t i = 0; i < count; i++) {
    size_t n = lengths[i];
    if (n == 0 || length == 0) return 1;
    size_t shorter = length < n ? length : n;
    if (memcmp(path, prefixes[i], shorter) != 0) continue;
    if (length == n) return 1;
    if (length > n && path[n] == '/') return 1;
    if (length < n && prefixes[i][length] == '/') return 1;
  }
  return 0;
}

typedef struct {
  const unsigned char *data;
  size_t end;
  char path[4096];
  const char *const *prefixes;
  const size_t *prefix_lengths;
  size_t prefix_count;
  mlgit_index_visit_tree visit;
  void *payload;
} tree_reader;

/* A decimal number at *offset ending with `terminator` before `end` (a leading '-' when
   `negative` allows it, as git writes -1 for an invalid node); moves past the terminator. */
static int read_count(const unsigned char *data, size_t end, size_t *offset, char terminator, int negative,
                      long *out) {
  size_t at = *offset;
  int minus = 0;
  if (negative && at < end && data[at] == '-') { minus = 1; at++; }
  size_t digits = at;
  long value = 0;
  while (at < end && data[at] >= '0' && data[at] <= '9') {
    if (value > 100000000) return 0; /* no index holds that many entries */
    value = value * 10 + (data[at] - '0');
    at++;
  }
  if (at == digits || at >= end || data[at] != (unsigned char)terminator) return 0;
  *out = minus ? -value : value;
  *offset = at + 1;
  return 1;
}

/* One cache-tree node and, recursively, its subtrees (written in pre-order). */
static int read_tree_node(tree_reader *r, size_t *offset, size_t parent_length, int depth) {
  if (depth > 256) return MLGIT_INDEX_TRUNCATED;
  const unsigned char *nul = memchr(r->data + *offset, 0, r->end - *offset);
  if (nul == NULL) return MLGIT_INDEX_TRUNCATED;
  size_t component = (size_t)(nul - (r->data + *offset));
  size_t length = parent_length;
  if (component > 0) {
    size_t extra = (parent_length > 0 ? 1 : 0) + component;
    if (parent_length + extra >= sizeof r->path) return MLGIT_INDEX_TRUNCATED;
    if (parent_length > 0) r->path[length++] = '/';
    memcpy(r->path + length, r->data + *offset, component);
    length += component;
  }
  *offset += component + 1;
  /* "<entries> <subtrees>\n", read within the extension: strtol would skip leading
     whitespace (newlines included) and could run past it. */
  long entries = 0, subtrees = 0;
  if (!read_count(r->data, r->end, offset, ' ', 1, &entries) ||
      !read_count(r->data, r->end, offset, '\n', 0, &subtrees))
    return MLGIT_INDEX_TRUNCATED;
  if (entries >= 0) {
    if (*offset + 20 > r->end) return MLGIT_INDEX_TRUNCATED;
    if (r->visit != NULL && related(r->path, length, r->prefixes, r->prefix_lengths, r->prefix_count))
      r->visit(r->path, length, r->data + *offset, r->payload);
    *offset += 20;
  }
  for (long i = 0; i < subtrees; i++) {
    int status = read_tree_node(r, offset, length, depth + 1);
    if (status != MLGIT_INDEX_OK) return status;
  }
  return MLGIT_INDEX_OK;
}

int mlgit_index_scan(const unsigned char *data, size_t length,
                     const char *const *prefixes, const size_t *prefix_lengths, size_t prefix_count,
                     mlgit_index_visit visit, mlgit_index_visit_tree visit_tree, void *payload) {
  if (length < 12 + 20 || memcmp(data, "DIRC", 4) != 0) return MLGIT_INDEX_NOT_AN_INDEX;
  uint32_t version = be32(data + 4);
  if (version < 2 || version > 4) return MLGIT_INDEX_BAD_VERSION;
  uint32_t count = be32(data + 8);
  size_t end = length - 20; /* trailing checksum */
  size_t offset = 12;

  /* Most entries share no first byte with any prefix: a table lookup rejects them. */
  unsigned char first_bytes[256];
  memset(first_bytes, 0, sizeof first_bytes);
  for (size_t i = 0; i < prefix_count; i++) {
    if (prefix_lengths[i] == 0) memset(first_bytes, 1, sizeof first_bytes);
    else first_bytes[(unsigned char)prefixes[i][0]] = 1;
  }

  char *previous = NULL; /* version 4: the previous entry's path */
  size_t previous_length = 0, previous_capacity = 0;
  int status = MLGIT_INDEX_OK;

  for (uint32_t n = 0; n < count; n++) {
    if (offset + 62 > end) { status = MLGIT_INDEX_TRUNCATED; goto done; }
    const unsigned char *entry = data + offset;
    uint32_t mode = be32(entry + 24);
    uint16_t flags = be16(entry + 60);
    size_t header = 62;
    uint16_t extended = 0;
    if (flags & 0x4000) {
      if (version < 3 || offset + 64 > end) { status = MLGIT_INDEX_TRUNCATED; goto done; }
      extended = be16(entry + 62);
      header = 64;
    }
    if (mode == 040000) { status = MLGIT_INDEX_SPARSE; goto done; }
    int stage = (flags >> 12) & 0x3;
    size_t name = offset + header;
    const char *path;
    size_t path_length;
    if (version == 4) {
      /* Path compressed against the previous entry: strip N bytes, append a suffix. */
      size_t cursor = name;
      if (cursor >= end) { status = MLGIT_INDEX_TRUNCATED; goto done; }
      unsigned char byte = data[cursor++];
      size_t strip = byte & 0x7F;
      while (byte & 0x80) {
        if (cursor >= end) { status = MLGIT_INDEX_TRUNCATED; goto done; }
        byte = data[cursor++];
        strip = ((strip + 1) << 7) | (byte & 0x7F);
      }
      const unsigned char *nul = memchr(data + cursor, 0, end - cursor);
      if (nul == NULL || strip > previous_length) { status = MLGIT_INDEX_TRUNCATED; goto done; }
      size_t suffix = (size_t)(nul - (data + cursor));
      size_t needed = previous_length - strip + suffix;
      if (needed + 1 > previous_capacity) {
        size_t capacity = (needed + 1) * 2;
        char *grown = realloc(previous, capacity);
        if (grown == NULL) { status = MLGIT_INDEX_NO_MEMORY; goto done; }
        previous = grown;
        previous_capacity = capacity;
      }
      memcpy(previous + previous_length - strip, data + cursor, suffix);
      previous_length = needed;
      previous[previous_length] = 0;
      path = previous;
      path_length = previous_length;
      offset = cursor + suffix + 1;
    } else {
      path = (const char *)(data + name);
      path_length = flags & 0x0FFF;
      if (path_length == 0x0FFF) {
        /* The length field saturates at 4095: find the NUL. */
        const unsigned char *nul = memchr(data + name, 0, end - name);
        if (nul == NULL) { status = MLGIT_INDEX_TRUNCATED; goto done; }
        path_length = (size_t)(nul - (data + name));
      }
      /* The name ends with a NUL and holds none: git reads a damaged one differently. */
      if (name + path_length >= end || data[name + path_length] != 0 ||
          memchr(data + name, 0, path_length) != NULL) { status = MLGIT_INDEX_TRUNCATED; goto done; }
      /* Entries are padded with 1-8 NULs to a multiple of 8 bytes. */
      offset += (header + path_length + 8) & ~(size_t)7;
    }
    if (stage == 0 && !(extended & 0x2000) &&
        wanted(path, path_length, prefixes, prefix_lengths, prefix_count, first_bytes)) {
      mlgit_index_entry kept = {path, path_length, mode, entry + 40};
      visit(&kept, payload);
    }
  }

  /* Extensions: a required one (lowercase signature) changes what the entries mean. */
  while (offset + 8 <= end) {
    unsigned char first = data[offset];
    uint32_t size = be32(data + offset + 4);
    if (first >= 'a' && first <= 'z') {
      if (memcmp(data + offset, "link", 4) == 0) status = MLGIT_INDEX_SPLIT;
      else if (memcmp(data + offset, "sdir", 4) == 0) status = MLGIT_INDEX_SPARSE;
      else status = MLGIT_INDEX_REQUIRED_EXTENSION;
      goto done;
    }
    if (visit_tree != NULL && memcmp(data + offset, "TREE", 4) == 0 && offset + 8 + size <= end) {
      tree_reader reader;
      reader.data = data;
      reader.end = offset + 8 + size;
      reader.prefixes = prefixes;
      reader.prefix_lengths = prefix_lengths;
      reader.prefix_count = prefix_count;
      reader.visit = NULL;
      reader.payload = payload;
      /* A damaged cache tree is only an optimisation lost: ignore all of it, so read it
         once to check it, then again to report its nodes. */
      size_t cursor = offset + 8;
      if (size > 0 && read_tree_node(&reader, &cursor, 0, 0) == MLGIT_INDEX_OK && cursor == reader.end) {
        reader.visit = visit_tree;
        cursor = offset + 8;
        (void)read_tree_node(&reader, &cursor, 0, 0);
      }
    }
    offset += 8 + (size_t)size;
  }

done:
  free(previous);
  return status;
}
