"""Pages: bare arrays with X-Total-Count and Link headers, bad bounds refused."""

import pytest
from conftest import links, query

from project.api.errors import ApiError
from project.api.listing import parse_count


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
