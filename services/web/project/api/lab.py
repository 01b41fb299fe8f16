"""/lab routes: labs group sites; served by database/lab.sql."""

from ..database.queries import load
from .rows import table_blueprint
from .validation import name_field

FIELDS = {"name": name_field(200)}

bp = table_blueprint("lab", FIELDS, load("lab"))
