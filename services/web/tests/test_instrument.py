"""The instruments view, through SQL and HTTP."""

from urllib.parse import urlencode

from conftest import query
from test_listing_properties import offset_walk, walk

from project.api.instrument import FIELDS, LISTING

MOCK = [
    {"site_id": 1, "site_name": "Site 1", "computer_id": 1, "freezer_id": None, "name": "Computer 1"},
    {"site_id": 1, "site_name": "Site 1", "computer_id": 2, "freezer_id": None, "name": "Computer 2"},
    {"site_id": 1, "site_name": "Site 1", "computer_id": None, "freezer_id": 1, "name": "-20C"},
    {"site_id": 1, "site_name": "Site 1", "computer_id": None, "freezer_id": 2, "name": "-40C"},
]


def test_instruments_lists_computers_then_freezers_per_site(client):
    for path in ("/instruments", "/instruments/", "/instruments/0/10"):
        response = client.get(path)
        assert response.json == MOCK
        assert response.headers["X-Total-Count"] == "4"


def test_instrument_pages_neither_overlap_nor_skip(client, pg_conn):
    query(
        pg_conn,
        "INSERT INTO freezer (name, site_id) SELECT 'F' || n, 1 + n % 3 FROM generate_series(1, 20) n",
    )
    query(
        pg_conn,
        "INSERT INTO computer (name, site_id) SELECT 'C' || n, 1 + n % 3 FROM generate_series(1, 20) n",
    )
    everything = client.get("/instruments/0/1000").json
    pages = [client.get(f"/instruments/{offset}/7").json for offset in range(0, 44, 7)]
    assert [row for page in pages for row in page] == everything
    assert len(everything) == 44
    keys = [(r["site_id"], r["computer_id"] is None, r["computer_id"] or r["freezer_id"]) for r in everything]
    assert keys == sorted(keys)


def test_a_sites_instruments(client):
    assert client.get("/site/1/instruments").json == MOCK
    assert client.get("/site/1/instruments/2/1").json == MOCK[2:3]
    assert client.get("/site/2/instruments").json == []
    assert client.get("/site/9/instruments").status_code == 404


def test_the_view_reflects_renamed_sites_and_moved_instruments(client):
    client.patch("/site/1", json={"name": "HQ"})
    client.patch("/freezer/2", json={"site_id": 3})
    rows = client.get("/instruments").json
    assert {r["site_name"] for r in rows if r["site_id"] == 1} == {"HQ"}
    assert rows[-1] == {
        "site_id": 3,
        "site_name": "Site 3",
        "computer_id": None,
        "freezer_id": 2,
        "name": "-40C",
    }


def test_the_view_in_its_documented_order(pg_conn):
    rows = query(pg_conn, "SELECT * FROM instruments ORDER BY site_id, computer_id NULLS LAST, freezer_id")
    assert rows == [tuple(r.values()) for r in MOCK]


def test_every_order_and_filter_pages_as_the_view_does(client, pg_conn):
    """Site names joined to the page after the cut, or in the parts for orders and filters by them."""
    query(
        pg_conn,
        """
        INSERT INTO site (id, name) VALUES (40, 'Alpha'), (41, 'Beta');
        INSERT INTO computer (name, site_id) VALUES ('b', 41), ('a', 40), ('c', 3), ('a', 41);
        INSERT INTO freezer (name, site_id) VALUES ('a', 41), ('z', 40), ('b', 2);
        """,
    )
    view = (
        "SELECT site_id, site_name, computer_id, freezer_id, name"
        "  FROM (SELECT *, computer_id IS NULL AS is_freezer,"
        "               coalesce(computer_id, freezer_id) AS instrument_id FROM instruments) AS i"
    )
    for order, keys in LISTING.orders.items():
        by = ", ".join(k.column + (" DESC" if k.descending else "") for k in keys)
        for where, filters in (
            ("true", {}),
            ("site_name = 'Beta'", {"site_name": "Beta"}),
            ("name = 'a'", {"name": "a"}),
        ):
            expected = [
                dict(zip(FIELDS, row, strict=True))
                for row in query(pg_conn, f"{view} WHERE {where} ORDER BY {by}")
            ]
            response = client.get("/instruments/0/100", query_string={"order": order, **filters})
            assert response.json == expected, (order, filters)
            assert response.headers["X-Total-Count"] == str(len(expected))
            assert (
                walk(client, "/instruments?" + urlencode({"order": order, "limit": 2, **filters})) == expected
            )
    assert len(client.get("/instruments", query_string={"site_name": "Beta"}).json) == 3


def test_a_search_finds_each_instrument_once_by_its_or_its_sites_name_under_every_order(client, pg_conn):
    query(
        pg_conn,
        """
        INSERT INTO site (id, name) VALUES (40, 'Zeta Hub'), (41, 'Plain');
        INSERT INTO computer (name, site_id) VALUES ('zeta scope', 40), ('desk', 40), ('ZETA pc', 41), ('pc', 41);
        INSERT INTO freezer (name, site_id) VALUES ('Zeta -80', 40), ('tank', 40), ('zeta tank', 41), ('box', 41);
        """,
    )
    for order, keys in LISTING.orders.items():
        by = ", ".join(k.column + (" DESC" if k.descending else "") for k in keys)
        expected = [
            dict(zip(FIELDS, row, strict=True))
            for row in query(
                pg_conn,
                "SELECT site_id, site_name, computer_id, freezer_id, name"
                "  FROM (SELECT *, computer_id IS NULL AS is_freezer,"
                "               coalesce(computer_id, freezer_id) AS instrument_id FROM instruments) AS i"
                f" WHERE name ILIKE '%%zeta%%' OR site_name ILIKE '%%zeta%%' ORDER BY {by}",
            )
        ]
        assert len(expected) == 6  # four at Zeta Hub (two of them zeta by name too) and two by name
        assert client.get("/instruments/0/100", query_string={"q": "ZeTa", "order": order}).json == expected
        assert walk(client, f"/instruments?q=zeta&order={order}&limit=2") == expected
        rows, total = offset_walk(client, "/instruments", 4, {"q": "zeta", "order": order})
        assert rows == expected and total == 6
    assert [r["name"] for r in client.get("/site/41/instruments?q=zeta").json] == ["ZETA pc", "zeta tank"]
