"""The app over real HTTP: parallel writers and a database restart."""

from concurrent.futures import ThreadPoolExecutor

import pytest
import requests
from conftest import query

WRITERS, WRITES = 16, 10


def test_parallel_upserts_of_one_id_end_in_one_consistent_row(live_url, pg_conn):
    def write(n):
        with requests.Session() as session:
            return [
                session.post(
                    f"{live_url}/site/77",
                    json={
                        "name": f"writer {n} write {i}",
                        "contact": f"writer {n}",
                        "postcode_or_zip": n * 100 + i,
                    },
                    timeout=30,
                ).status_code
                for i in range(WRITES)
            ]

    with ThreadPoolExecutor(WRITERS) as pool:
        statuses = [s for result in pool.map(write, range(WRITERS)) for s in result]
    assert sorted(set(statuses)) == [200, 201]
    assert statuses.count(201) == 1
    rows = query(pg_conn, "SELECT name, contact, postcode_or_zip FROM site WHERE id = 77")
    assert len(rows) == 1
    name, contact, postcode = rows[0]
    writer, write = int(postcode) // 100, int(postcode) % 100
    assert (name, contact) == (f"writer {writer} write {write}", f"writer {writer}")
    assert query(pg_conn, "SELECT count(*) FROM site") == [(4,)]


def test_parallel_creates_get_distinct_ids(live_url, pg_conn):
    def create(n):
        return requests.post(f"{live_url}/labs/", json={"name": f"Lab {n}"}, timeout=30).json()["id"]

    with ThreadPoolExecutor(8) as pool:
        ids = list(pool.map(create, range(40)))
    assert sorted(ids) == list(range(2, 42))


def test_the_app_recovers_when_the_database_restarts(live_url, pg_server):
    if pg_server is None:
        pytest.skip("TEST_DATABASE_URL is set: the tests do not control that server")
    with requests.Session() as session:
        assert session.get(f"{live_url}/site/1", timeout=10).status_code == 200
        pg_server.stop()
        pg_server.start()
        assert session.get(f"{live_url}/site/1", timeout=10).status_code == 200  # stale connection dropped
        pg_server.stop()
        try:
            down = session.get(f"{live_url}/site/1", timeout=30)
            assert down.status_code == 503
            assert down.headers["Content-Type"] == "application/problem+json"
            assert session.get(f"{live_url}/readyz", timeout=30).status_code == 503
        finally:
            pg_server.start()
        for path in ("/site/1", "/readyz", "/sites"):
            assert session.get(f"{live_url}{path}", timeout=10).status_code == 200
