#!/usr/bin/env bash
# Times `mlgit check --range ROOT..HEAD` over a generated history against
# `git log --name-only ROOT..HEAD` over the same range, in the same run.
#
#   bench/history-bench.sh [COMMITS] [REPETITIONS]      (defaults: 10000, 5)
#
# The repository is built with `git fast-import` (seeded, so every run builds the same
# one) in bench/out/: SPECS model specs under models/ that change over time (version
# bumps, hyperparameter edits, now and then a revert to an earlier content), OTHER
# source files under src/, a few CSV files under data/, and a policy in .mlgit/ that
# changes twice. About a third of the commits touch a spec; the others touch source
# files. Uses the release build (swift build -c release) unless MLGIT is set.
set -euo pipefail
cd "$(dirname "$0")/.."
commits=${1:-10000}
reps=${2:-5}
specs=${SPECS:-300}
others=${OTHER:-2000}
mlgit=${MLGIT:-.build/release/mlgit}
out=bench/out
repo=$out/history-$commits

if [ ! -x "$mlgit" ]; then
  echo "building release mlgit..." >&2
  swift build -c release >&2
fi

if [ ! -d "$repo" ]; then
  rm -rf "$repo.tmp"
  mkdir -p "$repo.tmp"
  git -C "$repo.tmp" init -q -b main
  python3 - "$commits" "$specs" "$others" <<'PY' | git -C "$repo.tmp" fast-import --quiet
import random, sys
commits, specs, others = (int(a) for a in sys.argv[1:4])
rng = random.Random(42)
out = sys.stdout.buffer

def data(text):
    raw = text.encode()
    out.write(b"data %d\n" % len(raw) + raw + b"\n")

def spec(i, state):
    major, minor, patch, lr, depth, feats = state
    features = "\n".join("  - f%d_%d" % (i, k) for k in range(feats))
    return ("apiVersion: mlgit/v1\nname: model-%d\nversion: %d.%d.%d\nowner: team-%d\n"
            "task: binary-classification\nfeatures:\n%s\nhyperparameters:\n"
            "  learning_rate: %s\n  max_depth: %d\n  seed: 42\n"
            "validation:\n  metrics:\n    auc: {min: 0.7}\n") % (i, major, minor, patch, i % 17, features, lr, depth)

def source(i, rev):
    return "# module %d, revision %d\n" % (i, rev) + "def f():\n    return %d\n" % rev * 20

state = [[1, 0, 0, "0.05", 6, 3 + i % 5] for i in range(specs)]
history = [[] for _ in range(specs)]
source_rev = [0] * others
policies = [
    "apiVersion: mlgit/v1\nextends: [default]\nprotected_branches: [main]\n",
    "apiVersion: mlgit/v1\nextends: [default]\nprotected_branches: [main, release/*]\n",
    "apiVersion: mlgit/v1\nextends: [default]\nprotected_branches: [main, release/*]\nrules:\n  spec/version-bump: error\n",
]
time = 1_600_000_000

def commit(n, message, files):
    global time
    time += 60
    out.write(b"commit refs/heads/main\nmark :%d\n" % n)
    out.write(b"committer Bench <bench@example.com> %d +0000\n" % time)
    data(message)
    for path, text in files:
        out.write(b"M 100644 inline %s\n" % path.encode())
        data(text)

files = [("models/team-%d/model-%d.yaml" % (i % 17, i), spec(i, state[i])) for i in range(specs)]
files += [("src/pkg%d/mod%d.py" % (i % 40, i), source(i, 0)) for i in range(others)]
files += [("data/table%d.csv" % i, "id,income,debt_ratio\n1,2,3\n") for i in range(10)]
files += [(".mlgit/config.yml", policies[0])]
commit(1, "initial import", files)
for n in range(2, commits + 1):
    changed = []
    if n in (commits // 3, 2 * commits // 3):
        changed.append((".mlgit/config.yml", policies[1 if n == commits // 3 else 2]))
    if rng.random() < 0.35:
        i = rng.randrange(specs)
        s = state[i]
        if history[i] and rng.random() < 0.1:
            text = history[i].pop()           # a revert to earlier content: a blob seen before
        else:
            history[i].append(spec(i, s))
            s[2] += 1
            if rng.random() < 0.5:
                s[3] = "%.3f" % rng.uniform(0.01, 0.2)
            else:
                s[4] = rng.randrange(2, 12)
            text = spec(i, s)
        changed.append(("models/team-%d/model-%d.yaml" % (i % 17, i), text))
    for _ in range(rng.randrange(1, 4)):
        j = rng.randrange(others)
        source_rev[j] += 1
        changed.append(("src/pkg%d/mod%d.py" % (j % 40, j), source(j, source_rev[j])))
    commit(n, "change %d" % n, changed)
PY
  git -C "$repo.tmp" reset -q --hard main
  mv "$repo.tmp" "$repo"
fi

root=$(git -C "$repo" rev-list --max-parents=0 HEAD)
count=$(git -C "$repo" rev-list --count "$root..HEAD")

# "wall cpu" seconds of one run of a command in the repository (cpu: user + system,
# which a machine busy with other work disturbs less than the wall clock).
timed() {
  local report
  report=$(mktemp)
  (cd "$repo" && /usr/bin/time -f "%e %U %S" -o "$report" "$@" >/dev/null 2>&1) || true
  tail -1 "$report" | awk '{ printf "%s %.2f\n", $1, $2 + $3 }'
  rm -f "$report"
}

stats() { # values... -> "best median"
  printf '%s\n' "$@" | sort -g | awk '{ v[NR] = $1 } END { m = (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2; printf "%.3f %.3f", v[1], m }'
}

abs_mlgit=$(cd "$(dirname "$mlgit")" && pwd)/$(basename "$mlgit")
git_wall=() git_cpu=() ml_wall=() ml_cpu=()
# One untimed run of each warms the page cache.
timed git log --name-only "$root..HEAD" >/dev/null
timed "$abs_mlgit" check --range "$root..HEAD" >/dev/null
for _ in $(seq "$reps"); do
  read -r wall cpu <<<"$(timed git log --name-only "$root..HEAD")"
  git_wall+=("$wall") git_cpu+=("$cpu")
  read -r wall cpu <<<"$(timed "$abs_mlgit" check --range "$root..HEAD")"
  ml_wall+=("$wall") ml_cpu+=("$cpu")
done
read -r gw_best gw_median <<<"$(stats "${git_wall[@]}")"
read -r gc_best gc_median <<<"$(stats "${git_cpu[@]}")"
read -r mw_best mw_median <<<"$(stats "${ml_wall[@]}")"
read -r mc_best mc_median <<<"$(stats "${ml_cpu[@]}")"
findings=$(cd "$repo" && "$abs_mlgit" check --range "$root..HEAD" 2>&1 | tail -1 || true)

echo "history: $count commits in $root..HEAD, $specs specs, $others other files ($repo)"
echo "machine: $(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg), $reps repetitions"
echo "git log --name-only:  wall best ${gw_best}s median ${gw_median}s; cpu best ${gc_best}s median ${gc_median}s"
echo "mlgit check --range:  wall best ${mw_best}s median ${mw_median}s; cpu best ${mc_best}s median ${mc_median}s"
echo "ratio mlgit / git log: wall (best) $(echo "scale=2; $mw_best / $gw_best" | bc), wall (median) $(echo "scale=2; $mw_median / $gw_median" | bc), cpu (median) $(echo "scale=2; $mc_median / $gc_median" | bc)"
echo "mlgit said: $findings"
