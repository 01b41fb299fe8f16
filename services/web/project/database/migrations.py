"""Versioned schema migrations: postgres_scripts/migrations/NNNN_name.sql, applied in order, each once.

Each file runs in its own transaction, which also records its version in
schema_migration; an advisory lock makes app instances that start at once
(replicas) apply them one after the other. Migration 0001 is the schema
as it was before migrations, written to adopt a database made by it.
"""

import psycopg2

from . import DictCursor, run_sql_file, transaction

LOCK = 71_503_010  # the advisory lock of migrations, the same for every instance

CREATE_LOG = """
CREATE TABLE IF NOT EXISTS schema_migration (
    version    text PRIMARY KEY,
    applied_at timestamptz NOT NULL DEFAULT now()
)
"""
APPLIED = "SELECT version FROM schema_migration"
RECORD = "INSERT INTO schema_migration (version) VALUES (%(version)s)"


def migrate(conn, directory):
    """Apply the migrations of `directory` that the database lacks; return their versions."""
    conn.autocommit = True  # each migration is a transaction of its own
    with conn.cursor() as cur:
        cur.execute("SELECT pg_advisory_lock(%(lock)s)", {"lock": LOCK})
    try:
        with transaction(conn, DictCursor) as cur:
            cur.execute(CREATE_LOG)
            cur.execute(APPLIED)
            done = {row["version"] for row in cur.fetchall()}
        applied = []
        for path in sorted(directory.glob("[0-9]*.sql")):
            if path.stem in done:
                continue
            with transaction(conn) as cur:
                cur.execute(path.read_text(encoding="utf-8"))
                cur.execute(RECORD, {"version": path.stem})
            applied.append(path.stem)
        return applied
    finally:
        with conn.cursor() as cur:
            cur.execute("SELECT pg_advisory_unlock(%(lock)s)", {"lock": LOCK})


def set_up(url, scripts, seed=False):
    """Bring the database at `url` up to date from `scripts` (postgres_scripts/); `seed`: add the examples."""
    conn = psycopg2.connect(url)
    try:
        migrate(conn, scripts / "migrations")
        if seed:
            run_sql_file(conn, scripts / "mock_data.sql")
    finally:
        conn.close()
