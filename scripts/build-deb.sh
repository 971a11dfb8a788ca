#!/usr/bin/env bash
# Builds mlgit's Debian package from a staged tree (what ./install.sh --deb puts under
# STAGE/usr: the binary, its manual page and completions):
#   scripts/build-deb.sh STAGE OUTPUT_DIR
# and prints the package's path. Depends lists the packages that provide the libraries
# the binary links (libc6, …; libgit2, libyaml and zlib are linked in statically on Linux), as
# dpkg-shlibdeps computes them when dpkg-dev is installed, else the owners of the libraries ldd resolves,
# plus libsqlite3-0, which mlgit loads when it imports from MLflow (dlopen: not in NEEDED), and git, which mlgit runs.
# Maintainer comes from DEBFULLNAME and DEBEMAIL when set.
set -euo pipefail

[ $# -eq 2 ] || { echo "usage: scripts/build-deb.sh STAGE OUTPUT_DIR" >&2; exit 2; }
stage=$1
output=$2
bin="$stage/usr/bin/mlgit"
[ -x "$bin" ] || { echo "build-deb.sh: no mlgit at $bin" >&2; exit 2; }

version=$("$bin" --version)
arch=$(dpkg --print-architecture)

# The packages that installed the libraries ldd resolves, asked of dpkg in one call (each
# call reads its whole database). ldd prints the path it loaded (/lib/…); on a merged-/usr
# system dpkg may know the file as /usr/lib/… or by the name a link points to.
libraries=$(ldd "$bin" | awk '$2 == "=>" && $3 ~ /^\// { print $3 }')
candidates=()
for library in $libraries; do
  candidates+=("$library" "/usr$library" "$(readlink -f "$library")")
done
owned=$(dpkg-query -S "${candidates[@]}" 2>/dev/null || true)
unpackaged=()
owners=()
for library in $libraries; do
  package=""
  for candidate in "$library" "/usr$library" "$(readlink -f "$library")"; do
    package=$(printf '%s\n' "$owned" | awk -v path="$candidate" '{ file = $NF; sub(/:$/, "", $1) } file == path { split($1, names, ","); print names[1]; exit }')
    [ -z "$package" ] || break
  done
  if [ -n "$package" ]; then owners+=("$package"); else unpackaged+=("$library"); fi
done
if [ ${#unpackaged[@]} -gt 0 ]; then
  # A debug build links the Swift runtime from the toolchain: such a package runs only
  # where the same toolchain is installed. Said loudly, not refused: tests package the
  # debug build to check the package's layout.
  echo "build-deb.sh: warning: $bin links libraries no Debian package provides: ${unpackaged[*]##*/}" >&2
  echo "build-deb.sh: warning: the package runs only where they are installed; ./install.sh --deb without --binary builds mlgit with the Swift runtime linked in" >&2
fi

depends=""
if command -v dpkg-shlibdeps >/dev/null 2>&1; then
  # dpkg-shlibdeps reads the binary's own NEEDED entries and the libraries' symbols files,
  # so each dependency carries the lowest version that provides what mlgit uses.
  work=$(mktemp -d)
  trap 'rm -rf "$work"' EXIT
  mkdir -p "$work/debian"
  printf 'Source: mlgit\n\nPackage: mlgit\nArchitecture: any\n' > "$work/debian/control"
  ignore=()
  [ ${#unpackaged[@]} -gt 0 ] && ignore=(--ignore-missing-info)
  depends=$(cd "$work" && dpkg-shlibdeps -O "${ignore[@]}" -e"$(cd "$(dirname "$bin")" && pwd)/mlgit" 2>/dev/null \
    | sed -n 's/^shlibs:Depends=//p')
fi
if [ -z "$depends" ]; then
  depends=$(printf '%s\n' "${owners[@]}" | sed 's/:.*//' | sort -u | paste -sd, - | sed 's/,/, /g')
fi
[ -n "$depends" ] || { echo "build-deb.sh: found no library packages for $bin" >&2; exit 3; }

# The package's root is /: a staging folder from mktemp is 0700.
chmod 0755 "$stage"
mkdir -p "$stage/DEBIAN"
installed_size=$(du -sk --exclude=DEBIAN "$stage" | cut -f1)
cat > "$stage/DEBIAN/control" <<EOF
Package: mlgit
Version: $version
Architecture: $arch
Maintainer: ${DEBFULLNAME:-mlgit packager} <${DEBEMAIL:-root@localhost}>
Installed-Size: $installed_size
Depends: $depends, libsqlite3-0, git
Suggests: openssh-client
Section: vcs
Priority: optional
Description: ML policy checks for git: specs, protected attributes, reviews, runs
 mlgit installs git hooks (pre-commit, pre-push, and pre-receive on a server)
 that refuse malformed model specs, models that use protected attributes as
 features, and hyperparameter changes without a reviewer's approval. It records
 training runs against commits in git notes and audits every model's history.
 .
 This package carries the mlgit binary, its manual page and bash, zsh and fish
 completions.
EOF
mkdir -p "$output"
package="$output/mlgit_${version}_${arch}.deb"
dpkg-deb --root-owner-group --build "$stage" "$package" >/dev/null
echo "$package"
