"""Pages of a list statement (database/paging.py): counts, offsets, keyset seeks, index-backed plans."""

import re

import pytest
from conftest import query
from psycopg2.extras import RealDictCursor

from project.api.instrument import LISTING as INSTRUMENTS
from project.api.instrument import POSITION as INSTRUMENT_ORDER
from project.database import paging
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
        "estimated": False,
        "rows": [second],
        "more": True,
        "last_keys": [2],
    }
    assert SITE.list(cur, by_id(1, offset=5)) == {
        "total": 3, "estimated": False, "rows": [], "more": False, "last_keys": None
    }  # fmt: skip


def test_a_keyset_page_starts_after_the_given_keys(cur):
    page = SITE.list(cur, by_id(5, after=(1,)))
    assert [r["id"] for r in page["rows"]] == [2, 3]
    assert not page["more"]


def test_a_list_statement_may_end_in_a_comment(cur):
    statement = parse("-- name: list@\n-- Labs.\nSELECT id, name FROM lab  -- every one\n")["list"]
    assert statement(cur, by_id(5))["rows"] == [{"id": 1, "name": "Ann Arbor Lab"}]


def test_page_of_a_missing_parent_is_none(cur):
    assert load("computer").list(cur, by_id(5, parent=("site_id", 9, SITE.exists))) is None

    def instruments(cur, spec):
        return paging.page(cur, tuple(part.sql for part in INSTRUMENTS.parts), spec)

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
    plan = explain(pg_conn, INSTRUMENTS.parts, PageSpec(position, 100, after=("15000", "false", "0")))
    for index in ("computer_site_id_idx", "freezer_site_id_idx"):  # each part, from the page's first site on
        assert re.search(rf"Index Scan using {index} .*\n *Index Cond: \(site_id >= 15000\)", plan), plan
    by_name = PageSpec((Key("name"), Key("id")), 100, after=("s5", "5"))
    assert "Index Cond: (name >= 's5'::text)" in explain(pg_conn, (SITE.list,), by_name)


def test_an_instruments_page_joins_site_to_its_own_rows_alone(pg_conn, many):
    """The parts read computers and freezers; site is looked up 51 times, not for the 1,102 rows cut."""
    spec = PageSpec(INSTRUMENTS.orders["site_id"], 50, offset=500, count_limit=1001)
    completion = INSTRUMENTS.completion.query.sql
    assert INSTRUMENTS.statements(spec) == (tuple(part.sql for part in INSTRUMENTS.parts), completion)
    plan = explain(
        pg_conn, INSTRUMENTS.parts, spec, completion, "(ANALYZE, COSTS OFF, TIMING OFF, SUMMARY OFF) "
    )
    assert re.search(r"Index Scan using site_pkey on site s \(actual rows=1(\.00)? loops=51\)", plan), plan
    assert plan.count("on site") == 1, plan


@pytest.fixture
def many(pg_conn):
    """20,000 sites and 40,000 each of computers, freezers and containers, analyzed."""
    query(
        pg_conn,
        """
        INSERT INTO site (name, contact) SELECT 'Site ' || n, 'Contact ' || n % 500 FROM generate_series(4, 20000) n;
        INSERT INTO computer (name, site_id) SELECT 'Computer ' || n, 1 + n % 20000 FROM generate_series(3, 40000) n;
        INSERT INTO freezer (name, site_id) SELECT 'Freezer ' || n, 1 + n % 20000 FROM generate_series(3, 40000) n;
        INSERT INTO container (freezer_id, description)
             SELECT 1 + n % 40000, 'Sample ' || n || ' plasma' FROM generate_series(4, 40000) n;
        ANALYZE;
        """,
    )


@pytest.mark.parametrize("table", ["site", "computer", "freezer", "container"])
def test_a_search_for_a_rare_piece_can_read_the_trigram_index(pg_conn, many, table):
    query(pg_conn, "SET enable_seqscan = off")  # these tables are small; the index must still fit
    plan = explain(pg_conn, (load(table).list,), PageSpec((Key("id"),), 50, q="xyzzy", count_limit=1001))
    assert f"Bitmap Index Scan on {table}_search_idx" in plan


def test_an_instruments_search_can_read_the_names_and_site_names_trigram_indexes(pg_conn, many):
    query(pg_conn, "SET enable_seqscan = off")
    position = tuple(Key(k) for k in INSTRUMENT_ORDER)
    plan = explain(pg_conn, INSTRUMENTS.search_parts, PageSpec(position, 50, q="xyzzy", count_limit=1001))
    for index in ("computer_name_search_idx", "freezer_search_idx", "site_name_search_idx"):
        assert index in plan


@pytest.mark.parametrize(
    ("order", "read_in_order"),
    [("site_id", r"Index Scan using freezer_site_id_idx on freezer \w+ .*\n *Filter: .*'%Freezer%'"),
     ("-name", r"Index Scan Backward using freezer_name_idx on freezer \w+ .*\n *Filter: .*'%Freezer%'"),
     ("site_name", r"Scan using site_name_idx on site")],
)  # fmt: skip
def test_an_instruments_search_for_a_common_piece_reads_its_rows_in_order(
    pg_conn, many, order, read_in_order
):
    """Not all 40,000 freezers sorted: the first that match, read through an index in the page's order."""
    plan = explain(pg_conn, INSTRUMENTS.search_parts, PageSpec(INSTRUMENTS.orders[order], 50, q="Freezer"))
    assert re.search(read_in_order, plan), plan


def test_a_list_made_of_parts_pages_as_the_whole_list(cur, pg_conn):
    query(pg_conn, "INSERT INTO site (name) SELECT 'S' || n % 4 FROM generate_series(1, 12) n")
    whole = parse("-- name: list@\nSELECT id, name FROM site")["list"]
    thirds = tuple(f"SELECT id, name FROM site WHERE id %% 3 = {n}" for n in range(3))

    def parts(cur, spec):
        return paging.page(cur, thirds, spec)

    by_name = (Key("name", descending=True), Key("id"))
    for spec in (by_id(4), by_id(4, offset=6), by_id(5, after=("7",)), by_id(4, count_limit=16),
                 PageSpec(by_name, 3, offset=2), PageSpec(by_name, 4, after=("S2", "6"), filters={"name": "S2"}),
                 by_id(4, minimums={"id": 9})):  # fmt: skip
        assert parts(cur, spec) == whole(cur, spec)
    estimated = parts(cur, by_id(4, count_limit=6))  # the planner's estimate differs: the rest may not
    assert estimated["estimated"] and estimated["rows"] == whole(cur, by_id(4))["rows"]


def test_a_count_stops_at_its_limit_and_estimates_past_it(cur, pg_conn, many):
    exact = SITE.list(cur, PageSpec((Key("id"),), 5, q="Contact 42", count_limit=1001))
    matching = query(pg_conn, "SELECT count(*) FROM site WHERE contact LIKE '%Contact 42%'")[0][0]
    assert (exact["total"], exact["estimated"]) == (matching, False)
    estimated = SITE.list(cur, PageSpec((Key("id"),), 5, count_limit=1001))
    assert estimated["estimated"] and 15_000 < estimated["total"] < 25_000
    assert len(estimated["rows"]) == 5
    assert SITE.list(cur, PageSpec((Key("id"),), 5))["total"] == 20000  # count_limit None: exact


def explain(pg_conn, parts, spec, completion=None, options=""):
    """Return the plan of the statement that pages the list made of `parts` (queries) as `spec` says."""
    with pg_conn.cursor() as cur:
        composed = paging.statement(cur, tuple(part.sql for part in parts), spec, completion=completion)
        statement = cur.mogrify(*composed).decode()
    return "\n".join(r[0] for r in query(pg_conn, f"EXPLAIN {options}" + statement))
