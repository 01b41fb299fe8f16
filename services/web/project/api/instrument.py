"""/instruments routes: every computer and freezer with its site, from the SQL view."""

from flask import Blueprint

from ..database.instrument import COLUMNS, SEARCH, order_keys, page_instruments
from .listing import Listing, filter_schema, list_response
from .validation import reference, text

FIELDS = {
    "site_id": reference(),
    "site_name": text(200, required=True),
    "computer_id": reference(required=False),
    "freezer_id": reference(required=False),
    "name": text(200, required=True),
}

LISTING = Listing(
    columns=COLUMNS,
    fields=FIELDS,
    filters={name: filter_schema(schema) for name, schema in FIELDS.items()},
    orders={
        "site_id": order_keys(),
        "-site_id": order_keys(descending=True),
        "name": order_keys("name"),
        "-name": order_keys("name", descending=True),
        "site_name": order_keys("site_name"),
        "-site_name": order_keys("site_name", descending=True),
    },
    default_order="site_id",
    search=SEARCH,
    searched=("name", "site_name"),
)

bp = Blueprint("instrument", __name__)


def fetch(cur, query):
    """Return one page of instruments."""
    return page_instruments(cur, query)


@bp.get("/instruments/<offset>/<limit>")
@bp.get("/instruments/")
@bp.get("/instruments")  # registered first: the one Link headers use
def list_instruments(offset=None, limit=None):
    """Return a page of all instruments, by site, computers before freezers."""
    return list_response(LISTING, fetch, offset, limit)


@bp.get("/site/<id:parent_id>/instruments/<offset>/<limit>")
@bp.get("/site/<id:parent_id>/instruments")
def site_instruments(parent_id, offset=None, limit=None):
    """Return a page of one site's instruments."""
    return list_response(
        LISTING,
        fetch,
        offset,
        limit,
        parent=("site", "site_id", parent_id),
        missing=f"site {parent_id} does not exist",
    )
