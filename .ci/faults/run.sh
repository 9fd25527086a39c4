#!/usr/bin/env bash
# Fault-injection and load checks against a built server binary: SIGTERM and SIGKILL under load (SQLite),
# a PostgreSQL crash and restart, pool exhaustion, and a 60 s mixed load. Needs python3 (stdlib only),
# psql, PostgreSQL server binaries under /usr/lib/postgresql/*/bin, and a PostgreSQL on 127.0.0.1:5432
# (trust auth, user postgres). CPIMS_BIN picks the binary (default target/debug/cpims, repo-relative).
set -uo pipefail
cd "$(dirname "$0")/../.."
CPIMS_BIN="$(realpath -m "${CPIMS_BIN:-target/debug/cpims}")"
export CPIMS_BIN PYTHONDONTWRITEBYTECODE=1
[ -x "$CPIMS_BIN" ] || { echo "faults: no server binary at $CPIMS_BIN (build it or set CPIMS_BIN)" >&2; exit 1; }

failed=()
summary=()
started=$SECONDS
for script in sigterm sigkill_sqlite pg_stop pool_exhaust load; do
  echo "== faults: $script"
  t0=$SECONDS
  timeout -k 10 180 python3 ".ci/faults/$script.py"
  rc=$?
  if [ $rc -eq 0 ]; then result=PASS; else result="FAIL (exit $rc)"; failed+=("$script"); fi
  summary+=("$(printf '%-15s %-14s %4d s' "$script" "$result" $((SECONDS - t0)))")
done

echo "== faults summary ($((SECONDS - started)) s)"
printf '%s\n' "${summary[@]}"
if [ ${#failed[@]} -gt 0 ]; then
  echo "faults: failed: ${failed[*]}" >&2
  exit 1
fi
echo "faults: all passed"
