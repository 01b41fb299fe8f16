"""The Flask CLI that docker and people use: flask --app project db|users|tokens, and ./scripts/flask."""

import ast
import os
import signal
import subprocess
import sys
from pathlib import Path

import psycopg2
import pytest
import requests
from conftest import query
from test_devserver import free_port, start_server
from test_migrations import VERSIONS

from project.config import REPO

WEB = Path(__file__).resolve().parents[1]
PASSWORD = "s3cret-enough"


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


def test_db_upgrade_then_seed_builds_the_example_database_and_can_run_again(empty_database_url):
    assert VERSIONS[:3] == ["0001_initial", "0002_ids_search_names", "0003_storage"]
    assert flask(empty_database_url, "db", "upgrade").strip() == f"applied {', '.join(VERSIONS)}"
    assert "mock_data.sql" in flask(empty_database_url, "db", "seed")
    assert flask(empty_database_url, "db", "upgrade").strip() == "the schema is up to date"
    flask(empty_database_url, "db", "seed")
    conn = psycopg2.connect(empty_database_url)
    assert query(conn, "SELECT count(*) FROM instruments") == [(4,)]
    conn.close()


def test_the_commands_work_in_process_too(app, pg_conn):
    runner = app.test_cli_runner()
    assert runner.invoke(args=["db", "upgrade"]).output == "the schema is up to date\n"
    result = runner.invoke(args=["db", "seed"])
    assert result.exit_code == 0 and "mock_data.sql" in result.output


def test_create_a_user_issue_list_and_revoke_a_token(app, pg_conn):
    runner = app.test_cli_runner()
    created = runner.invoke(
        args=["users", "create", "alice", "--role", "editor", "--lab", "1"], input=f"{PASSWORD}\n{PASSWORD}\n"
    )
    assert created.exit_code == 0, created.output
    assert "created editor alice" in created.output and "labs: [1]" in created.output
    issued = runner.invoke(args=["tokens", "issue", "alice", "--name", "laptop", "--expires-in-days", "30"])
    assert issued.exit_code == 0, issued.output
    token = issued.output.strip().splitlines()[-1]
    client = app.test_client()
    headers = {"Authorization": f"Bearer {token}"}
    assert client.get("/site/1", headers=headers).status_code == 200
    listed = runner.invoke(args=["tokens", "list", "--user", "alice"]).output
    token_id = listed.split()[0]
    assert "alice\tlaptop\tlive" in listed
    assert runner.invoke(args=["tokens", "revoke", token_id]).exit_code == 0
    assert "revoked" in runner.invoke(args=["tokens", "list"]).output
    assert client.get("/site/1", headers=headers).status_code == 401
    assert runner.invoke(args=["tokens", "revoke", token_id]).exit_code == 1
    assert runner.invoke(args=["tokens", "issue", "nobody"]).exit_code == 1
    password = query(pg_conn, "SELECT password_hash FROM app_user WHERE username = 'alice'")[0][0]
    assert PASSWORD not in password and password.startswith("scrypt:")
    body = {"username": "alice", "password": PASSWORD}
    assert client.post("/auth/tokens", json=body).status_code == 201  # the same password over HTTP


@pytest.mark.parametrize(
    ("args", "error"),
    [
        (["alice", "--password", ""], "refused password: a password has 8 to 1000 characters"),
        (["alice", "--password", "12345"], "refused password: a password has 8 to 1000 characters"),
        (["alice", "--password", "x" * 1001], "refused password: a password has 8 to 1000 characters"),
        (["editor", "--password", PASSWORD], "a user editor exists already"),
        (
            ["alice", "--password", PASSWORD, "--lab", "1", "--lab", "99"],
            "a --lab names no lab (given: 1, 99)",
        ),
    ],
)
def test_users_create_refuses_in_one_line_and_creates_nothing(app, pg_conn, args, error):
    users = query(pg_conn, "SELECT count(*) FROM app_user")
    refused = app.test_cli_runner().invoke(args=["users", "create", *args, "--role", "editor"])
    assert refused.exit_code == 1
    assert refused.output == f"Error: {error}\n"
    assert query(pg_conn, "SELECT count(*) FROM app_user") == users


def test_the_cli_takes_token_and_password_helpers_from_outside_the_http_layer():
    tree = ast.parse((WEB / "project" / "cli.py").read_text(encoding="utf-8"))
    imported = {
        (node.module, alias.name)
        for node in ast.walk(tree)
        if isinstance(node, ast.ImportFrom) and node.level
        for alias in node.names
    }
    assert ("accounts", "digest") in imported and (None, "media") in imported
    assert {name for module, name in imported if (module or "").startswith("api")} == {"LISTS"}  # lists sql


def scripts_flask(datadir, *args):
    """Run ./scripts/flask ARGS with DATABASE_URL unset and the local server's data in `datadir`."""
    env = {**os.environ, "LOCAL_PGDATA": str(datadir)}
    env.pop("DATABASE_URL", None)
    return subprocess.run(
        [REPO / "scripts" / "flask", *args], env=env, capture_output=True, text=True, timeout=120, check=False
    )


def test_scripts_flask_works_on_the_local_servers_database(tmp_path):
    datadir, port = tmp_path / "pgdata", free_port()
    server = start_server(datadir, port)
    try:
        assert "up to date" in scripts_flask(datadir, "db", "upgrade").stdout
        created = scripts_flask(
            datadir, "users", "create", "alice", "--role", "editor", "--lab", "1", "--password", PASSWORD
        )
        assert created.returncode == 0, created.stderr
        assert "created editor alice" in created.stdout
        issued = scripts_flask(datadir, "tokens", "issue", "alice", "--name", "laptop")
        assert issued.returncode == 0, issued.stderr
        token = issued.stdout.strip().splitlines()[-1]
        site = f"http://127.0.0.1:{port}/site/1"
        assert requests.get(site, headers={"Authorization": f"Bearer {token}"}, timeout=10).status_code == 200
        assert (
            requests.get(site, headers={"Authorization": "Bearer not-a-token"}, timeout=10).status_code == 401
        )
        assert "alice\tlaptop\tlive" in scripts_flask(datadir, "tokens", "list", "--user", "alice").stdout
    finally:
        server.send_signal(signal.SIGTERM)
        server.wait(30)


@pytest.mark.parametrize(
    "args",
    [
        ["db", "upgrade"],
        ["db", "seed"],
        ["users", "create", "bob", "--role", "reader", "--password", PASSWORD],
        ["tokens", "issue", "bob"],
        ["tokens", "list"],
        ["tokens", "revoke", "1"],
    ],
)
def test_a_database_that_cannot_be_reached_is_one_clear_line(args):
    port = free_port()  # nothing listens there
    result = subprocess.run(
        [sys.executable, "-m", "flask", "--app", "project", *args],
        cwd=WEB,
        env={**os.environ, "DATABASE_URL": f"postgresql://labinv:secret@127.0.0.1:{port}/labinv"},
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 1
    [line] = result.stderr.splitlines()
    assert line.startswith(
        f'Error: cannot connect to the database (DATABASE_URL): connection to server at "127.0.0.1", port {port} failed:'
    )
    assert "secret" not in line


@pytest.mark.parametrize(("script", "args"), [("flask", ["tokens", "list"]), ("psql", ["-c", "SELECT 1"])])
def test_scripts_without_a_local_server_say_to_start_it_in_one_line(tmp_path, script, args):
    env = {**os.environ, "LOCAL_PGDATA": str(tmp_path / "nothing")}
    env.pop("DATABASE_URL", None)
    result = subprocess.run(
        [REPO / "scripts" / script, *args], env=env, capture_output=True, text=True, timeout=120, check=False
    )
    assert result.returncode == 1
    [line] = [line for line in result.stderr.splitlines() if not line.startswith("==> ")]  # but bootstrap's
    assert line == (
        f"scripts/{script}: the local database in {tmp_path / 'nothing'} is not running: start ./scripts/server"
        " first (or set DATABASE_URL to use another database)"
    )


def test_lists_sql_prints_the_statement_of_every_list_and_it_runs(app, pg_conn):
    from project.api import LISTS

    for q in (None, "ab"):
        shown = app.test_cli_runner().invoke(args=["lists", "sql", *(["--q", q] if q else [])])
        assert shown.exit_code == 0, shown.output
        statements = [s.strip() for s in shown.output.split(";\n") if s.strip()]
        assert [s.splitlines()[0] for s in statements] == [
            f"-- GET /{name}" + (f"?q={q}" if q else "") for name in LISTS
        ]
        for statement in statements:
            query(pg_conn, statement)  # runs as printed: every value is in it


def test_lists_sql_refuses_an_unknown_list_or_order(app):
    assert "Error: no list nothing" in app.test_cli_runner().invoke(args=["lists", "sql", "nothing"]).output
    refused = app.test_cli_runner().invoke(args=["lists", "sql", "sites", "--order", "colour"])
    assert refused.exit_code == 1 and "--order of sites is one of id, -id" in refused.output


def test_db_reset_brings_back_the_example_data_and_is_refused_in_production(app, pg_conn):
    query(pg_conn, "DELETE FROM container; INSERT INTO lab (name) VALUES ('Scratch')")
    reset = app.test_cli_runner().invoke(args=["db", "reset", "--yes"])
    assert reset.exit_code == 0, reset.output
    assert query(pg_conn, "SELECT count(*), max(id) FROM container") == [(6, 6)]  # the samples add three
    assert query(pg_conn, "SELECT name FROM lab") == [("Ann Arbor Lab",)]
    assert query(pg_conn, "SELECT DISTINCT operation FROM history WHERE table_name = 'lab'") == [("INSERT",)]
    app.config["APP_ENV"] = "production"
    refused = app.test_cli_runner().invoke(args=["db", "reset", "--yes"])
    assert refused.exit_code == 1 and "refused when APP_ENV=production" in refused.output
