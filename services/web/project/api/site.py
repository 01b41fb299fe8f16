"""/site routes: a lab's sites. A number sent as postcode_or_zip is stored as text."""

from ..database.site import TABLE
from .resource import Resource, resource_blueprint
from .validation import reference, text

FIELDS = {
    "lab_id": reference(required=False),
    "name": text(200, required=True),
    "contact": text(200),
    "address": text(500),
    "state_or_region": text(100),
    "country": text(100),
    "postcode_or_zip": text(20, digits=True),
}

RESOURCE = Resource(TABLE, FIELDS, required=["name"])
bp = resource_blueprint(RESOURCE)
