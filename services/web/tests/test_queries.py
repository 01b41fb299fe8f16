"""The statements of database/*.sql, called as the API calls them: rows, versions, ids."""

import pytest
from conftest import query
from psycopg2.extras import RealDictCursor

from project import database
from project.api.site import FIELDS as SITE_FIELDS
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
