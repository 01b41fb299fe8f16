"""The instruments view: computers and freezers with their site, read-only."""

from psycopg2 import sql

from . import crud

VIEW = "instruments"
COLUMNS = ("site_id", "site_name", "computer_id", "freezer_id", "name")
ORDER = sql.SQL("site_id, computer_id NULLS LAST, freezer_id")


def page_instruments(cur, offset, limit, site_id=None):
    """Return one page of all instruments, or of one site's (None if no such site)."""
    parent = None if site_id is None else ("site", "site_id", site_id)
    return crud.page(cur, VIEW, COLUMNS, ORDER, offset=offset, limit=limit, parent=parent)
