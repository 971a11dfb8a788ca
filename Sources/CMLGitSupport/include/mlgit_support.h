#ifndef MLGIT_SUPPORT_H
#define MLGIT_SUPPORT_H

/*
 * Debian's libgit2 parses the whole system CA bundle with mbedTLS inside
 * git_libgit2_init(): about 10 ms, as long as the rest of a pre-commit hook.
 * mlgit never talks to a network through libgit2 (fetch and push go through
 * the git command line), so by default it skips that load. Call
 * mlgit_ca_bundle_set_enabled(1) before initialising libgit2 to load it.
 * On Linux libgit2 and mbedTLS are linked statically, and the linker's
 * --wrap=mbedtls_x509_crt_parse_file (Package.swift) sends libgit2's calls of
 * mbedTLS's certificate-file loader through this switch (ca_bundle.c).
 */
void mlgit_ca_bundle_set_enabled(int enabled);

#endif

#include <stddef.h>
#include <stdint.h>

/* One index entry kept by mlgit_index_scan (pointers valid during the callback only). */
typedef struct {
  const char *path;
  size_t path_length;
  uint32_t mode;
  const unsigned char *oid; /* 20 bytes */
} mlgit_index_entry;

/* Reasons mlgit_index_scan gives up; callers then ask git to read the index. */
enum {
  MLGIT_INDEX_OK = 0,
  MLGIT_INDEX_NOT_AN_INDEX = -1,
  MLGIT_INDEX_BAD_VERSION = -2,
  MLGIT_INDEX_TRUNCATED = -3,
  MLGIT_INDEX_SPARSE = -4,
  MLGIT_INDEX_SPLIT = -5,
  MLGIT_INDEX_REQUIRED_EXTENSION = -6,
  MLGIT_INDEX_NO_MEMORY = -7,
};

typedef void (*mlgit_index_visit)(const mlgit_index_entry *entry, void *payload);

/* A valid cache-tree node (the TREE extension): the tree id the index holds for a folder. */
typedef void (*mlgit_index_visit_tree)(const char *path, size_t path_length, const unsigned char *oid, void *payload);

/*
 * Scans a git index file (versions 2-4) in memory and calls `visit` for each
 * stage-0, non-intent-to-add entry whose path equals one of `prefixes` or lies
 * under it as a folder (an empty prefix keeps everything). Checks the
 * extensions, so split and sparse indexes are reported instead of misread.
 * When `visit_tree` is set, also reports the valid cache-tree nodes at or under
 * the prefixes: a folder whose cached tree id equals the committed one has no
 * staged change, so neither side of it need be read.
 * A plain loop in C: a hook scans 100,000 entries to keep a handful.
 */
int mlgit_index_scan(const unsigned char *data, size_t length,
                     const char *const *prefixes, const size_t *prefix_lengths, size_t prefix_count,
                     mlgit_index_visit visit, mlgit_index_visit_tree visit_tree, void *payload);

/* Results of mlgit_pack_read_prefix. */
enum {
  MLGIT_PACK_ABSENT = 0,    /* not in any pack of the folder */
  MLGIT_PACK_FOUND = 1,     /* a whole blob: `got` bytes of it are in `out` */
  MLGIT_PACK_DELTA = 2,     /* stored as a delta: read it another way */
  MLGIT_PACK_NOT_BLOB = 3,  /* a commit, tree or tag */
  MLGIT_PACK_ERROR = -1,    /* unreadable or truncated */
};

/*
 * Looks for the object `oid` (20 bytes) in the packs of `pack_folder`
 * (objects/pack) and, when it is stored there as a whole blob, inflates only
 * its first `want` bytes into `out`. `size` receives the size the pack entry
 * records (for a delta: the delta's, not the object's).
 */
int mlgit_pack_read_prefix(const char *pack_folder, const unsigned char *oid, unsigned char *out, size_t want,
                           size_t *got, uint64_t *size);

/*
 * For each of `count` object ids (20 bytes each, one after another in `oids`), a key
 * that sorts them in the order they lie in the packs of `pack_folder`: the pack's
 * number (in the order the folder lists them) in the top 16 bits, the offset in the
 * pack below; UINT64_MAX for an object in none of them (a loose one). Returns 0, or -1
 * when the folder cannot be read (every key then UINT64_MAX). For reading many objects
 * in an order libgit2's cache of delta bases can keep up with.
 */
int mlgit_pack_order(const char *pack_folder, const unsigned char *oids, size_t count, uint64_t *keys);

/*
 * While mlgit waits for a training command, SIGINT, SIGTERM and SIGHUP sent to mlgit
 * are forwarded to the command's whole process group, and the signal is remembered
 * so the run can be recorded as interrupted (forward_signals.c).
 *
 *   mlgit_forward_signals_begin();        before starting the child: handlers installed
 *                                         (a signal ignored at mlgit's start stays ignored)
 *   mlgit_forward_signals_to(pid);        once the child's group exists (a signal that
 *                                         came in between is forwarded then)
 *   int sig = mlgit_forward_signals_end(); after the child is reaped: handlers restored;
 *                                         the last signal received, or 0
 */
void mlgit_forward_signals_begin(void);
void mlgit_forward_signals_to(int group);
int mlgit_forward_signals_end(void);

/* posix_spawn_file_actions_addchdir_np, which Swift's Glibc module does not export. */
#include <spawn.h>
int mlgit_spawn_file_actions_addchdir(posix_spawn_file_actions_t *actions, const char *path);

/* posix_spawn_file_actions_addclosefrom_np (glibc 2.34): the child closes every file
 * descriptor from `lowest` up before it runs the program, so it inherits only its
 * standard streams, whatever mlgit or libgit2 opened without close-on-exec. ENOSYS where
 * the C library lacks it. */
int mlgit_spawn_file_actions_addclosefrom(posix_spawn_file_actions_t *actions, int lowest);

/* prctl(PR_SET_CHILD_SUBREAPER, on): while on, a descendant orphaned by its parent's
 * death becomes this process's child instead of init's (ChildProcess.Adoption). Returns 0,
 * or -1 where the system has no child subreapers (not Linux). prctl itself is variadic,
 * which Swift cannot call. */
int mlgit_set_child_subreaper(int on);
/* prctl(PR_GET_CHILD_SUBREAPER): 1 when this process is a child subreaper already (a
 * launcher set it, and it survives execve), 0 when not or unknown. */
int mlgit_is_child_subreaper(void);

/* The process ids whose parent is `parent`, read from /proc/PID/stat (the kernel's
 * per-thread `children` lists are not built into every kernel): at most `capacity` of
 * them written to `found`; returns how many there are (more than `capacity`: call again
 * with room for them), or -1 when /proc cannot be read. */
#include <sys/types.h>
int mlgit_children_of(pid_t parent, pid_t *found, int capacity);

/* The C library's standard output stream. Swift 6 refuses to read the C global `stdout`
 * (a mutable global) outside an actor; mlgit never assigns it, and stdio locks the
 * stream on every call. */
#include <stdio.h>
static inline FILE *mlgit_standard_output(void) { return stdout; }

/*
 * How many CPUs this process may run on: on Linux its affinity mask (which
 * `taskset` and a container's cpuset restrict; sysconf(_SC_NPROCESSORS_ONLN)
 * ignores it), else the processors online; at least 1.
 */
int mlgit_usable_cpus(void);

/*
 * A team rule's `matches` pattern, compiled by PCRE2 (team_pattern.c): Unicode-aware,
 * with at most `match_limit` backtracking steps a match, so that no pattern and value
 * can keep a check running. NULL when the pattern is not valid (or memory ran out).
 * Compiled patterns are only read when matching: any thread may match with one.
 */
typedef struct mlgit_pattern mlgit_pattern;
enum {
  MLGIT_PATTERN_FOUND = 1,
  MLGIT_PATTERN_NOT_FOUND = 0,
  MLGIT_PATTERN_TOO_COSTLY = -1, /* the step, depth or memory limit was reached */
  MLGIT_PATTERN_FAILED = -2,     /* out of memory, or an error PCRE2 reports */
};
mlgit_pattern *mlgit_pattern_compile(const char *pattern, size_t length, uint32_t match_limit);
int mlgit_pattern_match(const mlgit_pattern *pattern, const char *text, size_t length);
void mlgit_pattern_free(mlgit_pattern *pattern);
