"""PostgreSQL access without Flask: a connection pool, transactions, SQL files.

The statements of each resource are hand-written in `<resource>.sql` beside
this module and called through queries.load: `load("site").read(cur, id=7)`.
"""

import contextlib
import queue
import select
import threading

import psycopg2
import psycopg2.extensions
from psycopg2.extras import Json

IDLE = psycopg2.extensions.TRANSACTION_STATUS_IDLE
CREATE_ATTEMPTS = 3

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
