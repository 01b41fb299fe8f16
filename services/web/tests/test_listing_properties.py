"""Property: walking every page, by offset or by cursor, yields each row exactly once, in order."""

from conftest import query
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from test_listing import links

from project.api.instrument import LISTING as INSTRUMENTS
from project.api.site import SITE as SITE_TABLE

SITE_FIELDS = SITE_TABLE.fields

SITE_ORDERS = [order for column in ("id", *SITE_FIELDS) for order in (column, "-" + column)]

TEXT = st.one_of(st.none(), st.sampled_from(["", "a", "A", "b", "ab", "Zürich", "zürich", "100%", "x_y"]))
SITES = st.lists(
    st.tuples(st.sampled_from(["n1", "n2", "N3"]), TEXT, TEXT, st.one_of(st.none(), st.just(1))), max_size=14
)
SETTINGS = settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)


def load(pg_conn, sites, instruments_per_site=0):
    """Replace every site with these (name, country, contact, lab_id) rows."""
    query(pg_conn, "TRUNCATE site, computer, freezer, container RESTART IDENTITY CASCADE")
    for row in sites:
        query(pg_conn, "INSERT INTO site (name, country, contact, lab_id) VALUES (%s, %s, %s, %s)", row)
    query(
        pg_conn,
        "INSERT INTO computer (name, site_id) SELECT 'c' || n, s.id FROM site s, generate_series(1, %s) n",
        (instruments_per_site,),
    )
    query(
        pg_conn, "INSERT INTO freezer (name, site_id) SELECT 'f' || s.id, s.id FROM site s WHERE s.id % 2 = 0"
    )


def walk(client, url):
    """Follow rel=next from `url`; return every row seen."""
    rows = []
    while url:
        response = client.get(url)
        assert response.status_code == 200, response.json
        rows += response.json
        url = links(response).get("next")
    return rows


def offset_walk(client, base, size, params):
    """Read every page by offset; return every row seen and the total."""
    rows, offset = [], 0
    while True:
        response = client.get(f"{base}/{offset}/{size}", query_string=params)
        rows += response.json
        total = int(response.headers["X-Total-Count"])
        offset += size
        if offset >= total:
            return rows, total


@SETTINGS
@given(sites=SITES, order=st.sampled_from(SITE_ORDERS), size=st.integers(1, 5),
       params=st.sampled_from([{}, {"q": "Zür"}, {"country": "a"}, {"lab_id": 1}]))  # fmt: skip
def test_every_site_once_by_cursor_and_by_offset_under_every_order(
    client, pg_conn, sites, order, size, params
):
    load(pg_conn, sites)
    everything = client.get("/sites/0/1000", query_string={**params, "order": order}).json
    assert len({row["id"] for row in everything}) == len(everything)
    column = order.lstrip("-")
    expected = sorted(
        everything,
        key=lambda r: (r[column] is None, r[column] if r[column] is not None else 0, r["id"]),
        reverse=order[0] == "-",
    )
    assert everything == expected  # NULL sorts as the largest value; the cluster uses the C collation
    by_cursor = walk(
        client, f"/sites?{'&'.join(f'{k}={v}' for k, v in {**params, 'order': order}.items())}&limit={size}"
    )
    assert by_cursor == everything
    by_offset, total = offset_walk(client, "/sites", size, {**params, "order": order})
    assert by_offset == everything and total == len(everything)


@SETTINGS
@given(sites=SITES, order=st.sampled_from(list(INSTRUMENTS.orders)), size=st.integers(1, 4),
       computers=st.integers(0, 2))  # fmt: skip
def test_every_instrument_once_by_cursor_and_by_offset_under_every_order(
    client, pg_conn, sites, order, size, computers
):
    load(pg_conn, sites, computers)
    everything = client.get("/instruments/0/1000", query_string={"order": order}).json
    assert walk(client, f"/instruments?order={order}&limit={size}") == everything
    assert offset_walk(client, "/instruments", size, {"order": order})[0] == everything
