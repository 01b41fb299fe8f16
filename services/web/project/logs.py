"""Logs a machine can read, one JSON object per line, and an id for every request.

A request's id is the X-Request-ID it came with (nginx sets one from its
$request_id) or a new one. It goes back in the X-Request-ID header and in
every problem+json body, and is in every line logged while the request runs,
so a user's error report finds its log line. Each request is logged once, as
it is answered: method, path, status, duration, user and client address, never
a token or a password. LOG_FORMAT=text prints lines for people instead.

What a client sends (a path, a query, a header, a username) may hold control
characters: no line holds one unescaped. JSON escapes them (and every
non-ASCII character); the text format writes them as Python escapes (\\x00,
\\n, \\u202e), bidirectional formatting characters too, so one request is
one line and reads as it is. Only a traceback keeps its line feeds.
"""

import json
import logging
import re
import time
import uuid
from datetime import UTC, datetime

from flask import g, has_request_context, request

from .config import Config

log = logging.getLogger("project.requests")
HANDLER = logging.StreamHandler()  # stderr
SENT_ID = re.compile(r"[A-Za-z0-9_.:-]{1,128}")  # an X-Request-ID the app keeps; anything else gets a new id
TEXT = "%(asctime)s %(levelname)s %(name)s: %(message)s"
BIDI_AND_BREAKS = "\u2028\u2029\u202a-\u202e\u2066-\u2069"  # line and paragraph separators, bidi
UNSAFE_IN_LINE = re.compile(f"[\x00-\x1f\x7f-\x9f{BIDI_AND_BREAKS}]")
UNSAFE_IN_TRACEBACK = re.compile(f"[\x00-\x09\x0b-\x1f\x7f-\x9f{BIDI_AND_BREAKS}]")  # all but \n


def request_id():
    """Return this request's id: the X-Request-ID it came with, if plausible, else a new one."""
    if "request_id" not in g:
        sent = request.headers.get("X-Request-ID", "")
        g.request_id = sent if SENT_ID.fullmatch(sent) else uuid.uuid4().hex
    return g.request_id


class JSONFormatter(logging.Formatter):
    """One JSON object a line: time, level, logger, message, request id and fields, traceback."""

    def format(self, record):
        """Return the record as one line of JSON."""
        entry = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        if has_request_context():
            entry["request_id"] = request_id()
        entry.update(getattr(record, "fields", {}))
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        return json.dumps(entry, default=str)


def escaped(text, unsafe=UNSAFE_IN_LINE):
    """Return `text` with each unsafe character as its Python escape: \\x00, \\n, \\u202e."""
    return unsafe.sub(lambda found: found[0].encode("unicode_escape").decode(), text)


class TextFormatter(logging.Formatter):
    """Lines for people: the message escaped to one line; a traceback keeps its line feeds only."""

    def formatMessage(self, record):
        """Return the record's line, escaped."""
        return escaped(super().formatMessage(record))

    def formatException(self, ei):
        """Return the traceback, escaped but for its line feeds."""
        return escaped(super().formatException(ei), UNSAFE_IN_TRACEBACK)

    def formatStack(self, stack_info):
        """Return the stack, escaped but for its line feeds."""
        return escaped(super().formatStack(stack_info), UNSAFE_IN_TRACEBACK)


def formatter(log_format=Config.LOG_FORMAT):
    """Return the formatter of a LOG_FORMAT: "json", or "text" for people."""
    if log_format == "json":
        return JSONFormatter()
    if log_format == "text":
        return TextFormatter(TEXT)
    raise ValueError(f"LOG_FORMAT must be json or text, not {log_format!r}")


def init_app(app):
    """Log to stderr in LOG_FORMAT, and each request as it is answered, with its id."""
    HANDLER.setFormatter(formatter(app.config["LOG_FORMAT"]))
    root = logging.getLogger()
    if HANDLER not in root.handlers:
        root.addHandler(HANDLER)
    logging.getLogger("project").setLevel(logging.INFO)
    app.before_request(start)
    app.after_request(finish)


def start():
    """Note when the request came."""
    g.started = time.monotonic()


def finish(response):
    """Send the request id back, and log the request."""
    response.headers["X-Request-ID"] = request_id()
    user = g.get("user")
    fields = {
        "method": request.method,
        "path": request.path,
        "status": response.status_code,
        "duration_ms": round((time.monotonic() - g.started) * 1000, 1),
        "user": user["username"] if user else None,
        "address": request.remote_addr,
    }
    level = logging.ERROR if response.status_code >= 500 else logging.INFO
    log.log(level, "%(method)s %(path)s %(status)s in %(duration_ms)s ms", fields, extra={"fields": fields})
    return response
