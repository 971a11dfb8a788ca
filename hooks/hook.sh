#!/bin/sh
# mlgit @HOOK@ hook, written by `mlgit install`; `mlgit uninstall` removes it and
# restores any hook that was here before (kept as @HOOK@.mlgit-chained, run first).
MLGIT='@MLGIT@'
hook_dir=$(dirname "$0")
chained="$hook_dir/@HOOK@.mlgit-chained"

input=""
case "@HOOK@" in
  pre-push|pre-receive)
    # Both the chained hook and mlgit read git's ref lines on stdin.
    input=$(mktemp "${TMPDIR:-/tmp}/mlgit-@HOOK@.XXXXXX") || exit 1
    trap 'rm -f "$input"' EXIT
    cat > "$input"
    ;;
esac

if [ -x "$chained" ]; then
  if [ -n "$input" ]; then "$chained" "$@" < "$input"; else "$chained" "$@"; fi
  status=$?
  [ "$status" -eq 0 ] || exit "$status"
fi

if [ ! -x "$MLGIT" ]; then
  echo "mlgit: $MLGIT is missing, so the @HOOK@ policy check cannot run." >&2
  echo "mlgit: reinstall it (./install.sh), then run 'mlgit install --force' here;" >&2
  echo "mlgit: or remove the hooks with 'git config --unset core.hooksPath' / deleting $0." >&2
  exit 1
fi

# git does not tell pre-commit whether it amends; mlgit reads git's arguments from its pid.
MLGIT_GIT_PID=$PPID
export MLGIT_GIT_PID

if [ -n "$input" ]; then
  "$MLGIT" hook @HOOK@ "$@" < "$input"
else
  "$MLGIT" hook @HOOK@ "$@"
fi
