"""Opt-in error reports (SENTRY_DSN): what reaches a Sentry server, and what never does.

The DSN points at a stand-in Sentry server on 127.0.0.1 (a stdlib HTTP server
in a thread) that keeps every envelope the app's sentry-sdk sends it.
"""

import contextlib
import gzip
import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
import sentry_sdk

from project import create_app

SECRETS = (b"hunter2-secret", b"labinv-demo-admin-token", b"session-cookie")


class Receiver(BaseHTTPRequestHandler):
    """Keep the body of every POST, unzipped, in the server's `envelopes`; answer 200."""

    def do_POST(self):
        """Keep one envelope."""
        body = self.rfile.read(int(self.headers["Content-Length"]))
        if self.headers.get("Content-Encoding") == "gzip":
            body = gzip.decompress(body)
        self.server.envelopes.append((self.path, body))
        self.send_response(200)
        self.end_headers()

    def log_message(self, *args):
        """Log nothing."""


@contextlib.contextmanager
def receiver():
    """Run a stand-in Sentry server on 127.0.0.1; yield its DSN and the list of envelopes it gets."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), Receiver)
    server.envelopes = []
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://public@127.0.0.1:{server.server_port}/1", server.envelopes
    finally:
        server.shutdown()
        server.server_close()
        thread.join(10)


def events(envelopes):
    """Return the events in the envelopes (each item header is followed by its payload)."""
    found = []
    for _, body in envelopes:
        lines = body.split(b"\n")
        for header, payload in zip(lines[1::2], lines[2::2], strict=False):
            if json.loads(header)["type"] == "event":
                found.append(json.loads(payload))
    return found


def boom():
    """Fail as a bug would."""
    raise RuntimeError("boom")


@pytest.fixture
def reported(database_url, pg_conn):
    """Yield a function that makes an app reporting to a stand-in Sentry, and that server's envelopes."""
    apps = []

    def make(**settings):
        app = create_app({"DATABASE_URL": database_url, "RATELIMIT_ENABLED": False, **settings})
        app.add_url_rule("/boom", "boom", boom, methods=["POST"])
        apps.append(app)
        return app.test_client()

    with receiver() as (dsn, envelopes):
        yield make, dsn, envelopes
        sentry_sdk.flush(5)
    sentry_sdk.get_client().close()
    sentry_sdk.init()  # no DSN: the next tests report nothing
    for app in apps:
        app.extensions["pg_pool"].closeall()


def test_an_unhandled_error_is_reported_with_its_request_id_and_no_secrets(reported):
    make, dsn, envelopes = reported
    client = make(SENTRY_DSN=dsn)
    response = client.post(
        "/boom?probe=1",
        json={"username": "admin", "password": "hunter2-secret"},
        headers={"Authorization": "Bearer labinv-demo-admin-token", "Cookie": "session=session-cookie"},
    )
    assert response.status_code == 500
    request_id = response.json["request_id"]
    assert response.headers["X-Request-ID"] == request_id
    sentry_sdk.flush(5)
    [event] = events(envelopes)  # once: the logged error, not the 500 again
    assert envelopes[0][0] == "/api/1/envelope/"
    [exception] = event["exception"]["values"]
    assert (exception["type"], exception["value"]) == ("RuntimeError", "boom")
    assert event["tags"]["request_id"] == request_id
    sent = event["request"]
    assert (sent["method"], sent["url"], sent["query_string"]) == ("POST", "http://localhost/boom", "probe=1")
    assert "data" not in sent and "cookies" not in sent
    assert {name.lower() for name in sent["headers"]}.isdisjoint({"authorization", "cookie"})
    assert not any(secret in body for _, body in envelopes for secret in SECRETS)
    assert all(frame.get("vars") is None for frame in exception["stacktrace"]["frames"])


def test_a_5xx_without_an_exception_is_reported_too(reported):
    make, dsn, envelopes = reported
    client = make(SENTRY_DSN=dsn, DATABASE_URL="postgresql://nobody@/none?host=/nonexistent")
    response = client.get("/readyz")
    assert response.status_code == 503
    sentry_sdk.flush(5)
    [event] = events(envelopes)
    assert event["message"] == "503 GET /readyz"
    assert event["level"] == "error"
    assert event["tags"]["request_id"] == response.json["request_id"]


def test_without_a_dsn_nothing_is_reported(reported):
    make, _, envelopes = reported
    assert (
        make().post("/boom", headers={"Authorization": "Bearer labinv-demo-admin-token"}).status_code == 500
    )
    sentry_sdk.flush(5)
    assert envelopes == []
