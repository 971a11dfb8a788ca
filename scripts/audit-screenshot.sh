#!/usr/bin/env bash
# Renders `mlgit audit --format html` of the demo repository (scripts/audit-demo.sh) in
# headless Chromium and saves a screenshot, to check that the page reads well.
# Not part of the test suite: it needs Chromium (Debian: apt-get install -y chromium).
#
#   scripts/audit-screenshot.sh [OUT.png]      (default: /tmp/mlgit-audit.png)
#   MLGIT=path/to/mlgit  WIDTH=1280  HEIGHT=1800
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
export MLGIT=${MLGIT:-$root/.build/debug/mlgit}
out=${1:-/tmp/mlgit-audit.png}
browser=$(command -v chromium || command -v chromium-browser || command -v google-chrome || true)
[ -n "$browser" ] || { echo "no Chromium found; apt-get install -y chromium" >&2; exit 2; }
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
repo=$("$root/scripts/audit-demo.sh" "$work/demo")
(cd "$repo" && "$MLGIT" audit --format html --output "$work/audit.html")
# The page must be self-contained: no external src/href, no @import, no url(http…).
if grep -Eq '(src|href)="(https?:)?//|@import|url\((["'"'"']?)https?:' "$work/audit.html"; then
  echo "audit.html refers to external resources" >&2
  exit 1
fi
"$browser" --headless --no-sandbox --disable-gpu --hide-scrollbars --user-data-dir="$work/profile" \
  --screenshot="$out" --window-size="${WIDTH:-1280},${HEIGHT:-1800}" "file://$work/audit.html" 2>/dev/null
cp "$work/audit.html" "${out%.png}.html"
echo "screenshot: $out (page: ${out%.png}.html)"
