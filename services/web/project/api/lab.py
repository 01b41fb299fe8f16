"""/lab routes: labs group sites; served by database/lab.sql."""

from ..database.queries import load
from .rows import table_blueprint
from .validation import text

FIELDS = {"name": text(200, required=True)}

bp = table_blueprint("lab", FIELDS, load("lab"))
