"""Pages of a list statement (database/paging.py): counts, offsets, keyset seeks, index-backed plans."""

import pytest
from conftest import query
from psycopg2.extras import RealDictCursor

from project.api.instrument import POSITION as INSTRUMENT_ORDER
from project.database.paging import Key, PageSpec
from project.database.queries import load, parse

SITE = load("site")


@pytest.fixture
def cur(pg_conn):
    with pg_conn.cursor(cursor_factory=RealDictCursor) as cur:
        yield cur


def by_id(limit, **options):
    return PageSpec((Key("id"),), limit, **options)


def test_page_counts_all_rows_and_returns_one_page(cur):
    second = SITE.read(cur, id=2)
    del second["version"]
    assert SITE.list(cur, by_id(1, offset=1)) == {
        "total": 3,
        "rows": [second],
        "more": True,
        "last_keys": [2],
    }
    assert SITE.list(cur, by_id(1, offset=5)) == {"total": 3, "rows": [], "more": False, "last_keys": None}


def test_a_keyset_page_starts_after_the_given_keys(cur):
    page = SITE.list(cur, by_id(5, after=(1,)))
    assert [r["id"] for r in page["rows"]] == [2, 3]
    assert not page["more"]


def test_a_list_statement_may_end_in_a_comment(cur):
    statement = parse("-- name: list#\n-- Labs.\nSELECT id, name FROM lab  -- every one\n")["list"]
    assert statement(cur, by_id(5))["rows"] == [{"id": 1, "name": "Ann Arbor Lab"}]


def test_page_of_a_missing_parent_is_none(cur):
    assert load("computer").list(cur, by_id(5, parent=("site_id", 9, SITE.exists))) is None
    instruments = load("instrument").list
    position = tuple(Key(k) for k in INSTRUMENT_ORDER)
    assert instruments(cur, PageSpec(position, 5, parent=("site_id", 9, SITE.exists))) is None
    assert instruments(cur, PageSpec(position, 5, parent=("site_id", 2, SITE.exists)))["rows"] == []


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
    plan = explain(pg_conn, load("instrument").list, PageSpec(position, 100, after=("15000", "false", "0")))
    assert "Merge Append" in plan
    assert "Index Cond: (site_id >= 15000)" in plan
    by_name = PageSpec((Key("name"), Key("id")), 100, after=("s5", "5"))
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
