"""/box routes: boxes of a grid of positions, in a freezer and maybe a rack, served by database/box.sql."""

from ..database.queries import load
from .rows import table_blueprint
from .validation import BARCODE, name_field, reference


def extent(maximum):
    """Schema of a grid's rows or columns: 1 to `maximum`, 9 when omitted."""
    return {"type": "integer", "minimum": 1, "maximum": maximum, "x-generated": True}


FIELDS = {
    "freezer_id": reference("freezer"),
    "rack_id": reference("rack", required=False),
    "name": name_field(200),
    "barcode": BARCODE,
    "rows": extent(26),
    "cols": extent(99),
}

bp = table_blueprint("box", FIELDS, load("box"))
