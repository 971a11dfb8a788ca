#if defined(__linux__)
/*
 * git_libgit2_init() sets up every transport libgit2 has before returning: mbedTLS's
 * random generator and TLS configuration for HTTPS (1.4 million instructions) and
 * libssh2, which initialises OpenSSL's libcrypto, for SSH (1.0 million): together as much
 * as everything else a pre-commit hook with nothing staged does. mlgit never uses
 * libgit2 for network access (fetch and push go through the git command line), so on
 * Linux, where libgit2 is linked statically, the linker's --wrap (Package.swift) sends
 * those two initialisations here and they happen only when needed:
 *
 * - TLS: on the first call of any function of libgit2's mbedTLS stream (a new stream, a
 *   wrapped stream, a CA location set through git_libgit2_opts), which runs mbedTLS's
 *   setup once, as git_libgit2_init() would have.
 * - SSH: not linked. libgit2's SSH transport (ssh.c) is the only code that reaches
 *   libssh2 and, through it, OpenSSL's libcrypto: 3 MB of the binary. Its three entry
 *   points are wrapped below, so the linker never takes ssh.c from libgit2's archive and
 *   neither library is linked; an ssh:// remote opened through libgit2 fails with the
 *   message below. (git's own ssh, which mlgit's fetch and push run, is untouched.)
 */
#include <pthread.h>
#include <stddef.h>

int __real_git_mbedtls_stream_global_init(void);
int __real_git_mbedtls_stream_new(void **out, const char *host, const char *port);
int __real_git_mbedtls_stream_wrap(void **out, void *in, const char *host);
int __real_git_mbedtls__set_cert_location(const char *file, const char *path);

static pthread_once_t tls_once = PTHREAD_ONCE_INIT;
static int tls_status = 0;

static void tls_init(void) { tls_status = __real_git_mbedtls_stream_global_init(); }

static int tls_ready(void) {
  pthread_once(&tls_once, tls_init);
  return tls_status;
}

int __wrap_git_mbedtls_stream_global_init(void) { return 0; }

int __wrap_git_mbedtls_stream_new(void **out, const char *host, const char *port) {
  int status = tls_ready();
  return status < 0 ? status : __real_git_mbedtls_stream_new(out, host, port);
}

int __wrap_git_mbedtls_stream_wrap(void **out, void *in, const char *host) {
  int status = tls_ready();
  return status < 0 ? status : __real_git_mbedtls_stream_wrap(out, in, host);
}

int __wrap_git_mbedtls__set_cert_location(const char *file, const char *path) {
  int status = tls_ready();
  return status < 0 ? status : __real_git_mbedtls__set_cert_location(file, path);
}

int __wrap_git_transport_ssh_global_init(void) { return 0; }

/* git2/errors.h: GIT_ERROR_SSH. */
int git_error_set_str(int error_class, const char *string);
enum { mlgit_error_ssh = 23 };

static int ssh_not_linked(void) {
  git_error_set_str(mlgit_error_ssh, "mlgit does not use SSH through libgit2 (fetch and push go through git)");
  return -1;
}

int __wrap_git_smart_subtransport_ssh(void **out, void *owner, void *param) {
  (void)owner;
  (void)param;
  *out = NULL;
  return ssh_not_linked();
}

int __wrap_git_transport_ssh_with_paths(void **out, void *owner, void *payload) {
  (void)owner;
  (void)payload;
  *out = NULL;
  return ssh_not_linked();
}
#endif
