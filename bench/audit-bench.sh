#!/usr/bin/env bash
# Times `mlgit audit --format json` against `git log --notes=mlgit/runs --name-only` on
# the same generated repository, in the same run, and prints the medians and their ratio.
#
#   bench/audit-bench.sh [COMMITS] [REPETITIONS]      (defaults: 10000, 7)
#   SPECS=200 OTHER=2000 MLGIT=path/to/mlgit bench/audit-bench.sh
#
# The repository is built once with `git fast-import` (seeded, so every run builds the
# same one) in bench/out/: SPECS model specs under models/ whose versions, features and
# hyperparameters change over time (now and then a revert to an earlier content), OTHER
# source files under src/, a few CSV files under data/, a policy in .mlgit/ that
# changes twice, one training run (refs/notes/mlgit/runs) on every commit, and
# approvals (refs/notes/mlgit/reviews) on a third of the spec versions. About a third of
# the commits touch a spec. Uses the release build unless MLGIT is set.
set -euo pipefail
cd "$(dirname "$0")/.."
commits=${1:-10000}
reps=${2:-7}
specs=${SPECS:-200}
others=${OTHER:-2000}
out=bench/out
repo=$out/audit-$commits-$specs
export GIT_CONFIG_NOSYSTEM=1 HOME="$PWD/$out/home" NO_COLOR=1
mkdir -p "$HOME"
if [ -z "${MLGIT:-}" ]; then
  swift build -c release --product mlgit >&2
  MLGIT="$(swift build -c release --show-bin-path)/mlgit"
fi

if [ ! -d "$repo" ]; then
  rm -rf "$repo.tmp"
  mkdir -p "$repo.tmp"
  git -C "$repo.tmp" init -q -b main
  python3 - "$commits" "$specs" "$others" <<'PY' | git -C "$repo.tmp" fast-import --quiet
import hashlib, random, sys
commits, specs, others = (int(a) for a in sys.argv[1:4])
rng = random.Random(7)
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
            "validation:\n  metrics:\n    auc: {min: 0.7}\n    logloss: {max: 0.5}\n") % (i, major, minor, patch, i % 17, features, lr, depth)

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
mark = [0]
approved = []   # (blob mark, path)

def blob(text):
    mark[0] += 1
    out.write(b"blob\nmark :%d\n" % mark[0])
    data(text)
    raw = text.encode()
    return hashlib.sha1(b"blob %d\0" % len(raw) + raw).hexdigest()

commit_marks = []
def commit(message, files, author):
    global time
    time += 60
    specs_blobs = [(path, blob(text)) for path, text in files if path.startswith("models/")]
    mark[0] += 1
    commit_marks.append(mark[0])
    out.write(b"commit refs/heads/main\nmark :%d\n" % mark[0])
    out.write(b"author %s <%s> %d +0000\n" % (author[0].encode(), author[1].encode(), time))
    out.write(b"committer Bench <bench@example.com> %d +0000\n" % time)
    data(message)
    for path, text in files:
        if path.startswith("models/"):
            continue
        out.write(b"M 100644 inline %s\n" % path.encode())
        data(text)
    for path, m in specs_blobs:
        out.write(b"M 100644 %s %s\n" % (m.encode(), path.encode()))
    return specs_blobs

authors = [("Alice", "alice@example.com"), ("Bob", "bob@example.com"), ("Carol", "carol@example.com")]
files = [("models/team-%d/model-%d.yaml" % (i % 17, i), spec(i, state[i])) for i in range(specs)]
files += [("src/pkg%d/mod%d.py" % (i % 40, i), source(i, 0)) for i in range(others)]
files += [("data/table%d.csv" % i, "id,income,debt_ratio\n1,2,3\n") for i in range(10)]
files += [(".mlgit/config.yml", policies[0])]
commit("initial import", files, authors[0])
last_model = [0]
for n in range(2, commits + 1):
    changed = []
    if n in (commits // 3, 2 * commits // 3):
        changed.append((".mlgit/config.yml", policies[1 if n == commits // 3 else 2]))
    if rng.random() < 0.35:
        i = rng.randrange(specs)
        last_model[0] = i
        s = state[i]
        if history[i] and rng.random() < 0.1:
            text = history[i].pop()
        else:
            history[i].append(spec(i, s))
            s[2] += 1
            r = rng.random()
            if r < 0.4:
                s[3] = "%.3f" % rng.uniform(0.01, 0.2)
            elif r < 0.8:
                s[4] = rng.randrange(2, 12)
            else:
                s[5] = 3 + (s[5] + 1) % 6
            text = spec(i, s)
        changed.append(("models/team-%d/model-%d.yaml" % (i % 17, i), text))
    for _ in range(rng.randrange(1, 4)):
        j = rng.randrange(others)
        source_rev[j] += 1
        changed.append(("src/pkg%d/mod%d.py" % (j % 40, j), source(j, source_rev[j])))
    for path, m in commit("change %d" % n, changed, authors[n % 3]):
        if rng.random() < 0.33:
            approved.append((m, path))

# One run on every commit, of the model changed last; approvals on a third of spec versions.
time += 60
out.write(b"commit refs/notes/mlgit/runs\ncommitter Bench <bench@example.com> %d +0000\n" % time)
data("Notes added by bench\n")
for k, m in enumerate(commit_marks):
    i = (k * 7919) % specs
    record = ('{"command":"python train.py","commit":"","data":{},"dirty":false,"exit":%d,'
              '"finished":"2026-01-01T00:%02d:%02dZ","host":"bench","id":"%012x","metrics":{"auc":0.%04d,"logloss":0.%04d},'
              '"model":"model-%d","params":{"max_depth":6,"seed":42},"schema":"mlgit.run/1",'
              '"started":"2026-01-01T00:%02d:%02dZ","user":"bench@example.com"}') % (
        0 if k % 50 else 1, (k // 60) % 60, k % 60, k, 6000 + k % 3000, 3000 + k % 3000, i, (k // 60) % 60, k % 60)
    out.write(b"N inline :%d\n" % m)
    data(record + "\n")
out.write(b"\n")
out.write(b"commit refs/notes/mlgit/reviews\ncommitter Bench <bench@example.com> %d +0000\n" % time)
data("Notes added by bench\n")
# fast-import attaches notes to commits only: approvals (on blobs) go in as notes-tree files.
for sha, path in dict((sha, path) for sha, path in approved).items():
    record = ('{"at":"2026-01-02T00:00:00Z","blob":"%s","decision":"approve","hyperparameters":"00","path":"%s",'
              '"reviewer":"carol@example.com","schema":"mlgit.review/1"}') % (sha, path)
    out.write(b"M 100644 inline %s/%s\n" % (sha[:2].encode(), sha[2:].encode()))
    data(record + "\n")
out.write(b"\n")
PY
  git -C "$repo.tmp" reset -q --hard main
  git -C "$repo.tmp" gc -q
  mv "$repo.tmp" "$repo"
fi

median() { sort -g | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
timed() { # command... -> "wall_ms cpu_ms" of one run (output discarded); cpu = user + system
  local report
  report=$(mktemp)
  /usr/bin/time -f "%e %U %S" -o "$report" "$@" > /dev/null 2>&1 || true
  tail -1 "$report" | awk '{ printf "%d %d\n", $1 * 1000, ($2 + $3) * 1000 }'
  rm -f "$report"
}

abs_mlgit=$(cd "$(dirname "$MLGIT")" && pwd)/$(basename "$MLGIT")
cd "$repo"
count=$(git rev-list --count HEAD)
notes=$(git notes --ref=mlgit/runs list | wc -l)
reviews=$(git notes --ref=mlgit/reviews list | wc -l)
summary=$("$abs_mlgit" audit --format json | python3 -c 'import json,sys; d=json.load(sys.stdin); print(d["summary"])')
# Warm the page cache, then alternate the two commands.
timed git log --notes=mlgit/runs --name-only >/dev/null
timed "$abs_mlgit" audit --format json >/dev/null
gw=() gc=() mw=() mc=()
for _ in $(seq "$reps"); do
  read -r wall cpu <<<"$(timed git log --notes=mlgit/runs --name-only)"
  gw+=("$wall") gc+=("$cpu")
  read -r wall cpu <<<"$(timed "$abs_mlgit" audit --format json)"
  mw+=("$wall") mc+=("$cpu")
done
gwm=$(printf '%s\n' "${gw[@]}" | median) gcm=$(printf '%s\n' "${gc[@]}" | median)
mwm=$(printf '%s\n' "${mw[@]}" | median) mcm=$(printf '%s\n' "${mc[@]}" | median)
echo "repository: $count commits, $specs specs, $others other files, $notes run notes, $reviews approvals ($repo)"
echo "machine: $(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg), $reps repetitions"
echo "audit summary: $summary"
echo "git log --notes=mlgit/runs --name-only: median wall ${gwm} ms, cpu ${gcm} ms (wall: ${gw[*]})"
echo "mlgit audit --format json:              median wall ${mwm} ms, cpu ${mcm} ms (wall: ${mw[*]})"
awk -v a="$mwm" -v b="$gwm" -v c="$mcm" -v d="$gcm" 'BEGIN { printf "ratio mlgit audit / git log: wall %.2fx, cpu %.2fx (goal: 2x)\n", (b > 0 ? a / b : 0), (d > 0 ? c / d : 0) }'
