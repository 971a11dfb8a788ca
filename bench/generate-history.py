#!/usr/bin/env python3
"""Writes a `git fast-import` stream of a generated model history, for the benchmarks.

    generate-history.py history COMMITS SPECS OTHERS | git fast-import   (bench/history-bench.sh)
    generate-history.py audit COMMITS SPECS OTHERS | git fast-import     (bench/audit-bench.sh)

Both kinds: SPECS model specs under models/ whose versions and hyperparameters change
over time (now and then a revert to an earlier content), OTHERS source files under src/,
a few CSV files under data/, and a policy in .mlgit/ that changes twice. About a third of
the commits touch a spec; every commit touches a few source files. Seeded: the same
arguments give the same stream, so the benchmarks' repositories and figures hold.

`audit` adds authors, a `logloss` bound in every spec, feature-list changes, one run
note (refs/notes/mlgit/runs) on every commit and approvals (refs/notes/mlgit/reviews)
on about a third of the spec versions.
"""
import hashlib
import random
import sys

kind = sys.argv[1]
commits, specs, others = (int(a) for a in sys.argv[2:5])
audit = kind == "audit"
if kind not in ("history", "audit"):
    sys.exit("generate-history.py: kind is history or audit")
rng = random.Random(7 if audit else 42)
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
            "validation:\n  metrics:\n    auc: {min: 0.7}\n%s") % (
        i, major, minor, patch, i % 17, features, lr, depth, "    logloss: {max: 0.5}\n" if audit else "")


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
authors = [("Alice", "alice@example.com"), ("Bob", "bob@example.com"), ("Carol", "carol@example.com")]
time = 1_600_000_000
mark = [0]
commit_marks = []


def blob(text):
    """An audit's spec contents go in as blobs of their own, so that approvals can name them."""
    mark[0] += 1
    out.write(b"blob\nmark :%d\n" % mark[0])
    data(text)
    raw = text.encode()
    return hashlib.sha1(b"blob %d\0" % len(raw) + raw).hexdigest()


def commit(n, message, files):
    """Returns the (path, blob id) of the specs the commit wrote (audit only)."""
    global time
    time += 60
    spec_blobs = [(path, blob(text)) for path, text in files if path.startswith("models/")] if audit else []
    if audit:
        mark[0] += 1
        commit_marks.append(mark[0])
    out.write(b"commit refs/heads/main\nmark :%d\n" % (mark[0] if audit else n))
    if audit:
        author = authors[0] if n == 1 else authors[n % 3]
        out.write(b"author %s <%s> %d +0000\n" % (author[0].encode(), author[1].encode(), time))
    out.write(b"committer Bench <bench@example.com> %d +0000\n" % time)
    data(message)
    for path, text in files:
        if audit and path.startswith("models/"):
            continue
        out.write(b"M 100644 inline %s\n" % path.encode())
        data(text)
    for path, sha in spec_blobs:
        out.write(b"M 100644 %s %s\n" % (sha.encode(), path.encode()))
    return spec_blobs


files = [("models/team-%d/model-%d.yaml" % (i % 17, i), spec(i, state[i])) for i in range(specs)]
files += [("src/pkg%d/mod%d.py" % (i % 40, i), source(i, 0)) for i in range(others)]
files += [("data/table%d.csv" % i, "id,income,debt_ratio\n1,2,3\n") for i in range(10)]
files += [(".mlgit/config.yml", policies[0])]
commit(1, "initial import", files)
approved = []  # (blob id, path)
for n in range(2, commits + 1):
    changed = []
    if n in (commits // 3, 2 * commits // 3):
        changed.append((".mlgit/config.yml", policies[1 if n == commits // 3 else 2]))
    if rng.random() < 0.35:
        i = rng.randrange(specs)
        s = state[i]
        if history[i] and rng.random() < 0.1:
            text = history[i].pop()  # a revert to earlier content: a blob seen before
        else:
            history[i].append(spec(i, s))
            s[2] += 1
            r = rng.random()
            if r < (0.4 if audit else 0.5):
                s[3] = "%.3f" % rng.uniform(0.01, 0.2)
            elif not audit or r < 0.8:
                s[4] = rng.randrange(2, 12)
            else:
                s[5] = 3 + (s[5] + 1) % 6
            text = spec(i, s)
        changed.append(("models/team-%d/model-%d.yaml" % (i % 17, i), text))
    for _ in range(rng.randrange(1, 4)):
        j = rng.randrange(others)
        source_rev[j] += 1
        changed.append(("src/pkg%d/mod%d.py" % (j % 40, j), source(j, source_rev[j])))
    for path, sha in commit(n, "change %d" % n, changed):
        if rng.random() < 0.33:
            approved.append((sha, path))

if audit:
    # One run on every commit; approvals on a third of the spec versions.
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
    for sha, path in dict(approved).items():
        record = ('{"at":"2026-01-02T00:00:00Z","blob":"%s","decision":"approve","hyperparameters":"00","path":"%s",'
                  '"reviewer":"carol@example.com","schema":"mlgit.review/1"}') % (sha, path)
        out.write(b"M 100644 inline %s/%s\n" % (sha[:2].encode(), sha[2:].encode()))
        data(record + "\n")
    out.write(b"\n")
