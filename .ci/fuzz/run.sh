#!/usr/bin/env bash
# Contract fuzzing: schemathesis (pinned, in target/fuzz-venv) against a built server on a fresh SQLite
# database, with every check, in two runs: as an admin (everything the contract promises), then as a
# case worker of one bureau with a case worker of another as its peer (object-level authorization).
# Each run is bounded in time; the whole step takes about 7 minutes. Exits non-zero on any failure.
# Needs python3 with venv and PyPI. CPIMS_BIN picks the binary (default target/debug/cpims);
# CPIMS_FUZZ_SEED fixes the generator's seed; CPIMS_FUZZ_KEEP keeps the temporary directory (logs).
# Traffic goes to 127.0.0.1 only.
set -euo pipefail
cd "$(dirname "$0")/../.."

SCHEMATHESIS_VERSION=4.32.5
ADMIN_SECONDS=${CPIMS_FUZZ_ADMIN_SECONDS:-240}
PEER_SECONDS=${CPIMS_FUZZ_PEER_SECONDS:-120}
MAX_EXAMPLES=${CPIMS_FUZZ_MAX_EXAMPLES:-30}
CPIMS_BIN="$(realpath -m "${CPIMS_BIN:-target/debug/cpims}")"
VENV=target/fuzz-venv
REPORTS="$(realpath -m target/fuzz-report)"
export PYTHONDONTWRITEBYTECODE=1
[ -x "$CPIMS_BIN" ] || { echo "fuzz: no server binary at $CPIMS_BIN (build it or set CPIMS_BIN)" >&2; exit 1; }

if ! "$VENV/bin/schemathesis" --version 2>/dev/null | grep -q "version $SCHEMATHESIS_VERSION\$"; then
  echo "== fuzz: installing schemathesis $SCHEMATHESIS_VERSION into $VENV"
  rm -rf "$VENV"
  python3 -m venv "$VENV"
  "$VENV/bin/pip" install -q --disable-pip-version-check "schemathesis==$SCHEMATHESIS_VERSION"
fi

tmp="$(mktemp -d /tmp/cpims-fuzz.XXXXXX)"
server_pid=""
cleanup() {
  if [ -n "$server_pid" ] && kill -0 "$server_pid" 2>/dev/null; then
    kill -TERM "$server_pid" 2>/dev/null || true
    for _ in $(seq 1 100); do kill -0 "$server_pid" 2>/dev/null || break; sleep 0.1; done
    kill -KILL "$server_pid" 2>/dev/null || true
    wait "$server_pid" 2>/dev/null || true
  fi
  if [ -n "${CPIMS_FUZZ_KEEP:-}" ]; then echo "fuzz: kept $tmp"; else rm -rf "$tmp"; fi
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

port="$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')"
base="http://127.0.0.1:$port"
# Only this server's settings: nothing from the caller's CPIMS_* environment or a stray .env (cwd is $tmp).
for name in $(env | sed -n 's/^\(CPIMS_[A-Z0-9_]*\)=.*/\1/p'); do
  case "$name" in CPIMS_BIN|CPIMS_FUZZ_*) ;; *) unset "$name" ;; esac
done
export DATABASE_URL="sqlite://$tmp/fuzz.sqlite3"
export CPIMS_BIND="127.0.0.1:$port"
export CPIMS_JWT_SECRET="fuzz-$(python3 -c 'import secrets; print(secrets.token_hex(24))')"
export CPIMS_DATA_KEY="$(python3 -c 'import base64, secrets; print(base64.b64encode(secrets.token_bytes(32)).decode())')"
export CPIMS_INDEX_KEY="$(python3 -c 'import base64, secrets; print(base64.b64encode(secrets.token_bytes(32)).decode())')"
export CPIMS_LOG_FORMAT=json RUST_LOG="${RUST_LOG:-info}"
# Tokens outlive the run; wrong passwords sent by the fuzzer must not lock the seeded users out.
export CPIMS_TOKEN_TTL_SECS=3600
export CPIMS_LOGIN_MAX_FAILURES=1000000 CPIMS_LOGIN_WINDOW_SECS=1 CPIMS_LOGIN_LOCK_SECS=1
# Webhook targets the fuzzer invents are never reachable; keep the delivery worker from spending time on them.
export CPIMS_WEBHOOK_MAX_ATTEMPTS=1
export CPIMS_FUZZ_ADMIN_PASSWORD="a long admin password"

cd "$tmp"
echo "$CPIMS_FUZZ_ADMIN_PASSWORD" | "$CPIMS_BIN" create-admin --username admin --agency NCRC >"$tmp/create-admin.log" 2>&1 \
  || { cat "$tmp/create-admin.log" >&2; exit 1; }
"$CPIMS_BIN" serve >"$tmp/server.log" 2>&1 </dev/null &
server_pid=$!
cd - >/dev/null
ready() { python3 -c 'import sys, urllib.request; urllib.request.urlopen(sys.argv[1], timeout=3)' "$base/readyz" 2>/dev/null; }
for _ in $(seq 1 150); do
  ready && break
  kill -0 "$server_pid" 2>/dev/null || { echo "fuzz: server exited at start" >&2; tail -n 20 "$tmp/server.log" >&2; exit 1; }
  sleep 0.2
done
ready || { echo "fuzz: server not ready" >&2; tail -n 20 "$tmp/server.log" >&2; exit 1; }
echo "== fuzz: server on $base (log $tmp/server.log)"

python3 .ci/fuzz/seed.py "$port" "$tmp" admin
rm -rf "$REPORTS" && mkdir -p "$REPORTS"

# Every check; positive and negative data; all four phases; bounded examples per operation and time overall.
common=(--checks all --mode all --phases examples,coverage,fuzzing,stateful --max-examples "$MAX_EXAMPLES"
        --workers 2 --request-timeout 30 --generation-database none --no-color --output-truncate false
        --suppress-health-check too_slow,filter_too_much)
[ -n "${CPIMS_FUZZ_SEED:-}" ] && common+=(--seed "$CPIMS_FUZZ_SEED")

status=0
started=$SECONDS
echo "== fuzz: run 1 of 2, as an admin (${ADMIN_SECONDS} s)"
timeout -k 10 $((ADMIN_SECONDS + 120)) "$VENV/bin/schemathesis" --config-file .ci/fuzz/schemathesis.toml run "$base/api-docs/openapi.json" "${common[@]}" \
  --max-time "$ADMIN_SECONDS" -H "Authorization: Bearer $(cat "$tmp/admin.token")" \
  --report junit,ndjson --report-dir "$REPORTS/admin" || status=1
admin_elapsed=$((SECONDS - started))

kill -0 "$server_pid" 2>/dev/null || { echo "fuzz: the server died during the admin run" >&2; tail -n 20 "$tmp/server.log" >&2; exit 1; }
# The admin run may have deactivated, demoted or re-passworded the first administrator (it fuzzes the
# users API as that administrator), so a second one, made now through the CLI, seeds the peers.
(cd "$tmp" && echo "$CPIMS_FUZZ_ADMIN_PASSWORD" | "$CPIMS_BIN" create-admin --username peer-admin \
  --agency "NCRC peer seeding") >"$tmp/create-peer-admin.log" 2>&1 \
  || { cat "$tmp/create-peer-admin.log" >&2; exit 1; }
CPIMS_FUZZ_PEER_ADMIN=peer-admin python3 .ci/fuzz/seed.py "$port" "$tmp" peers
{ cat .ci/fuzz/schemathesis.toml; cat <<EOF; } >"$tmp/peers.toml"

# Run 2 only: the Punjab case worker sends every request; the KP one replays its reads (object-level
# authorization: another bureau's records must answer 404).
[auth.wfc]
path = "$tmp/peers.wfc.json"
user = "punjab_case_worker"
peers = ["punjab_case_worker", "kp_case_worker"]
EOF
started=$SECONDS
echo "== fuzz: run 2 of 2, as a Punjab case worker with a KP case worker as peer (${PEER_SECONDS} s)"
timeout -k 10 $((PEER_SECONDS + 120)) "$VENV/bin/schemathesis" --config-file "$tmp/peers.toml" run \
  "$base/api-docs/openapi.json" "${common[@]}" --max-time "$PEER_SECONDS" \
  --report junit,ndjson --report-dir "$REPORTS/peers" || status=1
peer_elapsed=$((SECONDS - started))

kill -0 "$server_pid" 2>/dev/null || { echo "fuzz: the server died during the peer run" >&2; status=1; }
panics=$(grep -c '"panicked\|panicked at' "$tmp/server.log" || true)
if [ "$panics" != "0" ]; then echo "fuzz: the server log records $panics panic(s)" >&2; status=1; fi

echo "== fuzz summary: admin run ${admin_elapsed} s, peer run ${peer_elapsed} s; reports in $REPORTS"
if [ $status -ne 0 ]; then
  echo "fuzz: failures found (see above and $REPORTS)" >&2
  tail -n 5 "$tmp/server.log" >&2
  exit 1
fi
echo "fuzz: no failures"
