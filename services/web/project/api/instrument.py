"""/instruments: every computer and freezer with its site, the view's rows (database/instrument.sql).

/site/<id>/instruments, in api/site.py, pages the same LISTING.
"""

from flask import Blueprint

from ..database.queries import load
from .listing import Completion, Listing, filter_schema, list_response, orders
from .openapi import documented, list_operation
from .openapi_objects import ID
from .validation import reference, text

FIELDS = {
    "site_id": reference("site"),
    "site_name": text(200, required=True),
    "computer_id": reference("computer", required=False),
    "freezer_id": reference("freezer", required=False),
    "name": text(200, required=True),
}
POSITION = ("site_id", "is_freezer", "instrument_id")  # the view's total order: by site, computers first

INSTRUMENT = load("instrument")
LISTING = Listing(
    (INSTRUMENT.computers, INSTRUMENT.freezers),
    FIELDS,
    filters={name: filter_schema(schema) for name, schema in FIELDS.items()},
    orders=orders({k: FIELDS[k] for k in ("site_id", "name", "site_name")}, POSITION),
    default_order="site_id",
    search=("name", "site_name"),
    completion=Completion(
        INSTRUMENT.site_name,
        ("site_name",),
        (INSTRUMENT.computers_with_site_name, INSTRUMENT.freezers_with_site_name),
    ),
    key_schemas={"is_freezer": {"type": "boolean"}, "instrument_id": ID},
    search_parts=(
        INSTRUMENT.computers_named,
        INSTRUMENT.freezers_named,
        INSTRUMENT.computers_at_site_named,
        INSTRUMENT.freezers_at_site_named,
    ),
)

bp = Blueprint("instrument", __name__)


@bp.get("/instruments/<offset>/<limit>")
@bp.get("/instruments", strict_slashes=False)
@documented(list_operation(LISTING, "A page of instruments", "Instrument", "listInstruments", "instruments"))
def list_instruments(offset=None, limit=None):
    """Return a page of all instruments, by site, computers before freezers."""
    return list_response(LISTING, offset, limit)
