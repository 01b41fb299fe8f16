"""The statements of database/*.sql, called as the API calls them: rows, versions, ids."""

import time
from concurrent.futures import ThreadPoolExecutor

import psycopg2
import pytest
from conftest import query
from psycopg2.extras import RealDictCursor

from project import database
from project.api.site import SITE as SITE_TABLE
from project.database.queries import HERE, Query, load, parse

SITE_FIELDS = SITE_TABLE.fields

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
    assert (row["name"], row["contact"], row["country"], row["postcode_or_zip"]) == (
        "Site 1",
        None,
        "US",
        "48103",
    )


def test_upsert_reports_whether_it_created(cur):
    site = dict.fromkeys(SITE_FIELDS)
    row = SITE.upsert(cur, id=7, **{**site, "name": "Seven"})
    assert row["created"] and row["name"] == "Seven"
    row = SITE.upsert(cur, id=7, **{**site, "name": "Seven again"})
    assert not row["created"] and row["name"] == "Seven again"


def new_site(cur, name):
    return database.create(SITE.create, cur, **{**dict.fromkeys(SITE_FIELDS), "name": name})


def test_explicit_ids_leave_the_sequence_alone_and_creates_skip_them(cur, pg_conn):
    for site_id in (4, 5, 6, 50):
        SITE.upsert(cur, id=site_id, **{**dict.fromkeys(SITE_FIELDS), "name": f"Chosen {site_id}"})
    assert query(pg_conn, "SELECT last_value FROM site_id_seq") == [(3,)]
    assert new_site(cur, "Next")["id"] == 7  # 4, 5 and 6 were taken: skipped in one scan
    assert new_site(cur, "After")["id"] == 8
    query(pg_conn, "INSERT INTO site (id, name) VALUES (free_id('site'), 'by hand in psql')")
    assert query(pg_conn, "SELECT max(id) FROM site WHERE id < 50") == [(9,)]


def test_a_create_that_loses_a_race_for_its_id_takes_the_next(cur, database_url):
    rival = psycopg2.connect(database_url)
    with rival.cursor() as other:  # inserts id 4, not yet committed: free_id cannot see it
        other.execute("INSERT INTO site (id, name) VALUES (4, 'rival')")
        with ThreadPoolExecutor(1) as pool:
            created = pool.submit(new_site, cur, "Mine")
            time.sleep(0.3)  # the create now waits for the rival's id 4
            rival.commit()
            assert created.result(timeout=10)["id"] == 5
    rival.close()


def test_create_gives_up_when_every_attempt_finds_its_row_taken(cur):
    with pytest.raises(database.NoFreeId):  # an insert of an existing id never returns a row
        database.create(SITE.insert, cur, id=1, **{**dict.fromkeys(SITE_FIELDS), "name": "Taken"})


def test_update_ignores_keys_the_table_does_not_have(cur):
    row = SITE.read(cur, id=1)
    assert SITE.update(cur, id=1, changes={"nope": 1, "id; DROP TABLE site": 2}, versions=None) == row


def test_update_and_delete_of_a_missing_row_are_none(cur):
    assert SITE.update(cur, id=99, changes={"name": "x"}, versions=None) is None
    assert SITE.delete(cur, id=99, versions=None) is None


def test_a_generated_uuid_is_made_for_a_new_container_and_kept_by_a_replacement(cur):
    container = load("container")
    place = {"barcode": None, "box_id": None, "position": None, "status": None, "status_note": None}
    place |= {"sample_type": None, "quantity": None, "unit": None, "collected_at": None, "expires_at": None}
    row = container.upsert(cur, id=8, uuid=None, description="new", freezer_id=1, **place)
    assert row["created"] and row["uuid"]
    again = container.upsert(cur, id=8, uuid=None, description="again", freezer_id=1, **place)
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
