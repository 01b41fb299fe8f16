"""The site table: a lab's places, with free-form international address parts."""

from .crud import Table

TABLE = Table(
    "site",
    ("lab_id", "name", "contact", "address", "state_or_region", "country", "postcode_or_zip"),
    parents={"lab_id": "lab"},
)
