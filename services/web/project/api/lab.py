"""/lab routes: labs group sites."""

from ..database.lab import TABLE
from .resource import Resource, resource_blueprint
from .validation import text

RESOURCE = Resource(TABLE, {"name": text(200, required=True)}, required=["name"])
bp = resource_blueprint(RESOURCE)
