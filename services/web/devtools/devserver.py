"""`./scripts/server`: the API on http://127.0.0.1:$PORT (default 5000).

Without DATABASE_URL it runs a local PostgreSQL in $LOCAL_PGDATA (default
.pgdata in the repository), creating the database, schema and example data
on first start; Ctrl-C or SIGTERM stops the web server, then PostgreSQL.
Anonymous writes are allowed (ALLOW_ANONYMOUS_WRITES=false turns them off).
"""

import os
import signal
import sys

import psycopg2

from devtools.localdb import LocalPostgres
from project import create_app
from project.config import REPO, Config, env_bool
from project.database import run_sql_file

DBNAME = "labinv"


def prepare_database(server):
    """Return the URL of the app's database, bringing its schema up to date.

    A new database is filled (schema and example data) under a temporary
    name and renamed when complete, so a first start that is interrupted
    leaves nothing half-made behind.
    """
    url = server.url(DBNAME)
    if server.database_exists(DBNAME):
        run_scripts(url, "create_tables.sql")
        return url
    setup = DBNAME + "_setup"
    server.drop_database(setup)
    server.create_database(setup)
    run_scripts(server.url(setup), "create_tables.sql", "mock_data.sql")
    server.rename_database(setup, DBNAME)
    print(f"created database {DBNAME} with the example data", flush=True)
    return url


def run_scripts(url, *names):
    """Run SQL scripts of postgres_scripts/ on one database."""
    conn = psycopg2.connect(url)
    try:
        for name in names:
            run_sql_file(conn, Config.POSTGRES_SCRIPTS / name)
    finally:
        conn.close()


def main():
    """Serve until Ctrl-C or SIGTERM, then stop everything started here."""
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    url, server = os.environ.get("DATABASE_URL"), None
    try:
        if not url:
            server = LocalPostgres(os.environ.get("LOCAL_PGDATA") or REPO / ".pgdata").start()
            url = prepare_database(server)
            print(f"PostgreSQL is up; psql '{url}'", flush=True)
        app = create_app(
            {"DATABASE_URL": url, "ALLOW_ANONYMOUS_WRITES": env_bool("ALLOW_ANONYMOUS_WRITES", True)}
        )
        app.run(host="127.0.0.1", port=int(os.environ.get("PORT", "5000")), threaded=True)
    finally:
        if server:
            server.stop()
            print("PostgreSQL stopped", flush=True)


if __name__ == "__main__":
    main()
