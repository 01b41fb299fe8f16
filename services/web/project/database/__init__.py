"""PostgreSQL access without Flask: connection pools, the nodes to read from, transactions, SQL files.

The statements of each resource are hand-written in `<resource>.sql` beside
this module and called through queries.load: `load("site").read(cur, id=7)`.
Reads may go to streaming replicas: a Router holds a Pool per node and knows,
from a background check, which replicas are up and how far behind they are.
"""

import collections
import contextlib
import itertools
import logging
import os
import queue
import re
import select
import threading
import time

import psycopg2
import psycopg2.extensions
from psycopg2.extras import Json

IDLE = psycopg2.extensions.TRANSACTION_STATUS_IDLE
CREATE_ATTEMPTS = 3
CHECK_INTERVAL = 1.0  # seconds between two checks of the nodes, in each process
READ_ONLY = "-c default_transaction_read_only=on"  # a replica's sessions, even once it is promoted
log = logging.getLogger(__name__)

psycopg2.extensions.register_adapter(dict, Json)  # a dict parameter is sent as JSON


class PoolTimeout(psycopg2.OperationalError):
    """Every connection of the pool stayed busy for the whole wait."""


class Pool:
    """A thread-safe pool of at most `size` autocommit connections.

    Connections are opened on demand, handed out newest first, checked for a
    server-side close (a database restart) before reuse, and discarded when
    broken, so the app survives database restarts without being restarted.
    """

    def __init__(self, dsn, size=10, timeout=5, **connect_kwargs):
        self.dsn = dsn
        self.timeout = timeout
        self.connect_kwargs = {"cursor_factory": DictCursor, **connect_kwargs}
        self._idle = queue.LifoQueue()
        self._slots = threading.BoundedSemaphore(size)

    def getconn(self):
        """Return a live connection; raise PoolTimeout or OperationalError."""
        if not self._slots.acquire(timeout=self.timeout):
            raise PoolTimeout(f"no database connection free within {self.timeout}s")
        try:
            while True:
                try:
                    conn = self._idle.get_nowait()
                except queue.Empty:
                    return self._connect()
                if is_usable(conn):
                    return conn
                conn.close()
        except BaseException:
            self._slots.release()
            raise

    def putconn(self, conn):
        """Take a connection back: rolled back if needed, closed if broken."""
        try:
            if not conn.closed and conn.info.transaction_status != IDLE:
                conn.rollback()
            if is_usable(conn):
                self._idle.put(conn)
            else:
                conn.close()
        except psycopg2.Error:
            conn.close()
        finally:
            self._slots.release()

    def closeall(self):
        """Close every idle connection."""
        while True:
            try:
                self._idle.get_nowait().close()
            except queue.Empty:
                return

    def _connect(self):
        conn = psycopg2.connect(self.dsn, **self.connect_kwargs)
        conn.autocommit = True
        return conn


class DictCursor(psycopg2.extensions.cursor):
    """A cursor whose rows are dicts, made by dict(zip(...)): several times faster than RealDictCursor."""

    def fetchone(self):
        """Return the next row as a dict, or None."""
        row = super().fetchone()
        return None if row is None else dict(zip([c.name for c in self.description], row, strict=True))

    def fetchall(self):
        """Return the remaining rows as dicts."""
        names = [c.name for c in self.description]
        return [dict(zip(names, row, strict=True)) for row in super().fetchall()]


def is_usable(conn):
    """Tell whether an idle connection is open with nothing unread on its socket.

    An idle connection has nothing to read unless the server has closed it
    (shutdown, restart, terminated backend), so a readable socket means stale.
    """
    if conn.closed or conn.info.transaction_status != IDLE:
        return False
    readable, _, _ = select.select([conn], [], [], 0)
    return not readable


@contextlib.contextmanager
def transaction(conn, cursor_factory=None):
    """Run the block in one transaction on an autocommit connection.

    Commits when the block ends, rolls back when it raises. Yields a cursor
    (of the connection's kind, or `cursor_factory`'s).
    """
    conn.autocommit = False
    try:
        with conn, conn.cursor(cursor_factory=cursor_factory) as cur:
            yield cur
    finally:
        if not conn.closed:
            conn.autocommit = True


def run_sql_file(conn, path):
    """Execute the statements of one SQL file in one transaction."""
    with open(path, encoding="utf-8") as script, transaction(conn) as cur:
        cur.execute(script.read())


class NoFreeId(Exception):
    """Every id the sequence handed out during a create was already taken."""


def create(statement, cur, **values):
    """Run a `create` statement (INSERT ... ON CONFLICT (id) DO NOTHING) until it gets a free id.

    An id the sequence hands out may already be taken by a concurrent
    explicit-id upsert; the insert then skips that id and tries the next one.
    """
    for _ in range(CREATE_ATTEMPTS):
        row = statement(cur, **values)
        if row is not None:
            return row
    raise NoFreeId(f"no free id for a new row after {CREATE_ATTEMPTS} attempts")


# The statements of the Router: what each node has (a primary: its WAL written so far; a standby:
# its WAL replayed so far), and the primary's WAL position after a commit, for a consistency token.
NODE_STATE = """
SELECT pg_is_in_recovery() AS standby,
       (CASE WHEN pg_is_in_recovery() THEN pg_last_wal_replay_lsn() ELSE pg_current_wal_lsn() END
        - '0/0'::pg_lsn)::bigint AS lsn
"""
WAL_INSERTED = "SELECT (pg_current_wal_insert_lsn() - '0/0'::pg_lsn)::bigint AS lsn"
SESSION_SETTINGS = "SELECT name, setting FROM pg_settings WHERE name LIKE 'labinv.%%'"
SET_SESSION = """
SELECT set_config(name, setting, false)
  FROM unnest(%(names)s::text[], %(settings)s::text[]) AS s(name, setting)
"""
URL_START = re.compile(r",\s*(?=postgres(?:ql)?://)")  # a comma before a URL, not inside a host list


def split_urls(text):
    """Return the URLs of a comma-separated list (a multi-host URL's commas stay inside it)."""
    return [url.strip(", ") for url in URL_START.split(text) if url.strip(", ")]


def address(dsn):
    """Return where a connection string points, host:port/dbname, without user or password."""
    parts = psycopg2.extensions.parse_dsn(dsn)
    return f"{parts.get('host', '')}:{parts.get('port', '5432')}/{parts.get('dbname', '')}"


class Node:
    """One PostgreSQL server: its pool, and what the last check found (up, replayed WAL, lag in seconds)."""

    def __init__(self, name, dsn, pool):
        self.name, self.dsn, self.pool = name, dsn, pool
        self.address = address(dsn)
        self.up = False  # a replica is used once a check has found it
        self.lsn = 0  # WAL position replayed (a replica) or written (the primary), as a number
        self.lag = None  # seconds; None: unknown
        self.problem = "not checked yet"
        self._conn = None  # the check's own connection

    def usable(self, max_lag, at_least=0):
        """Tell whether reads may use this replica: up, at most `max_lag` s behind, past WAL `at_least`."""
        return self.up and self.lag is not None and self.lag <= max_lag and self.lsn >= at_least

    def down(self, problem):
        """Note that the node failed; reads leave it until a check finds it up again."""
        self.up, self.problem = False, str(problem).strip() or type(problem).__name__

    def state(self, timeout):
        """Return (is a standby, WAL position) from the node, or None (and note why) when it fails."""
        try:
            if self._conn is None or self._conn.closed:
                self._conn = psycopg2.connect(
                    self.dsn,
                    connect_timeout=timeout,
                    options=f"-c statement_timeout={int(timeout * 1000)}",
                    application_name="lab-inventory replica check",
                    cursor_factory=DictCursor,
                )
                self._conn.autocommit = True
            with self._conn.cursor() as cur:
                cur.execute(NODE_STATE)
                row = cur.fetchone()
            return row["standby"], row["lsn"] or 0
        except psycopg2.Error as e:
            self.close()
            self.down(e)
            return None

    def close(self):
        """Close the check's connection."""
        if self._conn is not None:
            self._conn.close()
            self._conn = None

    def report(self):
        """Return what /readyz says of the node: no credentials, only where it is and how it is."""
        return {
            "name": self.name,
            "address": self.address,
            "up": self.up,
            "lag_s": None if self.lag is None else round(self.lag, 3),
            **({} if self.up else {"problem": self.problem}),
        }


class Router:
    """The primary and the replicas, each with its Pool; which node may serve a read.

    A thread per process checks every node once every CHECK_INTERVAL seconds (never on a
    request's path). A replica's lag is measured against samples of the primary's WAL
    position: the time since the primary first wrote WAL the replica has not replayed yet
    (0 when it has replayed all), on this process's clock, so it needs no clock agreement
    between machines and stays 0 on an idle primary.
    """

    def __init__(self, primary_dsn, replica_dsns=(), max_lag=10.0, **pool_kwargs):
        self.max_lag = max_lag
        self.primary = Node("primary", primary_dsn, Pool(primary_dsn, **pool_kwargs))
        self.primary.up, self.primary.lag = True, 0.0  # until a check says otherwise: tried anyway
        options = f"{pool_kwargs.pop('options', '')} {READ_ONLY}".strip()
        self.replicas = [
            Node(f"replica{n}", dsn, Pool(dsn, options=options, **pool_kwargs))
            for n, dsn in enumerate(replica_dsns, 1)
        ]
        self.connect_timeout = pool_kwargs.get("connect_timeout", 5)
        self.checked = threading.Event()  # set after each check
        self._samples = collections.deque()  # (time.monotonic(), the primary's WAL position)
        self._turn = itertools.count()
        self._stop = threading.Event()
        self._thread = None
        self._pid = None
        self._lock = threading.Lock()

    @property
    def nodes(self):
        """Return every node, the primary first."""
        return [self.primary, *self.replicas]

    def readers(self, at_least=0):
        """Return the nodes to read from: usable replicas past WAL `at_least` (in turn), then the primary."""
        self.watch()
        usable = [node for node in self.replicas if node.usable(self.max_lag, at_least)]
        if usable:
            first = next(self._turn) % len(usable)
            usable = usable[first:] + usable[:first]
        return [*usable, self.primary]

    def watch(self):
        """Start this process's checking thread unless it runs (a forked worker starts its own)."""
        if self._pid == os.getpid() or not self.replicas:
            return
        with self._lock:
            if self._pid != os.getpid():
                self._stop.clear()
                self._thread = threading.Thread(target=self._run, name="replica-check", daemon=True)
                self._thread.start()
                self._pid = os.getpid()

    def _run(self):
        while not self._stop.is_set():
            try:
                self.check()
            except Exception:  # a bug must not stop the checks for good
                log.exception("checking the database nodes failed")
            self._stop.wait(CHECK_INTERVAL)

    def check(self):
        """Check every node once: who is up, and how far each replica is behind the primary."""
        state = self.primary.state(self.connect_timeout)
        now = time.monotonic()
        if state is not None:
            standby, lsn = state
            if standby:
                self.primary.down("in recovery: not a primary (yet)")
            else:
                self.primary.up, self.primary.lsn, self.primary.lag = True, lsn, 0.0
                self._samples.append((now, lsn))
        while len(self._samples) > 1 and self._samples[1][0] < now - self.max_lag - 2 * CHECK_INTERVAL:
            self._samples.popleft()  # the oldest kept is older than any lag that matters
        for replica in self.replicas:
            state = replica.state(self.connect_timeout)
            if state is None:
                continue
            standby, replica.lsn = state
            if not standby:
                replica.lag = None
                replica.down("not in recovery: promoted, so not a replica of the primary")
                continue
            replica.up, replica.lag = True, self.lag(replica.lsn, time.monotonic())
            replica.problem = None if replica.lag is not None else "no primary position to compare with yet"
        self.checked.set()

    def lag(self, lsn, now):
        """Return how long ago the primary first had WAL past `lsn` (0 if never), or None if unknown."""
        if not self._samples:
            return None
        if lsn >= self._samples[-1][1]:
            return 0.0
        return next(now - at for at, written in self._samples if written > lsn)

    def close(self):
        """Stop the checks and close every idle connection."""
        self._stop.set()
        if self._thread is not None and self._pid == os.getpid():
            self._thread.join(5)
        self._pid = None
        for node in self.nodes:
            node.close()
            node.pool.closeall()


def wal_inserted(conn):
    """Return the WAL position the server has inserted up to, as a number (after a commit: past it)."""
    with conn.cursor() as cur:
        cur.execute(WAL_INSERTED)
        return cur.fetchone()["lsn"]


def move_session(source, target):
    """Give `target` the labinv.* session settings of `source` (who acts, set by api/auth.py)."""
    with source.cursor() as cur:
        cur.execute(SESSION_SETTINGS)
        settings = cur.fetchall()
    with target.cursor() as cur:
        cur.execute(
            SET_SESSION,
            {"names": [s["name"] for s in settings], "settings": [s["setting"] for s in settings]},
        )
