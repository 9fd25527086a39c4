#!/usr/bin/env python3
"""SIGKILL under write load (SQLite): a crash loses no acknowledged write and leaves a usable database.

Protects: after kill -9 mid-load and a restart on the same file, the server starts cleanly (readyz 200,
no ERROR log lines), every child whose create answered 2xx reads back unchanged, no more children exist
than were acknowledged or left without an answer, and the audit hash chain still verifies.
"""

import signal

from common import (Ledger, Server, audit_verify, call, check, check_stored_count, child_body, error_lines,
                    expect, free_port, join_all, log, run_script, server_env, setup_bureau, sqlite_count,
                    start_writers, verify_acked, wait_until)

WRITERS = 16


def body(cleanup, tmp):
    port = free_port()
    database = tmp / "cpims.sqlite3"
    server = Server(tmp, server_env(f"sqlite://{database}", port))
    cleanup.add(server.stop)
    server.create_admin()
    server.start()
    admin, tokens = setup_bureau(port, workers=2)

    ledger = Ledger()
    stop, threads = start_writers(port, tokens, ledger, WRITERS)
    cleanup.add(stop.set)
    check(wait_until(lambda: len(ledger.acked) >= 150, 30), f"load did not get going: {ledger.summary()}")
    log(f"SIGKILL with load running: {ledger.summary()}")
    server.signal(signal.SIGKILL)
    code = server.wait_exit(10)
    stop.set()
    join_all(threads, 20)
    check(code == -signal.SIGKILL, f"server did not die of SIGKILL (code {code})")
    log(f"killed; {ledger.summary()}")
    check(not ledger.server_errors, f"5xx answers before the kill: {ledger.server_errors[:5]}")

    server.start()
    errors = error_lines(server)
    check(not errors, f"ERROR lines at restart after the crash: {errors[:5]}")
    expect(call(port, "POST", "/api/v1/children", tokens[0], child_body("after")), 201, "write after restart")
    verify_acked(port, tokens[0], ledger)
    check_stored_count(sqlite_count(database, "children") - 1, ledger)
    audit_verify(port, admin)


if __name__ == "__main__":
    run_script(body)
