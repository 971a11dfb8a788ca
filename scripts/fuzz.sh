#!/usr/bin/env bash
# Builds mlgit's fuzz targets with libFuzzer and runs them for a bounded time.
#
#   scripts/fuzz.sh TARGET [SECONDS]    one target (default 60 s)
#   scripts/fuzz.sh all [SECONDS]       every target, SECONDS each
#   scripts/fuzz.sh build               build only
#   FUZZ_FLAGS="-detect_leaks=0" scripts/fuzz.sh spec 300   extra libFuzzer flags
#
# Targets: spec, config, metrics, runline, csvheader, csvschema, index (fuzz/targets/). Each starts
# from its seed corpus in fuzz/corpus/TARGET/ (kept in the repository) and writes what it
# finds to .build/fuzz/corpus/TARGET/ (not kept); a crashing input is written to
# .build/fuzz/crashes/ and the script exits 1 with its path.
#
# The targets are built here with swiftc and clang directly (-sanitize=fuzzer with
# AddressSanitizer), from the package's sources and the system's libyaml (libyaml-dev, as
# the package links it), so they stay out of the package graph: `swift build` and
# `swift test` never see them.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
targets=(spec config metrics runline csvheader csvschema index)
what=${1:-}
seconds=${2:-60}
[[ -n $what ]] || { sed -n '2,17p' "$0" | sed 's/^# \{0,1\}//'; exit 2; }
[[ $seconds =~ ^[0-9]+$ ]] || { echo "fuzz.sh: SECONDS must be a whole number, got '$seconds'" >&2; exit 2; }

out=$root/.build/fuzz
pkg-config --exists yaml-0.1 || { echo "fuzz.sh: libyaml not found (pkg-config yaml-0.1); install libyaml-dev" >&2; exit 2; }
swiftc=${SWIFTC:-swiftc}
clang=${CLANG:-$(dirname "$(command -v "$swiftc")")/clang}
[[ -x $clang ]] || clang=clang

# Rebuilds a product when any of its inputs is newer than it.
stale() { # PRODUCT INPUT...
  local product=$1
  shift
  [[ ! -e $product ]] && return 0
  [[ -n $(find "$@" -newer "$product" -print -quit 2>/dev/null) ]]
}

# Runs a compile or link, dropping gold's warnings about AddressSanitizer's local symbols
# (one per symbol, thousands, harmless) and keeping everything else and the status.
quietly() {
  local status=0
  "$@" 2> >(grep -v "Cannot export local symbol '__asan" >&2) || status=$?
  wait
  return $status
}

build() {
  mkdir -p "$out/obj"
  local sanitize=(-sanitize=fuzzer,address)
  # As SwiftPM builds them: MLSpec imports libyaml through the CLibYAML module map, linked
  # here as the system's shared libyaml (not instrumented: the fuzzing is of mlgit's own code).
  # MLSpec hashes with OpenSSL's SHA-256 through CSHA256 (compiled here, not instrumented
  # either, and linked with libcrypto's archive as Package.swift links it).
  if stale "$out/obj/sha256.o" Sources/CSHA256; then
    "$clang" -O2 -c -I Sources/CSHA256/include Sources/CSHA256/sha256.c -o "$out/obj/sha256.o"
  fi
  local crypto_objects="$out/obj/sha256.o -Xlinker -l:libcrypto.a"
  # MLPolicy matches team rules' patterns with PCRE2 through CMLGitSupport's team_pattern.c
  # (compiled here, not instrumented, and linked with PCRE2's archive as Package.swift links
  # it); the module map SwiftPM makes for the C target is written here.
  if stale "$out/obj/team_pattern.o" Sources/CMLGitSupport/team_pattern.c Sources/CMLGitSupport/include; then
    "$clang" -O2 -c -I Sources/CMLGitSupport/include Sources/CMLGitSupport/team_pattern.c -o "$out/obj/team_pattern.o"
  fi
  mkdir -p "$out/obj/CMLGitSupport"
  printf 'module CMLGitSupport {\n  header "%s"\n  export *\n}\n' "$root/Sources/CMLGitSupport/include/mlgit_support.h" \
    >"$out/obj/CMLGitSupport/module.modulemap"
  local pattern_objects="$out/obj/team_pattern.o -Xlinker -l:libpcre2-8.a"
  local swiftflags=(-swift-version 5 -package-name mlgit -O -g -parse-as-library -enable-testing "${sanitize[@]}"
    -I "$out/obj" -I Sources/CLibYAML $(pkg-config --cflags-only-I yaml-0.1 | sed 's/-I/-Xcc -I/g')
    -I Sources/CSHA256/include -I "$out/obj/CMLGitSupport")
  # module NAME SOURCES...: one object and one .swiftmodule per module, in dependency order.
  module() {
    local name=$1
    shift
    if stale "$out/obj/$name.o" "$@" "$0"; then
      echo "fuzz.sh: building $name" >&2
      "$swiftc" "${swiftflags[@]}" -module-name "$name" -wmo -emit-module -emit-module-path "$out/obj/$name.swiftmodule" \
        -c "$@" -o "$out/obj/$name.o"
      touch "$out/obj/$name.o"
    fi
  }
  module MLGitErrors Sources/MLGitErrors/*.swift
  module MLSpec Sources/MLSpec/*.swift
  module MLPolicy $(find Sources/MLPolicy -name '*.swift' | sort)
  for target in spec config metrics runline csvheader csvschema; do
    if stale "$out/fuzz-$target" "fuzz/targets/$target.swift" "$out/obj/MLPolicy.o" "$out/obj/MLSpec.o"; then
      echo "fuzz.sh: building fuzz-$target" >&2
      quietly "$swiftc" "${swiftflags[@]}" "fuzz/targets/$target.swift" "$out/obj/MLPolicy.o" "$out/obj/MLSpec.o" \
        "$out/obj/MLGitErrors.o" $crypto_objects $pattern_objects $(pkg-config --libs yaml-0.1) -lstdc++ \
        -o "$out/fuzz-$target"
    fi
  done
  if stale "$out/fuzz-index" fuzz/targets/index.c Sources/CMLGitSupport; then
    echo "fuzz.sh: building fuzz-index" >&2
    quietly "$clang" -O1 -g -fsanitize=fuzzer,address -I Sources/CMLGitSupport/include fuzz/targets/index.c \
      Sources/CMLGitSupport/index_scan.c -o "$out/fuzz-index"
  fi
}

run() { # TARGET SECONDS
  local target=$1 limit=$2
  local corpus=$out/corpus/$target crashes=$out/crashes
  mkdir -p "$corpus" "$crashes"
  echo "fuzz.sh: $target for ${limit} s" >&2
  # -max_len: specs and configs are read up to 1 MiB, but small inputs find the bugs.
  # -rss_limit_mb / -timeout: a run that grows or stalls is a finding too.
  # FUZZ_FLAGS adds libFuzzer flags for runs by hand (-detect_leaks=0, -jobs=2, …).
  # shellcheck disable=SC2086
  if ! "$out/fuzz-$target" -max_total_time="$limit" -max_len=8192 -timeout=10 -rss_limit_mb=2048 ${FUZZ_FLAGS:-} \
      -artifact_prefix="$crashes/$target-" -print_final_stats=1 "$corpus" "fuzz/corpus/$target" \
      > "$out/$target.log" 2>&1; then
    tail -40 "$out/$target.log" >&2
    echo "fuzz.sh: $target found a failure; the input is in $crashes/ (log: $out/$target.log)" >&2
    return 1
  fi
  grep -E '^stat::number_of_executed_units|^#[0-9]+.*DONE' "$out/$target.log" | tail -2 >&2 || true
}

case $what in
  build) build ;;
  all)
    build
    status=0
    for target in "${targets[@]}"; do run "$target" "$seconds" || status=1; done
    exit $status
    ;;
  *)
    [[ " ${targets[*]} " == *" $what "* ]] || { echo "fuzz.sh: unknown target '$what' (${targets[*]}, all, build)" >&2; exit 2; }
    build
    run "$what" "$seconds"
    ;;
esac
