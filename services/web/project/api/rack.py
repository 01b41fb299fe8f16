"""/rack routes: racks in a freezer, served by database/rack.sql."""

from ..database.queries import load
from .rows import table_blueprint
from .validation import BARCODE, name_field, reference

FIELDS = {"freezer_id": reference("freezer"), "name": name_field(200), "barcode": BARCODE}

bp = table_blueprint("rack", FIELDS, load("rack"))
