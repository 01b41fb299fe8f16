"""The lab table: named groups of sites."""

from .crud import Table

TABLE = Table("lab", ("name",))
