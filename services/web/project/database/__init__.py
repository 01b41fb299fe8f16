"""PostgreSQL access without Flask: a connection pool, transactions, SQL files.

Each module beside this one holds the queries of one resource as plain
functions that take a cursor first and return dicts or lists of dicts.
"""

import contextlib
import queue
import select
import threading

import psycopg2
import psycopg2.extensions
from psycopg2 import sql
from psycopg2.extras import RealDictCursor

IDLE = psycopg2.extensions.TRANSACTION_STATUS_IDLE


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
        self.connect_kwargs = {"cursor_factory": RealDictCursor, **connect_kwargs}
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


class SettingsCursor(RealDictCursor):
    """A cursor that runs each statement with `settings` set for the statement's transaction.

    `settings` maps names to text, set as labinv.<name> with set_config(...,
    true) in the same round trip: the triggers read who acts (labinv.actor,
    labinv.role, labinv.user_id) from there.
    """

    settings: dict = {}  # noqa: RUF012 (replaced per cursor, never mutated)

    def execute(self, query, vars=None):
        """Execute `query` (with named parameters) after the settings."""
        if not self.settings:
            return super().execute(query, vars)
        prelude = sql.SQL("SELECT {}; ").format(
            sql.SQL(", ").join(
                sql.SQL("set_config({}, {}, true)").format(
                    sql.Literal(f"labinv.{name}"), sql.Placeholder(f"labinv_{name}")
                )
                for name in self.settings
            )
        )
        body = query if isinstance(query, sql.Composable) else sql.SQL(query)
        values = {f"labinv_{name}": value for name, value in self.settings.items()}
        return super().execute(prelude + body, {**values, **(vars or {})})


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
def transaction(conn):
    """Run the block in one transaction on an autocommit connection.

    Commits when the block ends, rolls back when it raises. Yields a cursor.
    """
    conn.autocommit = False
    try:
        with conn, conn.cursor() as cur:
            yield cur
    finally:
        if not conn.closed:
            conn.autocommit = True


def run_sql_file(conn, path):
    """Execute the statements of one SQL file in one transaction."""
    with open(path, encoding="utf-8") as script, transaction(conn) as cur:
        cur.execute(script.read())
