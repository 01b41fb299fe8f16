"""/dashboard: the web UI's home in one request (database/dashboard.sql): the first freezers and how
full they are, tubes checked out for long, samples expiring soon, the latest changes."""

from flask import Blueprint

from ..database.queries import load
from ..db import get_cursor
from .openapi import documented
from .openapi_objects import ANYONE, responses, schema_ref

FREEZERS_SHOWN = 12
SHOWN = 10  # tubes and changes listed in each part
COUNTED_UP_TO = 1000  # a part's total stops here: "at_least"
OUT_DAYS = 7  # checked out for longer than this
EXPIRING_DAYS = 30  # expiring within this, or expired

DASHBOARD = load("dashboard")
TEXT, NULLABLE_TEXT, COUNT = (
    {"type": "string"},
    {"type": ["string", "null"]},
    {"type": "integer", "minimum": 0},
)
TIME, DAY = {"type": "string", "format": "date-time"}, {"type": "string", "format": "date"}


def part(row_properties, **properties):
    """Return the schema of a part of the dashboard: its own properties and rows of these properties."""
    row = {"type": "object", "properties": row_properties, "required": list(row_properties)}
    every = {**properties, "rows": {"type": "array", "items": row}}
    return {"type": "object", "properties": every, "required": list(every)}


def tubes(days, extra):
    """Return the schema of a part listing tubes: a total (up to COUNTED_UP_TO, then at_least) and rows."""
    row = {"id": {"type": "integer"}, "barcode": NULLABLE_TEXT, "sample_type": NULLABLE_TEXT, **extra}
    return part(row, days=days, total=COUNT, at_least={"type": "boolean"})


LATEST = {
    "id": {"type": "integer"},
    "table_name": TEXT,
    "row_id": {"type": "integer"},
    "operation": {"enum": ["INSERT", "UPDATE", "DELETE"]},
    "actor": TEXT,
    "changed_at": TIME,
}
DASHBOARD_SCHEMA = {
    "type": "object",
    "properties": {
        "freezers": part(
            {
                "id": {"type": "integer"},
                "name": TEXT,
                "site_id": {"type": "integer"},
                "site_name": TEXT,
                "positions": COUNT,
                "filled": COUNT,
            },
            more={"type": "boolean", "description": f"more freezers than the first {FREEZERS_SHOWN}"},
        ),
        "checked_out": tubes(
            {"const": OUT_DAYS, "description": "checked out more than this many days ago"},
            {"status_note": NULLABLE_TEXT, "since": TIME},
        ),
        "expiring": tubes(
            {
                "const": EXPIRING_DAYS,
                "description": "not disposed, expiring within this many days or expired",
            },
            {"status": TEXT, "expires_at": DAY},
        ),
        "latest": {
            "type": "array",
            "items": {
                "type": "object",
                "properties": LATEST,
                "required": list(LATEST),
            },
        },
    },
    "required": ["freezers", "checked_out", "expiring", "latest"],
}

bp = Blueprint("dashboard", __name__)


@bp.get("/dashboard")
@documented(
    {
        "operationId": "getDashboard",
        "tags": ["dashboard"],
        "summary": "The home page: freezers' fill, long checkouts, expiring samples, latest changes",
        "description": f"The first {FREEZERS_SHOWN} freezers (by site, then id) with their boxes' positions"
        f" and how many hold a tube; tubes checked out more than {OUT_DAYS} days ago, oldest first;"
        f" tubes not disposed expiring within {EXPIRING_DAYS} days (or expired), soonest first; each"
        f" the first {SHOWN} with a total counted up to {COUNTED_UP_TO} (`at_least` past it); and the"
        f" latest {SHOWN} changes of the history. One statement, each part read through an index.",
        "security": ANYONE,
        "responses": responses(
            {
                "200": {
                    "description": "the figures",
                    "content": {"application/json": {"schema": schema_ref("Dashboard")}},
                }
            }
        ),
        "x-schemas": {"Dashboard": DASHBOARD_SCHEMA},
    }
)
def get_dashboard():
    """Answer the dashboard's figures."""
    figures = DASHBOARD.summary(
        get_cursor(),
        freezers=FREEZERS_SHOWN,
        shown=SHOWN,
        count_limit=COUNTED_UP_TO + 1,
        out_days=OUT_DAYS,
        expiring_days=EXPIRING_DAYS,
    )
    for name in ("checked_out", "expiring"):
        counted = figures[name]
        counted["at_least"] = counted["total"] > COUNTED_UP_TO
        counted["total"] = min(counted["total"], COUNTED_UP_TO)
    return figures
