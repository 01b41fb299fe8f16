"""The instruments view: computers and freezers with their site, read-only."""

from psycopg2 import sql

from . import listing

VIEW = "instruments"
COLUMNS = ("site_id", "site_name", "computer_id", "freezer_id", "name")
SEARCH = (sql.Identifier("name"), sql.Identifier("site_name"))

# The view's total order: by site, computers before freezers, then by id.
POSITION = (
    listing.column_key("site_id"),
    listing.Key(sql.SQL("(computer_id IS NULL)")),
    listing.Key(sql.SQL("coalesce(computer_id, freezer_id)")),
)


def order_keys(column=None, descending=False):
    """Return the order by `column` (name or site_name) then position, or by position; all one way."""
    position = tuple(listing.Key(k.expression, descending) for k in POSITION)
    return position if column is None else (listing.column_key(column, descending), *position)


def page_instruments(cur, query):
    """Return one page of instruments; see listing.page."""
    return listing.page(cur, VIEW, COLUMNS, query)
