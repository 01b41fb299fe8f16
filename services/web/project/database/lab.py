"""The lab table: named groups of sites."""

from .crud import Table

TABLE = Table("lab", ("name",), not_null=frozenset({"name"}), search=("name",))
