#include "mlgit_support.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>

/*
 * Reads the first bytes of a packed blob without inflating the rest of it.
 * libgit2 1.5 has no streaming read for packed objects (its pack backend
 * leaves `readstream` unset): git_odb_read inflates the whole object, 2 GB for
 * a 2 GB CSV. A blob stored whole in a pack (every blob over git's
 * core.bigFileThreshold, which git never deltifies) is a zlib stream at a
 * known offset: find the offset in the pack's .idx, and inflate only as much
 * as the caller asked for. Deltified entries are reported, not resolved.
 */

static uint32_t be32(const unsigned char *p) {
  return ((uint32_t)p[0] << 24) | ((uint32_t)p[1] << 16) | ((uint32_t)p[2] << 8) | (uint32_t)p[3];
}

/* One .idx file (versions 1 and 2) mapped into memory. */
typedef struct {
  const unsigned char *map;
  size_t length;
} idx_file;

static int idx_open(const char *path, idx_file *idx) {
  int fd = open(path, O_RDONLY | O_CLOEXEC);
  if (fd < 0) return 0;
  struct stat st;
  if (fstat(fd, &st) != 0 || st.st_size < 8 + 256 * 4) {
    close(fd);
    return 0;
  }
  idx->length = (size_t)st.st_size;
  idx->map = mmap(NULL, idx->length, PROT_READ, MAP_PRIVATE, fd, 0);
  close(fd);
  return idx->map != MAP_FAILED;
}

static void idx_close(idx_file *idx) { munmap((void *)idx->map, idx->length); }

/* Finds `oid` in a mapped .idx; 1 and its pack offset when present. */
static int idx_find(const idx_file *idx, const unsigned char *oid, uint64_t *offset) {
  const unsigned char *map = idx->map;
  size_t length = idx->length;
  int v2 = map[0] == 0xff && map[1] == 't' && map[2] == 'O' && map[3] == 'c';
  const unsigned char *fanout = v2 ? map + 8 : map;
  if (v2 && be32(map + 4) != 2) return 0;
  uint32_t count = be32(fanout + 255 * 4);
  uint32_t lo = oid[0] == 0 ? 0 : be32(fanout + (oid[0] - 1) * 4);
  uint32_t hi = be32(fanout + oid[0] * 4);
  const unsigned char *names = fanout + 256 * 4;
  size_t stride = v2 ? 20 : 24, skip = v2 ? 0 : 4;
  size_t table_end = (size_t)(names - map) + (size_t)count * stride;
  if (hi > count || lo > hi || table_end > length) return 0;
  while (lo < hi) {
    uint32_t mid = lo + (hi - lo) / 2;
    int cmp = memcmp(names + (size_t)mid * stride + skip, oid, 20);
    if (cmp == 0) {
      if (!v2) {
        *offset = be32(names + (size_t)mid * stride);
        return 1;
      }
      /* v2: names, then CRCs, then 32-bit offsets, then 64-bit ones for big packs. */
      const unsigned char *offsets = names + (size_t)count * 24;
      if ((size_t)(offsets - map) + (size_t)count * 4 > length) return 0;
      uint32_t small = be32(offsets + (size_t)mid * 4);
      if (small & 0x80000000u) {
        const unsigned char *large = offsets + (size_t)count * 4 + (size_t)(small & 0x7fffffffu) * 8;
        if ((size_t)(large - map) + 8 > length) return 0;
        *offset = ((uint64_t)be32(large) << 32) | be32(large + 4);
      } else {
        *offset = small;
      }
      return 1;
    }
    if (cmp < 0) lo = mid + 1; else hi = mid;
  }
  return 0;
}

/* Finds `oid` in one .idx file; 1 and its pack offset when present. */
static int idx_lookup(const char *path, const unsigned char *oid, uint64_t *offset) {
  idx_file idx;
  if (!idx_open(path, &idx)) return 0;
  int found = idx_find(&idx, oid, offset);
  idx_close(&idx);
  return found;
}

/*
 * `folder`/`name` when `name` is a pack index (`*.idx`), in memory with room to turn it
 * into the pack's name (".pack" is a byte longer); NULL for any other name, and when
 * memory runs out (`*failed` then set). The caller frees it.
 */
static char *idx_path(const char *folder, const char *name, int *failed) {
  size_t folder_length = strlen(folder), name_length = strlen(name);
  if (name_length < 5 || strcmp(name + name_length - 4, ".idx") != 0) return NULL;
  char *path = malloc(folder_length + name_length + 3);
  if (!path) {
    *failed = 1;
    return NULL;
  }
  memcpy(path, folder, folder_length);
  path[folder_length] = '/';
  memcpy(path + folder_length + 1, name, name_length + 1);
  return path;
}

int mlgit_pack_order(const char *pack_folder, const unsigned char *oids, size_t count, uint64_t *keys) {
  for (size_t i = 0; i < count; i++) keys[i] = UINT64_MAX;
  DIR *dir = opendir(pack_folder);
  if (!dir) return -1;
  uint64_t pack = 0;
  int failed = 0;
  struct dirent *entry;
  while ((entry = readdir(dir)) != NULL && pack < 0xffff && !failed) {
    char *path = idx_path(pack_folder, entry->d_name, &failed);
    if (!path) continue;
    idx_file idx;
    if (idx_open(path, &idx)) {
      for (size_t i = 0; i < count; i++) {
        uint64_t offset = 0;
        if (keys[i] == UINT64_MAX && idx_find(&idx, oids + 20 * i, &offset) && offset < ((uint64_t)1 << 48)) {
          keys[i] = pack << 48 | offset;
        }
      }
      idx_close(&idx);
    }
    free(path);
    pack++;
  }
  closedir(dir);
  return 0;
}

/* Inflates up to `want` bytes of the entry at `offset` in the pack open as `fd`. */
static int read_entry(int fd, uint64_t offset, unsigned char *out, size_t want, size_t *got, uint64_t *size) {
  unsigned char header[32];
  ssize_t n = pread(fd, header, sizeof header, (off_t)offset);
  if (n <= 0) return MLGIT_PACK_ERROR;
  size_t used = 0;
  unsigned char byte = header[used++];
  int type = (byte >> 4) & 7;
  uint64_t length = byte & 15;
  int shift = 4;
  while (byte & 0x80) {
    if (used >= (size_t)n || shift > 57) return MLGIT_PACK_ERROR;
    byte = header[used++];
    length |= (uint64_t)(byte & 0x7f) << shift;
    shift += 7;
  }
  *size = length;
  if (type == 6 || type == 7) return MLGIT_PACK_DELTA;
  if (type != 3) return MLGIT_PACK_NOT_BLOB;

  z_stream z;
  memset(&z, 0, sizeof z);
  if (inflateInit(&z) != Z_OK) return MLGIT_PACK_ERROR;
  unsigned char input[65536];
  uint64_t position = offset + used;
  size_t target = want < length ? want : (size_t)length;
  z.next_out = out;
  z.avail_out = (uInt)target;
  int status = Z_OK;
  while (z.avail_out > 0 && status != Z_STREAM_END) {
    n = pread(fd, input, sizeof input, (off_t)position);
    if (n <= 0) break;
    position += (uint64_t)n;
    z.next_in = input;
    z.avail_in = (uInt)n;
    while (z.avail_in > 0 && z.avail_out > 0) {
      status = inflate(&z, Z_NO_FLUSH);
      if (status == Z_STREAM_END) break;
      if (status != Z_OK) {
        inflateEnd(&z);
        return MLGIT_PACK_ERROR;
      }
    }
  }
  *got = target - z.avail_out;
  inflateEnd(&z);
  return *got == target ? MLGIT_PACK_FOUND : MLGIT_PACK_ERROR;
}

int mlgit_pack_read_prefix(const char *pack_folder, const unsigned char *oid, unsigned char *out, size_t want,
                           size_t *got, uint64_t *size) {
  DIR *dir = opendir(pack_folder);
  if (!dir) return MLGIT_PACK_ABSENT;
  int result = MLGIT_PACK_ABSENT;
  int failed = 0;
  struct dirent *entry;
  while ((entry = readdir(dir)) != NULL) {
    char *path = idx_path(pack_folder, entry->d_name, &failed);
    if (failed) {
      result = MLGIT_PACK_ERROR;
      break;
    }
    if (!path) continue;
    uint64_t offset = 0;
    if (idx_lookup(path, oid, &offset)) {
      /* ".idx" becomes ".pack", one byte longer: idx_path left room for it. */
      memcpy(path + strlen(path) - 4, ".pack", 6);
      int fd = open(path, O_RDONLY | O_CLOEXEC);
      if (fd >= 0) {
        result = read_entry(fd, offset, out, want, got, size);
        close(fd);
      }
    }
    free(path);
    if (result != MLGIT_PACK_ABSENT) break;
  }
  closedir(dir);
  return result;
}
