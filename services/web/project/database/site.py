"""The site table: a lab's places, with free-form international address parts."""

from .crud import Table

TEXT = ("name", "contact", "address", "state_or_region", "country", "postcode_or_zip")

TABLE = Table(
    "site",
    ("lab_id", *TEXT),
    parents={"lab_id": "lab"},
    not_null=frozenset({"name"}),
    search=TEXT,
)
