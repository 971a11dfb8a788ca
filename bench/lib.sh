# Shared helpers for mlgit's benchmark scripts (sourced, not run).
# Timing: each command runs $BENCH_RUNS times, interleaved with its git baseline so
# both see the same machine state; the median wall time is reported.

BENCH_RUNS=${BENCH_RUNS:-15}
BENCH_ROOT=${BENCH_ROOT:-${TMPDIR:-/tmp}/mlgit-bench}

# The mlgit binary to measure: $MLGIT, else the binary ./install.sh installs: this
# checkout built as it builds it (release, static Swift standard library, libgit2 linked
# statically by Package.swift, libstdc++ linked in, relocations packed and a hook's
# functions and variables laid out first by install.sh's own functions) and stripped as it
# installs it.
bench_mlgit() {
  if [ -n "${MLGIT:-}" ]; then echo "$MLGIT"; return; fi
  local root; root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
  local link=()
  # shellcheck disable=SC1090
  source <(sed -n '/^static_libstdcxx_flags()/,/^}/p; /^packed_relocation_flags()/,/^}/p; /^metadata_accessor_flags()/,/^}/p; /^hot_symbol_flags()/,/^}/p' "$root/install.sh")
  (cd "$root" && static_libstdcxx_flags link && packed_relocation_flags link && metadata_accessor_flags link \
    && hot_symbol_flags link \
    && swift build -c release --static-swift-stdlib --disable-local-rpath "${link[@]}" --product mlgit >&2 \
    && mkdir -p "$BENCH_ROOT" \
    && strip -o "$BENCH_ROOT/mlgit-installed" \
      "$(swift build -c release --static-swift-stdlib --disable-local-rpath "${link[@]}" --show-bin-path)/mlgit")
  echo "$BENCH_ROOT/mlgit-installed"
}

# An isolated git environment: no user or system config.
bench_isolate() {
  export HOME="$BENCH_ROOT/home"
  mkdir -p "$HOME"
  export GIT_CONFIG_NOSYSTEM=1
  export GIT_AUTHOR_NAME=Bench GIT_AUTHOR_EMAIL=bench@example.com
  export GIT_COMMITTER_NAME=Bench GIT_COMMITTER_EMAIL=bench@example.com
  export NO_COLOR=1
}

# ONE_CORE=1: every timed command, mlgit's and its git counterpart alike, runs pinned to
# one CPU (`taskset -c ${BENCH_CPU:-0}`), as on a one-core machine. mlgit then finds one
# usable CPU (its affinity mask) and does its reading and judging on one thread.
bench_pin=()
if [ "${ONE_CORE:-0}" = 1 ]; then bench_pin=(taskset -c "${BENCH_CPU:-0}"); fi
bench_mode() { if [ ${#bench_pin[@]} -gt 0 ]; then echo "one core (${bench_pin[*]})"; else echo "all cores"; fi; }

# wall_cpu_us CMD... : runs CMD once (pinned under ONE_CORE=1; output discarded, exit
# status ignored) and prints "WALL CPU" in microseconds: the wall time, and the CPU time
# (user + system, getrusage of the child) it spent. On one core the wall time is the CPU
# time plus the waits (the page cache, other processes on that core); the CPU time is the
# figure a busy machine disturbs least.
wall_cpu_us() {
  python3 -c '
import resource, subprocess, sys, time
before = resource.getrusage(resource.RUSAGE_CHILDREN)
start = time.perf_counter()
subprocess.run(sys.argv[1:], stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
wall = time.perf_counter() - start
after = resource.getrusage(resource.RUSAGE_CHILDREN)
cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
print("%d %d" % (wall * 1e6, cpu * 1e6))' "${bench_pin[@]}" "$@"
}

# time_once_ms CMD... : runs CMD once and prints its wall time in microseconds (output
# discarded), timed from its start to its exit by wall_cpu_us: no shell or `date`
# process inside the interval.
time_once_ms() {
  wall_cpu_us "$@" | awk '{print $1}'
}

# median of microsecond values given as arguments, printed in ms with 1 decimal.
median_ms() {
  printf '%s\n' "$@" | sort -n | awk '{a[NR]=$1} END {m=a[int((NR+1)/2)]; printf "%.1f", m/1000}'
}

# compare LABEL -- MLGIT_CMD... -- GIT_CMD... : interleaved runs, prints a table row.
# One Python process spawns every run (posix_spawn, then wait) and times each from its
# spawn to its exit, so the interval holds the command alone: timing each run with two
# `date` processes around a shell's fork added about a millisecond to both sides, a
# third of git's own time here, and understated the ratio. Under ONE_CORE=1 the timing
# process is pinned and its children inherit the CPU.
compare() {
  local label=$1; shift; shift
  local ours=()
  while [ "$1" != "--" ]; do ours+=("$1"); shift; done
  shift
  python3 - "$label" "$BENCH_RUNS" "${#bench_pin[@]}" "${BENCH_CPU:-0}" "${#ours[@]}" "${ours[@]}" "$@" <<'PY'
import os, statistics, sys, time
label, runs, pinned, cpu, count = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]) > 0, int(sys.argv[4]), int(sys.argv[5])
ours, theirs = sys.argv[6:6 + count], sys.argv[6 + count:]
if pinned:
    os.sched_setaffinity(0, {cpu})
null = os.open(os.devnull, os.O_RDWR)
quiet = [(os.POSIX_SPAWN_DUP2, null, 0), (os.POSIX_SPAWN_DUP2, null, 1), (os.POSIX_SPAWN_DUP2, null, 2)]

def run(command):
    begin = time.perf_counter_ns()
    pid = os.posix_spawnp(command[0], command, os.environ, file_actions=quiet)
    os.waitpid(pid, 0)
    return (time.perf_counter_ns() - begin) / 1e6

run(ours)  # warm the page cache for both
run(theirs)
a, b = [], []
for _ in range(runs):
    a.append(run(ours))
    b.append(run(theirs))
ma, mb = statistics.median(a), statistics.median(b)
print("| %s | %.2f ms | %.2f ms | %.2fx |" % (label, ma, mb, ma / mb if mb > 0 else 0))
PY
}

# instructions CMD... : instructions the command executes, counted by callgrind
# (repeatable whatever else the machine is doing). Needs valgrind; prints "-" without it.
instructions() {
  command -v valgrind >/dev/null 2>&1 || { echo "-"; return; }
  # Pinned under ONE_CORE=1 too, so that mlgit counts the one-thread path it takes there.
  "${bench_pin[@]}" valgrind --tool=callgrind --callgrind-out-file=/dev/null "$@" 2>&1 >/dev/null |
    awk '/refs:/ {gsub(",", "", $NF); print $NF}' | tail -1
}

# A copy of a binary without DWARF 5 debug info, which valgrind 3.19 cannot read.
# Named after the binary's full path, so that two binaries both called mlgit (a before
# and an after) get a copy each.
valgrind_copy() {
  local out="$BENCH_ROOT/$(basename "$1")-$(printf '%s' "$1" | cksum | cut -d' ' -f1)-nodebug"
  strip --strip-debug -o "$out" "$1" && echo "$out"
}

# compare_instructions LABEL -- MLGIT_CMD... -- GIT_CMD... : a table row of instruction counts.
compare_instructions() {
  local label=$1; shift; shift
  local ours=()
  while [ "$1" != "--" ]; do ours+=("$1"); shift; done
  shift
  local a b
  a=$(instructions "${ours[@]}")
  b=$(instructions "$@")
  printf '| %s | %s | %s | %sx |\n' "$label" "$a" "$b" "$(awk -v a="$a" -v b="$b" 'BEGIN {printf "%.2f", (b > 0 ? a / b : 0)}')"
}

# loader_instructions CMD... : of the instructions CMD executes, those the dynamic loader
# runs before main (callgrind, inclusive cost of _dl_start). Prints "-" without valgrind.
loader_instructions() {
  command -v callgrind_annotate >/dev/null 2>&1 || { echo "-"; return; }
  local out="$BENCH_ROOT/loader.callgrind"
  valgrind --tool=callgrind --callgrind-out-file="$out" "$@" >/dev/null 2>&1 || true
  callgrind_annotate --inclusive=yes "$out" 2>/dev/null | awk '/rtld.c:_dl_start / {gsub(",", "", $1); print $1; exit}'
  rm -f "$out"
}

# loader_row LABEL BINARY : a table row of what the dynamic loader does for `BINARY --version`:
# shared libraries (ldd), symbol and relative relocations (LD_DEBUG=statistics), instructions.
loader_row() {
  local label=$1 bin=$2 stats libs
  libs=$(ldd "$bin" | grep -c '=>')
  stats=$(LD_DEBUG=statistics "$bin" --version 2>&1 >/dev/null)
  printf '| %s | %s | %s | %s | %s |\n' "$label" "$libs" \
    "$(echo "$stats" | awk '/ number of relocations:/ {print $NF; exit}')" \
    "$(echo "$stats" | awk '/number of relative relocations:/ {print $NF; exit}')" \
    "$(loader_instructions "$(valgrind_copy "$bin")" --version)"
}
