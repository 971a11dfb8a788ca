/*
 * The SQLite functions mlgit calls, defined here under their own names: the first call
 * loads Debian's libsqlite3 (libsqlite3.so.0, the libsqlite3-0 package) with dlopen and
 * looks the functions up; each then calls the library's. The executable does not name
 * libsqlite3, so the loader neither maps it nor binds its 1,610 symbols at every start
 * (docs/performance.md); only `mlgit import mlflow` and its tests open a database.
 * When the library cannot be loaded, sqlite3_open_v2 fails with SQLITE_CANTOPEN and
 * sqlite3_errstr and sqlite3_errmsg say why, so the import reports it as any SQLite error.
 */
#include <dlfcn.h>
#include <pthread.h>
#include <stdio.h>

#include "shim.h"

static struct {
  int (*open_v2)(const char *, sqlite3 **, int, const char *);
  int (*close_v2)(sqlite3 *);
  const char *(*errmsg)(sqlite3 *);
  const char *(*errstr)(int);
  int (*db_config)(sqlite3 *, int, ...);
  int (*busy_timeout)(sqlite3 *, int);
  int (*exec)(sqlite3 *, const char *, int (*)(void *, int, char **, char **), void *, char **);
  int (*prepare_v2)(sqlite3 *, const char *, int, sqlite3_stmt **, const char **);
  int (*step)(sqlite3_stmt *);
  int (*finalize)(sqlite3_stmt *);
  int (*bind_text)(sqlite3_stmt *, int, const char *, int, void (*)(void *));
  int (*bind_null)(sqlite3_stmt *, int);
  int (*bind_int64)(sqlite3_stmt *, int, sqlite3_int64);
  int (*bind_double)(sqlite3_stmt *, int, double);
  int (*column_count)(sqlite3_stmt *);
  int (*column_type)(sqlite3_stmt *, int);
  const unsigned char *(*column_text)(sqlite3_stmt *, int);
  const void *(*column_blob)(sqlite3_stmt *, int);
  int (*column_bytes)(sqlite3_stmt *, int);
  sqlite3_int64 (*column_int64)(sqlite3_stmt *, int);
  double (*column_double)(sqlite3_stmt *, int);
} api;

static pthread_once_t load_once = PTHREAD_ONCE_INIT;
static int loaded = 0;
static char load_error[512] = "SQLite is not loaded";

static void load(void) {
  void *library = dlopen("libsqlite3.so.0", RTLD_NOW | RTLD_LOCAL);
  if (library == NULL) {
    const char *reason = dlerror();
    snprintf(load_error, sizeof load_error, "cannot load SQLite (libsqlite3.so.0, Debian's libsqlite3-0): %s",
             reason ? reason : "not found");
    return;
  }
#define BIND(field, name)                                                                                    \
  do {                                                                                                       \
    *(void **)&api.field = dlsym(library, name);                                                             \
    if (api.field == NULL) {                                                                                 \
      snprintf(load_error, sizeof load_error, "cannot load SQLite: libsqlite3.so.0 has no %s", name);       \
      return;                                                                                                \
    }                                                                                                        \
  } while (0)
  BIND(open_v2, "sqlite3_open_v2");
  BIND(close_v2, "sqlite3_close_v2");
  BIND(errmsg, "sqlite3_errmsg");
  BIND(errstr, "sqlite3_errstr");
  BIND(db_config, "sqlite3_db_config");
  BIND(busy_timeout, "sqlite3_busy_timeout");
  BIND(exec, "sqlite3_exec");
  BIND(prepare_v2, "sqlite3_prepare_v2");
  BIND(step, "sqlite3_step");
  BIND(finalize, "sqlite3_finalize");
  BIND(bind_text, "sqlite3_bind_text");
  BIND(bind_null, "sqlite3_bind_null");
  BIND(bind_int64, "sqlite3_bind_int64");
  BIND(bind_double, "sqlite3_bind_double");
  BIND(column_count, "sqlite3_column_count");
  BIND(column_type, "sqlite3_column_type");
  BIND(column_text, "sqlite3_column_text");
  BIND(column_blob, "sqlite3_column_blob");
  BIND(column_bytes, "sqlite3_column_bytes");
  BIND(column_int64, "sqlite3_column_int64");
  BIND(column_double, "sqlite3_column_double");
#undef BIND
  loaded = 1;
}

static int ready(void) {
  pthread_once(&load_once, load);
  return loaded;
}

/* The only entry point without a database: the others are reached through one it opened. */
int sqlite3_open_v2(const char *filename, sqlite3 **db, int flags, const char *vfs) {
  if (!ready()) {
    if (db != NULL) *db = NULL;
    return SQLITE_CANTOPEN;
  }
  return api.open_v2(filename, db, flags, vfs);
}

const char *sqlite3_errstr(int code) { return ready() ? api.errstr(code) : load_error; }
const char *sqlite3_errmsg(sqlite3 *db) { return ready() ? api.errmsg(db) : load_error; }
int sqlite3_close_v2(sqlite3 *db) { return ready() ? api.close_v2(db) : SQLITE_OK; }

int mlgit_sqlite_db_config_flag(sqlite3 *db, int option, int on) {
  return ready() ? api.db_config(db, option, on, (int *)0) : SQLITE_MISUSE;
}

int sqlite3_busy_timeout(sqlite3 *db, int ms) { return ready() ? api.busy_timeout(db, ms) : SQLITE_MISUSE; }

int sqlite3_exec(sqlite3 *db, const char *sql, int (*callback)(void *, int, char **, char **), void *argument,
                 char **error) {
  return ready() ? api.exec(db, sql, callback, argument, error) : SQLITE_MISUSE;
}

int sqlite3_prepare_v2(sqlite3 *db, const char *sql, int bytes, sqlite3_stmt **statement, const char **tail) {
  return ready() ? api.prepare_v2(db, sql, bytes, statement, tail) : SQLITE_MISUSE;
}

int sqlite3_step(sqlite3_stmt *statement) { return ready() ? api.step(statement) : SQLITE_MISUSE; }
int sqlite3_finalize(sqlite3_stmt *statement) { return ready() ? api.finalize(statement) : SQLITE_OK; }

int sqlite3_bind_text(sqlite3_stmt *statement, int index, const char *text, int bytes, void (*destructor)(void *)) {
  return ready() ? api.bind_text(statement, index, text, bytes, destructor) : SQLITE_MISUSE;
}

int sqlite3_bind_null(sqlite3_stmt *statement, int index) {
  return ready() ? api.bind_null(statement, index) : SQLITE_MISUSE;
}

int sqlite3_bind_int64(sqlite3_stmt *statement, int index, sqlite3_int64 value) {
  return ready() ? api.bind_int64(statement, index, value) : SQLITE_MISUSE;
}

int sqlite3_bind_double(sqlite3_stmt *statement, int index, double value) {
  return ready() ? api.bind_double(statement, index, value) : SQLITE_MISUSE;
}

int sqlite3_column_count(sqlite3_stmt *statement) { return ready() ? api.column_count(statement) : 0; }
int sqlite3_column_type(sqlite3_stmt *statement, int column) {
  return ready() ? api.column_type(statement, column) : SQLITE_NULL;
}
const unsigned char *sqlite3_column_text(sqlite3_stmt *statement, int column) {
  return ready() ? api.column_text(statement, column) : NULL;
}
const void *sqlite3_column_blob(sqlite3_stmt *statement, int column) {
  return ready() ? api.column_blob(statement, column) : NULL;
}
int sqlite3_column_bytes(sqlite3_stmt *statement, int column) {
  return ready() ? api.column_bytes(statement, column) : 0;
}
sqlite3_int64 sqlite3_column_int64(sqlite3_stmt *statement, int column) {
  return ready() ? api.column_int64(statement, column) : 0;
}
double sqlite3_column_double(sqlite3_stmt *statement, int column) {
  return ready() ? api.column_double(statement, column) : 0;
}
