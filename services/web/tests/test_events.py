"""GET /events: the events process (gunicorn, gevent workers) on a real PostgreSQL, over real HTTP."""

import contextlib
import json
import queue
import threading
import time

import psycopg2
import pytest
import requests
import topology_servers as servers

from project import accounts
from project.events import QUEUE_SIZE, Filters, Stream

FOREVER = 30


@pytest.fixture(scope="module")
def events_server(database_url, tmp_path_factory):
    """The events process, with a ping every 0.5 s; yield its base URL."""
    log_dir = tmp_path_factory.mktemp("events")
    with servers.events(database_url, log_dir, EVENTS_HEARTBEAT_S="0.5", RATE_LIMIT_ENABLED="false") as url:
        yield url


class Listener:
    """An open stream read in a thread: its events (dicts with id, event, data) and comments, as they come."""

    def __init__(self, url, headers=None, params=None):
        self.response = requests.get(
            url + "/events", headers=headers, params=params, stream=True, timeout=FOREVER
        )
        self.items = queue.Queue()
        self.ended = threading.Event()
        threading.Thread(target=self.read, daemon=True).start()

    def read(self):
        """Parse the stream's lines into events and comments until it ends."""
        event = {}
        with contextlib.suppress(requests.RequestException, AttributeError, ValueError):  # closed meanwhile
            for line in self.response.iter_lines(decode_unicode=True):
                if line.startswith(":"):
                    self.items.put(("comment", line))
                elif line == "":
                    if event:  # `retry:` alone is no event
                        self.items.put(("event" if "event" in event else "control", event))
                    event = {}
                else:
                    field, _, value = line.partition(": ")
                    event[field] = json.loads(value) if field == "data" else value
        self.ended.set()

    def next_event(self, timeout=3):
        """Return the next event (skipping comments); fail after `timeout` seconds."""
        deadline = time.monotonic() + timeout
        while True:
            kind, item = self.items.get(timeout=max(0.01, deadline - time.monotonic()))
            if kind == "event":
                return item

    def changes(self, count, timeout=3):
        """Return the data of the next `count` change events."""
        return [self.next_event(timeout)["data"] for _ in range(count)]

    def quiet(self, seconds=0.7):
        """Tell whether no event arrives in `seconds`."""
        with contextlib.suppress(queue.Empty):
            self.next_event(seconds)
            return False
        return True

    def close(self):
        """Close the connection."""
        self.response.close()


@pytest.fixture
def listen(events_server):
    """Open streams on the events server; all closed at the end."""
    opened = []

    def open_stream(**kwargs):
        listener = Listener(events_server, **kwargs)
        assert listener.response.status_code == 200, listener.response.text
        opened.append(listener)
        listener.items.get(timeout=5)  # ": connected": the hub knows where it starts
        return listener

    yield open_stream
    for listener in opened:
        listener.close()


@pytest.fixture(autouse=True)
def growing_history_ids(request):
    """Keep history ids growing across tests, as in life (each test's reset restarts them)."""
    if "pg_conn" in request.fixturenames:
        conn = request.getfixturevalue("pg_conn")
        sql(conn, "SELECT setval('history_id_seq', nextval('events_test_ids') * 100000)")


@pytest.fixture(scope="module", autouse=True)
def test_ids(database_url):
    """A sequence, outside the tables the tests reset, for growing_history_ids; dropped after them."""
    with contextlib.closing(psycopg2.connect(database_url)) as conn:
        conn.autocommit = True
        sql(conn, "CREATE SEQUENCE IF NOT EXISTS events_test_ids")
        yield
        sql(conn, "DROP SEQUENCE events_test_ids")


def sql(conn, statement, params=None):
    """Run one statement on an autocommit connection; return its rows."""
    with conn.cursor() as cur:
        cur.execute(statement, params)
        return cur.fetchall() if cur.description else None


def test_a_moved_tube_reaches_another_stream_within_a_second(pg_conn, listen, live_url):
    watcher = listen(params={"tables": "container"})
    other = listen()
    container_id, box_id, free = 1, 1, "B2"  # the example data: tube 1 is in box 1 at A1
    started = time.monotonic()
    moved = requests.post(
        live_url + "/moves",
        json={"moves": [{"container_id": container_id, "box_id": box_id, "position": free}]},
    )
    assert moved.status_code == 200, moved.text
    event = watcher.next_event(timeout=1)
    assert time.monotonic() - started < 1
    assert event["event"] == "change" and event["id"] == str(event["data"]["id"])
    data = event["data"]
    assert (data["table"], data["row_id"], data["action"]) == ("container", container_id, "update")
    assert data["row"]["position"] == free and "position" in data["changed"] and "id" not in data["changed"]
    assert data["actor"] == "anonymous" and data["at"]
    assert other.next_event(timeout=1)["data"] == data


def test_a_dropped_stream_resumed_with_last_event_id_gets_exactly_the_changes_it_missed(pg_conn, listen):
    first = listen(params={"tables": "site"})
    sql(pg_conn, "UPDATE site SET name = 'before' WHERE id = 1")
    last = first.next_event()
    first.close()
    for name in ("one", "two", "three"):
        sql(pg_conn, "UPDATE site SET name = %s WHERE id = 1", (name,))
    resumed = listen(params={"tables": "site"}, headers={"Last-Event-ID": last["id"]})
    names = [c["row"]["name"] for c in resumed.changes(3)]
    assert names == ["one", "two", "three"]
    assert resumed.quiet()
    sql(pg_conn, "UPDATE site SET name = 'four' WHERE id = 1")
    assert resumed.next_event()["data"]["row"]["name"] == "four"  # then live, once
    again = listen(params={"tables": "site", "after": last["id"]})  # ?after= as well
    assert [c["row"]["name"] for c in again.changes(4)] == ["one", "two", "three", "four"]


def test_without_last_event_id_the_stream_starts_now(pg_conn, listen):
    sql(pg_conn, "UPDATE lab SET name = 'old news' WHERE id = 1")
    time.sleep(0.3)
    stream = listen(params={"tables": "computer"})
    assert stream.quiet(0.5)
    sql(pg_conn, "DELETE FROM computer WHERE id = (SELECT max(id) FROM computer)")
    data = stream.next_event()["data"]
    assert data["action"] == "delete" and data["row"] is None and "mac" in data["changed"]


def test_an_id_that_commits_after_a_higher_one_is_not_skipped(database_url, pg_conn, listen):
    stream = listen(params={"tables": "site"})
    early, late = psycopg2.connect(database_url), psycopg2.connect(database_url)
    try:
        sql(early, "UPDATE site SET name = 'early' WHERE id = 1")  # the lower history id, not committed
        sql(late, "UPDATE site SET name = 'late' WHERE id = 2")
        late.commit()
        assert stream.quiet(0.7)  # held back: the early transaction may still commit a lower id
        early.commit()
        assert [c["row"]["name"] for c in stream.changes(2, timeout=1)] == ["early", "late"]
        sql(early, "UPDATE site SET name = 'rolled back' WHERE id = 1")
        sql(late, "UPDATE site SET name = 'after a rollback' WHERE id = 2")
        late.commit()
        early.rollback()  # no NOTIFY; the hub rechecks while something is held back
        assert stream.next_event(timeout=1)["data"]["row"]["name"] == "after a rollback"
    finally:
        early.close()
        late.close()


def test_inserts_are_events_per_row_though_notified_per_statement(pg_conn, listen):
    stream = listen(params={"tables": "freezer"})
    sql(pg_conn, "INSERT INTO freezer (name, site_id) VALUES ('a', 1), ('b', 1), ('c', 1)")
    changes = stream.changes(3)
    assert [(c["action"], c["row"]["name"]) for c in changes] == [("insert", n) for n in "abc"]
    assert "name" in changes[0]["changed"]


@pytest.mark.parametrize(
    ("params", "wanted"),
    [
        ({"tables": "box,site"}, {"box 1", "site 1", "site 2", "site of lab 2"}),
        ({"tables": "site", "row_id": "1"}, {"site 1"}),
        ({"box_id": "1"}, {"box 1", "container into box 1", "container out of box 1"}),
        ({"lab_id": "2"}, {"site of lab 2"}),
    ],
)
def test_filters(pg_conn, listen, params, wanted):
    sql(pg_conn, "INSERT INTO lab (id, name) VALUES (2, 'Lab 2')")
    time.sleep(0.3)  # "now" is as far as the process has read: a few milliseconds after a commit
    stream = listen(params=params)
    in_box = sql(pg_conn, "SELECT id FROM container WHERE box_id = 1 ORDER BY id LIMIT 1")[0][0]
    elsewhere = sql(pg_conn, "SELECT id FROM container WHERE box_id IS NULL ORDER BY id LIMIT 1")[0][0]
    out_of_box = "UPDATE container SET box_id = NULL, position = NULL, status_note = %s WHERE id = %s"
    into_box = (
        "UPDATE container SET box_id = 1, position = 'I9', status_note = %s,"
        " freezer_id = (SELECT freezer_id FROM box WHERE id = 1) WHERE id = %s"
    )
    changes = {
        "box 1": ("UPDATE box SET name = 'box 1' WHERE id = 1", ()),
        "site 1": ("UPDATE site SET name = 'site 1' WHERE id = 1", ()),
        "site 2": ("UPDATE site SET name = 'site 2' WHERE id = 2", ()),
        "site of lab 2": ("UPDATE site SET lab_id = 2, name = 'site of lab 2' WHERE id = 3", ()),
        "container out of box 1": (out_of_box, ("container out of box 1", in_box)),
        "container into box 1": (into_box, ("container into box 1", elsewhere)),
    }
    for statement, values in changes.values():
        sql(pg_conn, statement, values)
    seen = set()
    with contextlib.suppress(queue.Empty):
        while True:
            row = stream.next_event(timeout=0.8)["data"]["row"]
            seen.add(row.get("status_note") or row.get("name"))
    assert seen == wanted


@pytest.mark.parametrize(
    ("params", "fault"),
    [
        ({"tables": "history"}, "tables"),
        ({"row_id": "1"}, "row_id"),
        ({"tables": "site,lab", "row_id": "1"}, "row_id"),
        ({"box_id": "x"}, "box_id"),
        ({"after": "-1"}, "after"),
        ({"table": "site"}, "table"),
    ],
)
def test_bad_parameters_are_a_400_naming_them(events_server, params, fault):
    response = requests.get(events_server + "/events", params=params, timeout=5)
    assert response.status_code == 400
    assert fault in response.json()["errors"]


def test_heartbeat_comments_keep_an_idle_stream_open(listen):
    stream = listen()
    items = [stream.items.get(timeout=2) for _ in range(3)]
    assert items == [("control", {"retry": "2000"}), ("comment", ": ping"), ("comment", ": ping")]


def token_for(conn, username, role="reader"):
    """Create a user with a token; return the token and its id."""
    user_id = sql(
        conn,
        "INSERT INTO app_user (username, password_hash, role) VALUES (%s, 'x', %s) RETURNING id",
        (username, role),
    )[0][0]
    token = accounts.new_token()
    token_id = sql(
        conn,
        "INSERT INTO api_token (user_id, token_hash) VALUES (%s, %s) RETURNING id",
        (user_id, accounts.digest(token)),
    )[0][0]
    return token, token_id


@pytest.fixture(scope="module")
def private_events(database_url, tmp_path_factory):
    """An events process where reads need a token (READS_REQUIRE_AUTH)."""
    log_dir = tmp_path_factory.mktemp("private")
    with servers.events(database_url, log_dir, READS_REQUIRE_AUTH="true", RATE_LIMIT_ENABLED="false") as url:
        yield url


def test_where_reads_need_a_token_so_do_events_and_a_revoked_tokens_stream_ends(pg_conn, private_events):
    assert requests.get(private_events + "/events", timeout=5).status_code == 401
    token, token_id = token_for(pg_conn, "watcher")
    stream = Listener(private_events, headers={"Authorization": f"Bearer {token}"})
    assert stream.response.status_code == 200
    sql(pg_conn, "UPDATE site SET name = 'seen' WHERE id = 1")
    assert stream.next_event()["data"]["row"]["name"] == "seen"
    sql(pg_conn, "UPDATE api_token SET revoked_at = now() WHERE id = %s", (token_id,))
    end = stream.next_event(timeout=2)
    assert end["event"] == "end" and end["data"] == {"reason": "revoked"}
    assert stream.ended.wait(2)


def test_eventsource_gets_a_short_lived_ticket(pg_conn, private_events):
    token, _ = token_for(pg_conn, "browser", role="editor")
    issued = requests.post(
        private_events + "/events/tickets", headers={"Authorization": f"Bearer {token}"}, timeout=5
    )
    assert issued.status_code == 201, issued.text
    ticket = issued.json()["ticket"]
    stream = Listener(private_events, params={"ticket": ticket})
    assert stream.response.status_code == 200
    stream.close()
    forged = ticket[:-2] + ("AA" if not ticket.endswith("AA") else "BB")
    assert requests.get(private_events + "/events", params={"ticket": forged}, timeout=5).status_code == 401


def test_a_client_that_does_not_read_is_dropped_not_buffered():
    stream = Stream(Filters())
    for i in range(QUEUE_SIZE + 1):
        stream.push((i, "x"))
    assert stream.ended == "slow" and stream.queue.qsize() == QUEUE_SIZE


@pytest.mark.skipif(not servers.NGINX.exists(), reason="nginx is not installed")
def test_behind_nginx_events_stream_unbuffered(pg_conn, events_server, tmp_path):
    port, events_port = servers.free_port(), events_server.rsplit(":", 1)[1]
    edits = {"            set $events events:8001;": f"            set $events 127.0.0.1:{events_port};"}
    with servers.nginx(tmp_path, port, f"127.0.0.1:{servers.free_port()}", edits=edits):
        stream = Listener(f"http://127.0.0.1:{port}", params={"tables": "site"})
        assert stream.response.status_code == 200
        assert stream.response.headers["Content-Type"].startswith("text/event-stream")
        assert stream.items.get(timeout=2) == ("comment", ": connected")  # not held in a buffer
        started = time.monotonic()
        sql(pg_conn, "UPDATE site SET name = 'through nginx' WHERE id = 1")
        assert stream.next_event(timeout=1)["data"]["row"]["name"] == "through nginx"
        assert time.monotonic() - started < 1
        stream.close()
