"""/freezer routes: freezers at a site, served by database/freezer.sql."""

from ..database.queries import load
from .rows import table_blueprint
from .validation import name_field, reference

FIELDS = {"name": name_field(200), "site_id": reference("site")}

bp = table_blueprint("freezer", FIELDS, load("freezer"))
