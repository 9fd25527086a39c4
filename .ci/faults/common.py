"""Shared helpers for the fault-injection scripts: server processes, HTTP, fixtures, ledger, PostgreSQL.

Standard library only. Every wait is bounded; every resource a script creates is registered with a
`Cleanup` so it is released even when a check fails.
"""

import base64
import http.client
import json
import os
import secrets
import shutil
import signal
import socket
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
from collections import Counter
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
BIN = str((REPO / os.environ.get("CPIMS_BIN", "target/debug/cpims")).resolve())
HOST = "127.0.0.1"
ADMIN_PASSWORD = "a long admin password"
USER_PASSWORD = "a long worker password"
PG_ADMIN = "postgres://postgres@127.0.0.1:5432"


class Fail(Exception):
    """A check failed; the message says which and with what evidence."""


def check(condition, message):
    if not condition:
        raise Fail(message)


def log(message):
    print(f"[{time.strftime('%H:%M:%S')}] {message}", flush=True)


def free_port():
    with socket.socket() as s:
        s.bind((HOST, 0))
        return s.getsockname()[1]


def wait_until(predicate, timeout, interval=0.2):
    """Polls `predicate` until it returns a truthy value or `timeout` seconds pass; returns the value."""
    deadline = time.monotonic() + timeout
    while True:
        value = predicate()
        if value or time.monotonic() >= deadline:
            return value
        time.sleep(interval)


class Cleanup:
    """Runs registered callbacks in reverse order on exit, never letting one failure skip the rest."""

    def __init__(self):
        self.actions = []

    def add(self, action):
        self.actions.append(action)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        for action in reversed(self.actions):
            try:
                action()
            except Exception as error:  # noqa: BLE001 - cleanup must go on
                print(f"cleanup: {error}", file=sys.stderr)
        return False


def run_script(body):
    """Runs `body(cleanup, tmp)` and exits 0 on success, 1 with a FAIL line otherwise. The temp dir (server
    logs) is removed afterwards unless CPIMS_FAULTS_KEEP is set."""
    name = Path(sys.argv[0]).stem
    check_binary()
    signal.signal(signal.SIGTERM, _terminated)  # e.g. from `timeout`: still run the cleanups
    started = time.monotonic()
    tmp = Path(tempfile.mkdtemp(prefix=f"cpims-{name}-"))
    os.chmod(tmp, 0o755)
    try:
        with Cleanup() as cleanup:
            body(cleanup, tmp)
    except Fail as error:
        print(f"FAIL {name}: {error}", flush=True)
        sys.exit(1)
    finally:
        if os.environ.get("CPIMS_FAULTS_KEEP"):
            print(f"kept {tmp}", flush=True)
        else:
            shutil.rmtree(tmp, ignore_errors=True)
    print(f"PASS {name} ({time.monotonic() - started:.1f} s)", flush=True)


def _terminated(signum, frame):
    raise Fail("terminated by SIGTERM")


def check_binary():
    if not os.access(BIN, os.X_OK):
        print(f"FAIL: no executable server binary at {BIN} (set CPIMS_BIN)", flush=True)
        sys.exit(1)


# ---------------------------------------------------------------- server processes


def server_env(database_url, port, **extra):
    env = {k: v for k, v in os.environ.items() if not k.startswith("CPIMS_") and k != "DATABASE_URL"}
    env.update(
        DATABASE_URL=database_url,
        CPIMS_BIND=f"{HOST}:{port}",
        CPIMS_JWT_SECRET="fault-injection-secret-" + "x" * 32,
        CPIMS_DATA_KEY=base64.b64encode(secrets.token_bytes(32)).decode(),
        CPIMS_INDEX_KEY=base64.b64encode(secrets.token_bytes(32)).decode(),
        CPIMS_LOG_FORMAT="json",
        RUST_LOG=os.environ.get("RUST_LOG", "info"),
    )
    env.update({k: str(v) for k, v in extra.items()})
    return env


class Server:
    """One `cpims serve` process, run in `tmp` (so no stray .env is read); each start logs to
    `<tmp>/<name>-<n>.log`. The env (and so the keys) is reused on restart."""

    def __init__(self, tmp, env, name="server"):
        self.tmp, self.env, self.name = Path(tmp), env, name
        self.port = int(env["CPIMS_BIND"].rsplit(":", 1)[1])
        self.proc = None
        self.starts = 0

    def cli(self, *args, stdin=None, timeout=60):
        """Runs a `cpims` subcommand with the same environment; returns the CompletedProcess."""
        return subprocess.run([BIN, *args], input=stdin, env=self.env, cwd=self.tmp, capture_output=True,
                              text=True, timeout=timeout)

    def create_admin(self):
        done = self.cli("create-admin", "--username", "admin", "--agency", "NCRC",
                        stdin=ADMIN_PASSWORD + "\n")
        check(done.returncode == 0, f"create-admin failed ({done.returncode}): {done.stderr.strip()[-500:]}")

    def start(self, ready_timeout=30):
        self.starts += 1
        self.log_path = self.tmp / f"{self.name}-{self.starts}.log"
        self._log = open(self.log_path, "wb")
        self.proc = subprocess.Popen([BIN, "serve"], env=self.env, cwd=self.tmp, stdout=self._log,
                                     stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL)
        ready = wait_until(lambda: self.proc.poll() is not None or readyz(self.port) == 200, ready_timeout)
        check(self.proc.poll() is None,
              f"server exited at start (code {self.proc.returncode}): {self.log_tail()}")
        check(ready, f"server not ready within {ready_timeout} s: {self.log_tail()}")
        return self

    def signal(self, signum):
        if self.proc and self.proc.poll() is None:
            self.proc.send_signal(signum)

    def wait_exit(self, timeout):
        """Waits for the process to exit; returns its code, or None if still running after `timeout`."""
        try:
            return self.proc.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            return None

    def stop(self):
        """Terminates (then kills) the process if it still runs. Safe to call repeatedly."""
        if self.proc and self.proc.poll() is None:
            self.proc.terminate()
            if self.wait_exit(10) is None:
                self.proc.kill()
                self.proc.wait(10)
        if self.proc:
            self._log.close()

    def log_tail(self, lines=15):
        try:
            return "\n".join(self.log_path.read_text(errors="replace").splitlines()[-lines:])
        except OSError:
            return "(no log)"


# ---------------------------------------------------------------- HTTP


class Reply:
    def __init__(self, status, body, headers, elapsed):
        self.status, self.body, self.headers, self.elapsed = status, body, headers, elapsed

    def __repr__(self):
        return f"<{self.status} in {self.elapsed:.2f}s {str(self.body)[:300]}>"


def call(port, method, path, token=None, body=None, headers=None, timeout=10, conn=None):
    """One HTTP request to 127.0.0.1. Returns a Reply; raises OSError/HTTPException when no answer came.
    With `conn` (an HTTPConnection) the request reuses that keep-alive connection."""
    hdrs = {"accept": "application/json", **(headers or {})}
    if token:
        hdrs["authorization"] = f"Bearer {token}"
    data = None
    if body is not None:
        data = json.dumps(body).encode()
        hdrs["content-type"] = "application/json"
    own = conn is None
    if own:
        conn = http.client.HTTPConnection(HOST, port, timeout=timeout)
    started = time.monotonic()
    try:
        conn.request(method, path, body=data, headers=hdrs)
        response = conn.getresponse()
        raw = response.read()
    finally:
        if own:
            conn.close()
    try:
        parsed = json.loads(raw) if raw else None
    except ValueError:
        parsed = raw.decode(errors="replace")
    return Reply(response.status, parsed, dict(response.getheaders()), time.monotonic() - started)


def readyz(port, timeout=3):
    try:
        return call(port, "GET", "/readyz", timeout=timeout).status
    except (OSError, http.client.HTTPException):
        return None


def expect(reply, status, what):
    check(reply.status == status, f"{what}: expected {status}, got {reply}")
    return reply.body


def login(port, username, password):
    reply = call(port, "POST", "/api/v1/auth/token", body={"username": username, "password": password},
                 timeout=60)
    return expect(reply, 200, f"login {username}")["access_token"]


# ---------------------------------------------------------------- fixtures


def setup_bureau(port, workers=1):
    """Logs the admin in, creates a Punjab bureau with `workers` case workers; returns (admin, [tokens])."""
    admin = login(port, "admin", ADMIN_PASSWORD)
    agency = expect(call(port, "POST", "/api/v1/agencies", admin, {
        "name": "Punjab CPWB", "kind": "bureau", "province": "Punjab", "district": "Lahore"}),
        201, "create bureau")
    tokens = []
    for i in range(workers):
        name = f"worker{i}"
        expect(call(port, "POST", "/api/v1/users", admin, {
            "username": name, "display_name": f"Worker {i}", "agency_id": agency["id"],
            "role": "case_worker", "password": USER_PASSWORD}, timeout=60), 201, f"create user {name}")
        tokens.append(login(port, name, USER_PASSWORD))
    return admin, tokens


def child_body(tag):
    return {"given_name": f"Child {tag}", "family_name": "Fault", "sex": "female",
            "date_of_birth": "2015-03-01", "province": "Punjab", "district": "Lahore"}


def incident_body(child_id):
    return {"child_id": child_id, "category": "child_labour", "occurred_on": "2024-05-01",
            "reported_on": "2024-05-03", "intake_channel": "helpline_1121", "province": "Punjab",
            "district": "Lahore", "risk_level": "high"}


class Ledger:
    """What the clients were told: acknowledged creates (id -> submitted body), outcomes by status, and
    requests whose fate is unknown (sent but no answer, or a 5xx)."""

    def __init__(self):
        self.lock = threading.Lock()
        self.acked = {}
        self.statuses = Counter()
        self.unknown = 0
        self.server_errors = []

    def record(self, reply, body=None, error=None):
        with self.lock:
            if error is not None:
                self.statuses[type(error).__name__] += 1
                # A refused connection never reached the server; anything else may have been applied.
                self.unknown += not isinstance(error, ConnectionRefusedError)
                return
            self.statuses[reply.status] += 1
            if 200 <= reply.status < 300 and body is not None:
                self.acked[reply.body["id"]] = (body, reply.body)
            elif reply.status >= 500:
                self.unknown += 1
                if len(self.server_errors) < 20:
                    self.server_errors.append(repr(reply))

    def summary(self):
        return f"acked {len(self.acked)}, outcomes {dict(self.statuses)}"


def writer_thread(port, token, ledger, stop, tag, max_requests=2000, timeout=15):
    """Creates children until `stop` is set or `max_requests` were sent, one connection per request."""
    for i in range(max_requests):
        if stop.is_set():
            return
        body = child_body(f"{tag}-{i}")
        try:
            reply = call(port, "POST", "/api/v1/children", token, body, timeout=timeout)
            ledger.record(reply, body)
            failed = reply.status >= 500
        except (OSError, http.client.HTTPException) as error:
            ledger.record(None, error=error)
            failed = True
        if failed:
            stop.wait(0.05)  # the server or its database is down: do not spin


def start_writers(port, tokens, ledger, count, **kwargs):
    stop = threading.Event()
    threads = [threading.Thread(target=writer_thread, args=(port, tokens[i % len(tokens)], ledger, stop, i),
                                kwargs=kwargs, daemon=True) for i in range(count)]
    for t in threads:
        t.start()
    return stop, threads


def join_all(threads, timeout):
    deadline = time.monotonic() + timeout
    for t in threads:
        t.join(max(0.0, deadline - time.monotonic()))
    alive = sum(t.is_alive() for t in threads)
    check(alive == 0, f"{alive} client threads still running after {timeout} s")


def read_back(port, token, items, judge, workers=8):
    """GETs each (path, expected) in parallel; `judge(reply, expected)` returns a problem or None.
    Fails listing the first problems."""
    problems = []

    def worker(chunk):
        conn = http.client.HTTPConnection(HOST, port, timeout=15)
        for path, expected in chunk:
            try:
                problem = judge(call(port, "GET", path, token, conn=conn), expected)
            except (OSError, http.client.HTTPException) as error:
                conn.close()
                conn = http.client.HTTPConnection(HOST, port, timeout=15)
                problem = f"no answer ({error!r})"
            if problem:
                problems.append(f"{path}: {problem}")
        conn.close()

    threads = [threading.Thread(target=worker, args=(items[i::workers],)) for i in range(workers)]
    for t in threads:
        t.start()
    join_all(threads, 90)
    check(not problems, f"{len(problems)} of {len(items)} records not read back intact, e.g. {problems[:5]}")


def verify_acked(port, token, ledger, what="children"):
    """GETs every acknowledged record, expecting 200 with the submitted fields and exactly the body the
    create answered (same id, version, timestamps)."""

    def judge(reply, expected):
        sent, acked = expected
        if reply.status != 200:
            return repr(reply)
        got = reply.body
        diff = {k: (sent[k], got.get(k)) for k in sent if got.get(k) != sent[k]}
        diff.update({k: (acked[k], got.get(k)) for k in acked if got.get(k) != acked[k]})
        return f"differs {diff}" if diff else None

    read_back(port, token, [(f"/api/v1/{what}/{rid}", v) for rid, v in ledger.acked.items()], judge)
    log(f"all {len(ledger.acked)} acknowledged {what} read back intact")


def list_all(port, token, what, max_pages=200):
    """Every record of a list endpoint, following next_cursor (bounded); returns {id: record}."""
    records, cursor = {}, None
    for _ in range(max_pages):
        path = f"/api/v1/{what}?limit=500" + (f"&cursor={urllib.parse.quote(cursor)}" if cursor else "")
        page = expect(call(port, "GET", path, token, timeout=60), 200, f"list {what}")
        records.update((r["id"], r) for r in page["data"])
        cursor = page.get("next_cursor")
        if not cursor:
            return records
    raise Fail(f"list {what}: more than {max_pages} pages")


def audit_verify(port, admin):
    report = expect(call(port, "GET", "/api/v1/audit/verify", admin, timeout=60), 200, "audit verify")
    check(report.get("ok") is True, f"audit chain broken: {report}")
    log(f"audit chain ok ({report.get('entries_checked')} entries)")


def check_stored_count(stored, ledger, what="children"):
    """No lost and no phantom writes: acked <= stored <= acked + requests of unknown outcome."""
    acked = len(ledger.acked)
    log(f"{stored} {what} stored, {acked} acknowledged, {ledger.unknown} of unknown outcome")
    check(acked <= stored <= acked + ledger.unknown,
          f"{stored} {what} stored, but {acked} acknowledged and {ledger.unknown} of unknown outcome")


def sqlite_count(path, table):
    with sqlite3.connect(path) as db:
        return db.execute(f"SELECT count(*) FROM {table}").fetchone()[0]


def error_lines(server):
    """ERROR-level lines of the server's current log."""
    return [line for line in server.log_path.read_text(errors="replace").splitlines() if '"ERROR"' in line]


# ---------------------------------------------------------------- PostgreSQL


def psql(sql, url=PG_ADMIN + "/postgres", timeout=30):
    done = subprocess.run(["psql", url, "-v", "ON_ERROR_STOP=1", "-XAtqc", sql], capture_output=True,
                          text=True, timeout=timeout)
    check(done.returncode == 0, f"psql {sql!r} failed: {done.stderr.strip()}")
    return done.stdout.strip()


def fresh_database(cleanup, prefix):
    """Creates a uniquely named database on the local server, dropped at cleanup; returns its URL."""
    name = f"cpims_fault_{prefix}_{os.getpid()}_{secrets.token_hex(3)}"
    psql(f"CREATE DATABASE {name}")
    cleanup.add(lambda: psql(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
    return f"{PG_ADMIN}/{name}"


class PgCluster:
    """A private PostgreSQL cluster in `<tmp>/pg` on a free 127.0.0.1 port, trust auth. Runs as the
    postgres user when we are root (initdb refuses root)."""

    def __init__(self, tmp):
        bins = sorted(Path("/usr/lib/postgresql").glob("*/bin/initdb"))
        check(bins, "no PostgreSQL server binaries under /usr/lib/postgresql/*/bin")
        self.bin = bins[-1].parent
        self.root = Path(tmp) / "pg"
        self.data = self.root / "data"
        self.port = free_port()
        self.root.mkdir()
        self.as_user = []
        if os.geteuid() == 0:
            shutil.chown(self.root, "postgres", "postgres")
            self.as_user = ["runuser", "-u", "postgres", "--"]
        self.url = f"postgres://postgres@{HOST}:{self.port}"

    def _run(self, tool, *args, timeout=60):
        done = subprocess.run([*self.as_user, str(self.bin / tool), *args], capture_output=True, text=True,
                              timeout=timeout, cwd=self.root)
        check(done.returncode == 0, f"{tool} {' '.join(args)} failed: {done.stderr.strip()[-800:]}")

    def init(self):
        self._run("initdb", "-D", str(self.data), "-U", "postgres", "-A", "trust", "--no-sync")
        return self

    def start(self):
        options = f"-p {self.port} -c listen_addresses={HOST} -k {self.root}"
        self._run("pg_ctl", "-D", str(self.data), "-l", str(self.root / "postgres.log"), "-o", options,
                  "-w", "-t", "30", "start")

    def stop(self, mode="fast"):
        self._run("pg_ctl", "-D", str(self.data), "-m", mode, "-w", "-t", "30", "stop")

    def stop_if_running(self):
        if (self.data / "postmaster.pid").exists():
            self.stop("immediate")
