"""`./scripts/server`: the API on http://127.0.0.1:$PORT (default 5000).

Without DATABASE_URL it runs a local PostgreSQL in $LOCAL_PGDATA (default
.pgdata in the repository), creating the database, schema and example data
on first start; Ctrl-C or SIGTERM stops the web server, then PostgreSQL.
Anonymous writes are allowed (ALLOW_ANONYMOUS_WRITES=false turns them off).

A second server on the same data directory or the same port refuses to
start, with one line saying why, and leaves the running one alone.
"""

import os
import signal
import socket
import sys

from devtools.localdb import DataDirInUse, LocalPostgres
from project import create_app
from project.config import REPO, Config, env_bool
from project.database.migrations import set_up

DBNAME = "labinv"


def prepare_database(server):
    """Return the URL of the app's database, bringing its schema up to date.

    A new database is filled (schema and example data) under a temporary
    name and renamed when complete, so a first start that is interrupted
    leaves nothing half-made behind.
    """
    url = server.url(DBNAME)
    if server.database_exists(DBNAME):
        set_up(url, Config.POSTGRES_SCRIPTS)
        return url
    setup = DBNAME + "_setup"
    server.drop_database(setup)
    server.create_database(setup)
    set_up(server.url(setup), Config.POSTGRES_SCRIPTS, seed=True)
    server.rename_database(setup, DBNAME)
    print(f"created database {DBNAME} with the example data", flush=True)
    return url


def refuse_a_taken_port(port):
    """Exit with one line if something already listens on 127.0.0.1:port."""
    with socket.socket() as sock:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # as the web server will
        try:
            sock.bind(("127.0.0.1", port))
        except OSError as e:
            sys.exit(
                f"scripts/server: cannot listen on 127.0.0.1:{port} ({e.strerror}); free it, or set PORT"
            )


def main():
    """Serve until Ctrl-C or SIGTERM, then stop everything started here."""
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    url = os.environ.get("DATABASE_URL")
    port = int(os.environ.get("PORT", "5000"))
    server = None if url else LocalPostgres(os.environ.get("LOCAL_PGDATA") or REPO / ".pgdata")
    if server:
        try:
            server.lock()
        except DataDirInUse:
            sys.exit(
                f"scripts/server: another ./scripts/server is running on {server.datadir}; "
                "stop it first, or set LOCAL_PGDATA and PORT to run a second one"
            )
    try:
        refuse_a_taken_port(port)
        if server:
            server.start()
            url = prepare_database(server)
            print(f"PostgreSQL is up; psql '{url}'", flush=True)
        app = create_app(
            {"DATABASE_URL": url, "ALLOW_ANONYMOUS_WRITES": env_bool("ALLOW_ANONYMOUS_WRITES", True)}
        )
        app.run(host="127.0.0.1", port=port, threaded=True)
    finally:
        if server:
            started = server.process is not None
            server.stop()
            if started:
                print("PostgreSQL stopped", flush=True)


if __name__ == "__main__":
    main()
