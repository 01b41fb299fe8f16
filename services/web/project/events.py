"""GET /events: the history table as server-sent events, from a process built for idle connections.

`create_events_app()` is a small WSGI app holding only the events routes (api/events.py) with
the API's settings, logs, errors, authentication and rate limit; gunicorn_events.conf.py serves
it with gevent workers, where an open stream is a greenlet waiting on a queue, not a thread.

Each process holds one Hub: a thread (a greenlet under gevent) with one database connection
that LISTENs on labinv_history and labinv_tokens. When woken it reads the history table after
the last id it published, in id order, but only as far as every id is final (migration 0008:
below the lowest id a running transaction may still commit), so no stream ever gets an id
after a higher one. Each change is read and serialised once per process and handed to every
stream whose filters match. A stream whose queue is full (a client that does not read) is
dropped; a stream whose token is revoked is ended.
"""

import contextlib
import dataclasses
import logging
import queue
import select
import threading
import time

import orjson
import psycopg2
from flask import Flask

from . import db, logs, production, reporting
from .config import Config
from .database import DictCursor
from .database.queries import load

sql = load("events")
log = logging.getLogger(__name__)

CHANNELS = ("labinv_history", "labinv_tokens")
QUEUE_SIZE = 1000  # events a stream may have waiting before its client is dropped as too slow
PAGE = 500  # history rows read at a time
HELD_RECHECK_S = 0.05  # while a running transaction holds ids back (it may roll back unannounced)
IDLE_RECHECK_S = 5.0  # a safety net; NOTIFY wakes the hub at once
RECONNECT_S = 1.0
END = object()  # put on a stream's queue when it must end


def create_events_app(test_config=None):
    """Build the events app: GET /events and POST /events/tickets, with the API's auth and limits."""
    from . import JSONProvider
    from .api import IdConverter, auth, errors
    from .api import events as events_api
    from .api.limits import limiter

    app = Flask(__name__)
    app.config.from_object(Config)
    app.config.update(test_config or {})
    production.init_app(app)
    app.json = JSONProvider(app)
    logs.init_app(app)
    reporting.init_app(app)
    app.url_map.converters["id"] = IdConverter
    db.init_app(app)
    for blueprint in (errors.bp, auth.bp, events_api.bp):
        app.register_blueprint(blueprint)  # auth.identify runs first, then the ticket's check
    limiter.init_app(app)
    app.before_request(auth.authorize)
    green_psycopg2()
    return app


def green_psycopg2():
    """Under gevent (its gunicorn worker patched the standard library), let psycopg2 yield while it waits."""
    try:
        from gevent import monkey, socket
    except ImportError:
        return
    if not monkey.is_module_patched("socket"):
        return

    def wait(conn, timeout=None):
        """Wait for the connection's socket instead of blocking the whole process."""
        while True:
            state = conn.poll()
            if state == psycopg2.extensions.POLL_OK:
                return
            if state == psycopg2.extensions.POLL_READ:
                socket.wait_read(conn.fileno(), timeout=timeout)
            elif state == psycopg2.extensions.POLL_WRITE:
                socket.wait_write(conn.fileno(), timeout=timeout)
            else:
                raise psycopg2.OperationalError(f"bad state from poll: {state}")

    psycopg2.extensions.set_wait_callback(wait)


@dataclasses.dataclass(frozen=True)
class Filters:
    """Which changes a stream wants; None: any."""

    tables: frozenset = None
    row_id: int = None
    box_id: int = None
    lab_id: int = None

    def match(self, change):
        """Tell whether `change` (a history row with its labs) is wanted."""
        table = change["table_name"]
        if self.tables is not None and table not in self.tables:
            return False
        if self.row_id is not None and change["row_id"] != self.row_id:
            return False
        if self.lab_id is not None and self.lab_id not in (change["old_lab_id"], change["new_lab_id"]):
            return False
        if self.box_id is not None:
            if table == "box":
                return change["row_id"] == self.box_id
            rows = (change["old_row"] or {}, change["new_row"] or {})
            return table == "container" and any(r.get("box_id") == self.box_id for r in rows)
        return True


def event_text(change):
    """Return one change as a server-sent event: its id, `event: change`, one line of JSON."""
    old, new = change["old_row"], change["new_row"]
    before, after = old or {}, new or {}
    data = {
        "id": change["id"],
        "table": change["table_name"],
        "row_id": change["row_id"],
        "action": change["operation"].lower(),
        "at": change["changed_at"],
        "actor": change["actor"],
        "row": new,
        "changed": sorted(k for k in before.keys() | after.keys() if before.get(k, ...) != after.get(k, ...)),
    }
    return f"id: {change['id']}\nevent: change\ndata: {orjson.dumps(data).decode()}\n\n"


class Stream:
    """One open stream: its filters, its token and a bounded queue of event texts."""

    def __init__(self, filters, token_id=None):
        self.filters, self.token_id = filters, token_id
        self.queue = queue.Queue(QUEUE_SIZE)
        self.ended = None  # why it ended: "revoked" or "slow"

    def push(self, item):
        """Queue an event (its id and text); a full queue ends the stream (the client reads too slowly)."""
        try:
            self.queue.put_nowait(item)
        except queue.Full:
            self.end("slow")

    def end(self, reason):
        """End the stream: its generator stops at its next turn."""
        if self.ended is None:
            self.ended = reason
            with contextlib.suppress(queue.Full):
                self.queue.put_nowait(END)


class Hub:
    """The process's one LISTEN connection, fanning each final change out to the matching streams."""

    def __init__(self, dsn):
        self.dsn = dsn
        self.position = None  # every change up to this id has been published (or read by none)
        self.streams = set()
        self.lock = threading.Lock()
        self.ready = threading.Event()
        self.stats = {"wakes": 0, "held": 0}

    def start(self, timeout=10):
        """Start listening in a daemon thread; return once the starting position is known."""
        threading.Thread(target=self.run, name="events-hub", daemon=True).start()
        if not self.ready.wait(timeout):
            raise psycopg2.OperationalError("the events listener did not connect to the database")
        return self

    def subscribe(self, stream):
        """Add a stream; return the id it has seen everything up to, as the hub goes on from there."""
        with self.lock:
            self.streams.add(stream)
            return self.position

    def unsubscribe(self, stream):
        """Forget a stream."""
        with self.lock:
            self.streams.discard(stream)

    def run(self):
        """Listen, and publish what each wake makes final, reconnecting after a failure; forever."""
        while True:
            try:
                conn = psycopg2.connect(self.dsn, application_name="lab-inventory-events")
                conn.autocommit = True
                try:
                    self.listen(conn)
                finally:
                    conn.close()
            except psycopg2.Error as e:
                log.warning("events: listener lost its database connection (%s); reconnecting", e)
                time.sleep(RECONNECT_S)

    def listen(self, conn):
        """LISTEN on `conn`; on each notification (or recheck) publish the changes made final."""
        with conn.cursor() as cur:
            for channel in CHANNELS:
                cur.execute(f"LISTEN {channel}")  # a constant name: LISTEN takes no parameter
        with conn.cursor(cursor_factory=DictCursor) as cur:
            held = self.catch_up(cur)
            self.ready.set()
            while True:
                if not conn.notifies:  # those that came during the last reads need no wait
                    select.select([conn], [], [], HELD_RECHECK_S if held else IDLE_RECHECK_S)
                conn.poll()
                tokens = {int(n.payload) for n in conn.notifies if n.channel == "labinv_tokens"}
                conn.notifies.clear()
                self.stats["wakes"] += 1
                if tokens:
                    self.end_dead_tokens(cur, tokens)
                held = self.catch_up(cur)

    def catch_up(self, cur):
        """Publish every change up to the highest id known final; return whether ids are held back."""
        assigned = sql.assigned(cur) or 0
        pending = sql.lowest_pending(cur)
        final = assigned if pending is None else min(assigned, pending - 1)
        if self.position is None or assigned < self.position:  # first, or the history restarted: now
            self.position = final
        while self.position < final:
            changes = sql.changes(cur, after=self.position, upto=final, limit=PAGE)
            with self.lock:  # a stream subscribes before or after both, never between
                self.publish(changes)
                self.position = changes[-1]["id"] if len(changes) == PAGE else final
        held = pending is not None and pending <= assigned
        self.stats["held"] += held
        return held

    def publish(self, changes):
        """Hand each change, serialised once, to every stream that wants it (the lock held)."""
        for change in changes:
            text = event_text(change)
            for stream in self.streams:
                if stream.filters.match(change):
                    stream.push((change["id"], text))

    def end_dead_tokens(self, cur, token_ids):
        """End the streams of those of `token_ids` that are no longer live."""
        dead = {row["id"] for row in sql.dead_tokens(cur, ids=sorted(token_ids))}
        with self.lock:
            streams = [s for s in self.streams if s.token_id in dead]
        for stream in streams:
            stream.end("revoked")


_hubs = {}
_hubs_lock = threading.Lock()


def hub_of(dsn):
    """Return this process's Hub for the database `dsn`, starting it on first use."""
    with _hubs_lock:
        hub = _hubs.get(dsn)
        if hub is None:
            hub = _hubs[dsn] = Hub(dsn).start()
        return hub
