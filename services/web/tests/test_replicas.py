"""Reads from streaming replicas (issue 21, items 1 to 4), against real ones made by pg_basebackup -R.

Two replicas of the session's test server stream from it. Which node answered a GET shows in
what it answers: while a replica's replay is paused, a change made on the primary is not there.
"""

import contextlib
import re
import tempfile
import threading
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import psycopg2
import pytest
import requests
from conftest import serving
from replicas import admin, caught_up, replica, wait_until

from project import create_app
from project.database import split_urls
from project.db import TOKEN, get_cursor

SITE = "/site/1"
TOKEN_HEADER = "X-Consistency-Token"


@pytest.fixture(scope="module")
def standbys(pg_server, database_url):
    """Return two running replicas of the test server (not under /tmp/pytest-of-root: see test_failover)."""
    if pg_server is None:
        pytest.skip("TEST_DATABASE_URL is set: the tests do not control that server")
    with (
        tempfile.TemporaryDirectory(prefix="labinv-rep-") as tmp,
        replica(pg_server, Path(tmp) / "r1") as first,
        replica(pg_server, Path(tmp) / "r2") as second,
    ):
        yield [first, second]


def make_app(database_url, standbys, **settings):
    """Return an app reading from `standbys` (the first with a password in its URL, to be hidden)."""
    urls = [s.url("labinv_test") for s in standbys]
    urls[0] = urls[0].replace("postgres@", "postgres:hidden-secret@")
    return create_app(
        {
            "TESTING": True,
            "DATABASE_URL": database_url,
            "DATABASE_REPLICA_URLS": ", ".join(urls),
            "ALLOW_ANONYMOUS_WRITES": True,
            "RATELIMIT_ENABLED": False,
            **settings,
        }
    )


def usable(app, count=2):
    """Wait until the app's checks find `count` replicas usable."""
    router = app.extensions["pg_router"]
    router.watch()
    wait_until(
        lambda: sum(r.usable(router.max_lag) for r in router.replicas) == count, what="usable replicas"
    )


@pytest.fixture
def replicated(database_url, standbys, pg_server, pg_conn):
    """Return an app with two replicas, both caught up with the reset test data and in use."""
    for standby in standbys:
        caught_up(pg_server, standby)
    app = make_app(database_url, standbys, REPLICA_MAX_LAG_S=3600)
    usable(app)
    yield app
    for standby in standbys:
        with contextlib.suppress(psycopg2.Error):
            admin(standby, "SELECT pg_wal_replay_resume()")
    app.extensions["pg_router"].close()


@contextlib.contextmanager
def paused(standbys):
    """Pause the replicas' replay for the block."""
    for standby in standbys:
        admin(standby, "SELECT pg_wal_replay_pause()")
    try:
        yield
    finally:
        for standby in standbys:
            admin(standby, "SELECT pg_wal_replay_resume()")


def rename(pg_conn, name):
    """Rename site 1 on the primary, behind the app's back (no consistency token)."""
    with pg_conn.cursor() as cur:
        cur.execute("UPDATE site SET name = %s WHERE id = 1", (name,))


def test_split_urls_keeps_a_multi_host_url_whole():
    urls = "postgresql://u:p@a:1,b:2/db?target_session_attrs=read-write, postgres://c/db,"
    assert split_urls(urls) == [
        "postgresql://u:p@a:1,b:2/db?target_session_attrs=read-write",
        "postgres://c/db",
    ]


def test_gets_read_from_the_replicas_and_writes_go_to_the_primary(replicated, standbys, pg_conn):
    client = replicated.test_client()
    old = client.get(SITE).json["name"]
    with paused(standbys):
        rename(pg_conn, "renamed on the primary")
        assert {client.get(SITE).json["name"] for _ in range(4)} == {old}  # replicas: not replayed yet
        assert client.head(SITE).status_code == 200
        written = client.patch(SITE, json={"contact": "Ada"})  # the primary: sees its own state
        assert written.status_code == 200
        assert written.json["name"] == "renamed on the primary"


def test_reads_are_spread_over_the_replicas(replicated, standbys):
    client = replicated.test_client()
    for _ in range(6):
        assert client.get(SITE).status_code == 200
    backends = "SELECT count(*) FROM pg_stat_activity WHERE application_name = 'lab-inventory'"
    assert [admin(standby, backends)[0] for standby in standbys] == [1, 1]


def test_a_write_gives_a_token_and_a_read_with_it_sees_the_write(replicated, standbys, pg_server):
    client = replicated.test_client()
    old = client.get(SITE).json["name"]
    with paused(standbys):
        written = client.patch(SITE, json={"name": "mine"})
        token = written.headers[TOKEN_HEADER]
        assert TOKEN.fullmatch(token)
        assert client.get(SITE).json["name"] == old  # without the token: a replica, stale
        assert client.get(SITE, headers={TOKEN_HEADER: token}).json["name"] == "mine"  # the primary
    for standby in standbys:
        caught_up(pg_server, standby)
    router = replicated.extensions["pg_router"]
    wanted = int(token[4:].split("/")[0], 16) << 32 | int(token.split("/")[1], 16)
    wait_until(lambda: all(r.lsn >= wanted for r in router.replicas), what="replicas past the token")
    assert [n.name for n in router.readers(wanted)][:2] in (
        ["replica1", "replica2"],
        ["replica2", "replica1"],
    )
    assert client.get(SITE, headers={TOKEN_HEADER: token}).json["name"] == "mine"


@pytest.mark.parametrize("token", ["garbage", "lsn:0/", "lsn:1/2/3", "lsn:123456789/0", "lsn:0/1a", " "])
def test_a_garbage_token_is_a_400_problem(replicated, token):
    answer = replicated.test_client().get(SITE, headers={TOKEN_HEADER: token})
    assert answer.status_code == 400
    assert answer.headers["Content-Type"] == "application/problem+json"
    assert TOKEN_HEADER in answer.json["detail"]


def test_a_garbage_token_is_a_400_without_replicas_too(client):
    assert client.get(SITE, headers={TOKEN_HEADER: "nope"}).status_code == 400
    assert client.get(SITE, headers={TOKEN_HEADER: "lsn:0/0"}).status_code == 200
    assert TOKEN_HEADER not in client.patch(SITE, json={"contact": "x"}).headers  # no replica to wait for


def test_a_replica_too_far_behind_serves_no_reads(database_url, standbys, pg_server, pg_conn):
    for standby in standbys:
        caught_up(pg_server, standby)
    app = make_app(database_url, standbys, REPLICA_MAX_LAG_S=1)
    router = app.extensions["pg_router"]
    try:
        usable(app)
        client = app.test_client()
        with paused(standbys[:1]):
            rename(pg_conn, "first")
            wait_until(lambda: not router.replicas[0].usable(router.max_lag), what="lag past 1 s")
            assert router.replicas[0].lag > 1 and router.replicas[1].usable(router.max_lag)
            nodes = {n["name"]: n for n in client.get("/readyz").json["nodes"]}
            assert nodes["replica1"]["lag_s"] > 1 and nodes["replica2"]["lag_s"] <= 1
            assert {client.get(SITE).json["name"] for _ in range(4)} == {"first"}
        wait_until(lambda: router.replicas[0].usable(router.max_lag), what="replica1 back")
    finally:
        router.close()


def test_readyz_reports_each_node_without_credentials(replicated):
    answer = replicated.test_client().get("/readyz")
    assert answer.status_code == 200
    assert [(n["name"], n["up"]) for n in answer.json["nodes"]] == [
        ("primary", True),
        ("replica1", True),
        ("replica2", True),
    ]
    assert all(re.fullmatch(r"/\S+:5432/labinv_test", n["address"]) for n in answer.json["nodes"])
    assert "hidden-secret" not in answer.text and "postgres@" not in answer.text


def test_a_get_that_writes_runs_again_on_the_primary(replicated, pg_conn):
    def writes():
        get_cursor().execute("INSERT INTO lab (name) VALUES ('written by a GET')")
        return {"done": True}

    replicated.add_url_rule("/writes", "writes", writes)
    assert replicated.test_client().get("/writes").status_code == 200
    with pg_conn.cursor() as cur:
        cur.execute("SELECT count(*) FROM lab WHERE name = 'written by a GET'")
        assert cur.fetchone() == (1,)


def test_a_read_whose_replica_connection_dies_runs_again_on_another_node(replicated):
    attempts = []

    def dies_once():
        cur = get_cursor()
        if not attempts:
            attempts.append("first")
            cur.execute("SELECT pg_terminate_backend(pg_backend_pid())")
        cur.execute("SELECT pg_is_in_recovery() AS standby")
        return cur.fetchone()

    replicated.add_url_rule("/dies", "dies", dies_once)
    answer = replicated.test_client().get("/dies")
    assert answer.status_code == 200
    assert sum(not r.up for r in replicated.extensions["pg_router"].replicas) == 1  # left until checked


def get_all(url, stop, statuses):
    """GET site 1 until `stop` is set, noting each status."""
    with requests.Session() as session:
        while not stop.is_set():
            statuses.append(session.get(f"{url}{SITE}", timeout=30).status_code)


def test_a_replica_stopping_under_reads_gives_no_client_an_error(replicated, standbys):
    stop, statuses = threading.Event(), []
    with serving(replicated) as url, ThreadPoolExecutor(4) as pool:
        readers = [pool.submit(get_all, url, stop, statuses) for _ in range(4)]
        wait_until(lambda: len(statuses) > 50, what="reads")
        standbys[0].stop()
        try:
            before = len(statuses)
            wait_until(lambda: len(statuses) > before + 200, what="reads after the stop")
        finally:
            stop.set()
            for reader in readers:
                reader.result()
            standbys[0].start()
    assert set(statuses) == {200}
    usable(replicated)  # back without a restart


def test_with_the_primary_stopped_reads_answer_and_writes_are_503_until_it_is_back(replicated, pg_server):
    client = replicated.test_client()
    pg_server.stop()
    try:
        assert [client.get(SITE).status_code for _ in range(4)] == [200] * 4
        refused = client.patch(SITE, json={"contact": "nobody"})
        assert refused.status_code == 503
        assert refused.headers["Content-Type"] == "application/problem+json"
        assert refused.headers["Retry-After"] == "1"
        router = replicated.extensions["pg_router"]
        wait_until(lambda: not router.primary.up, what="the primary found down")
        nodes = client.get("/readyz").json["nodes"]
        assert [n["up"] for n in nodes] == [False, True, True]
    finally:
        pg_server.start()
    assert client.patch(SITE, json={"contact": "back"}).status_code == 200
