"""The connection pool and transactions of database/__init__.py, against a real server."""

import psycopg2
import pytest
from conftest import query

from project.database import Pool, PoolTimeout, transaction


def test_a_transaction_commits_or_rolls_back_as_a_whole(pg_conn):
    with transaction(pg_conn) as cur:
        cur.execute("INSERT INTO lab (name) VALUES ('kept')")
    with pytest.raises(psycopg2.errors.UniqueViolation), transaction(pg_conn) as cur:
        cur.execute("INSERT INTO lab (name) VALUES ('lost')")
        cur.execute("INSERT INTO lab (name) VALUES ('kept')")
    assert query(pg_conn, "SELECT name FROM lab ORDER BY id") == [("Ann Arbor Lab",), ("kept",)]
    assert pg_conn.autocommit


def test_the_pool_reuses_connections_and_bounds_their_number(database_url):
    pool = Pool(database_url, size=2, timeout=0.2)
    first = pool.getconn()
    second = pool.getconn()
    with pytest.raises(PoolTimeout):
        pool.getconn()
    pool.putconn(first)
    assert pool.getconn() is first
    pool.putconn(first)
    pool.putconn(second)
    pool.closeall()
    assert first.closed and second.closed


def test_the_pool_rolls_back_what_a_request_left_open(database_url):
    pool = Pool(database_url, size=1)
    conn = pool.getconn()
    conn.autocommit = False
    with conn.cursor() as cur:
        cur.execute("INSERT INTO lab (name) VALUES ('uncommitted')")
    pool.putconn(conn)
    conn = pool.getconn()
    with conn.cursor() as cur:
        cur.execute("SELECT count(*) AS n FROM lab WHERE name = 'uncommitted'")
        assert cur.fetchone()["n"] == 0
    pool.putconn(conn)
    pool.closeall()


def test_the_pool_discards_connections_the_server_closed(database_url, pg_conn):
    pool = Pool(database_url, size=1)
    conn = pool.getconn()
    with conn.cursor() as cur:
        cur.execute("SELECT pg_backend_pid() AS pid")
        pid = cur.fetchone()["pid"]
    pool.putconn(conn)
    query(pg_conn, "SELECT pg_terminate_backend(%s, 5000)", (pid,))
    fresh = pool.getconn()
    assert fresh is not conn and conn.closed
    with fresh.cursor() as cur:
        cur.execute("SELECT 1 AS one")
        assert cur.fetchone()["one"] == 1
    fresh.close()
    pool.putconn(fresh)
    assert pool.getconn() is not fresh


def test_the_pool_closes_a_connection_that_broke_mid_transaction(database_url, pg_conn):
    pool = Pool(database_url, size=1)
    conn = pool.getconn()
    conn.autocommit = False
    with conn.cursor() as cur:
        cur.execute("SELECT pg_backend_pid() AS pid")
        pid = cur.fetchone()["pid"]
    query(pg_conn, "SELECT pg_terminate_backend(%s, 5000)", (pid,))
    pool.putconn(conn)
    assert conn.closed
    replacement = pool.getconn()
    assert replacement is not conn and not replacement.closed
    pool.putconn(replacement)
    pool.closeall()
