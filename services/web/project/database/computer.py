"""The computer table: instruments with a unique MAC address, at a site."""

from .crud import Table

TABLE = Table(
    "computer",
    ("name", "mac", "site_id"),
    parents={"site_id": "site"},
    not_null=frozenset({"name", "site_id"}),
    search=("name", "mac"),
)
