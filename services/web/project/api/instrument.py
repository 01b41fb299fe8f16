"""/instruments routes: every computer and freezer with its site, from the view (database/instrument.sql)."""

from flask import Blueprint

from ..database.queries import load
from .listing import Listing, filter_schema, list_response, orders
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

LISTING = Listing(
    load("instrument").list,
    FIELDS,
    filters={name: filter_schema(schema) for name, schema in FIELDS.items()},
    orders=orders({k: FIELDS[k] for k in ("site_id", "name", "site_name")}, POSITION),
    default_order="site_id",
    search=("name", "site_name"),
    key_schemas={"is_freezer": {"type": "boolean"}, "instrument_id": ID},
    search_rows=load("instrument").search,
)

bp = Blueprint("instrument", __name__)


@bp.get("/instruments/<offset>/<limit>")
@bp.get("/instruments/")
@bp.get("/instruments")  # registered first: the one Link headers use
@documented(list_operation(LISTING, "A page of instruments", "Instrument", "listInstruments", "instruments"))
def list_instruments(offset=None, limit=None):
    """Return a page of all instruments, by site, computers before freezers."""
    return list_response(LISTING, offset, limit)


@bp.get("/site/<id:parent_id>/instruments/<offset>/<limit>")
@bp.get("/site/<id:parent_id>/instruments")
@documented(
    list_operation(
        LISTING, "A page of one site's instruments", "Instrument", "listSiteInstruments", "instruments"
    )
)
def site_instruments(parent_id, offset=None, limit=None):
    """Return a page of one site's instruments."""
    return list_response(
        LISTING,
        offset,
        limit,
        parent=("site_id", parent_id, load("site").exists),
        missing=f"site {parent_id} does not exist",
    )
