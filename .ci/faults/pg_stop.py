#!/usr/bin/env python3
"""PostgreSQL crash and restart under write load: the API degrades to 503 and recovers by itself.

Protects: while the database is down (pg_ctl stop -m immediate) writes and /readyz answer 503 within a
few seconds (never 500, never a hang); once PostgreSQL is back on the same data dir and port the same
server process serves again without a restart; every child whose create answered 2xx is stored intact;
every stored child the ledger does not know came from a request without an answer and has its history;
the audit hash chain verifies.
"""

import http.client
import json
import time

from common import (Fail, Ledger, PgCluster, Server, audit_verify, call, check, child_body, free_port,
                    join_all, log, psql, readyz, run_script, server_env, setup_bureau, start_writers,
                    verify_acked, wait_until)

WRITERS = 8
ANSWER_WITHIN = 5.0  # seconds a request may take while the database is down
RECOVER_WITHIN = 30.0


def probe_down(port, token, ledger):
    """While the database is down: a write and /readyz must both answer 503 quickly."""
    for attempt in range(3):
        for method, path, body in (("POST", "/api/v1/children", child_body(f"down-{attempt}")),
                                   ("GET", "/readyz", None)):
            started = time.monotonic()
            try:
                reply = call(port, method, path, token, body, timeout=ANSWER_WITHIN + 5)
            except (OSError, http.client.HTTPException) as error:
                raise Fail(f"{method} {path} got no answer while the database was down "
                           f"after {time.monotonic() - started:.1f} s: {error!r}") from None
            if body:
                ledger.record(reply, body)
            check(reply.status == 503, f"{method} {path} with the database down: expected 503, got {reply}")
            check(reply.elapsed <= ANSWER_WITHIN,
                  f"{method} {path} took {reply.elapsed:.1f} s to answer 503 (limit {ANSWER_WITHIN} s)")
    log("database down: writes and /readyz answer 503 promptly")


def check_only_503(ledger):
    bad = {k: n for k, n in ledger.statuses.items() if isinstance(k, int) and k >= 500 and k != 503}
    check(not bad, f"5xx other than 503 around the outage: {bad}; e.g. {ledger.server_errors[:3]}")


def diagnose(tmp, server, cluster, database_url):
    """Evidence for a server that does not recover: its last error, its sessions, and a fresh server."""
    errors = [line for line in server.log_path.read_text(errors="replace").splitlines()
              if '"cpims_api::error"' in line]
    last = json.loads(errors[-1])["fields"] if errors else "none"
    sessions = psql("SELECT count(*) FROM pg_stat_activity WHERE datname = 'cpims'",
                    url=f"{cluster.url}/postgres")
    fresh = Server(tmp, {**server.env, "CPIMS_BIND": f"127.0.0.1:{free_port()}"}, name="fresh")
    try:
        fresh.start()
        fresh_status = readyz(fresh.port)
    finally:
        fresh.stop()
    hint = " (so its pool keeps handing out connections that died with the old PostgreSQL)"
    return (f"last error logged: {last}; the server holds {sessions} PostgreSQL sessions; a freshly "
            f"started server on the same database answers /readyz {fresh_status}"
            + (hint if fresh_status == 200 else ""))


def write_once(port, token, ledger):
    body = child_body("probe")
    reply = call(port, "POST", "/api/v1/children", token, body)
    ledger.record(reply, body)
    return reply if reply.status == 201 else None


def body(cleanup, tmp):
    cluster = PgCluster(tmp).init()
    cleanup.add(cluster.stop_if_running)
    cluster.start()
    psql("CREATE DATABASE cpims", url=f"{cluster.url}/postgres")
    database_url = f"{cluster.url}/cpims"

    port = free_port()
    server = Server(tmp, server_env(database_url, port))
    cleanup.add(server.stop)
    server.create_admin()
    server.start()
    admin, tokens = setup_bureau(port, workers=2)

    ledger = Ledger()
    stop, threads = start_writers(port, tokens, ledger, WRITERS, timeout=20)
    cleanup.add(stop.set)
    check(wait_until(lambda: len(ledger.acked) >= 100, 30), f"load did not get going: {ledger.summary()}")
    log(f"stopping PostgreSQL (immediate) under load: {ledger.summary()}")
    cluster.stop("immediate")
    probe_down(port, tokens[0], ledger)
    check_only_503(ledger)

    cluster.start()
    log("PostgreSQL restarted")
    restarted = time.monotonic()
    if not wait_until(lambda: readyz(port) == 200, RECOVER_WITHIN, 0.5):
        raise Fail(f"/readyz still not 200 {RECOVER_WITHIN:.0f} s after PostgreSQL came back; "
                   + diagnose(tmp, server, cluster, database_url))
    ready_after = time.monotonic() - restarted
    probe = wait_until(lambda: write_once(port, tokens[0], ledger), RECOVER_WITHIN, 0.5)
    check(probe, f"writes still fail {RECOVER_WITHIN} s after PostgreSQL came back: "
                 f"{write_once(port, tokens[0], ledger)}")
    log(f"recovered without a server restart: readyz 200 after {ready_after:.1f} s, "
        f"write after {time.monotonic() - restarted:.1f} s")
    acked_at_recovery = len(ledger.acked)
    check(wait_until(lambda: len(ledger.acked) >= acked_at_recovery + 50, 30),
          f"writers did not resume: {ledger.summary()}")
    stop.set()
    join_all(threads, 30)
    log(f"writers done: {ledger.summary()}")
    check_only_503(ledger)

    verify_acked(port, tokens[0], ledger)
    stored = set(psql("SELECT id FROM children", url=database_url).split())
    known = set(ledger.acked)
    missing = known - stored
    check(not missing, f"acknowledged children missing from the database: {sorted(missing)[:5]}")
    strays = stored - known
    log(f"{len(stored)} children stored: {len(known)} acknowledged, {len(strays)} from requests without "
        f"a 2xx answer ({ledger.unknown} such requests)")
    check(len(strays) <= ledger.unknown, f"{len(strays)} unacknowledged children but only {ledger.unknown} "
                                         f"requests without an answer")
    for cid in strays:
        history = call(port, "GET", f"/api/v1/children/{cid}/history", tokens[0])
        check(history.status == 200 and history.body["data"],
              f"unacknowledged child {cid} exists without history: {history}")
    audit_verify(port, admin)


if __name__ == "__main__":
    run_script(body)
