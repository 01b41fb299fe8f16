"""Streaming replicas of a LocalPostgres, for tests/test_replicas.py: `pg_basebackup -R`, then start.

A replica uses the primary's binaries (the embedded PostgreSQL 18, or PG_BINDIR's, e.g. Debian's
15), listens on a socket in its own data directory, and streams from the primary's socket.
"""

import contextlib
import os
import pwd
import subprocess
import time

import psycopg2

from devtools.localdb import LocalPostgres, prepare_for_os_user


@contextlib.contextmanager
def replica(primary, datadir):
    """Clone `primary` (a running LocalPostgres) into `datadir` and run it as a hot standby until the block ends."""
    server = LocalPostgres(datadir, bindir=primary.bindir, settings={"fsync": "off"})
    server.lock()
    try:
        as_user = {}
        if server.os_user:
            prepare_for_os_user([server.datadir, server.bindir])
            entry = pwd.getpwnam(server.os_user)
            os.chown(server.datadir, entry.pw_uid, entry.pw_gid)
            as_user = {"user": entry.pw_uid, "group": entry.pw_gid, "extra_groups": []}
        subprocess.run(
            [
                *(str(server.bindir / "pg_basebackup"), "-D", str(server.datadir), "-R"),
                *("--checkpoint=fast", "--no-sync", "-d", f"host={primary.datadir} user=postgres"),
            ],
            check=True,
            cwd="/",
            **as_user,
        )
        for lock in server.datadir.glob(".s.PGSQL.*.lock"):  # the primary's socket lock, copied
            lock.unlink()
        server.start()
        yield server
    finally:
        server.stop()


def admin(server, statement, params=None, dbname="labinv_test"):
    """Run one statement on `server` as its superuser; return its first row."""
    conn = psycopg2.connect(server.url(dbname))
    try:
        conn.autocommit = True
        with conn.cursor() as cur:
            cur.execute(statement, params)
            return cur.fetchone() if cur.description else None
    finally:
        conn.close()


def wait_until(check, timeout=15, what="the condition"):
    """Return the first truthy value of `check()`, polled for up to `timeout` seconds."""
    deadline = time.monotonic() + timeout
    while not (result := check()):
        if time.monotonic() > deadline:
            raise TimeoutError(f"no {what} after {timeout} s")
        time.sleep(0.05)
    return result


def caught_up(primary, standby):
    """Wait until `standby` has replayed everything `primary` has written so far."""
    (written,) = admin(primary, "SELECT pg_current_wal_insert_lsn()::text")
    wait_until(
        lambda: admin(standby, "SELECT pg_last_wal_replay_lsn() >= %s::pg_lsn", (written,))[0],
        what="replay",
    )
