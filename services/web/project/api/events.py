"""/events: every change as a resumable stream of server-sent events; /events/tickets for EventSource.

Served by the events app (project/events.py), never by the API's own workers. Reading it needs
what reading history needs: nothing, or a token where READS_REQUIRE_AUTH. EventSource cannot
send Authorization, so a token holder may get a ticket (valid TICKET_S seconds, signed with the
token's stored digest, so no secret is shared between processes) and pass it as ?ticket=.
"""

import base64
import contextlib
import hashlib
import hmac
import queue
import time
from datetime import UTC, datetime

from flask import Blueprint, current_app, g, jsonify, request
from werkzeug.datastructures import Headers

from ..database.queries import load
from ..events import END, PAGE, Filters, Stream, event_text, hub_of
from .auth import unauthorized
from .history import TABLES
from .listing import bad_parameter, is_count, parse_count
from .validation import MAX_ID

sql = load("events")
bp = Blueprint("events", __name__)

TICKET_S = 60
PARAMETERS = frozenset({"tables", "row_id", "box_id", "lab_id", "after", "ticket"})
MAX_HISTORY_ID = 2**63 - 1


def signature(token_hash, message):
    """Return the ticket signature of `message`, keyed by a token's stored digest."""
    digest = hmac.new(token_hash.encode(), message.encode(), hashlib.sha256).digest()
    return base64.urlsafe_b64encode(digest).rstrip(b"=").decode()


@bp.before_app_request
def ticket_user():
    """On GET /events with ?ticket= and no Authorization, find the ticket's user (after auth.identify)."""
    ticket = request.args.get("ticket")
    if request.endpoint != "events.stream" or ticket is None or "Authorization" in request.headers:
        return
    token_id, _, rest = ticket.partition(".")
    expiry, _, sig = rest.partition(".")
    user = None
    well_formed = is_count(token_id) and 0 < int(token_id) <= MAX_ID and is_count(expiry)
    if well_formed and int(expiry) >= time.time():
        with pooled() as cur:
            user = sql.ticket_user(cur, token_id=int(token_id))
    if user is None or not hmac.compare_digest(sig, signature(user["token_hash"], f"{token_id}.{expiry}")):
        g.refusal = unauthorized(
            "the ticket is not valid: unknown, expired or its token revoked", "invalid_token"
        )
        return
    g.user = {k: user[k] for k in ("id", "username", "role", "token_id")}


@contextlib.contextmanager
def pooled():
    """Yield a cursor on a connection of the app's pool (of the primary), given back at once."""
    pool = current_app.extensions["pg_pool"]
    conn = pool.getconn()
    try:
        with conn.cursor() as cur:
            yield cur
    finally:
        pool.putconn(conn)


@bp.post("/events/tickets")
def issue_ticket():
    """A ticket for ?ticket= of GET /events, valid TICKET_S seconds, for as long as the token is live."""
    user = g.get("user")
    if user is None:
        raise unauthorized("a ticket needs a token")
    expiry = int(time.time()) + TICKET_S
    with pooled() as cur:
        token = sql.ticket_user(cur, token_id=user["token_id"])
    if token is None:
        raise unauthorized("the token is not valid: unknown, expired or revoked", "invalid_token")
    message = f"{user['token_id']}.{expiry}"
    response = jsonify(
        {
            "ticket": f"{message}.{signature(token['token_hash'], message)}",
            "expires_at": datetime.fromtimestamp(expiry, UTC),
        }
    )
    response.status_code = 201
    response.headers["Cache-Control"] = "no-store"
    return response


def parse_filters(args):
    """Return the stream's Filters from the query; 400 naming a bad parameter."""
    unknown = sorted(set(args) - PARAMETERS)
    if unknown:
        raise bad_parameter(unknown[0], "is not a parameter of /events")
    tables = None
    if "tables" in args:
        tables = frozenset(t.strip() for t in args["tables"].split(","))
        wrong = sorted(tables - set(TABLES))
        if wrong:
            raise bad_parameter("tables", f"names {wrong[0]!r}; tables with history: {', '.join(TABLES)}")
    ids = {
        name: parse_count(args[name], name, 1, MAX_ID)
        for name in ("row_id", "box_id", "lab_id")
        if name in args
    }
    if "row_id" in ids and (tables is None or len(tables) != 1):
        raise bad_parameter("row_id", "needs exactly one table in tables=")
    return Filters(tables=tables, **ids)


def start_after():
    """Return the id to resume after: Last-Event-ID, else ?after=, else None (start now)."""
    header = request.headers.get("Last-Event-ID")
    if header is not None:
        return parse_count(header.strip(), "Last-Event-ID", 0, MAX_HISTORY_ID)
    if "after" in request.args:
        return parse_count(request.args["after"], "after", 0, MAX_HISTORY_ID)
    return None


@bp.get("/events")
def stream():
    """Every matching change after Last-Event-ID (or ?after=) from the history, then live; pings between."""
    filters, after = parse_filters(request.args), start_after()
    user = g.get("user")
    expires = None
    if user is not None:
        with pooled() as cur:
            expiry = sql.token_expiry(cur, token_id=user["token_id"])
        expires = expiry.timestamp() if expiry else None
    app = current_app._get_current_object()
    hub = hub_of(app.config["DATABASE_URL"])
    subscriber = Stream(filters, user and user["token_id"])
    position = hub.subscribe(subscriber)
    heartbeat = app.config["EVENTS_HEARTBEAT_S"]

    def backlog():
        """The matching changes after `after` up to where the hub went on, read a page at a time."""
        seen = after
        while seen < position:
            with app.app_context(), pooled() as cur:
                changes = sql.changes(cur, after=seen, upto=position, limit=PAGE)
            yield from (event_text(c) for c in changes if filters.match(c))
            seen = changes[-1]["id"] if len(changes) == PAGE else position

    def events():
        """The stream: a comment at once (headers reach the client), the backlog, then live."""
        try:
            yield ": connected\nretry: 2000\n\n"
            if after is not None:
                yield from backlog()
            seen = max(after or 0, position)
            while True:
                wait = heartbeat if expires is None else max(0.0, min(heartbeat, expires - time.time()))
                try:
                    item = subscriber.queue.get(timeout=wait)
                except queue.Empty:
                    if expires is not None and time.time() >= expires:
                        subscriber.end("expired")
                        item = END
                    else:
                        yield ": ping\n\n"
                        continue
                if item is END:
                    yield f'event: end\ndata: {{"reason": "{subscriber.ended}"}}\n\n'
                    return
                change_id, text = item
                if change_id > seen:
                    seen = change_id
                    yield text
        finally:
            hub.unsubscribe(subscriber)

    headers = Headers({"Cache-Control": "no-store", "X-Accel-Buffering": "no"})
    return current_app.response_class(events(), headers=headers, mimetype="text/event-stream")
