"""Schema migrations (database/migrations.py, postgres_scripts/migrations/): in order, once, without loss."""

import os
import re
import subprocess
from concurrent.futures import ThreadPoolExecutor

import psycopg2
import pytest
from conftest import SCRIPTS, query

from devtools.localdb import default_bindir
from project.database import run_sql_file
from project.database.migrations import migrate, set_up

MIGRATIONS = SCRIPTS / "migrations"
VERSIONS = sorted(path.stem for path in MIGRATIONS.glob("[0-9]*.sql"))


@pytest.fixture
def fresh(pg_server):
    """Return a connection to a new, empty database."""
    if pg_server is None:
        pytest.skip("needs the tests' own server (TEST_DATABASE_URL is set)")
    pg_server.drop_database("labinv_fresh")
    pg_server.create_database("labinv_fresh")
    conn = psycopg2.connect(pg_server.url("labinv_fresh"))
    conn.autocommit = True
    yield conn
    conn.close()
    pg_server.drop_database("labinv_fresh")


def test_every_migration_is_applied_once_and_recorded(pg_conn):
    assert migrate(pg_conn, MIGRATIONS) == []
    assert [v for (v,) in query(pg_conn, "SELECT version FROM schema_migration ORDER BY version")] == VERSIONS
    assert VERSIONS[:2] == ["0001_initial", "0002_ids_search_names"]


def everything(conn):
    """Return every row of every inventory table and of history, in order."""
    tables = (
        "lab",
        "site",
        "computer",
        "freezer",
        "container",
        "app_user",
        "lab_member",
        "api_token",
        "history",
    )
    rows = {t: query(conn, f"SELECT * FROM {t} ORDER BY 1, 2") for t in tables}
    rows["container"] = query(conn, "SELECT id, uuid, description, freezer_id FROM container ORDER BY id")
    rows["history"] = query(
        conn,
        "SELECT id, table_name, row_id, operation, old_row, new_row, changed_at, actor FROM history ORDER BY 1",
    )
    return rows  # containers as they were before migration 0003 added columns, history before 0007


def test_a_database_made_before_migrations_upgrades_in_place_without_loss(fresh):
    run_sql_file(fresh, MIGRATIONS / "0001_initial.sql")  # what create_tables.sql made, no log of it
    query(fresh, (SCRIPTS / "mock_data.sql").read_text().split("-- Freezer storage")[0])  # no racks yet
    query(fresh, "INSERT INTO lab (name) VALUES ('anon'); INSERT INTO lab (name) VALUES ('ANON')")
    query(fresh, "INSERT INTO site (id, name) VALUES (2147483647, 'top'); UPDATE site SET contact = 'Ada'")
    before = everything(fresh)
    assert migrate(fresh, MIGRATIONS) == VERSIONS
    after = everything(fresh)
    assert after["lab"] == [
        *before["lab"][:2],
        (before["lab"][2][0], f"ANON ({before['lab'][2][0]})"),
    ]  # two labs named alike: the later one gets its id appended
    assert {t: rows for t, rows in after.items() if t not in ("lab", "history")} == {
        t: rows for t, rows in before.items() if t not in ("lab", "history")
    }
    renamed = after["history"][-1]  # the rename is on record, as every change
    assert after["history"][:-1] == before["history"] and renamed[1:4] == (
        "lab",
        before["lab"][2][0],
        "UPDATE",
    )
    assert query(fresh, "INSERT INTO site (id, name) VALUES (free_id('site'), 'next') RETURNING id") == [(4,)]


def test_replicas_starting_at_once_apply_each_migration_once(fresh, pg_server):
    def upgrade():
        conn = psycopg2.connect(pg_server.url("labinv_fresh"))
        try:
            return migrate(conn, MIGRATIONS)
        finally:
            conn.close()

    with ThreadPoolExecutor(4) as pool:
        results = list(pool.map(lambda _: upgrade(), range(4)))
    assert sorted(results, key=len) == [[], [], [], VERSIONS]
    assert query(fresh, "SELECT count(*) FROM schema_migration") == [(len(VERSIONS),)]


def test_set_up_seeds_the_example_data_and_can_run_again(fresh, pg_server):
    for _ in range(2):
        set_up(pg_server.url("labinv_fresh"), SCRIPTS, seed=True)
    assert query(fresh, "SELECT count(*) FROM site") == [(3,)]


def test_every_foreign_key_has_an_index_that_leads_with_it(pg_conn):
    unindexed = query(
        pg_conn,
        """
        SELECT c.conrelid::regclass, c.conname FROM pg_constraint c
         WHERE c.contype = 'f' AND NOT EXISTS (
               SELECT FROM pg_index i WHERE i.indrelid = c.conrelid AND i.indkey[0] = c.conkey[1])
        """,
    )
    assert unindexed == []


def dumped_schema(url):
    """Return pg_dump's schema of a database, without comments, settings and blank runs."""
    dump = subprocess.run(
        [default_bindir() / "pg_dump", "--schema-only", "--no-owner", "--no-privileges", url],
        capture_output=True, text=True, check=True,
    ).stdout  # fmt: skip
    lines = [line for line in dump.splitlines() if not re.match(r"(--|SET |SELECT pg_catalog|\\)", line)]
    return re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip() + "\n"


def test_schema_sql_is_the_schema_the_migrations_make(database_url, pg_conn):
    """postgres_scripts/schema.sql, the schema to read; UPDATE_SCHEMA_SQL=1 writes it anew."""
    server = query(pg_conn, "SHOW server_version_num")[0][0]
    if not server.startswith("18"):
        pytest.skip("schema.sql is PostgreSQL 18's pg_dump; this server is another version")
    actual = dumped_schema(database_url)
    if os.environ.get("UPDATE_SCHEMA_SQL"):
        (SCRIPTS / "schema.sql").write_text(HEADER + actual)
    assert (SCRIPTS / "schema.sql").read_text() == HEADER + actual


HEADER = """\
-- The current schema, to read: what postgres_scripts/migrations/ make, as pg_dump shows it.
-- Generated, never edited (UPDATE_SCHEMA_SQL=1 ./scripts/test tests/test_migrations.py);
-- tests/test_migrations.py checks that it is current. To change the schema, add a migration.

"""
