"""A Patroni cluster on 127.0.0.1, for tests/test_failover.py: one etcd and two PostgreSQL 15 nodes.

etcd (Debian's etcd-server) holds Patroni's leader key, over its v3 API. Each node is a Patroni
process running Debian's PostgreSQL 15: the first to take the key initialises a data directory,
the other clones it and becomes its synchronous standby (`synchronous_mode`), so Patroni promotes
only a standby holding every acknowledged commit. A primary that crashes is failed over at once
(`primary_start_timeout: 0`), not restarted in place. The app needs only `Cluster.url`: libpq
tries both nodes and keeps the one that takes writes.

`running(directory)` starts it all in `directory` and stops it all when its block ends, however it
ends; if the tests die, each process gets SIGINT, as LocalPostgres does. As root, Patroni and
PostgreSQL run as LocalPostgres's system user.
"""

import contextlib
import dataclasses
import importlib.util
import os
import pwd
import signal
import sys
import time
from pathlib import Path

import psycopg2
import yaml
from psycopg2 import sql
from topology_servers import free_port, request, serving

from devtools.localdb import OS_USER, prepare_for_os_user, stop_leftover

PG_BINDIR = Path("/usr/lib/postgresql/15/bin")
ETCD = Path("/usr/bin/etcd")
DATABASE = USER = "labinv"
PASSWORD = "failover-test"
SUPERUSER = {"username": "postgres", "password": "superuser-test"}
REPLICATION = {"username": "replicator", "password": "replication-test"}
TIMINGS = {"ttl": 20, "loop_wait": 1, "retry_timeout": 5}  # Patroni's least ttl is 20 s
START_TIMEOUT = 60


def missing():
    """Return what the cluster needs and this machine lacks, as a sentence, or None."""
    lacking = []
    if not (PG_BINDIR / "postgres").exists():
        lacking.append("PostgreSQL 15's server (apt-get install postgresql-15)")
    if not ETCD.exists():
        lacking.append("etcd (apt-get install etcd-server)")
    if importlib.util.find_spec("patroni") is None:
        lacking.append("Patroni (pip install 'patroni[etcd3]')")
    return f"not installed: {', '.join(lacking)}" if lacking else None


def wait_until(check, timeout, what):
    """Return the first truthy value of `check()`, polled for up to `timeout` seconds."""
    deadline = time.monotonic() + timeout
    while not (result := check()):
        if time.monotonic() > deadline:
            raise TimeoutError(f"no {what} after {timeout} s")
        time.sleep(0.2)
    return result


@dataclasses.dataclass(frozen=True)
class Member:
    """One node as Patroni's REST API lists it."""

    name: str
    role: str  # leader, sync_standby or replica
    state: str  # running, streaming, stopped, ...
    port: int  # its PostgreSQL's, on 127.0.0.1


class Node:
    """One Patroni process and the PostgreSQL server it runs, in `directory`."""

    def __init__(self, name, directory):
        self.name = name
        self.directory = directory
        self.datadir = directory / "data"
        self.port = free_port()
        self.api_port = free_port()

    def config(self, etcd_port):
        """Return this node's Patroni configuration."""
        address = f"127.0.0.1:{self.port}"
        api_address = f"127.0.0.1:{self.api_port}"
        return {
            "scope": "labinv",
            "name": self.name,
            "restapi": {"listen": api_address, "connect_address": api_address},
            "etcd3": {"hosts": f"127.0.0.1:{etcd_port}"},
            "bootstrap": {
                "dcs": {**TIMINGS, "primary_start_timeout": 0, "synchronous_mode": True},
                "initdb": [{"encoding": "UTF8"}, "no-locale"],
            },
            "postgresql": {
                "listen": address,
                "connect_address": address,
                "data_dir": str(self.datadir),
                "bin_dir": str(PG_BINDIR),
                "pgpass": str(self.directory / "pgpass"),
                "authentication": {"superuser": SUPERUSER, "replication": REPLICATION},
                # TCP only: Debian's socket directory, /var/run/postgresql, is not OS_USER's
                "parameters": {"unix_socket_directories": ""},
                "pg_hba": [
                    f"host replication {REPLICATION['username']} 127.0.0.1/32 scram-sha-256",
                    "host all all 127.0.0.1/32 scram-sha-256",
                ],
            },
            "watchdog": {"mode": "off"},
        }

    @contextlib.contextmanager
    def running(self, etcd_port):
        """Run Patroni until the block ends, then stop it and any PostgreSQL it left behind."""
        self.directory.mkdir()
        config = self.directory / "patroni.yml"
        config.write_text(yaml.safe_dump(self.config(etcd_port)))
        env = {name: value for name, value in os.environ.items() if name != "COVERAGE_PROCESS_CONFIG"}
        try:
            with serving(
                [sys.executable, "-m", "patroni", str(config)],
                self.directory / "patroni.log",
                lambda: request(self.api_port, "GET", "/liveness"),
                cwd=self.directory,
                env=env,  # not measured by coverage's subprocess patch: Patroni is not our code
                **self._prepare_os_user(),
            ):
                yield
        finally:
            stop_leftover(self.datadir)

    def _prepare_os_user(self):
        """As root: give OS_USER the directory and a way to Python; return Popen's arguments to run as it."""
        if os.geteuid() != 0:
            return {}
        patroni = importlib.util.find_spec("patroni").origin
        prepare_for_os_user([self.directory, Path(sys.executable).resolve(), patroni, PG_BINDIR])
        entry = pwd.getpwnam(OS_USER)
        os.chown(self.directory, entry.pw_uid, entry.pw_gid)
        return {"user": entry.pw_uid, "group": entry.pw_gid, "extra_groups": []}


class Cluster:
    """The running nodes: the app's URL, the members, and a way to crash the leader."""

    def __init__(self, nodes):
        self.nodes = {node.name: node for node in nodes}
        hosts = ",".join(f"127.0.0.1:{node.port}" for node in nodes)
        self.url = (
            f"postgresql://{USER}:{PASSWORD}@{hosts}/{DATABASE}"
            "?target_session_attrs=read-write&connect_timeout=2"
        )

    def members(self):
        """Return the members as Patroni lists them, from the first node whose REST API answers."""
        for node in self.nodes.values():
            with contextlib.suppress(OSError):
                members = request(node.api_port, "GET", "/cluster").json()["members"]
                return [Member(m["name"], m["role"], m["state"], m["port"]) for m in members]
        return []

    def member(self, role, state):
        """Return the member with this role in this state, or None."""
        return next((m for m in self.members() if (m.role, m.state) == (role, state)), None)

    def wait_for_leader(self, other_than=None, timeout=30):
        """Return the leader once one runs (a member other than `other_than`, if given)."""

        def leader():
            member = self.member("leader", "running")
            return member if member and member != other_than else None

        return wait_until(leader, timeout, "new leader" if other_than else "leader")

    def kill_postgres(self, member):
        """SIGKILL `member`'s postmaster and all its processes, as a crash would; its Patroni lives on."""
        postmaster = int((self.nodes[member.name].datadir / "postmaster.pid").read_text().split()[0])
        for pid in [postmaster, *children(postmaster)]:
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGKILL)

    def create_app_database(self):
        """Create the app's user and database on the leader."""
        leader = self.wait_for_leader()
        conn = psycopg2.connect(
            host="127.0.0.1", port=leader.port, user=SUPERUSER["username"], password=SUPERUSER["password"]
        )
        role, database = sql.Identifier(USER), sql.Identifier(DATABASE)
        try:
            conn.autocommit = True
            with conn.cursor() as cur:
                cur.execute(sql.SQL("CREATE ROLE {} LOGIN PASSWORD %s").format(role), (PASSWORD,))
                cur.execute(sql.SQL("CREATE DATABASE {} OWNER {}").format(database, role))
        finally:
            conn.close()


def children(pid):
    """Return the ids of the processes whose parent is `pid`."""
    ids = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        with contextlib.suppress(FileNotFoundError):
            if int(stat.read_text().rpartition(")")[2].split()[1]) == pid:
                ids.append(int(stat.parent.name))
    return ids


def etcd(directory, port):
    """Run a one-member etcd, its data in `directory`/etcd, serving clients on 127.0.0.1:port."""
    client = f"http://127.0.0.1:{port}"
    peer = f"http://127.0.0.1:{free_port()}"
    args = [
        str(ETCD),
        "--name=etcd",
        f"--data-dir={directory / 'etcd'}",
        f"--listen-client-urls={client}",
        f"--advertise-client-urls={client}",
        f"--listen-peer-urls={peer}",
        f"--initial-advertise-peer-urls={peer}",
        f"--initial-cluster=etcd={peer}",
    ]
    return serving(args, directory / "etcd.log", lambda: request(port, "GET", "/health"))


@contextlib.contextmanager
def running(directory):
    """Run etcd and two Patroni nodes in `directory`; yield the Cluster once its standby is synchronous."""
    directory = Path(directory)
    etcd_port = free_port()
    nodes = [Node(name, directory / name) for name in ("node0", "node1")]
    with etcd(directory, etcd_port), contextlib.ExitStack() as stack:
        for node in nodes:
            stack.enter_context(node.running(etcd_port))
        cluster = Cluster(nodes)
        wait_until(lambda: cluster.member("sync_standby", "streaming"), START_TIMEOUT, "synchronous standby")
        cluster.create_app_database()
        yield cluster
