# CP-IMS developer commands. `make run` serves on the embedded SQLite default; `make test` runs everything.

CARGO ?= cargo
PG_TEST_URL ?= $(CPIMS_TEST_POSTGRES_URL)

.PHONY: run test test-sqlite test-postgres lint fmt openapi migrate db-up build release bench fuzz-api

run:
	$(CARGO) run --bin cpims -- serve

build:
	$(CARGO) build --workspace

release:
	$(CARGO) build --release --bin cpims

# The benchmark (BENCHMARKS.md): release binaries, then every step in one go against a fresh
# PostgreSQL database on 127.0.0.1:5432 (CPIMS_BENCH_POSTGRES_URL) and a temporary SQLite file.
# CPIMS_BENCH_SCALE=0.01 runs a quick smoke version. Not part of `test` or CI.
bench:
	$(CARGO) build --release -p cpims-api -p cpims-bench --bin cpims --bin cpims-bench
	target/release/cpims-bench

# Unit tests and the HTTP suite on SQLite always; the HTTP suite again on PostgreSQL when
# CPIMS_TEST_POSTGRES_URL is set.
test: test-sqlite
ifneq ($(strip $(PG_TEST_URL)),)
	@$(MAKE) --no-print-directory test-postgres
else
	@echo "== PostgreSQL suite skipped: set CPIMS_TEST_POSTGRES_URL=postgres://user@host:5432/postgres to run it"
endif

test-sqlite:
	@echo "== backend: sqlite (unit tests + HTTP suite)"
	CPIMS_TEST_BACKEND=sqlite $(CARGO) test --workspace
	@echo "== backend: sqlite passed"

test-postgres:
	@echo "== backend: postgres (HTTP suite)"
	CPIMS_TEST_BACKEND=postgres CPIMS_TEST_POSTGRES_URL=$(PG_TEST_URL) $(CARGO) test -p cpims-tests
	@echo "== backend: postgres passed"

lint:
	$(CARGO) fmt --all -- --check
	$(CARGO) clippy --workspace --all-targets -- -D warnings

fmt:
	$(CARGO) fmt --all

# Contract fuzzing: schemathesis (pinned, installed into target/fuzz-venv) with every check against the
# debug server on a fresh SQLite database, as an admin and as two bureaus' case workers; about 7 minutes,
# 127.0.0.1 only. Settings in .ci/fuzz/schemathesis.toml.
fuzz-api:
	$(CARGO) build --bin cpims
	.ci/fuzz/run.sh

# Regenerates the committed contract from the code.
openapi:
	$(CARGO) run --quiet --bin cpims -- openapi > openapi/openapi.json

migrate:
	$(CARGO) run --bin cpims -- migrate

# Starts the local PostgreSQL cluster where one is installed (Debian's pg_ctlcluster).
db-up:
	@if pg_lsclusters -h 2>/dev/null | grep -q online; then echo "PostgreSQL is running"; \
	elif command -v pg_ctlcluster >/dev/null; then \
		pg_ctlcluster --skip-systemctl-redirect $$(ls /etc/postgresql | head -n1) main start && echo "PostgreSQL started"; \
	else echo "no local PostgreSQL cluster found: install PostgreSQL or set DATABASE_URL to a server"; exit 1; fi
