#!/usr/bin/env python3
"""SIGTERM under write load (SQLite): a graceful stop loses no acknowledged write and breaks no answer.

Protects: the process exits 0 within a bounded time after SIGTERM; every child whose create answered
2xx is readable, unchanged, after a restart on the same database, and nothing else was stored (no write
applied without an answer); no request is answered 5xx while the server drains (connections are either
refused or answered properly).
"""

import signal
import time

from common import (Ledger, Server, check, free_port, join_all, log, readyz,
                    run_script, server_env, setup_bureau, sqlite_count, start_writers, verify_acked,
                    wait_until)

WRITERS = 16
EXIT_TIMEOUT = 40  # actix drains for at most 30 s by default


def body(cleanup, tmp):
    port = free_port()
    server = Server(tmp, server_env(f"sqlite://{tmp}/cpims.sqlite3", port))
    cleanup.add(server.stop)
    server.create_admin()
    server.start()
    _, tokens = setup_bureau(port, workers=2)

    ledger = Ledger()
    stop, threads = start_writers(port, tokens, ledger, WRITERS)
    cleanup.add(stop.set)
    check(wait_until(lambda: len(ledger.acked) >= 100, 30), f"load did not get going: {ledger.summary()}")
    before = ledger.statuses.copy()
    log(f"SIGTERM with load running: {ledger.summary()}")
    signalled = time.monotonic()
    server.signal(signal.SIGTERM)
    code = server.wait_exit(EXIT_TIMEOUT)
    took = time.monotonic() - signalled
    # Keep writing a moment after exit, so connections to the dead port are tried too.
    wait_until(lambda: False, 0.5)
    stop.set()
    join_all(threads, 20)
    after = ledger.statuses - before
    log(f"exit code {code} after {took:.1f} s; outcomes after SIGTERM {dict(after)}")
    check(code is not None, f"server still running {EXIT_TIMEOUT} s after SIGTERM: {server.log_tail()}")
    check(code == 0, f"server exited with code {code} after SIGTERM (expected 0): {server.log_tail()}")
    check(not ledger.server_errors, f"5xx answers during shutdown: {ledger.server_errors[:5]}")
    check(readyz(port) is None, "port still answers after the process exited")
    dropped = sum(n for k, n in after.items() if isinstance(k, str) and k != "ConnectionRefusedError")
    if dropped:
        log(f"note: {dropped} requests got no answer (reset in the listen backlog at shutdown?)")

    server.start()
    verify_acked(port, tokens[0], ledger)
    # A graceful stop answers whatever it processed: requests without an answer must have done nothing.
    stored = sqlite_count(tmp / "cpims.sqlite3", "children")
    check(stored == len(ledger.acked), f"{stored} children stored but {len(ledger.acked)} acknowledged: "
                                       f"{stored - len(ledger.acked)} writes were applied without an answer")
    log(f"{stored} children stored, exactly the acknowledged ones")


if __name__ == "__main__":
    run_script(body)
