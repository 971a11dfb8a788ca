#!/usr/bin/env bash
# Writes bench/hot-functions.txt: the functions of mlgit's binary that a pre-commit hook
# runs (one changed spec in a 1,000-file repository, as the hook runs after its first run
# and with nothing kept), as callgrind's profiles list them.
# install.sh gives the list to the linker (--symbol-ordering-file), which lays these
# functions out first and together, so the hook faults in fewer pages of code: 40 fewer
# page faults, 4.5% of the hook's time (docs/performance.md, "Ninth round"). The linker
# skips names that no longer exist, so a list made before a change only loses part of
# the gain; run this again after large ones.
#   bench/hot-functions.sh                      profiles the binary install.sh installs
#   MLGIT=.build/release/mlgit bench/hot-functions.sh
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
source "$here/lib.sh"
mlgit=$(bench_mlgit)
command -v valgrind >/dev/null 2>&1 || { echo "hot-functions.sh: needs valgrind" >&2; exit 1; }
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
python3 - "$counted" "${profiles[@]}" >"$here/hot-functions.txt" <<'PY'
import re, sys
binary, profiles = sys.argv[1], sys.argv[2:]
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
print("\n".join(order))
PY
echo "bench/hot-functions.txt: $(wc -l <"$here/hot-functions.txt") functions"
