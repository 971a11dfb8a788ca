#ifndef MLGIT_CSQLITE_SHIM_H
#define MLGIT_CSQLITE_SHIM_H

/*
 * SQLite for `mlgit import mlflow`, loaded when first used (sqlite_lazy.c), not at every
 * start: Debian's libsqlite3 binds 1,610 symbols as it loads, more than half of the
 * loader's work for a hook. The types, constants and declarations are sqlite3.h's; the
 * functions mlgit calls are defined in sqlite_lazy.c, each calling the library's own.
 */
#include <sqlite3.h>

/* sqlite3_db_config is variadic: Swift cannot call it. */
int mlgit_sqlite_db_config_flag(sqlite3 *db, int option, int on);

/* SQLITE_TRANSIENT is a cast macro: Swift cannot use it. */
static inline int mlgit_sqlite_bind_text(sqlite3_stmt *statement, int index, const char *text) {
  return sqlite3_bind_text(statement, index, text, -1, SQLITE_TRANSIENT);
}

#endif
