"""/freezer routes: freezers at a site."""

from ..database.freezer import TABLE
from .resource import resource_blueprint
from .validation import reference, text

FIELDS = {"name": text(200, required=True), "site_id": reference()}

bp = resource_blueprint(TABLE, FIELDS, required=["name", "site_id"])
