"""/computer routes: computers at a site, each MAC address at most once; served by database/computer.sql."""

from ..database.queries import load
from .rows import table_blueprint
from .validation import name_field, reference, text

MAC = (
    "^[0-9A-Fa-f]{2}([:-])[0-9A-Fa-f]{2}(\\1[0-9A-Fa-f]{2}){4}$"  # 08:00:2b:01:02:03
    "|^[0-9A-Fa-f]{6}[:-]?[0-9A-Fa-f]{6}$"  # 08002b:010203, 08002b010203
    "|^[0-9A-Fa-f]{4}([.-])[0-9A-Fa-f]{4}\\3[0-9A-Fa-f]{4}$"  # 0800.2b01.0203
)

FIELDS = {
    "name": name_field(200),
    "mac": {
        **text(17, pattern=MAC, error="must be a MAC address such as 08:00:2b:01:02:03"),
        "x-canonical": "mac",
    },
    "site_id": reference("site"),
}

bp = table_blueprint("computer", FIELDS, load("computer"))
