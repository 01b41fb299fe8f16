"""/container routes: sample containers in a freezer; the UUID is generated if omitted."""

from ..database.container import TABLE
from .resource import Resource, resource_blueprint
from .validation import reference, text

UUID = "^[0-9A-Fa-f]{8}-?[0-9A-Fa-f]{4}-?[0-9A-Fa-f]{4}-?[0-9A-Fa-f]{4}-?[0-9A-Fa-f]{12}$"

FIELDS = {
    "uuid": {
        "type": "string",
        "pattern": UUID,
        "x-error": "must be a UUID such as 0b6e1c4e-6f1d-4b8e-9a51-2f7d3c8e5a01",
    },
    "description": text(2000),
    "freezer_id": reference(),
}

RESOURCE = Resource(TABLE, FIELDS, required=["freezer_id"])
bp = resource_blueprint(RESOURCE)
