"""/instruments routes: every computer and freezer with its site, from the SQL view."""

from flask import Blueprint

from ..database.instrument import page_instruments
from ..db import get_cursor
from .pagination import page_args, page_response

bp = Blueprint("instrument", __name__)


@bp.get("/instruments")
@bp.get("/instruments/")
@bp.get("/instruments/<offset>/<limit>")
def list_instruments(offset=None, limit=None):
    """Return a page of all instruments, by site, computers before freezers."""
    offset, limit = page_args(offset, limit)
    return page_response(page_instruments(get_cursor(), offset, limit), offset, limit)


@bp.get("/site/<id:site_id>/instruments")
@bp.get("/site/<id:site_id>/instruments/<offset>/<limit>")
def site_instruments(site_id, offset=None, limit=None):
    """Return a page of one site's instruments."""
    offset, limit = page_args(offset, limit)
    page = page_instruments(get_cursor(), offset, limit, site_id)
    return page_response(page, offset, limit, f"site {site_id} does not exist")
