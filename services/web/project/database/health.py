"""A query that proves the database answers."""


def ping(cur):
    """Run a trivial query; raise psycopg2.OperationalError if the database is unreachable."""
    cur.execute("SELECT 1")
    return cur.fetchone()
