"""Automatic failover (issue 21, item 5): Patroni promotes the synchronous standby when the leader's
PostgreSQL is killed under a stream of writes, and no acknowledged write is lost.

Two streams write at once: psycopg2 straight to the cluster's URL, and the app (POST /labs/),
whose DATABASE_URL is that URL: its writes come back without a restart, as its pool drops the
dead leader's connections and libpq finds the new leader (target_session_attrs=read-write).

The cluster (ha_cluster.py) is Debian's PostgreSQL 15 and etcd-server with Patroni from PyPI; the
test skips where one of them is missing. `pytest -s` shows the failover times.
"""

import itertools
import tempfile
import threading
import time

import ha_cluster
import psycopg2
import pytest

from project import create_app
from project.config import Config
from project.database.migrations import set_up

WRITES_BEFORE_KILL = 200
WRITES_AFTER_FAILOVER = 200
FAILOVER_LIMIT = 30  # seconds from the first failed write to the first acknowledged one after it


class Writer:
    """Insert 1, 2, 3, ... into `write`, one autocommit statement each, in a thread of its own.

    A number is acknowledged once its commit returned. After an error the writer reconnects
    and goes on with the next number, noting when the first failure and the first success
    after it happened (time.monotonic()).
    """

    def __init__(self, url=None, app=None):
        self.url, self.app = url, app
        self.acknowledged = []
        self.first_failure = None
        self.recovered = None
        self.stopping = threading.Event()
        self.thread = threading.Thread(target=self.run, daemon=True)  # a hung write cannot hang the tests

    def run(self):
        """Write until `stopping` is set."""
        if self.app is not None:
            self.run_app()
            return
        conn = None
        for n in itertools.count(1):
            if self.stopping.is_set():
                break
            try:
                if conn is None:
                    conn = psycopg2.connect(self.url)
                    conn.autocommit = True
                with conn.cursor() as cur:
                    cur.execute("INSERT INTO write (n) VALUES (%(n)s)", {"n": n})
            except psycopg2.Error:
                self.first_failure = self.first_failure or time.monotonic()
                if conn is not None:
                    conn.close()
                    conn = None
                time.sleep(0.1)
                continue
            self.acknowledged.append(n)
            if self.first_failure and not self.recovered:
                self.recovered = time.monotonic()
        if conn is not None:
            conn.close()

    def run_app(self):
        """Create lab "write n" for n = 1, 2, 3, ... through the app until `stopping` is set."""
        client = self.app.test_client()
        for n in itertools.count(1):
            if self.stopping.is_set():
                break
            if client.post("/labs/", json={"name": f"write {n}"}).status_code != 201:
                self.first_failure = self.first_failure or time.monotonic()
                time.sleep(0.1)
                continue
            self.acknowledged.append(n)
            if self.first_failure and not self.recovered:
                self.recovered = time.monotonic()

    def failover(self):
        """Return the seconds from the first failed write to the first acknowledged one after it."""
        return self.recovered - self.first_failure


def stored_writes(url):
    """Return the port of the node that answers `url` and the numbers in its table `write`."""
    conn = psycopg2.connect(url)
    try:
        with conn.cursor() as cur:
            cur.execute("SELECT inet_server_port()")
            port = cur.fetchone()[0]
            cur.execute("SELECT n FROM write")
            written = {n for (n,) in cur.fetchall()}
            cur.execute("SELECT name FROM lab WHERE name LIKE 'write %'")
            return port, written, {int(name.split()[1]) for (name,) in cur.fetchall()}
    finally:
        conn.close()


def test_a_killed_leader_is_replaced_by_its_synchronous_standby_without_losing_a_write():
    if reason := ha_cluster.missing():
        pytest.skip(reason)
    # Not in pytest's tmp_path: another pytest session starting meanwhile makes /tmp/pytest-of-root
    # 0700 again, and the nodes run as another user.
    with (
        tempfile.TemporaryDirectory(prefix="labinv-ha-") as directory,
        ha_cluster.running(directory) as cluster,
    ):
        conn = psycopg2.connect(cluster.url)
        with conn, conn.cursor() as cur:
            cur.execute("CREATE TABLE write (n integer PRIMARY KEY)")
        conn.close()
        set_up(cluster.url, Config.POSTGRES_SCRIPTS)
        app = create_app(
            {
                "TESTING": True,
                "DATABASE_URL": cluster.url,
                "DB_CONNECT_TIMEOUT": 2,
                "ALLOW_ANONYMOUS_WRITES": True,
                "RATELIMIT_ENABLED": False,
            }
        )
        leader = cluster.wait_for_leader()
        standby = cluster.member("sync_standby", "streaming")
        writers = [Writer(url=cluster.url), Writer(app=app)]
        for writer in writers:
            writer.thread.start()
        try:
            for writer in writers:
                ha_cluster.wait_until(
                    lambda w=writer: len(w.acknowledged) >= WRITES_BEFORE_KILL, 30, "writes"
                )
            cluster.kill_postgres(leader)
            killed_after = [len(writer.acknowledged) for writer in writers]
            new_leader = cluster.wait_for_leader(other_than=leader)
            for writer, before in zip(writers, killed_after, strict=True):
                ha_cluster.wait_until(
                    lambda w=writer, b=before: len(w.acknowledged) >= b + WRITES_AFTER_FAILOVER,
                    FAILOVER_LIMIT,
                    "writes after the failover",
                )
        finally:
            for writer in writers:
                writer.stopping.set()
                writer.thread.join(10)
            app.extensions["pg_router"].close()
        port, stored, stored_labs = stored_writes(cluster.url)

    direct, through_app = writers
    print(
        f"\nfailover {leader.name} -> {new_leader.name}: writes back in {direct.failover():.1f} s "
        f"({len(direct.acknowledged)} acknowledged), through the app in {through_app.failover():.1f} s "
        f"({len(through_app.acknowledged)} acknowledged, no restart)"
    )
    assert new_leader.name == standby.name
    assert port == new_leader.port
    assert direct.failover() < FAILOVER_LIMIT and through_app.failover() < FAILOVER_LIMIT
    assert set(direct.acknowledged) <= stored
    assert set(through_app.acknowledged) <= stored_labs
