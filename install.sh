#!/usr/bin/env bash
# mlgit's installer.
#   ./install.sh              install libgit2-dev, libpcre2-dev, libyaml-dev, libsqlite3-dev and libssl-dev if missing, build
#                             in release mode, install mlgit into $PREFIX/bin (default /usr/local),
#                             with its manual page and bash, zsh and fish completions under $PREFIX/share
#   ./install.sh --deb        build the same into a Debian package, .build/deb/mlgit_VERSION_ARCH.deb
#                             (--output DIR: elsewhere), for a git server or a CI image
#   --binary PATH             with either: install or package an mlgit already built, build nothing
#   ./install.sh --test       install the same dependencies, plus the tools the tests drive:
#                             pre-commit, lefthook, PyYAML (from PyPI into .build-venv/) and
#                             lighttpd, openssh-server (Debian's, for the git-server tests);
#                             build and run the whole test suite, then the end-to-end tests
#                             again against the release binary ./install.sh installs, then
#                             each fuzz target for 10 s (scripts/fuzz.sh all 10)
#   ./install.sh --uninstall  remove what ./install.sh installed
# Running it again is harmless.
set -euo pipefail
caller_dir=$PWD
cd "$(dirname "$0")"

PREFIX=${PREFIX:-/usr/local}
mode=install
binary=""
deb_output="$PWD/.build/deb"
usage_error() { echo "install.sh: $*" >&2; exit 2; }
while [ $# -gt 0 ]; do
  case "$1" in
    --test) mode=test ;;
    --uninstall) mode=uninstall ;;
    --deb) mode=deb ;;
    --binary) [ $# -ge 2 ] || usage_error "--binary needs the path of a built mlgit"; binary=$2; shift ;;
    --output) [ $# -ge 2 ] || usage_error "--output needs a folder"; deb_output=$2; shift ;;
    -h|--help) sed -n '2,/^[^#]/p' "$0" | sed '$d' | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) usage_error "unknown option '$1' (use --test, --deb, --uninstall, --binary PATH, --output DIR or nothing)" ;;
  esac
  shift
done
# Paths on the command line and PREFIX are the caller's, not the checkout's.
absolute() { case "$1" in /*) printf '%s\n' "$1" ;; *) printf '%s\n' "$caller_dir/$1" ;; esac; }
PREFIX=$(absolute "$PREFIX")
deb_output=$(absolute "$deb_output")
if [ -n "$binary" ]; then
  case "$mode" in install|deb) ;; *) usage_error "--binary goes with plain ./install.sh or --deb" ;; esac
  binary=$(absolute "$binary")
  [ -f "$binary" ] && [ -x "$binary" ] || usage_error "--binary $binary is not an executable file"
fi

say() { printf 'install.sh: %s\n' "$*"; }

# Installs Debian packages with apt-get, through sudo when not root; where that cannot be
# done, prints the command to run and stops.  apt_install WHO_NEEDS WHAT_BY_HAND PACKAGE...
apt_install() {
  local needs=$1 by_hand=$2
  shift 2
  local sudo=""
  if [ "$(id -u)" -ne 0 ]; then
    if command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then
      sudo="sudo"
    else
      echo "install.sh: $needs $*. Install them with:" >&2
      echo "  sudo apt-get update && sudo apt-get install -y $*" >&2
      exit 1
    fi
  fi
  command -v apt-get >/dev/null 2>&1 || { echo "install.sh: no apt-get here; install $by_hand, then run me again" >&2; exit 1; }
  say "installing $* with apt-get"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "$@" >/dev/null
}

# libgit2, PCRE2 (team rules' patterns; libgit2 needs it too), libyaml, SQLite (headers
# and pkg-config files; SQLite reads MLflow's mlflow.db), OpenSSL's libcrypto (SHA-256,
# its archive linked) and pkg-config itself, from Debian's packages.
ensure_system_dependencies() {
  if command -v pkg-config >/dev/null 2>&1 && pkg-config --exists libgit2 libpcre2-8 yaml-0.1 sqlite3 libcrypto 2>/dev/null; then
    say "libgit2 $(pkg-config --modversion libgit2), libyaml $(pkg-config --modversion yaml-0.1), sqlite3 $(pkg-config --modversion sqlite3), libcrypto $(pkg-config --modversion libcrypto) found"
    return
  fi
  apt_install "mlgit needs" "libgit2 (1.5 or later), PCRE2, libyaml, SQLite 3 and OpenSSL with their pkg-config files, and pkg-config" \
    libgit2-dev libpcre2-dev libyaml-dev libsqlite3-dev libssl-dev pkg-config
  pkg-config --exists libgit2 || { echo "install.sh: libgit2 still not found after apt-get" >&2; exit 1; }
  pkg-config --exists libpcre2-8 || { echo "install.sh: PCRE2 still not found after apt-get" >&2; exit 1; }
  pkg-config --exists yaml-0.1 || { echo "install.sh: libyaml still not found after apt-get" >&2; exit 1; }
  pkg-config --exists sqlite3 || { echo "install.sh: sqlite3 still not found after apt-get" >&2; exit 1; }
  pkg-config --exists libcrypto || { echo "install.sh: OpenSSL's libcrypto still not found after apt-get" >&2; exit 1; }
}

ensure_toolchain() {
  command -v swift >/dev/null 2>&1 || { echo "install.sh: swift is not on PATH; install Swift 6 first" >&2; exit 1; }
  command -v git >/dev/null 2>&1 || { echo "install.sh: git is not on PATH" >&2; exit 1; }
}

# The Python tools the end-to-end tests drive, from PyPI, in a venv of the checkout's own
# (.build-venv/, ignored by git). Tests find them on PATH.
test_python_packages="pre-commit==4.7.0 lefthook==2.2.2 PyYAML==6.0.4"
ensure_test_tools() {
  local venv="$PWD/.build-venv"
  if [ -x "$venv/bin/python" ] && [ "$(cat "$venv/.mlgit-packages" 2>/dev/null)" = "$test_python_packages" ]; then
    return
  fi
  command -v python3 >/dev/null 2>&1 || { echo "install.sh: python3 is needed for the test tools" >&2; exit 1; }
  say "installing test tools into .build-venv: $test_python_packages"
  rm -rf "$venv"
  python3 -m venv "$venv"
  "$venv/bin/pip" install -q --disable-pip-version-check $test_python_packages
  printf '%s' "$test_python_packages" > "$venv/.mlgit-packages"
}

# The servers the git-server tests push through (GitServerTests): lighttpd runs git
# http-backend, sshd runs git-shell, each on a loopback port with a config of the test's own.
# Only for --test: plain ./install.sh never installs a server. On a machine with an init
# system Debian also starts them as services; the tests do not use those.
# man-db and groff-base: the packaging tests render the installed manual page (man -l, groff).
test_system_packages="lighttpd openssh-server openssh-client man-db groff-base"
ensure_test_system_packages() {
  if [ -x /usr/sbin/lighttpd ] && [ -x /usr/sbin/sshd ] && command -v ssh >/dev/null 2>&1 \
    && [ -x /usr/bin/man ] && [ -x /usr/bin/groff ]; then
    return
  fi
  apt_install "the git-server and packaging tests need" "$test_system_packages" $test_system_packages
}

# Every Swift target of the release build, ArgumentParser's too, makes the metadata of a
# concrete generic type by calling its accessor, not by looking up its mangled name
# (Package.swift sets this for mlgit's own targets; a package cannot set flags for its
# dependencies). A specialisation two modules share (`Dictionary<String, String>`'s
# literal initialiser) is linked once, from the first object that has it: ArgumentParser's,
# built without the flag, had every start look up `String: Hashable` by scanning all
# 6,500 protocol-conformance records, 240,000 instructions (docs/performance.md).
metadata_accessor_flags() {
  local -n flags=$1
  flags+=(-Xswiftc -Xfrontend -Xswiftc -disable-concrete-type-metadata-mangled-name-accessors)
}

# Appends to the array named $1 the flags that lay out the functions a pre-commit hook
# runs, and the `.bss` variables it touches, first and together in the binary
# (bench/hot-symbols.txt, made by bench/hot-symbols.sh; each function in its own section):
# the hook faults in fewer pages, about 80 fewer page faults and 7% of its time at 1,000
# files, where each fault costs about 2 µs on a virtual machine (docs/performance.md,
# "Ninth round"). The list is lld's --symbol-ordering-file, the Swift toolchain's linker
# on Linux; without lld, none.
hot_symbol_flags() {
  local -n flags=$1
  [ "$(uname -s)" = Linux ] && [ -f bench/hot-symbols.txt ] || return 0
  local swift_bin
  swift_bin=$(dirname "$(command -v swift)")
  [ -x "$swift_bin/ld.lld" ] || return 0
  flags+=(-Xswiftc -Xfrontend -Xswiftc -function-sections
    -Xlinker "--symbol-ordering-file=$PWD/bench/hot-symbols.txt" -Xlinker --no-warn-symbol-ordering)
}

# Sets bin to the mlgit to install: --binary's, else a release build with the Swift runtime
# linked in (so that it needs only Debian's libraries at run time).
release_binary() {
  if [ -n "$binary" ]; then
    bin=$binary
    return
  fi
  ensure_toolchain
  ensure_system_dependencies
  say "building mlgit (release)"
  local link=()
  static_libstdcxx_flags link
  packed_relocation_flags link
  metadata_accessor_flags link
  hot_symbol_flags link
  # No $ORIGIN run path: every library it loads is the system's, and with one the loader
  # looked for each of them in a dozen folders beside the binary at every start.
  swift build -c release --static-swift-stdlib --disable-local-rpath "${link[@]}" --product mlgit
  bin=$(swift build -c release --static-swift-stdlib --disable-local-rpath "${link[@]}" --show-bin-path)/mlgit
}

# Appends to the array named $1 the linker flags that link libstdc++ into the release
# binary rather than load it at every start (1,700 symbol bindings, about 1.9 million
# instructions of the dynamic loader: docs/performance.md, "Start-up and binary size").
# The static Swift standard library's link names -lstdc++, which finds the shared library; a folder passed
# first with -L whose libstdc++.so is a linker script naming the compiler's libstdc++.a
# makes it take the archive. Only for this build: a build with the shared Swift runtime
# would carry two copies. Without the archive, the binary loads the shared library as before.
# The same folder's libgcc_s.so names the compiler's libgcc_eh.a, the unwinder libstdc++'s
# exceptions need, so that libgcc_s is not a sixth library to map at every start.
static_libstdcxx_flags() {
  local -n flags=$1
  [ "$(uname -s)" = Linux ] || return 0
  local archive unwinder
  archive=$(clang -print-file-name=libstdc++.a 2>/dev/null || true)
  [ -f "$archive" ] || return 0
  local folder=.build/static-libstdcxx
  mkdir -p "$folder"
  printf 'INPUT(%s)\n' "$archive" > "$folder/libstdc++.so"
  unwinder=$(clang -print-file-name=libgcc_eh.a 2>/dev/null || true)
  if [ -f "$unwinder" ]; then
    printf 'INPUT(%s)\n' "$unwinder" > "$folder/libgcc_s.so"
  else
    rm -f "$folder/libgcc_s.so"
  fi
  flags+=(-Xlinker -L -Xlinker "$PWD/$folder")
}

# Appends to the array named $1 the linker flag that packs the binary's relative
# relocations (DT_RELR, `-z pack-relative-relocs`): 1.2 MB of relocation entries become
# 9 KB, and the loader applies them from a bitmap. Only where the C library reads them
# (glibc 2.36 or later, Debian 12's): elsewhere such a binary would not start.
packed_relocation_flags() {
  local -n flags=$1
  [ "$(uname -s)" = Linux ] || return 0
  local version
  version=$(getconf GNU_LIBC_VERSION 2>/dev/null | awk '{print $2}')
  [ -n "$version" ] || return 0
  printf '2.36\n%s\n' "$version" | sort -V -C || return 0
  flags+=(-Xlinker -z -Xlinker pack-relative-relocs)
}

# Installs the binary, its manual page and its completions under ROOT (a PREFIX, or a
# package's usr/). The binary writes the completion scripts (ArgumentParser's
# --generate-completion-script) and the page (mlgit generate-manual) itself, so they name
# exactly the commands and options it has, and nothing needs the network.
#   install_files ROOT BINARY ZSH_FOLDER MANUAL_NAME
install_files() {
  local root=$1 bin=$2 zsh_folder=$3 manual=$4
  mkdir -p "$root/bin" "$root/share/man/man1" "$root/share/bash-completion/completions" \
    "$root/$zsh_folder" "$root/share/fish/vendor_completions.d"
  # Installed stripped: the symbol table and debug sections are over a quarter of the
  # linked file and nothing at run time reads them (docs/performance.md, "Start-up and binary size").
  if command -v strip >/dev/null 2>&1; then
    install -m 0755 -s "$bin" "$root/bin/mlgit"
  else
    install -m 0755 "$bin" "$root/bin/mlgit"
  fi
  local mlgit="$root/bin/mlgit"
  "$mlgit" --generate-completion-script bash > "$root/share/bash-completion/completions/mlgit"
  "$mlgit" --generate-completion-script zsh > "$root/$zsh_folder/_mlgit"
  "$mlgit" --generate-completion-script fish > "$root/share/fish/vendor_completions.d/mlgit.fish"
  case "$manual" in
    *.gz) "$mlgit" generate-manual | gzip -9n > "$root/share/man/man1/$manual" ;;
    *) "$mlgit" generate-manual > "$root/share/man/man1/$manual" ;;
  esac
  chmod 0644 "$root/share/bash-completion/completions/mlgit" "$root/$zsh_folder/_mlgit" \
    "$root/share/fish/vendor_completions.d/mlgit.fish" "$root/share/man/man1/$manual"
}

case "$mode" in
  install)
    release_binary
    install_files "$PREFIX" "$bin" share/zsh/site-functions mlgit.1
    say "installed $PREFIX/bin/mlgit ($("$PREFIX/bin/mlgit" --version)), its manual page (man mlgit) and bash, zsh and fish completions"
    ;;
  deb)
    release_binary
    command -v dpkg-deb >/dev/null 2>&1 || { echo "install.sh: --deb needs dpkg-deb (Debian's dpkg)" >&2; exit 1; }
    stage=$(mktemp -d)
    trap 'rm -rf "$stage"' EXIT
    # Debian's zsh reads completions that packages ship from vendor-completions.
    install_files "$stage/usr" "$bin" share/zsh/vendor-completions mlgit.1.gz
    package=$(scripts/build-deb.sh "$stage" "$deb_output")
    say "built $package (dpkg-deb --info / --contents show what it holds; apt-get install $package installs it)"
    ;;
  test)
    ensure_toolchain
    ensure_system_dependencies
    ensure_test_tools
    ensure_test_system_packages
    export PATH="$PWD/.build-venv/bin:$PATH"
    # Formatting first: it takes seconds, the build minutes (scripts/lint.sh --fix repairs).
    say "checking the format of the Swift sources (scripts/lint.sh)"
    scripts/lint.sh
    swift build --build-tests
    swift test
    # The end-to-end tests again, against the release binary ./install.sh installs: it is
    # linked differently (the static Swift runtime and libstdc++), and optimised.
    release_binary
    say "running the end-to-end tests against the release binary ($bin)"
    MLGIT_TEST_BINARY=$(realpath "$bin") swift test --skip-build --filter EndToEndTests
    # A brief run of every fuzz target from its seed corpus (10 s each, about a minute in
    # all): the crashes fuzzing found stay fixed. Longer runs by hand: docs/fuzzing.md.
    say "fuzzing each reader for 10 s (scripts/fuzz.sh all 10)"
    scripts/fuzz.sh all 10
    ;;
  uninstall)
    for file in share/man/man1/mlgit.1 share/bash-completion/completions/mlgit \
      share/zsh/site-functions/_mlgit share/fish/vendor_completions.d/mlgit.fish; do
      rm -f "${PREFIX:?}/$file"
    done
    if [ -e "$PREFIX/bin/mlgit" ]; then
      rm -f "$PREFIX/bin/mlgit"
      say "removed $PREFIX/bin/mlgit, its manual page and completions (hooks in your repositories stay; run 'mlgit uninstall' in each first to remove them)"
    else
      say "nothing to remove at $PREFIX/bin/mlgit"
    fi
    ;;
esac
