#!/usr/bin/env python3
"""Connection pool exhaustion (PostgreSQL): a drained pool answers 503 promptly and recovers.

How: a psql session holds `LOCK TABLE children IN ACCESS EXCLUSIVE MODE`, so child writes block inside
the database and hold every pooled connection (CPIMS_DB_POOL_SIZE=3).
Protects: with the pool drained, other requests answer 503 within CPIMS_DB_CHECKOUT_TIMEOUT_MS plus a
margin (never hang, never 500) while /healthz still answers 200; the blocked writes are cancelled by
CPIMS_DB_STATEMENT_TIMEOUT_MS and answer 503, not 500, and leave nothing behind (no row, no broken audit
chain); once the lock is released the same server answers 2xx again.
"""

import http.client
import select
import subprocess
import threading
import time

from common import (Fail, Server, audit_verify, call, check, child_body, expect, free_port, fresh_database,
                    join_all, log, psql, readyz, run_script, server_env, setup_bureau, wait_until)

POOL = 3
CHECKOUT_MS = 1000
STATEMENT_MS = 6000
PROMPT = 3.0  # seconds within which a request must answer while the pool is drained


class TableLock:
    """A psql session holding an ACCESS EXCLUSIVE lock on a table until `release()`."""

    def __init__(self, url, table):
        self.proc = subprocess.Popen(["psql", url, "-XAtq", "-v", "ON_ERROR_STOP=1"], stdin=subprocess.PIPE,
                                     stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
        self.proc.stdin.write(f"BEGIN; LOCK TABLE {table} IN ACCESS EXCLUSIVE MODE; SELECT 'locked';\n")
        self.proc.stdin.flush()
        ready, _, _ = select.select([self.proc.stdout], [], [], 10)
        line = self.proc.stdout.readline().strip() if ready else "(nothing within 10 s)"
        if line != "locked":
            self.close()
            raise Fail(f"could not lock {table}: {line}")

    def release(self):
        self.proc.stdin.write("COMMIT;\n")
        self.proc.stdin.close()
        check(self.proc.wait(10) == 0, "psql holding the lock did not exit cleanly")

    def close(self):
        if self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait(10)


def attempt(port, token, method, path, body=None):
    """The Reply, or the exception when no answer came."""
    try:
        return call(port, method, path, token, body, timeout=STATEMENT_MS / 1000 + 15)
    except (OSError, http.client.HTTPException) as error:
        return error


def in_background(port, token, requests):
    """Starts one thread per (method, path[, body]); returns (threads, results keyed by index)."""
    results = {}

    def run(i, request):
        results[i] = attempt(port, token, *request)

    threads = [threading.Thread(target=run, args=(i, r), daemon=True) for i, r in enumerate(requests)]
    for t in threads:
        t.start()
    return threads, results


def body(cleanup, tmp):
    url = fresh_database(cleanup, "pool")
    port = free_port()
    server = Server(tmp, server_env(url, port, CPIMS_DB_POOL_SIZE=POOL,
                                    CPIMS_DB_CHECKOUT_TIMEOUT_MS=CHECKOUT_MS,
                                    CPIMS_DB_STATEMENT_TIMEOUT_MS=STATEMENT_MS))
    cleanup.add(server.stop)
    server.create_admin()
    server.start()
    admin, (worker,) = setup_bureau(port, workers=1)
    child = expect(call(port, "POST", "/api/v1/children", worker, child_body("before")), 201, "create child")
    stored_before = int(psql("SELECT count(*) FROM children", url=url))

    lock = TableLock(url, "children")
    cleanup.add(lock.close)
    locked_at = time.monotonic()
    writers, blocked = in_background(port, worker, [("POST", "/api/v1/children", child_body(f"blocked-{i}"))
                                                    for i in range(POOL * 2)])
    waiting = ("SELECT count(*) FROM pg_stat_activity "
               "WHERE wait_event_type = 'Lock' AND datname = current_database()")
    check(wait_until(lambda: int(psql(waiting, url=url)) >= POOL, 5),
          f"the pool did not drain: {psql(waiting, url=url)} sessions waiting on the lock, pool size {POOL}")
    log(f"pool drained: {POOL} writes blocked on the lock")

    probes = [("GET", "/readyz"), ("GET", "/api/v1/me"), ("GET", "/api/v1/agencies"),
              ("GET", f"/api/v1/children/{child['id']}"), ("GET", "/api/v1/incidents"), ("GET", "/healthz")]
    threads, answers = in_background(port, worker, probes)
    join_all(threads, 20)
    check(time.monotonic() - locked_at < STATEMENT_MS / 1000, "probes finished too late to see a drained pool")
    for i, reply in answers.items():
        probe = probes[i]
        want = 200 if probe[1] == "/healthz" else 503
        check(not isinstance(reply, Exception), f"{probe} got no answer with the pool drained: {reply!r}")
        check(reply.status == want and reply.elapsed <= PROMPT,
              f"{probe} with the pool drained: expected {want} within {PROMPT} s, got {reply}")
    log(f"drained pool: probes answered in {max(r.elapsed for r in answers.values()):.2f} s at most")

    join_all(writers, STATEMENT_MS / 1000 + 20)
    for i, reply in sorted(blocked.items()):
        check(not isinstance(reply, Exception), f"blocked write {i} got no answer: {reply!r}")
        check(reply.status == 503, f"blocked write {i}: expected 503 (statement timeout or no free "
                                   f"connection), got {reply}")
        check(reply.elapsed <= STATEMENT_MS / 1000 + PROMPT, f"blocked write {i} took {reply.elapsed:.1f} s")
    log(f"blocked writes answered 503 after {sorted(round(r.elapsed, 1) for r in blocked.values())} s")

    lock.release()
    check(wait_until(lambda: readyz(port) == 200, 10), "readyz not 200 after the lock was released")
    after = expect(call(port, "POST", "/api/v1/children", worker, child_body("after")), 201,
                   "write after the lock was released")
    expect(call(port, "GET", f"/api/v1/children/{after['id']}", worker), 200, "read after release")
    stored = int(psql("SELECT count(*) FROM children", url=url))
    check(stored == stored_before + 1, f"{stored - stored_before - 1} children stored by writes that "
                                       f"answered 503 (a 5xx must not have committed)")
    audit_verify(port, admin)
    log("recovered: 2xx again once the lock was released")


if __name__ == "__main__":
    run_script(body)
