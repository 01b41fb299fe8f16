"""./scripts/server and the local PostgreSQL: start, serve, persist, stop cleanly."""

import contextlib
import os
import signal
import socket
import subprocess
import time
from pathlib import Path

import pytest
import requests

from devtools.localdb import DataDirInUse, LocalPostgres
from project.config import REPO

START_TIMEOUT = 120


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def postgres_running_on(datadir):
    """Return the PIDs of postgres processes whose command line names `datadir`."""
    pids = []
    for proc in Path("/proc").iterdir():
        try:
            cmdline = (proc / "cmdline").read_bytes()
        except (FileNotFoundError, NotADirectoryError, ProcessLookupError, PermissionError):
            continue
        if b"postgres" in cmdline and str(datadir).encode() in cmdline:
            pids.append(int(proc.name))
    return pids


def server_env(datadir, port, database_url=None):
    """Return the environment of ./scripts/server on `port` with its data in `datadir`."""
    env = {**os.environ, "PORT": str(port), "LOCAL_PGDATA": str(datadir)}
    env.pop("DATABASE_URL", None)
    if database_url:
        env["DATABASE_URL"] = database_url
    return env


def start_server(datadir, port, database_url=None):
    """Start ./scripts/server on `port` with its data in `datadir`; wait until it serves."""
    process = subprocess.Popen(
        [REPO / "scripts" / "server"],
        env=server_env(datadir, port, database_url),
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    deadline = time.monotonic() + START_TIMEOUT
    while time.monotonic() < deadline:
        try:
            requests.get(f"http://127.0.0.1:{port}/healthz", timeout=1)
            return process
        except requests.ConnectionError:
            if process.poll() is not None:
                raise AssertionError(process.stdout.read()) from None
            time.sleep(0.2)
    process.kill()
    raise AssertionError("scripts/server did not start in time")


def wait_gone(datadir, seconds=30):
    deadline = time.monotonic() + seconds
    while postgres_running_on(datadir) and time.monotonic() < deadline:
        time.sleep(0.1)
    return postgres_running_on(datadir)


def test_the_server_serves_example_data_keeps_changes_and_stops_everything(tmp_path):
    datadir, port = tmp_path / "pgdata", free_port()
    url = f"http://127.0.0.1:{port}"
    server = start_server(datadir, port)
    try:
        assert requests.get(f"{url}/site/1", timeout=10).json()["contact"] == "John Smith"
        assert requests.post(f"{url}/labs/", json={"name": "Kept Lab"}, timeout=10).status_code == 201
        assert postgres_running_on(datadir)
        server.send_signal(signal.SIGTERM)
        assert server.wait(30) == 0
        output = server.stdout.read()
        assert "created database labinv with the example data" in output
        assert "PostgreSQL stopped" in output
        assert wait_gone(datadir, seconds=1) == []

        server = start_server(datadir, port)
        assert [lab["name"] for lab in requests.get(f"{url}/labs", timeout=10).json()] == [
            "Ann Arbor Lab",
            "Kept Lab",
        ]

        server.kill()  # SIGKILL: no chance to clean up; PostgreSQL must still go, and the lock with it
        server.wait(10)
        assert wait_gone(datadir) == []
        server = start_server(datadir, port)
        assert requests.get(f"{url}/lab/2", timeout=10).json()["name"] == "Kept Lab"
        server.send_signal(signal.SIGINT)  # Ctrl-C
        assert server.wait(30) == 0
        assert wait_gone(datadir, seconds=1) == []
    finally:
        if server.poll() is None:
            server.kill()
        for pid in postgres_running_on(datadir):
            os.kill(pid, signal.SIGKILL)


def refused_server(datadir, port):
    """Run ./scripts/server on `port` and `datadir`, expecting it to refuse at once; return its output."""
    result = subprocess.run(
        [REPO / "scripts" / "server"],
        env=server_env(datadir, port),
        check=False,
        capture_output=True,
        text=True,
        timeout=START_TIMEOUT,
    )
    assert result.returncode == 1, result.stdout + result.stderr
    assert result.stdout == ""
    return result.stderr


def test_a_second_server_refuses_to_start_and_leaves_the_first_alone(tmp_path):
    datadir, port = tmp_path / "pgdata", free_port()
    url = f"http://127.0.0.1:{port}"
    first = start_server(datadir, port)
    try:
        postgres = postgres_running_on(datadir)
        assert refused_server(datadir, port) == (
            f"scripts/server: another ./scripts/server is running on {datadir}; "
            "stop it first, or set LOCAL_PGDATA and PORT to run a second one\n"
        )
        assert refused_server(datadir, free_port()).startswith("scripts/server: another ./scripts/server")
        assert refused_server(tmp_path / "other", port) == (
            f"scripts/server: cannot listen on 127.0.0.1:{port} (Address already in use); "
            "free it, or set PORT\n"
        )
        assert postgres_running_on(tmp_path / "other") == []
        assert postgres_running_on(datadir) == postgres
        assert requests.get(f"{url}/site/1", timeout=10).json()["contact"] == "John Smith"
        assert requests.post(f"{url}/labs/", json={"name": "Still here"}, timeout=10).status_code == 201
        first.send_signal(signal.SIGTERM)
        assert first.wait(30) == 0
        assert "PostgreSQL stopped" in first.stdout.read()
    finally:
        if first.poll() is None:
            first.kill()
        for pid in postgres_running_on(datadir):
            os.kill(pid, signal.SIGKILL)


def test_with_database_url_the_server_uses_that_database_and_starts_no_other(tmp_path, pg_conn, database_url):
    datadir, port = tmp_path / "unused", free_port()
    server = start_server(datadir, port, database_url)
    try:
        assert requests.get(f"http://127.0.0.1:{port}/site/1", timeout=10).json()["contact"] == "John Smith"
        assert not datadir.exists()
    finally:
        server.send_signal(signal.SIGTERM)
        assert server.wait(30) == 0
    assert "PostgreSQL" not in server.stdout.read()


def test_a_second_local_postgres_on_a_directory_in_use_is_refused(tmp_path):
    first = LocalPostgres(tmp_path / "data").start()
    second = LocalPostgres(tmp_path / "data")
    try:
        with pytest.raises(DataDirInUse, match="another process runs PostgreSQL on"):
            second.start()
        assert first.admin("SELECT 1") == (1,)
        assert second.process is None
        first.stop()
        second.start()  # free once the first let go
        assert second.admin("SELECT 1") == (1,)
    finally:
        second.stop()
        first.stop()


def test_a_server_left_on_the_data_directory_is_stopped_before_starting(tmp_path):
    first = LocalPostgres(tmp_path / "data").start()
    leftover = first.process.pid
    first.unlock()  # as the kernel does when a run is killed: its lock goes, its server may linger
    second = LocalPostgres(tmp_path / "data")
    try:
        second.start()
        assert first.process.wait(30) is not None
        assert postgres_running_on(second.datadir)[0] != leftover
    finally:
        second.stop()
        first.stop()
    assert postgres_running_on(second.datadir) == []


def test_a_failed_start_reports_the_server_log(tmp_path):
    server = LocalPostgres(tmp_path / "data", settings={"shared_buffers": "nonsense"})
    try:
        server.start()
    except RuntimeError as e:
        assert "PostgreSQL did not start" in str(e)
        assert "shared_buffers" in str(e)
    else:
        raise AssertionError("start should have failed")
    assert postgres_running_on(server.datadir) == []


def test_the_first_start_fills_a_new_database_whole_or_not_at_all(pg_server):
    import psycopg2

    from devtools import devserver

    if pg_server is None:
        pytest.skip("TEST_DATABASE_URL is set: the tests create no other databases")
    pg_server.create_database("labinv_setup")  # what an interrupted first start leaves
    try:
        url = devserver.prepare_database(pg_server)
        assert not pg_server.database_exists("labinv_setup")
        with contextlib.closing(psycopg2.connect(url)) as conn, conn.cursor() as cur:
            conn.autocommit = True
            cur.execute("SELECT count(*) FROM container")
            (example_containers,) = cur.fetchone()
            cur.execute("DELETE FROM container WHERE id = 3")
            assert devserver.prepare_database(pg_server) == url  # a later start keeps the data as it is
            cur.execute("SELECT count(*) FROM container")
            assert cur.fetchone() == (example_containers - 1,)
    finally:
        pg_server.drop_database("labinv")
