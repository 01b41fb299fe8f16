"""What q searches: declared once per resource (rows.Table.search), and the list statement, its
trigram index, the OpenAPI text and the answers all follow it; short and literal terms work."""

import re

import pytest
from conftest import query

from project.api import box, computer, container, freezer, lab, rack, site
from project.database.queries import load

TABLES = [lab.LAB, site.SITE, computer.COMPUTER, freezer.FREEZER, rack.RACK, box.BOX, container.CONTAINER]
MARKERS = {  # a value of the column, and a piece of it that no other row holds
    "mac": ("0a:1b:2c:3d:4e:5f", "3d:4e"),
    "uuid": ("aaaaaaaa-bbbb-4ccc-8ddd-123456789abc", "89ab"),
}


def columns_in(text, table):
    """Return the columns of `table` named in `text`."""
    return {name for name in ("id", *table.fields) if re.search(rf"\b{name}\b", text)}


def searched_text(table):
    """Return the expression the list statement matches against %(pattern)s."""
    sql = load(table.name).list.sql
    return sql[sql.index("IS NULL") : sql.index("ILIKE %(pattern)s")]


@pytest.mark.parametrize("table", TABLES, ids=lambda t: t.name)
def test_the_statement_and_its_index_search_the_declared_columns(pg_conn, table):
    assert columns_in(searched_text(table), table) == set(table.search)
    (index,) = query(pg_conn, "SELECT pg_get_indexdef(%s::regclass)", (f"{table.name}_search_idx",))[0]
    assert columns_in(index.split("USING gin", 1)[1], table) == set(table.search)


@pytest.mark.parametrize("table", TABLES, ids=lambda t: t.name)
def test_the_openapi_document_names_the_declared_columns(client, table):
    q = client.get("/openapi.json").json["components"]["parameters"][f"{table.name.capitalize()}.q"]
    assert q["description"] == "case-insensitive substring of any of: " + ", ".join(table.search)


@pytest.mark.parametrize(
    ("table", "column"), [(t, c) for t in TABLES for c in t.search], ids=lambda x: getattr(x, "name", x)
)
def test_a_row_is_found_by_each_searched_column(client, pg_conn, table, column):
    value, piece = MARKERS.get(column, (f"Qzx {column} mark", f"x {column} m"))
    query(pg_conn, f"UPDATE {table.name} SET {column} = %s WHERE id = 1", (value,))
    plural = "boxes" if table.name == "box" else table.name + "s"
    found = client.get(f"/{plural}", query_string={"q": piece.upper()})
    assert found.status_code == 200
    assert [row["id"] for row in found.json] == [1]


def test_barcodes_are_searchable(client):
    assert [row["barcode"] for row in client.get("/containers?q=T-0002").json] == ["T-0002"]


@pytest.mark.parametrize(
    ("path", "expected"),
    [
        ("/sites?q=u", None),  # one character
        ("/containers?q=t-", [1, 2]),  # two, with a hyphen
        ("/boxes?q=02", [2]),
        ("/sites?q=zz", []),
    ],
)
def test_one_or_two_characters_are_a_search(client, path, expected):
    response = client.get(path)
    assert response.status_code == 200
    if expected is not None:
        assert [row["id"] for row in response.json] == expected
    else:
        assert response.json and all("u" in str(row).lower() for row in response.json)


@pytest.mark.parametrize(
    ("q", "description"), [("10%", "Plasma 10% EDTA"), ("a_b", "tube a_b"), ("\\", "C:\\lab")]
)
def test_like_wildcards_and_backslash_match_themselves(client, pg_conn, q, description):
    query(pg_conn, "UPDATE container SET description = %s WHERE id = 3", (description,))
    query(pg_conn, "UPDATE container SET description = 'Plasma 100 EDTA; tube axb' WHERE id = 2")
    assert [row["id"] for row in client.get("/containers", query_string={"q": q}).json] == [3]
