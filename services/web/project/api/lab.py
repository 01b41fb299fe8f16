"""/lab routes: labs group sites."""

from ..database.lab import TABLE
from .resource import resource_blueprint
from .validation import text

bp = resource_blueprint(TABLE, {"name": text(200, required=True)}, required=["name"])
