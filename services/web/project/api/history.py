"""History routes: /<R>/<id>/history and /history, newest first, read-only."""

from dataclasses import replace

from flask import Blueprint

from ..database.history import COLUMNS, NEWEST_FIRST, page_history
from .listing import Listing, list_response
from .validation import MAX_ID

TABLES = ("lab", "site", "computer", "freezer", "container")
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
    columns=COLUMNS,
    fields=FIELDS,
    filters={
        "table": {"type": "string", "enum": list(TABLES)},
        "row_id": {"type": "integer", "minimum": 1, "maximum": MAX_ID},
        "operation": FIELDS["operation"],
        "actor": {"type": "string", "maxLength": 200, "pattern": "^[^\\u0000]*$"},
        "since": {
            "type": "string",
            "pattern": TIMESTAMP,
            "x-error": "must be an ISO 8601 time such as 2026-11-22T10:00:00Z",
        },
    },
    orders={"-id": NEWEST_FIRST},
    default_order="-id",
    search=(),
    searched=(),
    columns_of={"table": "table_name", "since": "changed_at"},
    minimums=frozenset({"since"}),
)


def history_of_row(listing):
    """Return the listing of one row's history: the table and row come from the path."""
    return replace(
        listing, filters={k: v for k, v in listing.filters.items() if k not in ("table", "row_id")}
    )


ROW_LISTING = history_of_row(LISTING)

bp = Blueprint("history", __name__)


def fetch(cur, query):
    """Return one page of history."""
    return page_history(cur, query)


@bp.get("/history/<offset>/<limit>")
@bp.get("/history")
def all_history(offset=None, limit=None):
    """Return a page of every change, newest first; ?table= and ?since= narrow it."""
    return list_response(LISTING, fetch, offset, limit)


def add_row_history_routes(table):
    """Add GET /<table>/<id>/history[/<offset>/<limit>]: one row's changes, also after its deletion."""

    def row_history(row_id, offset=None, limit=None):
        """Return a page of one row's changes, newest first."""
        return list_response(ROW_LISTING, fetch, offset, limit, fixed={"table_name": table, "row_id": row_id})

    endpoint = f"{table}_history"
    bp.add_url_rule(f"/{table}/<id:row_id>/history/<offset>/<limit>", endpoint, row_history)
    bp.add_url_rule(f"/{table}/<id:row_id>/history", endpoint, row_history)


for name in TABLES:
    add_row_history_routes(name)
