"""The Flask CLI that docker and people use: flask --app project db init|seed."""

import os
import subprocess
import sys
from pathlib import Path

import psycopg2
import pytest
from conftest import query

WEB = Path(__file__).resolve().parents[1]


@pytest.fixture
def empty_database_url(pg_server):
    if pg_server is None:
        pytest.skip("TEST_DATABASE_URL is set: the tests create no other databases")
    conn = psycopg2.connect(pg_server.url())
    conn.autocommit = True
    query(conn, "DROP DATABASE IF EXISTS labinv_cli")
    query(conn, "CREATE DATABASE labinv_cli")
    conn.close()
    return pg_server.url("labinv_cli")


def flask(url, *args):
    """Run `flask --app project ARGS` with DATABASE_URL=url; return its output."""
    result = subprocess.run(
        [sys.executable, "-m", "flask", "--app", "project", *args],
        cwd=WEB,
        env={**os.environ, "DATABASE_URL": url},
        capture_output=True,
        text=True,
        check=True,
    )
    return result.stdout


def test_db_init_then_seed_builds_the_example_database_and_can_run_again(empty_database_url):
    assert "create_tables.sql" in flask(empty_database_url, "db", "init")
    assert "mock_data.sql" in flask(empty_database_url, "db", "seed")
    flask(empty_database_url, "db", "init")
    flask(empty_database_url, "db", "seed")
    conn = psycopg2.connect(empty_database_url)
    assert query(conn, "SELECT count(*) FROM instruments") == [(4,)]
    conn.close()


def test_the_commands_work_in_process_too(app, pg_conn):
    runner = app.test_cli_runner()
    assert runner.invoke(args=["db", "init"]).exit_code == 0
    result = runner.invoke(args=["db", "seed"])
    assert result.exit_code == 0 and "mock_data.sql" in result.output
