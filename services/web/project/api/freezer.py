"""/freezer routes: freezers at a site."""

from ..database.freezer import TABLE
from .resource import Resource, resource_blueprint
from .validation import reference, text

FIELDS = {"name": text(200, required=True), "site_id": reference()}

RESOURCE = Resource(TABLE, FIELDS, required=["name", "site_id"])
bp = resource_blueprint(RESOURCE)
