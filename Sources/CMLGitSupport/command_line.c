/*
 * CommandLine.arguments for the statically linked Swift standard library on Linux.
 *
 * The runtime's own definitions of the two functions below (CommandLine.cpp.o in
 * libswiftCore.a) find argv with a constructor that reads /proc/self/maps line by
 * line with fgets and sscanf to locate the stack, then walks back from environ:
 * about 110,000 instructions and a /proc file the kernel formats, at every start of
 * every mlgit command, hooks included (docs/performance.md). glibc hands argc and argv
 * to every ELF constructor, so this one keeps them instead. mlgit's objects come
 * before the archives on the link line, so the linker resolves the standard
 * library's references here and never takes CommandLine.cpp.o; a duplicate
 * definition would fail the link rather than pass unnoticed.
 *
 * With the shared standard library (debug builds) the runtime calls its own
 * definitions, which are internal to it, and these are unused.
 */
#if defined(__linux__) && defined(__clang__)

static char **kept_argv;
static int kept_argc;
static char **override_argv;
static int override_argc;
static char *empty_argv[] = {0};

__attribute__((constructor)) static void mlgit_keep_arguments(int argc, char **argv, char **envp) {
  (void)envp;
  if (argc > 0 && argv != 0) {
    kept_argc = argc;
    kept_argv = argv;
  }
}

/* The standard library's entry points (stdlib/public/CommandLineSupport/CommandLine.cpp):
 * Swift's calling convention, the runtime's names. */
__attribute__((swiftcall)) char **_swift_stdlib_getUnsafeArgvArgc(int *outArgLen);
__attribute__((swiftcall)) void _swift_stdlib_overrideUnsafeArgvArgc(char **argv, int argc);

__attribute__((swiftcall)) char **_swift_stdlib_getUnsafeArgvArgc(int *outArgLen) {
  if (override_argv != 0) {
    *outArgLen = override_argc;
    return override_argv;
  }
  if (kept_argv == 0) {
    *outArgLen = 0;
    return empty_argv;
  }
  *outArgLen = kept_argc;
  return kept_argv;
}

__attribute__((swiftcall)) void _swift_stdlib_overrideUnsafeArgvArgc(char **argv, int argc) {
  override_argv = argv;
  override_argc = argc;
}

#endif
