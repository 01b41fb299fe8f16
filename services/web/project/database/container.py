"""The container table: samples in a freezer, each with a unique UUID."""

from .crud import Table

TABLE = Table(
    "container",
    ("uuid", "description", "freezer_id"),
    parents={"freezer_id": "freezer"},
    defaults=frozenset({"uuid"}),
    not_null=frozenset({"uuid", "freezer_id"}),
    search=("uuid", "description"),
)
