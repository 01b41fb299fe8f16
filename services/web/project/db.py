"""Flask glue for the database: one pooled connection per request.

Connections are in autocommit mode and most endpoints' work is one SQL
statement (a token adds its lookup before it), so such a write is one
transaction, committed by PostgreSQL before the response is built; work of
several statements (moves, imports) runs in transaction(). Cursors send
statements as written: who acts is set on the connection by api/auth.py. At
teardown the connection goes back to the pool, rolled back first if anything
was left open, or discarded if it broke.
"""

import contextlib

from flask import current_app, g

from . import database
from .database import Pool


def init_app(app):
    """Give `app` a lazily connecting pool and return connections after each request."""
    config = app.config
    app.extensions["pg_pool"] = Pool(
        config["DATABASE_URL"],
        size=config["DB_POOL_SIZE"],
        timeout=config["DB_POOL_TIMEOUT"],
        connect_timeout=config["DB_CONNECT_TIMEOUT"],
        options=f"-c statement_timeout={config['DB_STATEMENT_TIMEOUT_MS']}",
        application_name="lab-inventory",
    )
    app.teardown_appcontext(close_db)


def get_db():
    """Return this request's connection, taking one from the pool on first use."""
    if "db" not in g:
        g.db = current_app.extensions["pg_pool"].getconn()
    return g.db


def get_cursor():
    """Return a new dict-row cursor on this request's connection."""
    return get_db().cursor()


@contextlib.contextmanager
def transaction():
    """Run the block in one transaction on this request's connection; yield a dict-row cursor."""
    with database.transaction(get_db()) as cur:
        yield cur


def close_db(exc=None):
    """Give this request's connection back to the pool."""
    conn = g.pop("db", None)
    if conn is not None:
        current_app.extensions["pg_pool"].putconn(conn)
