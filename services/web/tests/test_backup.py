"""./scripts/backup and ./scripts/restore: a backup with data, history and attachments' files restores, every table the same."""

import io
import os
import re
import subprocess
from pathlib import Path

import psycopg2
import pytest
from psycopg2 import sql

from project import create_app
from project.config import REPO

RESTORED = "labinv_restored"


def run(script, *args, url, cwd, env=None):
    """Run scripts/<script> with DATABASE_URL=url (and `env`; None unsets) in `cwd`; return the CompletedProcess."""
    environment = {**os.environ, "DATABASE_URL": url, "MEDIA_ROOT": str(Path(cwd) / "media"), **(env or {})}
    return subprocess.run(
        [REPO / "scripts" / script, *args],
        cwd=cwd,
        env={name: value for name, value in environment.items() if value is not None},
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def contents(url):
    """Return every table's rows (as JSON text, sorted) and every sequence's state, by name."""
    conn = psycopg2.connect(url)
    try:
        with conn.cursor() as cur:
            cur.execute(
                "SELECT table_name FROM information_schema.tables"
                " WHERE table_schema = 'public' AND table_type = 'BASE TABLE' ORDER BY 1"
            )
            tables = [name for (name,) in cur.fetchall()]
            cur.execute("SELECT sequence_name FROM information_schema.sequences ORDER BY 1")
            sequences = [name for (name,) in cur.fetchall()]
            found = {}
            for table in tables:
                cur.execute(
                    sql.SQL("SELECT row_to_json(t)::text FROM {} t ORDER BY 1").format(sql.Identifier(table))
                )
                found[table] = [row for (row,) in cur.fetchall()]
            for sequence in sequences:
                cur.execute(sql.SQL("SELECT last_value, is_called FROM {}").format(sql.Identifier(sequence)))
                found[sequence] = cur.fetchone()
            return found
    finally:
        conn.close()


def execute(url, statement):
    """Run one statement on database `url`, committed."""
    conn = psycopg2.connect(url)
    try:
        with conn, conn.cursor() as cur:
            cur.execute(statement)
    finally:
        conn.close()


@pytest.fixture
def restored(pg_server):
    """Return the URL of a new, empty database; drop it afterwards."""
    if pg_server is None:
        pytest.skip("TEST_DATABASE_URL names a server where this test cannot create databases")
    pg_server.drop_database(RESTORED)
    pg_server.create_database(RESTORED)
    yield pg_server.url(RESTORED)
    pg_server.drop_database(RESTORED)


@pytest.fixture
def backup(client, database_url, tmp_path):
    """Return the path of a backup of the test database: the example data, changed through the API."""
    assert client.patch("/freezer/2", json={"name": "-25C"}).status_code == 200
    assert client.post("/labs/", json={"name": "Restored Lab"}).status_code == 201
    assert client.delete("/container/3").status_code == 200
    made = run("backup", url=database_url, cwd=tmp_path)
    assert made.returncode == 0, made.stderr
    name, media = made.stdout.splitlines()
    assert re.fullmatch(r"labinv-\d{8}T\d{6}Z\.dump", name)
    assert media == f"{name}.media.tar"
    assert (tmp_path / name).read_bytes().startswith(b"PGDMP")  # pg_dump's custom format
    return tmp_path / name


def test_a_backup_restores_into_a_fresh_database_with_every_row(backup, database_url, restored, tmp_path):
    done = run("restore", str(backup), url=restored, cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert done.stdout == f"restored {backup}\nrestored {backup}.media.tar into {tmp_path / 'media'}\n"
    source, copy = contents(database_url), contents(restored)
    assert copy == source
    assert any('"actor":"anonymous"' in row for row in copy["history"])  # the API's changes, with who
    assert any('"name":"Restored Lab"' in row for row in copy["lab"])


def lab_ids(url):
    """Return the ids of the labs in database `url`."""
    return {int(re.search(r'"id":(\d+)', row)[1]) for row in contents(url)["lab"]}


def test_the_restored_database_works_as_the_original(backup, database_url, restored, tmp_path):
    assert run("restore", str(backup), url=restored, cwd=tmp_path).returncode == 0
    history = len(contents(restored)["history"])
    execute(restored, "UPDATE freezer SET name = '-30C' WHERE id = 2")  # the history trigger is back
    execute(restored, "INSERT INTO lab (name) VALUES ('After')")  # ids go on from the backup's
    assert len(contents(restored)["history"]) == history + 2
    assert lab_ids(restored) - lab_ids(database_url) == {max(lab_ids(database_url)) + 1}


def test_restore_refuses_a_database_with_tables_unless_clean(backup, database_url, restored, tmp_path):
    assert run("restore", str(backup), url=restored, cwd=tmp_path).returncode == 0
    execute(restored, "INSERT INTO lab (name) VALUES ('Made after the backup')")
    changed = contents(restored)
    refused = run("restore", str(backup), url=restored, cwd=tmp_path)
    assert refused.returncode == 1
    assert "the database already has" in refused.stderr and "--clean" in refused.stderr
    assert contents(restored) == changed
    replaced = run("restore", "--clean", str(backup), url=restored, cwd=tmp_path)
    assert replaced.returncode == 0, replaced.stderr
    assert contents(restored) == contents(database_url)


def test_backup_never_overwrites_a_file(database_url, tmp_path):
    (tmp_path / "kept.dump").write_text("precious")
    refused = run("backup", "kept.dump", url=database_url, cwd=tmp_path)
    assert refused.returncode == 1
    assert "kept.dump exists" in refused.stderr
    assert (tmp_path / "kept.dump").read_text() == "precious"


def test_a_failed_backup_leaves_no_file(tmp_path):
    failed = run("backup", "none.dump", url="postgresql://nobody@/none?host=/nonexistent", cwd=tmp_path)
    assert failed.returncode != 0
    assert 'connection to server on socket "/nonexistent/.s.PGSQL.5432" failed' in failed.stderr
    assert list(tmp_path.iterdir()) == []


def server_major(url):
    """Return the major version of the server of database `url`."""
    conn = psycopg2.connect(url)
    try:
        return conn.server_version // 10000
    finally:
        conn.close()


def test_backup_and_restore_use_client_programs_of_the_servers_version(
    client, database_url, restored, tmp_path
):
    """The wheel's programs (PostgreSQL 18's) on a PostgreSQL 15 server: Debian's 15 ones are used instead."""
    assert client.patch("/freezer/2", json={"name": "-25C"}).status_code == 200
    wheel = {"PG_BINDIR": None}
    made = run("backup", "kept.dump", url=database_url, cwd=tmp_path, env=wheel)
    assert made.returncode == 0, made.stderr
    done = run("restore", "kept.dump", url=restored, cwd=tmp_path, env=wheel)
    assert done.returncode == 0, done.stderr
    assert contents(restored) == contents(database_url)


def test_without_client_programs_of_the_servers_version_backup_says_which_are_needed(database_url, tmp_path):
    major, other = server_major(database_url), Path("/usr/lib/postgresql/15/bin")
    if Path(f"/usr/lib/postgresql/{major}/bin").exists() or not other.exists():
        pytest.skip(f"needs PostgreSQL 15's client programs and not {major}'s (the PostgreSQL 18 run)")
    refused = run("backup", "none.dump", url=database_url, cwd=tmp_path, env={"PG_BINDIR": str(other)})
    assert refused.returncode == 1
    [line] = refused.stderr.splitlines()[-1:]
    assert f"the database runs PostgreSQL {major}, and scripts/backup needs PostgreSQL {major}'s" in line
    assert f"postgresql-client-{major}" in line
    assert list(tmp_path.iterdir()) == []


def test_a_backup_holds_the_attachments_files_and_restore_puts_them_back(database_url, restored, tmp_path):
    media = tmp_path / "media"
    app = create_app(
        {"TESTING": True, "DATABASE_URL": database_url, "ALLOW_ANONYMOUS_WRITES": True, "MEDIA_ROOT": media}
    )
    client = app.test_client()
    data = b"%PDF-1.7\nconsent form\n"
    form = {"file": (io.BytesIO(data), "consent.pdf")}
    made = client.post("/container/1/attachments", data=form, content_type="multipart/form-data")
    app.extensions["pg_pool"].closeall()
    assert made.status_code == 201, made.json
    done = run("backup", "with-media.dump", url=database_url, cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines() == ["with-media.dump", "with-media.dump.media.tar"]
    elsewhere = tmp_path / "elsewhere"
    restoring = run(
        "restore", "with-media.dump", url=restored, cwd=tmp_path, env={"MEDIA_ROOT": str(elsewhere)}
    )
    assert restoring.returncode == 0, restoring.stderr
    assert restoring.stdout.splitlines()[-1] == f"restored with-media.dump.media.tar into {elsewhere}"
    sha = made.json["sha256"]
    assert (elsewhere / sha[:2] / sha).read_bytes() == data
    assert contents(restored)["attachment"] == contents(database_url)["attachment"]
