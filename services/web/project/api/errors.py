"""Every error as RFC 9457 problem+json, including the database's own.

A failed statement changed nothing (each request is one statement in its own
transaction), so every answer here is safe for the client to act on.
"""

import logging

import psycopg2
from flask import Blueprint, g, jsonify, request
from psycopg2 import errors as pg
from werkzeug.exceptions import HTTPException

from ..database import NoFreeId
from ..logs import request_id

bp = Blueprint("errors", __name__)
log = logging.getLogger(__name__)

PROBLEM = "urn:lab-inventory:problem:"


class ApiError(Exception):
    """An error to answer as problem+json: status, title, detail and extra members."""

    def __init__(self, status, title, detail, kind=None, headers=None, **extra):
        super().__init__(detail)
        self.status, self.title, self.detail = status, title, detail
        self.kind, self.headers, self.extra = kind, headers or {}, extra


def problem(status, title, detail, kind=None, headers=None, **extra):
    """Return a problem+json response, with the request's id; `kind` names its type, else about:blank."""
    body = {
        "type": PROBLEM + kind if kind else "about:blank",
        "title": title,
        "status": status,
        "detail": detail,
        "request_id": request_id(),
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


# What each constraint a client can break means: by name, never by PostgreSQL's message text.
UNIQUE = {
    "lab_name_lower_key": "name",
    "computer_mac_key": "mac",
    "container_uuid_key": "uuid",
    "barcode_taken": "barcode",  # unique across racks, boxes and containers (migration 0003)
}
CHECKS = {  # check and exclusion constraints, and the triggers' rules: -> (status, field, what to say)
    "container_position_free": (409, "position", "holds another container (or is reserved for one)"),
    "container_disposed_for_good": (409, "status", "is disposed, for good"),
    "box_grid_holds_containers": (409, "rows", "too small: the box holds containers outside the new grid"),
    "container_position_in_grid": (422, "position", "is not in the box's grid"),
    "container_position_with_box": (422, "position", "is required with a box_id, and absent without"),
    "container_box_in_freezer": (422, "box_id", "is a box in another freezer than freezer_id"),
    "box_rack_in_freezer": (422, "rack_id", "is a rack in another freezer than freezer_id"),
    "container_quantity_not_negative": (409, "quantity", "would go below zero"),
    "container_quantity_range": (422, "quantity", "must be a number from 0 to 1e15"),
    "container_quantity_with_unit": (422, "unit", "is required with a quantity"),
    "quantity_units_convertible": (422, "unit", "cannot be converted: volume, mass and counts do not mix"),
    "container_parent_exists": (422, "parent_ids", "names a container that does not exist"),
    "container_parent_disposed": (409, "parent_ids", "names a disposed container"),
    "container_is_a_parent": (409, "id", "is the parent of other containers: they name it"),
    "container_lineage_fixed": (409, "lineage", "is fixed when the container is made"),
    "container_lineage_parents": (422, "parent_ids", "do not fit the lineage"),
}
FOREIGN_KEYS = {  # constraint -> (the referencing field, the table it refers to)
    "site_lab_id_fkey": ("lab_id", "lab"),
    "computer_site_id_fkey": ("site_id", "site"),
    "freezer_site_id_fkey": ("site_id", "site"),
    "rack_freezer_id_fkey": ("freezer_id", "freezer"),
    "box_freezer_id_fkey": ("freezer_id", "freezer"),
    "box_rack_id_fkey": ("rack_id", "rack"),
    "container_freezer_id_fkey": ("freezer_id", "freezer"),
    "container_box_id_fkey": ("box_id", "box"),
    "attachment_site_id_fkey": ("site_id", "site"),
    "attachment_freezer_id_fkey": ("freezer_id", "freezer"),
    "attachment_rack_id_fkey": ("rack_id", "rack"),
    "attachment_box_id_fkey": ("box_id", "box"),
    "attachment_container_id_fkey": ("container_id", "container"),
}
MOVE_PROBLEMS = {  # the rules a move can break (database/container.sql move_problems) -> what to say
    **{name: message for name, (_, _, message) in CHECKS.items()},
    "container_missing": "does not exist",
    "container_box_id_fkey": "does not exist",
    "container_moved_twice": "is moved more than once",
    "container_position_targeted_twice": "is the target of another move",
}
IDS_EXHAUSTED = (
    "no server-assigned id is left: a row has the highest id there is; choose an id with PUT /<R>/<id>"
)


@bp.app_errorhandler(psycopg2.OperationalError)
@bp.app_errorhandler(psycopg2.InterfaceError)
def database_unavailable(e):
    """Answer 503 when the database cannot be reached, or cancelled a statement that ran too long."""
    if isinstance(e, pg.QueryCanceled):
        log.warning("statement cancelled after DB_STATEMENT_TIMEOUT_MS: %s", request.path)
        return unavailable("the request took too long and was cancelled; narrow it (q, filters) or retry")
    log.warning("database unavailable: %s", e)
    return unavailable("the database is unavailable; try again shortly")


@bp.app_errorhandler(psycopg2.Error)
def database_error(e):  # noqa: PLR0911 (one answer per kind of error)
    """Answer a database error by its SQLSTATE and constraint: 409, 422, 403 or 400."""
    constraint = e.diag.constraint_name
    if constraint in CHECKS:
        status, field, message = CHECKS[constraint]
        title = "Conflict" if status == 409 else "Unprocessable Content"
        return problem(status, title, f"{field} {message}", "constraint", errors={field: message})
    if isinstance(e, pg.UniqueViolation):
        return duplicate(e.diag.table_name, UNIQUE.get(constraint))
    if isinstance(e, (pg.ForeignKeyViolation, pg.RestrictViolation)) and constraint in FOREIGN_KEYS:
        return reference_problem(e.diag.table_name, *FOREIGN_KEYS[constraint])
    if isinstance(e, pg.InsufficientPrivilege):
        detail = (
            e.diag.message_primary if constraint == "lab_permission" else "the database refused this change"
        )
        return problem(403, "Forbidden", detail, "forbidden")  # the permission trigger's words, or ours
    if isinstance(e, pg.SequenceGeneratorLimitExceeded):
        return problem(409, "Conflict", IDS_EXHAUSTED, "ids-exhausted")
    if isinstance(e, psycopg2.DataError):
        return problem(400, "Bad Request", "a value is not valid for its field", "invalid-value")
    return internal_error(e)


def reference_problem(table, field, parent):
    """Answer a broken reference: a deleted row still has children (409), or a parent is missing (422)."""
    if request.method == "DELETE":  # the row deleted is still referenced
        (row_id,) = request.view_args.values()
        detail = f"{parent} {row_id} still has {plural(table)}; delete or move them first"
        return problem(409, "Conflict", detail, "has-children")
    detail = f"{field} {sent(field)} does not exist"
    return problem(422, "Unprocessable Content", detail, "missing-parent", errors={field: "does not exist"})


def plural(name):
    """Return the plural of a table's name: sites, boxes."""
    return name + ("es" if name.endswith("x") else "s")


def sent(field):
    """Return the value the request's checked body gave `field` (as stored; see rows.checked_body)."""
    return g.get("body", {}).get(field)


def duplicate(table, field):
    """Answer a unique violation: 409 naming the field and the value taken."""
    if field is None:
        return problem(409, "Conflict", f"the {table} conflicts with an existing one", "unique-violation")
    return problem(
        409,
        "Conflict",
        f"a {table} with {field} {sent(field)} already exists",
        "unique-violation",
        errors={field: "already taken"},
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
