#if defined(__linux__)
/*
 * The GSSAPI functions Debian's static libgit2 refers to, defined here so the link no
 * longer needs the shared libgssapi_krb5 (and, through it, libkrb5, libk5crypto,
 * libcom_err, libkrb5support, libkeyutils and libresolv), which the dynamic loader
 * otherwise maps and binds at every start of mlgit.
 *
 * libgit2 calls them only for HTTP "Negotiate" (Kerberos/SPNEGO) authentication
 * (transports/auth_negotiate.c), and mlgit never uses libgit2 for network access:
 * fetch and push go through the git command line. Should anything ever reach them,
 * they report GSS_S_FAILURE and return nothing, so libgit2 finds no Kerberos mechanism
 * and offers no Negotiate authentication, as a libgit2 built without GSSAPI does.
 *
 * The types are GSSAPI's (RFC 2744) spelt out, so the build needs no Kerberos headers.
 */
#include <stddef.h>
#include <stdint.h>

typedef uint32_t mlgit_gss_uint32;
typedef struct {
  mlgit_gss_uint32 length;
  void *elements;
} mlgit_gss_oid_desc;
typedef struct {
  size_t length;
  void *value;
} mlgit_gss_buffer_desc;

#define MLGIT_GSS_S_COMPLETE 0u
#define MLGIT_GSS_S_FAILURE (13u << 16)

/* The OID of GSS_C_NT_HOSTBASED_SERVICE (1.2.840.113554.1.2.1.4), as GSSAPI defines it. */
static mlgit_gss_oid_desc hostbased_service = {10, (void *)"\x2a\x86\x48\x86\xf7\x12\x01\x02\x01\x04"};
mlgit_gss_oid_desc *GSS_C_NT_HOSTBASED_SERVICE = &hostbased_service;

static mlgit_gss_uint32 failed(mlgit_gss_uint32 *minor) {
  if (minor != NULL) *minor = 0;
  return MLGIT_GSS_S_FAILURE;
}

static mlgit_gss_uint32 done(mlgit_gss_uint32 *minor) {
  if (minor != NULL) *minor = 0;
  return MLGIT_GSS_S_COMPLETE;
}

mlgit_gss_uint32 gss_indicate_mechs(mlgit_gss_uint32 *minor, void **mech_set) {
  if (mech_set != NULL) *mech_set = NULL;
  return failed(minor);
}

mlgit_gss_uint32 gss_import_name(
    mlgit_gss_uint32 *minor, const mlgit_gss_buffer_desc *name, const mlgit_gss_oid_desc *type, void **output) {
  (void)name;
  (void)type;
  if (output != NULL) *output = NULL;
  return failed(minor);
}

mlgit_gss_uint32 gss_init_sec_context(
    mlgit_gss_uint32 *minor, void *credential, void **context, void *target, mlgit_gss_oid_desc *mechanism,
    mlgit_gss_uint32 flags, mlgit_gss_uint32 time, void *bindings, mlgit_gss_buffer_desc *input,
    mlgit_gss_oid_desc **actual_mechanism, mlgit_gss_buffer_desc *output, mlgit_gss_uint32 *returned_flags,
    mlgit_gss_uint32 *time_valid) {
  (void)credential;
  (void)context;
  (void)target;
  (void)mechanism;
  (void)flags;
  (void)time;
  (void)bindings;
  (void)input;
  if (actual_mechanism != NULL) *actual_mechanism = NULL;
  if (output != NULL) {
    output->length = 0;
    output->value = NULL;
  }
  if (returned_flags != NULL) *returned_flags = 0;
  if (time_valid != NULL) *time_valid = 0;
  return failed(minor);
}

mlgit_gss_uint32 gss_display_status(
    mlgit_gss_uint32 *minor, mlgit_gss_uint32 status, int type, mlgit_gss_oid_desc *mechanism,
    mlgit_gss_uint32 *context, mlgit_gss_buffer_desc *text) {
  (void)status;
  (void)type;
  (void)mechanism;
  if (context != NULL) *context = 0;
  if (text != NULL) {
    text->length = 0;
    text->value = NULL;
  }
  return failed(minor);
}

/* Nothing above ever hands out a context, name, buffer or OID set, so there is nothing to free. */
mlgit_gss_uint32 gss_delete_sec_context(mlgit_gss_uint32 *minor, void **context, mlgit_gss_buffer_desc *output) {
  if (context != NULL) *context = NULL;
  if (output != NULL) {
    output->length = 0;
    output->value = NULL;
  }
  return done(minor);
}

mlgit_gss_uint32 gss_release_name(mlgit_gss_uint32 *minor, void **name) {
  if (name != NULL) *name = NULL;
  return done(minor);
}

mlgit_gss_uint32 gss_release_buffer(mlgit_gss_uint32 *minor, mlgit_gss_buffer_desc *buffer) {
  if (buffer != NULL) {
    buffer->length = 0;
    buffer->value = NULL;
  }
  return done(minor);
}

mlgit_gss_uint32 gss_release_oid_set(mlgit_gss_uint32 *minor, void **set) {
  if (set != NULL) *set = NULL;
  return done(minor);
}
#endif
