"""Lists (api/listing.py): search, filters, order, keyset and offset pages with X-Total-Count
and Link headers, CSV; bad parameters refused.
"""

import csv
import io

import pytest
from conftest import links, query

from project.api.errors import ApiError
from project.api.listing import parse_count


@pytest.fixture
def more_sites(pg_conn):
    """Sites 4..9 with countries, contacts and postcodes, some missing."""
    query(
        pg_conn,
        """
        INSERT INTO site (name, country, contact, postcode_or_zip, lab_id) VALUES
            ('Basel', 'Switzerland', 'Ann', '4051', 1),
            ('Bern', 'Switzerland', NULL, '3000', NULL),
            ('Zurich 100%', 'Switzerland', 'ann_b', '8000', 1),
            ('Ann Arbor North', 'USA', NULL, '48105', NULL),
            ('Oslo', 'Norway', 'Bjørn', NULL, NULL),
            ('Under_score', NULL, NULL, NULL, NULL)
        """,
    )


def ids(response):
    assert response.status_code == 200, response.json
    return [row["id"] for row in response.json]


def test_q_searches_every_text_column_case_insensitively(client, more_sites):
    assert ids(client.get("/sites?q=ANN")) == [1, 4, 6, 7]  # Ann Arbor address, contacts Ann/ann_b, name
    assert client.get("/sites?q=ANN").headers["X-Total-Count"] == "4"
    assert ids(client.get("/sites?q=4810")) == [1, 7]  # postcodes
    assert ids(client.get("/sites?q=bjørn")) == [8]


@pytest.mark.parametrize(
    ("q", "expected"), [("100%", [6]), ("Zurich 1_0", []), ("der_sc", [9]), ("ich 10%", []), ("100\\", [])]
)
def test_like_wildcards_in_q_match_only_themselves(client, more_sites, q, expected):
    assert ids(client.get("/sites", query_string={"q": q})) == expected


def test_filters_are_equalities_that_combine(client, more_sites):
    assert ids(client.get("/sites?country=Switzerland")) == [4, 5, 6]
    assert ids(client.get("/sites?country=Switzerland&lab_id=1")) == [4, 6]
    assert ids(client.get("/sites?country=Switzerland&q=ann")) == [4, 6]
    response = client.get("/sites/0/1?country=Switzerland")
    assert response.headers["X-Total-Count"] == "3"
    assert links(response)["next"] == "/sites/1/1?country=Switzerland"


@pytest.mark.parametrize(
    ("path", "total"),
    [("/lab/1/sites?lab_id=5", "0"), ("/lab/1/sites?lab_id=1", "1"), ("/site/1/instruments?site_id=2", "0"),
     ("/site/1/computers?site_id=1", "2")],
)  # fmt: skip
def test_a_filter_on_a_childrens_parent_column_combines_with_the_parent(client, path, total):
    response = client.get(path)
    assert response.headers["X-Total-Count"] == total and len(response.json) == int(total)


def test_filters_on_children_lists_and_other_types(client):
    client.patch("/computer/2", json={"mac": "08:00:2b:01:02:03"})
    assert ids(client.get("/computers?mac=08-00-2B-01-02-03")) == [2]
    assert ids(client.get("/site/1/computers?name=Computer 1")) == [1]
    assert ids(client.get("/freezer/1/containers?uuid=5d2f7a90-3c4b-4e61-8f0a-9b1c2d3e4f02")) == [2]
    assert client.get("/instruments?freezer_id=2").json == [
        {"site_id": 1, "site_name": "Site 1", "computer_id": None, "freezer_id": 2, "name": "-40C"}
    ]


@pytest.mark.parametrize(
    ("path", "errors"),
    [
        ("/sites?colour=red", {"colour": "is not a known parameter"}),
        ("/sites?colour=red&size=2", {"colour": "is not a known parameter", "size": "is not a known parameter"}),
        ("/site/1/computers?nope=1", {"nope": "is not a known parameter"}),
        ("/instruments?id=1", {"id": "is not a known parameter"}),
        ("/sites?order=colour", {"order": "must be one of id, -id, lab_id, -lab_id, name, -name, contact, -contact, "
                                          "address, -address, state_or_region, -state_or_region, country, -country, "
                                          "postcode_or_zip, -postcode_or_zip"}),
        ("/sites?lab_id=one", {"lab_id": "must be an integer"}),
        ("/sites?lab_id=0", {"lab_id": "must be at least 1"}),
        ("/computers?mac=nonsense", {"mac": "must be a MAC address such as 08:00:2b:01:02:03"}),
        ("/sites?q=" + "x" * 201, {"q": "must be 1 to 200 characters, without NUL"}),
        ("/sites?q=abc%00", {"q": "must be 1 to 200 characters, without NUL"}),
        ("/sites?q=", {"q": "must be 1 to 200 characters, without NUL"}),
        ("/sites?name=%00", {"name": "must not be blank, start or end with spaces, or contain NUL characters or lone surrogates"}),
        ("/sites?format=xml", {"format": "must be json or csv"}),
        ("/sites?limit=0", {"limit": "must be an integer from 1 to 1000"}),
        ("/sites?after=garbage", {"after": "must be a cursor from a Link header of this list with order=id"}),
        ("/sites/0/5?limit=5", {"limit": "cannot be used with /<offset>/<limit> in the path"}),
        ("/sites/0/5?after=x", {"after": "cannot be used with /<offset>/<limit> in the path"}),
    ],
)  # fmt: skip
def test_bad_list_parameters_are_a_400_naming_them(client, path, errors):
    response = client.get(path)
    assert response.status_code == 400
    assert response.mimetype == "application/problem+json"
    assert response.json["errors"] == errors


def test_order_by_any_column_either_way_with_id_breaking_ties(client, more_sites):
    assert ids(client.get("/sites?order=-id")) == [9, 8, 7, 6, 5, 4, 3, 2, 1]
    assert ids(client.get("/sites?order=country")) == [8, 4, 5, 6, 1, 7, 2, 3, 9]  # NULLs last
    assert ids(client.get("/sites?order=-country")) == [9, 3, 2, 7, 1, 6, 5, 4, 8]  # and first, reversed
    assert ids(client.get("/sites?order=name&country=Switzerland")) == [4, 5, 6]
    names = [i["name"] for i in client.get("/instruments?order=-name").json]
    assert names == sorted(names, reverse=True)


def test_keyset_pages_follow_the_next_link_to_the_end(client, more_sites):
    response = client.get("/sites?order=country&limit=4")
    assert ids(response) == [8, 4, 5, 6]
    assert response.headers["X-Total-Count"] == "9"
    assert links(response)["first"] == "/sites?order=country&limit=4"
    response = client.get(links(response)["next"])
    assert ids(response) == [1, 7, 2, 3]
    response = client.get(links(response)["next"])
    assert ids(response) == [9]
    assert "next" not in links(response)


def test_a_cursor_belongs_to_its_order(client, more_sites):
    next_url = links(client.get("/sites?order=country&limit=2"))["next"]
    response = client.get(next_url.replace("order=country", "order=name"))
    assert response.status_code == 400
    assert list(response.json["errors"]) == ["after"]


@pytest.mark.parametrize(
    ("path", "order", "keys"),
    [("/sites", "id", ["notanint"]), ("/sites", "id", [True]), ("/sites", "id", [2**40]),
     ("/sites", "lab_id", ["x", 1]), ("/history", "-id", ["notanint"]),
     ("/instruments", "site_id", [1, "maybe", 1]), ("/instruments", "site_id", [1, False, 2**40])],
)  # fmt: skip
def test_a_forged_cursor_of_the_wrong_type_is_a_400_naming_after_in_our_words(client, path, order, keys):
    from project.api.listing import encode_cursor

    response = client.get(
        path, query_string={"limit": 2, "order": order, "after": encode_cursor(order, keys)}
    )
    assert response.status_code == 400
    assert response.json["errors"] == {
        "after": f"must be a cursor from a Link header of this list with order={order}"
    }


def test_the_offset_form_keeps_all_four_links_and_the_query(client, more_sites):
    response = client.get("/sites/1/1?order=-name&q=and")  # the 3 sites in Switzerland
    assert links(response) == {
        "first": "/sites/0/1?order=-name&q=and",
        "prev": "/sites/0/1?order=-name&q=and",
        "next": "/sites/2/1?order=-name&q=and",
        "last": "/sites/2/1?order=-name&q=and",
    }


def test_csv_by_accept_header_or_format_parameter(client):
    for response in (
        client.get("/site/1/freezers", headers={"Accept": "text/csv"}),
        client.get("/site/1/freezers?format=csv"),
    ):
        assert response.mimetype == "text/csv"
        assert response.headers["X-Total-Count"] == "2"
        assert (
            response.data.decode() == "id,name,site_id,site_name\r\n1,'-20C,1,Site 1\r\n2,'-40C,1,Site 1\r\n"
        )
    assert client.get("/sites?format=json", headers={"Accept": "text/csv"}).mimetype == "application/json"
    assert client.get("/sites", headers={"Accept": "text/html, */*"}).mimetype == "application/json"


def test_csv_quotes_what_needs_quoting_and_leaves_nulls_empty(client):
    client.patch("/site/2", json={"address": 'a, "quoted"\nline'})
    rows = list(csv.DictReader(io.StringIO(client.get("/sites?format=csv&name=Site 2").data.decode())))
    assert rows[0]["address"] == 'a, "quoted"\nline'
    assert rows[0]["contact"] == ""


@pytest.mark.parametrize("name", ['=HYPERLINK("http://x")', "+1", "-2", "@SUM(A1)", "\tx", "\rx"])
def test_csv_neutralises_spreadsheet_formulas_and_json_keeps_them(client, name):
    client.patch("/site/1", json={"contact": name})
    rows = list(csv.DictReader(io.StringIO(client.get("/sites?format=csv").data.decode(), newline="")))
    assert rows[0]["contact"] == "'" + name
    assert client.get("/sites").json[0]["contact"] == name


def test_instruments_keyset_pages_by_site_and_position(client, pg_conn):
    query(
        pg_conn,
        "INSERT INTO freezer (name, site_id) SELECT 'F' || n, 1 + n % 3 FROM generate_series(1, 10) n",
    )
    everything = client.get("/instruments/0/100").json
    seen, url = [], "/instruments?limit=3"
    while url:
        response = client.get(url)
        seen += response.json
        url = links(response).get("next")
    assert seen == everything


def test_lists_vary_by_accept(client):
    assert "Accept" in client.get("/sites").headers["Vary"]


@pytest.fixture
def sites(pg_conn):
    """Add sites 4..25, so there are 25."""
    query(pg_conn, "INSERT INTO site (name) SELECT 'Site ' || n FROM generate_series(4, 25) AS n")


def test_a_middle_page_links_to_first_prev_next_and_last(client, sites):
    response = client.get("/sites/10/5")
    assert [s["id"] for s in response.json] == [11, 12, 13, 14, 15]
    assert response.headers["X-Total-Count"] == "25"
    assert links(response) == {
        "first": "/sites/0/5",
        "prev": "/sites/5/5",
        "next": "/sites/15/5",
        "last": "/sites/20/5",
    }


def test_the_first_page_has_no_prev_and_the_last_no_next(client, sites):
    assert set(links(client.get("/sites/0/5"))) == {"first", "next", "last"}
    last = client.get("/sites/20/5")
    assert [s["id"] for s in last.json] == [21, 22, 23, 24, 25]
    assert set(links(last)) == {"first", "prev", "last"}


def test_a_short_last_page(client, sites):
    response = client.get("/sites/24/10")
    assert [s["id"] for s in response.json] == [25]
    assert links(response)["last"] == "/sites/20/10"
    assert links(response)["prev"] == "/sites/14/10"


def test_a_page_past_the_end_is_empty_and_links_back_to_the_last(client, sites):
    response = client.get("/sites/100/10")
    assert response.status_code == 200
    assert response.json == []
    assert response.headers["X-Total-Count"] == "25"
    assert links(response)["prev"] == "/sites/20/10"


def test_an_empty_list(client, pg_conn):
    query(pg_conn, "TRUNCATE lab, site, computer, freezer, container CASCADE")
    response = client.get("/computers")
    assert response.json == []
    assert response.headers["X-Total-Count"] == "0"
    assert links(response) == {"first": "/computers/0/100", "last": "/computers/0/100"}


def test_the_unpaged_list_is_the_first_page_of_the_default_size(app, client, sites):
    app.config["PAGE_SIZE"] = 10
    response = client.get("/sites")
    assert len(response.json) == 10
    assert links(response)["next"] == "/sites/10/10"


def test_walking_next_links_visits_every_row_once(client, sites):
    seen, url = [], "/sites/0/7"
    while url:
        response = client.get(url)
        seen += [s["id"] for s in response.json]
        url = links(response).get("next")
    assert seen == list(range(1, 26))


def test_children_and_instrument_pages_link_with_their_own_urls(client):
    assert links(client.get("/site/1/computers/0/1"))["next"] == "/site/1/computers/1/1"
    assert links(client.get("/site/1/instruments/1/2"))["next"] == "/site/1/instruments/3/2"
    assert links(client.get("/instruments/0/3"))["last"] == "/instruments/3/3"


def test_the_limit_is_capped(app, client):
    assert client.get(f"/sites/0/{app.config['MAX_PAGE_SIZE']}").status_code == 200
    response = client.get(f"/sites/0/{app.config['MAX_PAGE_SIZE'] + 1}")
    assert response.status_code == 400
    assert response.json["errors"] == {"limit": "must be an integer from 1 to 1000"}


@pytest.mark.parametrize(
    ("offset", "limit", "field"),
    [("-1", "5", "offset"), ("x", "5", "offset"), ("0", "0", "limit"), ("0", "-5", "limit"),
     ("0", "five", "limit"), ("1.5", "5", "offset"), ("0", "٣", "limit"), ("99999999999", "5", "offset")],
)  # fmt: skip
def test_a_bad_offset_or_limit_is_a_400_naming_it(client, offset, limit, field):
    for path in (
        f"/sites/{offset}/{limit}",
        f"/site/1/computers/{offset}/{limit}",
        f"/instruments/{offset}/{limit}",
    ):
        response = client.get(path)
        assert response.status_code == 400
        assert response.mimetype == "application/problem+json"
        assert list(response.json["errors"]) == [field]


def test_parse_count_accepts_the_bounds_and_refuses_outside_them():
    assert parse_count("0", "offset", 0, 10) == 0
    assert parse_count("10", "offset", 0, 10) == 10
    with pytest.raises(ApiError):
        parse_count("11", "offset", 0, 10)


def test_totals_past_count_exact_up_to_are_estimates_and_say_so(app, client, more_sites):
    app.config["COUNT_EXACT_UP_TO"] = 5  # 9 sites
    response = client.get("/sites?limit=2")
    assert response.headers["X-Total-Count-Estimated"] == "true"
    assert int(response.headers["X-Total-Count"]) >= 6
    assert "Prefer" in response.headers["Vary"]
    few = client.get("/sites?q=and")  # 3 sites in Switzerland: counted exactly
    assert few.headers["X-Total-Count"] == "3" and "X-Total-Count-Estimated" not in few.headers


@pytest.mark.parametrize(
    ("prefer", "total", "estimated"),
    [("count=exact", "9", None), ("return=minimal, count=exact", "9", None), ("count=planned", None, "true"),
     ("count=estimated", None, "true")],
)  # fmt: skip
def test_prefer_count_chooses_how_the_total_is_counted(app, client, more_sites, prefer, total, estimated):
    app.config["COUNT_EXACT_UP_TO"] = 5
    response = client.get("/sites/0/2", headers={"Prefer": prefer})
    assert response.headers["Preference-Applied"] == prefer.split(", ")[-1]
    assert response.headers.get("X-Total-Count-Estimated") == estimated
    if total:
        assert response.headers["X-Total-Count"] == total
        assert links(response)["last"] == "/sites/8/2"  # rel=last follows the total given


def test_list_rows_name_their_parents_and_a_row_read_alone_does_not(client):
    client.patch("/freezer/1", json={"name": "Main -20"})
    boxes = client.get("/rack/1/boxes").json
    assert [(b["freezer_name"], b["rack_name"]) for b in boxes] == [("Main -20", "Rack 1")] * 2
    container = client.get("/containers?barcode=S000003").json[0]
    assert (container["freezer_name"], container["box_name"]) == ("-40C", None)
    assert client.get("/sites?order=id&limit=1").json[0]["lab_name"] == "Ann Arbor Lab"
    assert {"site_name"} <= client.get("/computers").json[0].keys()
    assert client.get("/racks").json[0]["freezer_name"] == "Main -20"
    assert "freezer_name" not in client.get("/box/1").json
    assert client.get("/boxes?freezer_name=x").status_code == 400  # neither a filter
    assert client.get("/boxes?order=freezer_name").status_code == 400  # nor an order
