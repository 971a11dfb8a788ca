#ifndef MLGIT_CLIBGIT2_SHIM_H
#define MLGIT_CLIBGIT2_SHIM_H

#include <git2.h>
#include <git2/sys/odb_backend.h>

/* Swift cannot import the *_INIT struct macros; these helpers stand in. */
static inline git_diff_options mlgit_diff_options_init(void) {
  git_diff_options opts = GIT_DIFF_OPTIONS_INIT;
  return opts;
}

static inline git_status_options mlgit_status_options_init(void) {
  git_status_options opts = GIT_STATUS_OPTIONS_INIT;
  return opts;
}

static inline git_buf mlgit_buf_init(void) {
  git_buf buf = GIT_BUF_INIT;
  return buf;
}

static inline git_worktree_add_options mlgit_worktree_add_options_init(void) {
  git_worktree_add_options opts = GIT_WORKTREE_ADD_OPTIONS_INIT;
  return opts;
}

static inline git_checkout_options mlgit_checkout_options_init(void) {
  git_checkout_options opts = GIT_CHECKOUT_OPTIONS_INIT;
  return opts;
}

/* git_libgit2_opts is variadic; Swift cannot call it directly. */
static inline int mlgit_set_search_path(int level, const char *path) {
  return git_libgit2_opts(GIT_OPT_SET_SEARCH_PATH, level, path);
}

static inline int mlgit_disable_strict_hash_verification(void) {
  return git_libgit2_opts(GIT_OPT_ENABLE_STRICT_HASH_VERIFICATION, 0);
}

static inline int mlgit_disable_owner_validation(void) {
  return git_libgit2_opts(GIT_OPT_SET_OWNER_VALIDATION, 0);
}

/* Sets the CA certificate file libgit2's TLS uses (mbedTLS in Debian's build). */
static inline int mlgit_set_ssl_cert_file(const char *file) {
  return git_libgit2_opts(GIT_OPT_SET_SSL_CERT_LOCATIONS, file, NULL);
}

#endif
