#ifndef MLGIT_CSQLITE_SHIM_H
#define MLGIT_CSQLITE_SHIM_H

#include <sqlite3.h>

/* sqlite3_db_config is variadic and SQLITE_TRANSIENT a cast macro: Swift can use neither. */
static inline int mlgit_sqlite_db_config_flag(sqlite3 *db, int option, int on) {
  return sqlite3_db_config(db, option, on, (int *)0);
}

static inline int mlgit_sqlite_bind_text(sqlite3_stmt *statement, int index, const char *text) {
  return sqlite3_bind_text(statement, index, text, -1, SQLITE_TRANSIENT);
}

#endif
