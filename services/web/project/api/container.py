"""/container routes: sample containers in a freezer, maybe in a box, served by database/container.sql."""

from ..database.queries import load
from .rows import table_blueprint
from .validation import BARCODE, POSITION, reference, text

UUID = "^[0-9A-Fa-f]{8}-?[0-9A-Fa-f]{4}-?[0-9A-Fa-f]{4}-?[0-9A-Fa-f]{4}-?[0-9A-Fa-f]{12}$"

FIELDS = {
    "uuid": {
        "type": "string",
        "pattern": UUID,
        "x-error": "must be a UUID such as 0b6e1c4e-6f1d-4b8e-9a51-2f7d3c8e5a01",
        "x-canonical": "uuid",
        "x-generated": True,  # the database makes one when omitted
    },
    "description": text(2000),
    "freezer_id": reference("freezer"),
    "barcode": BARCODE,
    "box_id": reference("box", required=False),
    "position": POSITION,
    "status": {"type": "string", "enum": ["in_storage", "checked_out", "disposed"], "x-generated": True},
    "status_note": text(2000),
}

bp = table_blueprint("container", FIELDS, load("container"))
