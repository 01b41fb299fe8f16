"""Logs a machine can read: a JSON line per request, and one request id in answer, problem and log."""

import io
import json
import logging
import sys

import pytest
import requests
from conftest import serving

from project import create_app, logs

ADMIN = {"Authorization": "Bearer labinv-demo-admin-token"}


@pytest.fixture
def written():
    """Return a StringIO that gets what the app logs, for the test's length."""
    stream = io.StringIO()
    previous = logs.HANDLER.setStream(stream)
    yield stream
    logs.HANDLER.setStream(previous)


@pytest.fixture
def make_app(database_url, pg_conn):
    """Return a function making an app on the test database that logs JSON, unless told otherwise."""
    apps = []

    def make(**settings):
        config = {"DATABASE_URL": database_url, "RATELIMIT_ENABLED": False, "LOG_FORMAT": "json"}
        apps.append(create_app({**config, **settings}))
        return apps[-1]

    yield make
    for app in apps:
        app.extensions["pg_pool"].closeall()


def entries(stream, logger="project.requests"):
    """Return the JSON log lines of `logger` written to `stream`."""
    lines = [json.loads(line) for line in stream.getvalue().splitlines()]
    return [entry for entry in lines if entry["logger"] == logger]


def test_each_request_is_one_json_line_with_its_id_and_user(make_app, written):
    client = make_app().test_client()
    response = client.get("/site/1", headers=ADMIN, environ_base={"REMOTE_ADDR": "192.0.2.4"})
    [entry] = entries(written)
    assert entry.pop("time").endswith("+00:00")
    assert entry.pop("duration_ms") >= 0
    assert entry == {
        "level": "INFO",
        "logger": "project.requests",
        "message": f"GET /site/1 200 in {entry['message'].split()[-2]} ms",
        "request_id": response.headers["X-Request-ID"],
        "method": "GET",
        "path": "/site/1",
        "status": 200,
        "user": "admin",
        "address": "192.0.2.4",
    }


def test_a_sent_request_id_is_kept_in_the_header_the_problem_and_the_log(make_app, written):
    client = make_app().test_client()
    response = client.get("/site/999", headers={"X-Request-ID": "support-ticket-42"})
    assert response.status_code == 404
    assert response.headers["X-Request-ID"] == response.json["request_id"] == "support-ticket-42"
    assert entries(written)[0]["request_id"] == "support-ticket-42"


@pytest.mark.parametrize("sent", [None, "", "a" * 129, "two words", "<script>", "café"])
def test_a_missing_or_odd_request_id_is_replaced_by_a_new_one(make_app, written, sent):
    client = make_app().test_client()
    response = client.get("/nowhere", headers={"X-Request-ID": sent} if sent is not None else {})
    new = response.headers["X-Request-ID"]
    assert len(new) == 32 and int(new, 16) >= 0
    assert response.json["request_id"] == new == entries(written)[0]["request_id"]


def test_lines_logged_while_answering_carry_the_request_id(make_app, written):
    client = make_app(DATABASE_URL="postgresql://nobody@/none?host=/nonexistent").test_client()
    response = client.get("/readyz")
    assert response.status_code == 503
    [warning] = entries(written, "project.api.errors")
    assert warning["level"] == "WARNING"
    assert warning["request_id"] == response.headers["X-Request-ID"]
    assert entries(written)[0]["level"] == "ERROR"  # a 5xx


def test_an_unhandled_error_is_logged_with_its_traceback(make_app, written):
    app = make_app()
    app.add_url_rule("/boom", "boom", lambda: 1 / 0)
    response = app.test_client().get("/boom")
    assert response.status_code == 500
    [error] = entries(written, "project.api.errors")
    assert error["request_id"] == response.json["request_id"]
    assert error["exception"].startswith("Traceback") and "ZeroDivisionError" in error["exception"]


def test_passwords_and_tokens_are_never_logged(make_app, written):
    client = make_app().test_client()
    body = {"username": "editor", "password": "demo-editor-password"}
    issued = client.post("/auth/tokens", json=body)
    assert issued.status_code == 201
    token = {"Authorization": f"Bearer {issued.json['token']}"}
    assert client.get("/site/1", headers=token).status_code == 200
    text = written.getvalue()
    assert [entry["user"] for entry in entries(written)] == [None, "editor"]
    assert "demo-editor-password" not in text and issued.json["token"] not in text
    assert "Bearer" not in text


def test_text_lines_are_for_people(make_app, written):
    make_app(LOG_FORMAT="text").test_client().get("/healthz")
    [line] = written.getvalue().splitlines()
    assert line.endswith(" INFO project.requests: GET /healthz 200 in " + line.split()[-2] + " ms")


def test_lines_outside_a_request_have_no_request_id():
    record = logging.LogRecord("gunicorn.error", logging.INFO, __file__, 1, "Booting worker %s", (7,), None)
    assert json.loads(logs.formatter("json").format(record)).keys() == {"time", "level", "logger", "message"}


def test_an_unknown_log_format_is_refused():
    with pytest.raises(ValueError, match="LOG_FORMAT must be json or text, not 'xml'"):
        create_app({"DATABASE_URL": "", "LOG_FORMAT": "xml"})


HOSTILE = "/nothing/%00%1b[2J%e2%80%ae%0aforged%c2%85"  # NUL, an escape sequence, RLO, LF, NEL


def test_a_text_line_holds_no_control_or_bidirectional_character_unescaped(make_app, written):
    make_app(LOG_FORMAT="text").test_client().get(HOSTILE, headers={"User-Agent": "evil\x1b[31m"})
    [line] = [line for line in written.getvalue().splitlines() if "project.requests" in line]
    assert not logs.UNSAFE_IN_LINE.search(written.getvalue().replace("\n", ""))
    assert line.endswith(r"GET /nothing/\x00\x1b[2J\u202e\nforged\x85 404 in " + line.split()[-2] + " ms")


def test_a_json_line_holds_no_control_or_bidirectional_character_unescaped(make_app, written):
    make_app().test_client().get(HOSTILE)
    assert not logs.UNSAFE_IN_LINE.search(written.getvalue().replace("\n", ""))
    assert entries(written)[0]["path"] == "/nothing/\x00\x1b[2J\u202e\nforged\x85"


def test_the_development_servers_access_line_is_escaped_too(make_app, written):
    with serving(make_app(LOG_FORMAT="text")) as url:
        requests.get(url + HOSTILE + "?q=%00", headers={"User-Agent": "evil\x1b[31m"}, timeout=5)
    access = [line for line in written.getvalue().splitlines() if "werkzeug" in line]
    assert access and r"\u202e" in access[0]  # werkzeug decodes %e2%80%ae
    assert not logs.UNSAFE_IN_LINE.search(written.getvalue().replace("\n", ""))


def test_a_traceback_keeps_its_line_feeds_but_escapes_the_rest():
    try:
        raise ValueError("bad\x1b[2Jvalue\u202e")
    except ValueError:
        record = logging.LogRecord("x", logging.ERROR, __file__, 1, "failed", None, sys.exc_info())
    text = logs.formatter("text").format(record)
    assert len(text.splitlines()) > 2
    assert r"bad\x1b[2Jvalue\u202e" in text
    assert not logs.UNSAFE_IN_LINE.search(text.replace("\n", ""))
