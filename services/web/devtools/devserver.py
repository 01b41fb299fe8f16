"""`./scripts/server`: the API on http://127.0.0.1:$PORT (default 5000).

GET /events is served by a second process, as in production: gunicorn with gevent workers
(gunicorn_events.conf.py) on 127.0.0.1:$EVENTS_PORT (default: a free port); the API's port passes
/events and /events/... on to it, as nginx does, so the web UI finds it on its own origin.

Without DATABASE_URL it runs a local PostgreSQL in $LOCAL_PGDATA (default
.pgdata in the repository), creating the database, schema and example data
on first start; Ctrl-C or SIGTERM stops the web server, then PostgreSQL.
Anonymous writes are allowed (ALLOW_ANONYMOUS_WRITES=false turns them off).

A second server on the same data directory or the same port refuses to
start, with one line saying why, and leaves the running one alone.
"""

import http.client
import os
import signal
import socket
import subprocess
import sys
from urllib.parse import quote

from devtools.localdb import DataDirInUse, LocalPostgres, die_with_parent
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


def refuse_a_taken_port(port, setting="PORT"):
    """Exit with one line if something already listens on 127.0.0.1:port."""
    with socket.socket() as sock:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # as the web server will
        try:
            sock.bind(("127.0.0.1", port))
        except OSError as e:
            sys.exit(
                f"scripts/server: cannot listen on 127.0.0.1:{port} ({e.strerror}); free it, or set {setting}"
            )


def free_port():
    """Return a TCP port free on 127.0.0.1 now: the events process's, unless EVENTS_PORT names one."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


HOP_BY_HOP = frozenset({"connection", "keep-alive", "transfer-encoding", "te", "trailer", "upgrade"})


def start_events(url, port):
    """Start the events process (gunicorn, gevent workers) on 127.0.0.1:port; it dies with this one."""
    env = {
        **os.environ,
        "DATABASE_URL": url,
        "EVENTS_BIND": f"127.0.0.1:{port}",
        "ALLOW_ANONYMOUS_WRITES": str(env_bool("ALLOW_ANONYMOUS_WRITES", True)).lower(),
    }
    args = [sys.executable, "-m", "gunicorn", "--config", "gunicorn_events.conf.py"]
    return subprocess.Popen(args, env=env, stdin=subprocess.DEVNULL, preexec_fn=die_with_parent)  # noqa: PLW1509


class EventsProxy:
    """WSGI middleware: /events and /events/... go to the events process, streamed; the rest to `app`."""

    def __init__(self, app, port):
        self.app, self.port = app, port

    def __call__(self, environ, start_response):
        """Serve one request, passing it on when it is the events process's."""
        path = environ.get("PATH_INFO", "")
        if path != "/events" and not path.startswith("/events/"):
            return self.app(environ, start_response)
        target = quote(path) + (f"?{environ['QUERY_STRING']}" if environ.get("QUERY_STRING") else "")
        headers = {
            key[5:].replace("_", "-").title(): value
            for key, value in environ.items()
            if key.startswith("HTTP_") and key[5:].replace("_", "-").lower() not in HOP_BY_HOP
        }
        if environ.get("CONTENT_TYPE"):
            headers["Content-Type"] = environ["CONTENT_TYPE"]
        length = int(environ.get("CONTENT_LENGTH") or 0)
        body = environ["wsgi.input"].read(length) if length else None
        conn = http.client.HTTPConnection("127.0.0.1", self.port)
        try:
            conn.request(environ["REQUEST_METHOD"], target, body, headers)
            response = conn.getresponse()
        except OSError:
            conn.close()
            start_response("502 Bad Gateway", [("Content-Type", "application/problem+json")])
            return [
                b'{"type": "about:blank", "title": "Bad Gateway", "status": 502, '
                b'"detail": "the events process is not answering"}\n'
            ]
        kept = [(k, v) for k, v in response.getheaders() if k.lower() not in HOP_BY_HOP]
        start_response(f"{response.status} {response.reason}", kept)
        return self.relay(conn, response)

    @staticmethod
    def relay(conn, response):
        """Yield the events process's answer as it comes."""
        try:
            while chunk := response.read1(65536):
                yield chunk
        finally:
            conn.close()


def main():
    """Serve until Ctrl-C or SIGTERM, then stop everything started here."""
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    url = os.environ.get("DATABASE_URL")
    port = int(os.environ.get("PORT", "5000"))
    events_port = int(os.environ.get("EVENTS_PORT") or free_port())
    events = None
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
        refuse_a_taken_port(events_port, "EVENTS_PORT")
        if server:
            server.start()
            url = prepare_database(server)
            print(f"PostgreSQL is up; psql '{url}'", flush=True)
        app = create_app(
            {"DATABASE_URL": url, "ALLOW_ANONYMOUS_WRITES": env_bool("ALLOW_ANONYMOUS_WRITES", True)}
        )
        events = start_events(url, events_port)
        print(f"events: http://127.0.0.1:{port}/events (served on 127.0.0.1:{events_port})", flush=True)
        app.wsgi_app = EventsProxy(app.wsgi_app, events_port)
        app.run(host="127.0.0.1", port=port, threaded=True)
    finally:
        if events:
            events.terminate()
            events.wait()
        if server:
            started = server.process is not None
            server.stop()
            if started:
                print("PostgreSQL stopped", flush=True)


if __name__ == "__main__":
    main()
