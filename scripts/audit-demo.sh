#!/usr/bin/env bash
# Builds a small demo repository with a history worth auditing, in a folder given as
# the first argument (default: a new temporary folder), and prints its path.
#
#   scripts/audit-demo.sh [DIR]           MLGIT=path/to/mlgit (default: .build/debug/mlgit)
#
# Two models over 12 commits: credit-risk (features and hyperparameters changing, an
# approved and an unapproved hyperparameter change, a signed approval, runs with metrics
# above and below the bar) and churn (a --no-verify commit with a protected feature).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
mlgit=${MLGIT:-$root/.build/debug/mlgit}
dir=${1:-$(mktemp -d)/demo}
export GIT_CONFIG_NOSYSTEM=1 HOME=${AUDIT_DEMO_HOME:-$(mktemp -d)} NO_COLOR=1
rm -rf "$dir" && mkdir -p "$dir" && cd "$dir"
git init -q -b main
git config user.name "Alice Author" && git config user.email alice@example.com
"$mlgit" install >/dev/null

day=0
commit() { # message [git commit options]
  day=$((day + 1))
  local when="2026-01-$(printf %02d "$day")T10:00:00Z"
  GIT_AUTHOR_DATE=$when GIT_COMMITTER_DATE=$when git commit -q "$@"
}
as_bob() { GIT_AUTHOR_NAME="Bob Builder" GIT_AUTHOR_EMAIL=bob@example.com "$@"; }
spec() { # name version features(comma) learning_rate max_depth [extra]
  echo "apiVersion: mlgit/v1"
  echo "name: $1"
  echo "version: $2"
  echo "owner: ${OWNER:-risk-team}"
  echo "task: binary-classification"
  echo "features:"
  local IFS=,
  for f in $3; do echo "  - $f"; done
  echo "hyperparameters:"
  echo "  learning_rate: $4"
  echo "  max_depth: $5"
  echo "  seed: 42"
  printf '%s' "${6:-}"
}
run() { # spec-path exit metrics-json
  echo "$3" > /tmp/audit-demo-metrics.json
  "$mlgit" run record --spec "$1" --metrics /tmp/audit-demo-metrics.json --exit "$2" --command "python train.py" >/dev/null
}
bob_approves() { # [mlgit review approve options]: Bob approves HEAD
  GIT_COMMITTER_NAME="Bob Builder" GIT_COMMITTER_EMAIL=bob@example.com GIT_AUTHOR_EMAIL=bob@example.com \
    "$mlgit" review approve HEAD "$@" >/dev/null
}
# Bob's signing key, listed in the root commit's .mlgit/allowed_signers (a later change
# there would itself need approval).
ssh-keygen -q -t ed25519 -N "" -C bob -f "$HOME/bob"
mkdir -p .mlgit
echo "bob@example.com namespaces=\"mlgit-review\" $(cat "$HOME/bob.pub")" > .mlgit/allowed_signers

mkdir -p models data
printf 'income,debt_ratio,defaulted\n1,0.2,0\n' > data/train.csv
sha=$(sha256sum data/train.csv | cut -c1-64)
validation=$'data:\n  train: {path: data/train.csv, sha256: '"$sha"$'}\nvalidation:\n  metrics:\n    auc: {min: 0.78}\n    logloss: {max: 0.45}\n'
spec credit-risk 1.0.0 income,debt_ratio 0.05 6 "$validation" > models/credit.yaml
git add -A && commit -m "credit-risk: first model"
run models/credit.yaml 0 '{"auc": 0.74, "logloss": 0.52}'
run models/credit.yaml 0 '{"auc": 0.79, "logloss": 0.47}'

spec credit-risk 1.1.0 income,debt_ratio,tenure_months 0.05 6 "$validation" > models/credit.yaml
git add -A && commit -m "credit-risk: add tenure"
run models/credit.yaml 0 '{"auc": 0.81, "logloss": 0.44}'

spec credit-risk 1.2.0 income,debt_ratio,tenure_months 0.1 8 "$validation" > models/credit.yaml
git add -A && commit -m "credit-risk: faster learning, deeper trees"
bob_approves --sign --key "$HOME/bob" -m "validation curves look fine"
run models/credit.yaml 0 '{"auc": 0.83, "logloss": 0.41}'
run models/credit.yaml 1 '{"auc": 0.0}'

OWNER=growth-team spec churn 0.1.0 tenure_months,plan,support_tickets 0.2 4 $'validation:\n  metrics:\n    auc: {min: 0.7}\n' > models/churn.yaml
git add -A && as_bob commit -m "churn: first model"
run models/churn.yaml 0 '{"auc": 0.71}'

printf 'income,debt_ratio,defaulted\n1,0.2,0\n2,0.4,1\n' > data/train.csv
sha=$(sha256sum data/train.csv | cut -c1-64)
validation=$'data:\n  train: {path: data/train.csv, sha256: '"$sha"$'}\nvalidation:\n  metrics:\n    auc: {min: 0.8}\n    logloss: {max: 0.45}\n'
spec credit-risk 1.3.0 income,debt_ratio,tenure_months 0.1 8 "$validation" > models/credit.yaml
git add -A && commit -m "credit-risk: more training data, stricter bar"
run models/credit.yaml 0 '{"auc": 0.84, "logloss": 0.40}'

OWNER=growth-team spec churn 0.2.0 tenure_months,plan,support_tickets,customer_age 0.2 4 $'validation:\n  metrics:\n    auc: {min: 0.7}\n' > models/churn.yaml
git add -A && as_bob commit --no-verify -m "churn: add customer age (hooks skipped)"
run models/churn.yaml 0 '{"auc": 0.76}'

spec credit-risk 1.4.0 income,debt_ratio,tenure_months 0.2 12 "$validation" > models/credit.yaml
git add -A && as_bob commit -m "credit-risk: try a much higher learning rate"
run models/credit.yaml 0 '{"auc": 0.77, "logloss": 0.49}'

OWNER=growth-team spec churn 0.2.1 tenure_months,plan,support_tickets 0.2 4 $'validation:\n  metrics:\n    auc: {min: 0.7}\n' > models/churn.yaml
git add -A && as_bob commit -m "churn: drop customer age again"
run models/churn.yaml 0 '{"auc": 0.74}'

spec credit-risk 1.4.1 income,debt_ratio,tenure_months 0.1 8 "$validation" > models/credit.yaml
git add -A && commit -m "credit-risk: back to 0.1"
bob_approves
run models/credit.yaml 0 '{"auc": 0.85, "logloss": 0.39}'
echo "$dir"
