"""The freezer table: instruments at a site that hold containers."""

from .crud import Table

TABLE = Table(
    "freezer",
    ("name", "site_id"),
    parents={"site_id": "site"},
    not_null=frozenset({"name", "site_id"}),
    search=("name",),
)
