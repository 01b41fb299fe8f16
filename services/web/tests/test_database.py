"""The data layer on its own: queries, sequences, the pool and transactions."""

import psycopg2
import pytest
from conftest import SCRIPTS, query
from psycopg2.extras import RealDictCursor

from project import database
from project.api.instrument import POSITION as INSTRUMENT_ORDER
from project.api.site import FIELDS as SITE_FIELDS
from project.database import Pool, PoolTimeout, run_sql_file, transaction
from project.database.paging import Key, Page
from project.database.queries import HERE, Query, load, parse

SQL_FILES = sorted(HERE.glob("*.sql"))


SITE = load("site")


@pytest.fixture
def cur(pg_conn):
    with pg_conn.cursor(cursor_factory=RealDictCursor) as cur:
        yield cur


def test_read_returns_a_dict_with_its_version_or_none(cur):
    row = SITE.read(cur, id=3)
    assert len(row.pop("version")) == 32
    assert row == {
        "id": 3, "lab_id": None, "name": "Site 3", "contact": None, "address": None,
        "state_or_region": None, "country": None, "postcode_or_zip": None,
    }  # fmt: skip
    assert SITE.read(cur, id=99) is None


def test_every_write_changes_the_version(cur):
    first = SITE.read(cur, id=3)["version"]
    second = SITE.update(cur, id=3, changes={"contact": "Ada"}, versions=None)["version"]
    assert first != second
    assert SITE.update(cur, id=3, changes={"contact": "Bob"}, versions=[first]) is None
    assert SITE.update(cur, id=3, changes={"contact": "Bob"}, versions=[first, second])["contact"] == "Bob"
    assert SITE.delete(cur, id=3, versions=[second]) is None


def test_update_changes_only_the_columns_given_and_can_set_null(cur):
    row = SITE.update(cur, id=1, changes={"contact": None, "country": "US"}, versions=None)
    assert (row["name"], row["contact"], row["country"], row["postcode_or_zip"]) == ("Site 1", None, "US", "48103")


def by_id(limit, **options):
    return Page((Key("id"),), limit, **options)


def test_page_counts_all_rows_and_returns_one_page(cur):
    second = SITE.read(cur, id=2)
    del second["version"]
    assert SITE.list(cur, by_id(1, offset=1)) == {"total": 3, "rows": [second], "more": True, "last_keys": [2]}
    assert SITE.list(cur, by_id(1, offset=5)) == {"total": 3, "rows": [], "more": False, "last_keys": None}


def test_a_keyset_page_starts_after_the_given_keys(cur):
    page = SITE.list(cur, by_id(5, after=(1,)))
    assert [r["id"] for r in page["rows"]] == [2, 3]
    assert not page["more"]


def test_page_of_a_missing_parent_is_none(cur):
    assert load("computer").list(cur, by_id(5, parent=("site_id", 9, SITE.exists))) is None
    instruments = load("instrument").list
    position = tuple(Key(k) for k in INSTRUMENT_ORDER)
    assert instruments(cur, Page(position, 5, parent=("site_id", 9, SITE.exists))) is None
    assert instruments(cur, Page(position, 5, parent=("site_id", 2, SITE.exists)))["rows"] == []


def test_upsert_reports_whether_it_created(cur):
    site = dict.fromkeys(SITE_FIELDS)
    row = SITE.upsert(cur, id=7, **{**site, "name": "Seven"})
    assert row["created"] and row["name"] == "Seven"
    row = SITE.upsert(cur, id=7, **{**site, "name": "Seven again"})
    assert not row["created"] and row["name"] == "Seven again"


def new_site(cur, name):
    return database.create(SITE.create, cur, **{**dict.fromkeys(SITE_FIELDS), "name": name})


def test_plain_inserts_continue_after_explicit_ids(cur, pg_conn):
    SITE.upsert(cur, id=50, **{**dict.fromkeys(SITE_FIELDS), "name": "Fifty"})
    assert new_site(cur, "Next")["id"] == 51
    query(pg_conn, "INSERT INTO site (id, name) VALUES (60, 'by hand in psql')")
    assert new_site(cur, "After")["id"] == 61
    query(pg_conn, "INSERT INTO site (name) VALUES ('plain psql insert')")


def test_create_skips_ids_taken_behind_the_sequences_back(cur, pg_conn):
    query(pg_conn, "SELECT setval(pg_get_serial_sequence('site', 'id'), 1)")
    assert new_site(cur, "Four")["id"] == 4


def test_create_gives_up_after_a_few_taken_ids(cur, pg_conn):
    query(pg_conn, "SELECT setval(pg_get_serial_sequence('site', 'id'), 1, false)")
    with pytest.raises(database.NoFreeId):
        new_site(cur, "Unlucky")


def test_update_ignores_keys_the_table_does_not_have(cur):
    row = SITE.read(cur, id=1)
    assert SITE.update(cur, id=1, changes={"nope": 1, "id; DROP TABLE site": 2}, versions=None) == row


def test_update_and_delete_of_a_missing_row_are_none(cur):
    assert SITE.update(cur, id=99, changes={"name": "x"}, versions=None) is None
    assert SITE.delete(cur, id=99, versions=None) is None


def test_a_generated_uuid_is_made_for_a_new_container_and_kept_by_a_replacement(cur):
    container = load("container")
    row = container.upsert(cur, id=8, uuid=None, description="new", freezer_id=1)
    assert row["created"] and row["uuid"]
    again = container.upsert(cur, id=8, uuid=None, description="again", freezer_id=1)
    assert again["uuid"] == row["uuid"] and again["description"] == "again"


def test_statements_are_named_and_described_in_their_files():
    parsed = parse(
        "-- The file's own comment.\n\n"
        "-- name: read^\n-- One row,\n-- or none.\nSELECT 1 -- inline\n  AS one;\n\n"
        "-- name: ping$\n-- A value.\nSELECT 1;\n"
    )
    assert parsed["read"] == Query("read", "^", "SELECT 1 -- inline\n  AS one", "One row, or none.")
    assert parsed["ping"].kind == "$"
    for path in SQL_FILES:
        for statement in parse(path.read_text()).values():
            assert statement.doc and statement.sql, (path.name, statement.name)


def test_the_schema_and_example_data_scripts_can_run_again(pg_conn):
    run_sql_file(pg_conn, SCRIPTS / "create_tables.sql")
    run_sql_file(pg_conn, SCRIPTS / "mock_data.sql")
    assert query(pg_conn, "SELECT count(*) FROM site") == [(3,)]


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


def test_child_lists_and_instruments_are_read_through_indexes(pg_conn):
    query(pg_conn, "INSERT INTO site (name) SELECT 's' || n FROM generate_series(1, 20000) n")
    for table in ("computer", "freezer"):
        rows = "SELECT 'i' || n, 1 + n % 20000 FROM generate_series(1, 40000) n"
        query(pg_conn, f"INSERT INTO {table} (name, site_id) {rows}")
    query(pg_conn, "ANALYZE")
    plan = "\n".join(
        r[0] for r in query(pg_conn, "EXPLAIN SELECT * FROM computer WHERE site_id = 7 ORDER BY id")
    )
    assert "computer_site_id_idx" in plan
    plan = "\n".join(r[0] for r in query(pg_conn, "EXPLAIN SELECT * FROM instruments WHERE site_id = 7"))
    assert "computer_site_id_idx" in plan and "freezer_site_id_idx" in plan
    page = (
        "SELECT * FROM instruments ORDER BY site_id, computer_id NULLS LAST, freezer_id LIMIT 100 OFFSET 500"
    )
    plan = "\n".join(r[0] for r in query(pg_conn, "EXPLAIN " + page))
    assert "Merge Append" in plan and "Seq Scan" not in plan
    position = tuple(Key(k) for k in INSTRUMENT_ORDER)
    plan = explain(pg_conn, load("instrument").list, Page(position, 100, after=("15000", "false", "0")))
    assert "Merge Append" in plan
    assert "Index Cond: (site_id >= 15000)" in plan
    by_name = Page((Key("name"), Key("id")), 100, after=("s5", "5"))
    assert "Index Cond: (name >= 's5'::text)" in explain(pg_conn, SITE.list, by_name)


class Sent(Exception):
    """The statement a cursor was asked to run, caught before it ran."""


class Catching(RealDictCursor):
    def execute(self, statement, params=None):
        raise Sent(self.mogrify(statement, params).decode())


def explain(pg_conn, fetch, page_query):
    """Return the plan of the statement that `fetch` runs for `page_query`."""
    with pg_conn.cursor(cursor_factory=Catching) as cur, pytest.raises(Sent) as sent:
        fetch(cur, page_query)
    return "\n".join(r[0] for r in query(pg_conn, "EXPLAIN " + sent.value.args[0]))


def test_a_transaction_commits_or_rolls_back_as_a_whole(pg_conn):
    with transaction(pg_conn) as cur:
        cur.execute("INSERT INTO lab (name) VALUES ('kept')")
    with pytest.raises(psycopg2.errors.UniqueViolation), transaction(pg_conn) as cur:
        cur.execute("INSERT INTO lab (name) VALUES ('lost')")
        cur.execute("INSERT INTO lab (name) VALUES ('kept')")
    assert query(pg_conn, "SELECT name FROM lab ORDER BY id") == [("Ann Arbor Lab",), ("kept",)]
    assert pg_conn.autocommit


def test_the_pool_reuses_connections_and_bounds_their_number(database_url):
    pool = Pool(database_url, size=2, timeout=0.2)
    first = pool.getconn()
    second = pool.getconn()
    with pytest.raises(PoolTimeout):
        pool.getconn()
    pool.putconn(first)
    assert pool.getconn() is first
    pool.putconn(first)
    pool.putconn(second)
    pool.closeall()
    assert first.closed and second.closed


def test_the_pool_rolls_back_what_a_request_left_open(database_url):
    pool = Pool(database_url, size=1)
    conn = pool.getconn()
    conn.autocommit = False
    with conn.cursor() as cur:
        cur.execute("INSERT INTO lab (name) VALUES ('uncommitted')")
    pool.putconn(conn)
    conn = pool.getconn()
    with conn.cursor() as cur:
        cur.execute("SELECT count(*) AS n FROM lab WHERE name = 'uncommitted'")
        assert cur.fetchone()["n"] == 0
    pool.putconn(conn)
    pool.closeall()


def test_the_pool_discards_connections_the_server_closed(database_url, pg_conn):
    pool = Pool(database_url, size=1)
    conn = pool.getconn()
    with conn.cursor() as cur:
        cur.execute("SELECT pg_backend_pid() AS pid")
        pid = cur.fetchone()["pid"]
    pool.putconn(conn)
    query(pg_conn, "SELECT pg_terminate_backend(%s, 5000)", (pid,))
    fresh = pool.getconn()
    assert fresh is not conn and conn.closed
    with fresh.cursor() as cur:
        cur.execute("SELECT 1 AS one")
        assert cur.fetchone()["one"] == 1
    fresh.close()
    pool.putconn(fresh)
    assert pool.getconn() is not fresh


def test_the_pool_closes_a_connection_that_broke_mid_transaction(database_url, pg_conn):
    pool = Pool(database_url, size=1)
    conn = pool.getconn()
    conn.autocommit = False
    with conn.cursor() as cur:
        cur.execute("SELECT pg_backend_pid() AS pid")
        pid = cur.fetchone()["pid"]
    query(pg_conn, "SELECT pg_terminate_backend(%s, 5000)", (pid,))
    pool.putconn(conn)
    assert conn.closed
    replacement = pool.getconn()
    assert replacement is not conn and not replacement.closed
    pool.putconn(replacement)
    pool.closeall()
