"""The instruments view, through SQL and HTTP."""

from conftest import query

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
