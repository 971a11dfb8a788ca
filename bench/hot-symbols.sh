#!/usr/bin/env bash
# Writes bench/hot-symbols.txt: the functions of mlgit's binary that a pre-commit hook runs
# (one changed spec in a 1,000-file repository, as the hook runs after its first run and
# with nothing kept), as callgrind's profiles list them, then the `.bss` variables it reads
# or writes (lackey's trace of every access). install.sh gives the list to the linker
# (--symbol-ordering-file), which lays these out first and together, so the hook faults
# in fewer pages: about 80 fewer page faults, 7% of the hook's time at 1,000 files, where
# each fault costs about 2 µs on a virtual machine (docs/performance.md, "Ninth round").
# The linker skips names that no longer exist, so a list made before a change only loses
# part of the gain; run this again after large ones (and remove .build/release/mlgit:
# the build does not relink for a new list alone).
#   bench/hot-symbols.sh                      profiles the binary install.sh installs
#   MLGIT=.build/release/mlgit bench/hot-symbols.sh
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
source "$here/lib.sh"
mlgit=$(bench_mlgit)
command -v valgrind >/dev/null 2>&1 || { echo "hot-symbols.sh: needs valgrind" >&2; exit 1; }
# The repositories precommit-bench.sh makes (one run of each figure).
SIZES=1000 BENCH_RUNS=1 MLGIT="$mlgit" "$here/precommit-bench.sh" >/dev/null
counted=$(valgrind_copy "$mlgit")
profiles=()
for dir in precommit-1000 precommit-1000-nothing-kept; do
  out="$BENCH_ROOT/$dir.callgrind"
  (cd "$BENCH_ROOT/$dir" &&
    valgrind --tool=callgrind --demangle=no --callgrind-out-file="$out" "$counted" hook pre-commit >/dev/null 2>&1)
  profiles+=("$out")
done
# Valgrind maps a position-independent executable at 0x108000.
trace="$BENCH_ROOT/precommit-1000.lackey"
(cd "$BENCH_ROOT/precommit-1000" &&
  valgrind --tool=lackey --trace-mem=yes --log-file="$trace" "$counted" hook pre-commit >/dev/null 2>&1)
python3 - "$counted" "$trace" "${profiles[@]}" >"$here/hot-symbols.txt" <<'PY'
import bisect, re, subprocess, sys
binary, trace, profiles = sys.argv[1], sys.argv[2], sys.argv[3:]
seen, order = set(), []
for profile in profiles:
    objects, names, current = {}, {}, None
    for line in open(profile):
        line = line.rstrip("\n")
        # Callgrind names each object and function once, "(id) name", then "(id)" alone.
        m = re.match(r"^(c?ob)=\((\d+)\)(?: (.*))?$", line)
        if m:
            if m.group(3):
                objects[m.group(2)] = m.group(3)
            if m.group(1) == "ob":
                current = objects.get(m.group(2))
            continue
        m = re.match(r"^(c?fn)=\((\d+)\)(?: (.*))?$", line)
        if not m:
            continue
        if m.group(3):
            names[m.group(2)] = re.sub(r"'\d+$", "", m.group(3))  # recursion marks
        name = names[m.group(2)]
        if m.group(1) == "fn" and current == binary and not name.startswith("0x") and name not in seen:
            seen.add(name)
            order.append(name)
# The .bss variables the trace touches, in the order of their addresses.
bss = None
for line in subprocess.check_output(["readelf", "-SW", binary], text=True).splitlines():
    m = re.match(r"\s*\[\s*\d+\]\s+\.bss\s+\S+\s+([0-9a-f]+)\s+[0-9a-f]+\s+([0-9a-f]+)", line)
    if m:
        bss = (int(m.group(1), 16), int(m.group(2), 16))
symbols = []
for line in subprocess.check_output(["nm", "-S", "--defined-only", binary], text=True).splitlines():
    fields = line.split()
    if len(fields) == 4 and fields[2] in "bB":
        symbols.append((int(fields[0], 16), int(fields[1], 16), fields[3]))
symbols.sort()
starts = [s[0] for s in symbols]
touched, hits = set(), 0
for line in open(trace):
    if len(line) < 4 or line[0] != " " or line[1] not in "LSM":
        continue
    address = int(line[3:].split(",")[0], 16) - 0x108000
    if bss and bss[0] <= address < bss[0] + bss[1]:
        hits += 1
        i = bisect.bisect_right(starts, address) - 1
        if i >= 0 and address < symbols[i][0] + max(symbols[i][1], 1):
            touched.add(i)
if hits < 1000:
    sys.exit("hot-symbols.sh: the trace reads no .bss (valgrind no longer maps the binary at 0x108000?)")
print("\n".join(order + [symbols[i][2] for i in sorted(touched)]))
PY
echo "bench/hot-symbols.txt: $(wc -l <"$here/hot-symbols.txt") symbols"
