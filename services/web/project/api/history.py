"""/history: every change, newest first, read-only; of_row serves each resource's /<R>/<id>/history."""

from dataclasses import replace

from flask import Blueprint

from ..database.paging import Key
from ..database.queries import load
from .listing import Listing, list_response
from .openapi import documented, list_operation
from .validation import MAX_ID

TABLES = ("lab", "site", "computer", "freezer", "rack", "box", "container", "attachment")
TIMESTAMP = (  # ISO 8601: a date, or a date and time with an optional offset
    "^[0-9]{4}-[0-9]{2}-[0-9]{2}"
    "([T ][0-9]{2}:[0-9]{2}(:[0-9]{2}(\\.[0-9]+)?)?(Z|[+-][0-9]{2}(:?[0-9]{2})?)?)?$"
)

FIELDS = {
    "id": {"type": "integer"},
    "table_name": {"type": "string"},
    "row_id": {"type": "integer"},
    "operation": {"type": "string", "enum": ["INSERT", "UPDATE", "DELETE"]},
    "old_row": {"type": ["object", "null"]},
    "new_row": {"type": ["object", "null"]},
    "changed_at": {"type": "string", "format": "date-time"},
    "actor": {"type": "string"},
}

LISTING = Listing(
    (load("history").list,),
    FIELDS,
    filters={
        "table": {"type": "string", "enum": list(TABLES)},
        "row_id": {"type": "integer", "minimum": 1, "maximum": MAX_ID},
        "operation": FIELDS["operation"],
        "actor": {"type": "string", "maxLength": 200, "pattern": "^[^\\u0000]*$"},
        "since": {
            "type": "string",
            "pattern": TIMESTAMP,
            "format": "iso8601",
            "x-error": "must be an ISO 8601 time such as 2026-11-22T10:00:00Z",
        },
    },
    orders={"-id": (Key("id", descending=True),)},
    default_order="-id",
    columns_of={"table": "table_name", "since": "changed_at"},
    minimums=frozenset({"since"}),
)


ROW_LISTING = replace(  # one row's history: the table and row come from the path
    LISTING, filters={k: v for k, v in LISTING.filters.items() if k not in ("table", "row_id")}
)

bp = Blueprint("history", __name__)


@bp.get("/history/<offset>/<limit>")
@bp.get("/history", strict_slashes=False)
@documented(list_operation(LISTING, "A page of changes, newest first", "Change", "listHistory", "history"))
def all_history(offset=None, limit=None):
    """Return a page of every change, newest first; ?table= and ?since= narrow it."""
    return list_response(LISTING, offset, limit)


def row_operation(table):
    """Return the OpenAPI operation of GET /<table>/<id>/history."""
    summary = f"A page of one {table}'s changes, newest first, also once deleted"
    return list_operation(ROW_LISTING, summary, "Change", f"get{table.capitalize()}History", "history")


def of_row(table, row_id, offset, limit):
    """Answer a page of one row's changes, newest first; there after its deletion too."""
    return list_response(ROW_LISTING, offset, limit, fixed={"table_name": table, "row_id": row_id})
