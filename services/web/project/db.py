"""Flask glue for the database: one pooled connection per request, from the node that should serve it.

Connections are in autocommit mode and most endpoints' work is one SQL
statement (a token adds its lookup before it), so such a write is one
transaction, committed by PostgreSQL before the response is built; work of
several statements (moves, imports) runs in transaction(). Cursors send
statements as written: who acts is set on the connection by api/auth.py. At
teardown the connection goes back to the pool, rolled back first if anything
was left open, or discarded if it broke.

With DATABASE_REPLICA_URLS, a GET or HEAD reads from a replica (in turn) that
is up, at most REPLICA_MAX_LAG_S behind, and past the X-Consistency-Token the
request sent; every other request uses the primary (DATABASE_URL). A replica's
sessions are read-only: a GET that writes fails there (SQLSTATE 25006) and its
view runs again on the primary, as does a read whose replica connection broke
(on the next node). A 2xx answer to a write carries the primary's WAL position
after it as X-Consistency-Token (docs/replicas.md).
"""

import contextlib
import logging
import re

import psycopg2
from flask import current_app, g, has_request_context, request
from psycopg2 import errors as pg
from werkzeug.exceptions import BadRequest

from . import database
from .database import PoolTimeout, Router

log = logging.getLogger(__name__)
READS = frozenset({"GET", "HEAD"})
TOKEN_HEADER = "X-Consistency-Token"
TOKEN = re.compile(r"lsn:([0-9A-F]{1,8})/([0-9A-F]{1,8})")  # PostgreSQL's own way to write an LSN


def init_app(app):
    """Give `app` its database nodes (lazily connecting pools), and what routes each request."""
    config = app.config
    router = Router(
        config["DATABASE_URL"],
        database.split_urls(config["DATABASE_REPLICA_URLS"]),
        max_lag=config["REPLICA_MAX_LAG_S"],
        size=config["DB_POOL_SIZE"],
        timeout=config["DB_POOL_TIMEOUT"],
        connect_timeout=config["DB_CONNECT_TIMEOUT"],
        options=f"-c statement_timeout={config['DB_STATEMENT_TIMEOUT_MS']}",
        application_name="lab-inventory",
    )
    app.extensions["pg_router"] = router
    app.extensions["pg_pool"] = router.primary.pool
    app.teardown_appcontext(close_db)
    app.before_request(read_token)  # a garbage token is a 400, with or without replicas
    if router.replicas:
        app.after_request(give_token)
        # Flask's full_dispatch_request calls self.dispatch_request: run a read's view again
        # on another node when its replica failed it.
        app.dispatch_request = again_elsewhere(app.dispatch_request)


def get_db():
    """Return this request's connection, taking one from the pool of its node on first use."""
    if "db" not in g:
        router = current_app.extensions["pg_router"]
        if router.replicas and has_request_context() and request.method in READS:
            nodes = router.readers(at_least=g.get("wal_wanted", 0))
        else:
            nodes = [router.primary]
        g.db_node, g.db = connect(nodes)
    return g.db


def connect(nodes):
    """Return (node, connection) from the first of `nodes` that gives one; a replica that fails is left."""
    for node in nodes:
        try:
            return node, node.pool.getconn()
        except psycopg2.OperationalError as e:
            if node is nodes[-1]:
                raise
            if not isinstance(e, PoolTimeout):
                node.down(e)
            log.warning("reading elsewhere: %s failed: %s", node.name, e)
    raise AssertionError("no node to connect to")  # nodes always ends with the primary


def get_cursor():
    """Return a new dict-row cursor on this request's connection."""
    return get_db().cursor()


@contextlib.contextmanager
def transaction():
    """Run the block in one transaction on this request's connection; yield a dict-row cursor."""
    with database.transaction(get_db()) as cur:
        yield cur


def close_db(exc=None):
    """Give this request's connection back to the pool of its node."""
    conn = g.pop("db", None)
    node = g.pop("db_node", None)
    if conn is not None:
        node.pool.putconn(conn)


def read_token():
    """Note the WAL position the request's X-Consistency-Token asks for; 400 if it is not a token."""
    sent = request.headers.get(TOKEN_HEADER)
    if sent is None:
        return
    match = TOKEN.fullmatch(sent.strip())
    if match is None:
        raise BadRequest(f"{TOKEN_HEADER} must be a token that an earlier answer gave, as it was given")
    g.wal_wanted = int(match[1], 16) << 32 | int(match[2], 16)


def give_token(response):
    """Give a 2xx answer to a write the primary's WAL position after it, as X-Consistency-Token."""
    conn, node = g.get("db"), g.get("db_node")
    if request.method in READS or not 200 <= response.status_code < 300 or conn is None:
        return response
    if node is not current_app.extensions["pg_router"].primary:
        return response
    try:
        lsn = database.wal_inserted(conn)
    except psycopg2.Error as e:  # the write is done: answer it, without a token
        log.warning("no consistency token for this answer: %s", e)
        return response
    response.headers[TOKEN_HEADER] = f"lsn:{lsn >> 32:X}/{lsn & 0xFFFFFFFF:X}"
    return response


def again_elsewhere(dispatch_request):
    """Wrap Flask's dispatch_request: a read that its replica failed runs its view once more elsewhere."""

    def dispatch():
        try:
            return dispatch_request()
        except (psycopg2.OperationalError, psycopg2.InterfaceError, pg.ReadOnlySqlTransaction) as e:
            if not moved_off_replica(e):
                raise
            return dispatch_request()

    return dispatch


def moved_off_replica(e):
    """Move the request from its failed replica to another node; tell whether it moved."""
    router = current_app.extensions["pg_router"]
    node, conn = g.get("db_node"), g.get("db")
    if node is None or node is router.primary or isinstance(e, pg.QueryCanceled):
        return False
    if isinstance(e, pg.ReadOnlySqlTransaction):  # a bug: a GET wrote; the primary does it
        log.error("%s %s wrote on a replica; running it on the primary", request.method, request.path)
        conn.rollback()
        target, target_conn = connect([router.primary])
        try:
            database.move_session(conn, target_conn)
        except psycopg2.Error:
            target.pool.putconn(target_conn)
            raise e from None
    else:
        node.down(e)
        log.warning("reading elsewhere: %s failed mid-request: %s", node.name, e)
        target, target_conn = connect([n for n in router.readers(g.get("wal_wanted", 0)) if n is not node])
    node.pool.putconn(conn)
    g.db_node, g.db = target, target_conn
    return True
