"""Every error as RFC 9457 problem+json, including the database's own.

A failed statement changed nothing (each request is one statement in its own
transaction), so every answer here is safe for the client to act on.
"""

import logging
import re

import psycopg2
from flask import Blueprint, jsonify
from psycopg2 import errors as pg
from werkzeug.exceptions import HTTPException

from ..database.crud import NoFreeId

bp = Blueprint("errors", __name__)
log = logging.getLogger(__name__)

PROBLEM = "urn:lab-inventory:problem:"
KEY_DETAIL = re.compile(r"Key \((?P<columns>.*?)\)=\((?P<values>.*)\) (?P<rest>.*)")


class ApiError(Exception):
    """An error to answer as problem+json: status, title, detail and extra members."""

    def __init__(self, status, title, detail, kind=None, headers=None, **extra):
        super().__init__(detail)
        self.status, self.title, self.detail = status, title, detail
        self.kind, self.headers, self.extra = kind, headers or {}, extra


def problem(status, title, detail, kind=None, headers=None, **extra):
    """Return a problem+json response; `kind` names the problem type, else about:blank."""
    body = {
        "type": PROBLEM + kind if kind else "about:blank",
        "title": title,
        "status": status,
        "detail": detail,
        **extra,
    }
    response = jsonify(body)
    response.status_code = status
    response.mimetype = "application/problem+json"
    response.headers.update(headers or {})
    return response


def validation_error(errors, detail="the request body is not valid"):
    """Return an ApiError (400) listing a message per field."""
    return ApiError(400, "Invalid request", detail, "validation", errors=errors)


@bp.app_errorhandler(ApiError)
def api_error(e):
    """Answer an ApiError as it says."""
    return problem(e.status, e.title, e.detail, e.kind, e.headers, **e.extra)


@bp.app_errorhandler(HTTPException)
def http_error(e):
    """Answer a routing or protocol error (404, 405, 413, 415, ...) as problem+json."""
    headers = {k: v for k, v in e.get_headers() if k.lower() != "content-type"}
    return problem(e.code, e.name, e.description, headers=headers)


def unavailable(detail):
    """Return a 503 that asks the client to retry."""
    return problem(503, "Service Unavailable", detail, "unavailable", {"Retry-After": "1"})


# Database refusals with one answer each: (class, status, title, kind, detail; None: PostgreSQL's).
REFUSALS = (
    (pg.InsufficientPrivilege, 403, "Forbidden", "forbidden", None),
    (
        pg.SequenceGeneratorLimitExceeded,
        409,
        "Conflict",
        "ids-exhausted",
        "no server-assigned id is left: a row has the highest id there is; choose an id with PUT /<R>/<id>",
    ),
    (psycopg2.DataError, 400, "Bad Request", "invalid-value", None),
)


@bp.app_errorhandler(psycopg2.Error)
def database_error(e):
    """Answer a database error: conflicts 409, bad references 422, refusals 4xx, outages 503."""
    match = KEY_DETAIL.match(e.diag.message_detail or "")
    if match and isinstance(e, (pg.UniqueViolation, pg.ForeignKeyViolation, pg.RestrictViolation)):
        return key_problem(e, match)
    if isinstance(e, (psycopg2.OperationalError, psycopg2.InterfaceError)):
        log.warning("database unavailable: %s", e)
        return unavailable("the database is unavailable; try again shortly")
    for cls, status, title, kind, detail in REFUSALS:
        if isinstance(e, cls):
            return problem(status, title, detail or e.diag.message_primary or str(e), kind)
    return internal_error(e)


def key_problem(e, match):
    """Answer a key violation: a duplicate (409), a row with children (409), a missing parent (422)."""
    columns, values = match["columns"], match["values"]
    if isinstance(e, pg.UniqueViolation):
        return problem(
            409,
            "Conflict",
            f"a {e.diag.table_name} with {columns} {values} already exists",
            "unique-violation",
            errors={column: "already taken" for column in columns.split(", ")},
        )
    parent = re.match(r'update or delete on table "(\w+)"', e.diag.message_primary or "")
    if parent:
        return problem(
            409,
            "Conflict",
            f"{parent[1]} {values} still has {e.diag.table_name}s; delete or move them first",
            "has-children",
        )
    return problem(
        422,
        "Unprocessable Content",
        f"{columns} {values} does not exist",
        "missing-parent",
        errors={columns: "does not exist"},
    )


@bp.app_errorhandler(NoFreeId)
def no_free_id(e):
    """Answer a create that lost every race for an id: retrying will succeed."""
    return unavailable(str(e))


@bp.app_errorhandler(Exception)
def internal_error(e):
    """Log an unexpected error and answer 500 without internals."""
    log.exception("unhandled error", exc_info=e)
    return problem(500, "Internal Server Error", "an unexpected error occurred; it has been logged")
