"""The history table: every change to the inventory, newest first, read-only."""

from . import listing

RELATION = "history"
COLUMNS = ("id", "table_name", "row_id", "operation", "old_row", "new_row", "changed_at", "actor")
NEWEST_FIRST = (listing.column_key("id", descending=True),)


def page_history(cur, query):
    """Return one page of history; see listing.page."""
    return listing.page(cur, RELATION, COLUMNS, query)
