"""/freezer routes: freezers at a site, served by database/freezer.sql."""

from ..database.queries import load
from .rows import table_blueprint
from .validation import reference, text

FIELDS = {"name": text(200, required=True), "site_id": reference("site")}

bp = table_blueprint("freezer", FIELDS, load("freezer"))
