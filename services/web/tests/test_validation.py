"""Field definitions: true of the database's columns; bodies checked and stored as PostgreSQL would."""

import pytest
from conftest import query

from project.api import box, computer, container, freezer, instrument, lab, rack, site
from project.api.validation import body_schema, check, json_types, replacement, required_fields, whole_row

RESOURCES = {
    "lab": lab, "site": site, "computer": computer, "freezer": freezer, "rack": rack, "box": box, "container": container
}  # fmt: skip


def columns(pg_conn, relation):
    """Return (name, nullable, has a default) of each column of `relation` but id, in order."""
    return query(
        pg_conn,
        """
        SELECT column_name, is_nullable = 'YES', column_default IS NOT NULL
          FROM information_schema.columns
         WHERE table_schema = 'public' AND table_name = %s AND column_name <> 'id'
         ORDER BY ordinal_position
        """,
        (relation,),
    )


@pytest.mark.parametrize("table", RESOURCES)
def test_each_resources_fields_are_its_tables_columns(pg_conn, table):
    fields = RESOURCES[table].FIELDS
    found = columns(pg_conn, table)
    assert [name for name, _, _ in found] == list(fields)
    for name, nullable, has_default in found:
        assert ("null" in json_types(fields[name])) == nullable, name
        assert bool(fields[name].get("x-generated")) == has_default, name
    assert required_fields(fields) == [name for name, nullable, default in found if not (nullable or default)]


def test_the_instruments_fields_are_the_views_columns(pg_conn):
    names = [name for name, _, _ in columns(pg_conn, "instruments")]
    assert names == [n for n in instrument.FIELDS if n != "id"]


def test_a_whole_row_write_nulls_omitted_fields_but_leaves_generated_ones_to_the_database():
    fields = container.FIELDS
    nothing = {"barcode": None, "box_id": None, "position": None}
    assert whole_row(fields, {"freezer_id": 1}) == {
        "uuid": None, "description": None, "freezer_id": 1, **nothing, "status": None, "status_note": None
    }  # fmt: skip
    assert replacement(fields, {"freezer_id": 1}) == {
        "description": None, "freezer_id": 1, **nothing, "status_note": None
    }  # fmt: skip
    assert replacement(fields, {"uuid": "x", "freezer_id": 1})["uuid"] == "x"


@pytest.mark.parametrize(
    ("field", "sent", "stored"),
    [
        (computer.FIELDS["mac"], "08-00-2B-01-02-03", "08:00:2b:01:02:03"),
        (computer.FIELDS["mac"], "0800.2b01.0203", "08:00:2b:01:02:03"),
        (
            container.FIELDS["uuid"],
            "0B6E1C4E6F1D4B8E9A512F7D3C8E5A01",
            "0b6e1c4e-6f1d-4b8e-9a51-2f7d3c8e5a01",
        ),
        (site.FIELDS["postcode_or_zip"], 48104, "48104"),
        (site.FIELDS["name"], "As sent", "As sent"),
    ],
)
def test_values_are_checked_and_stored_in_postgresqls_form(field, sent, stored):
    assert check(body_schema({"f": field}), {"f": sent}) == {"f": stored}
