"""/site routes: a lab's sites, served by database/site.sql; a number sent as postcode_or_zip is text."""

from ..database.queries import load
from .rows import table_blueprint
from .validation import name_field, reference, text

FIELDS = {
    "lab_id": reference("lab", required=False),
    "name": name_field(200),
    "contact": text(200),
    "address": text(500),
    "state_or_region": text(100),
    "country": text(100),
    "postcode_or_zip": text(20, digits=True),
}

bp = table_blueprint("site", FIELDS, load("site"))
