"""/computer routes: computers at a site, each MAC address at most once; served by database/computer.sql."""

from flask import Blueprint

from . import history, rows
from .openapi import documented, list_operation
from .validation import name_field, reference, text

MAC = (
    "^[0-9A-Fa-f]{2}([:-])[0-9A-Fa-f]{2}(\\1[0-9A-Fa-f]{2}){4}$"  # 08:00:2b:01:02:03
    "|^[0-9A-Fa-f]{6}[:-]?[0-9A-Fa-f]{6}$"  # 08002b:010203, 08002b010203
    "|^[0-9A-Fa-f]{4}([.-])[0-9A-Fa-f]{4}\\3[0-9A-Fa-f]{4}$"  # 0800.2b01.0203
)

COMPUTER = rows.Table(
    "computer",
    {
        "name": name_field(200),
        "mac": {
            **text(17, pattern=MAC, error="must be a MAC address such as 08:00:2b:01:02:03"),
            "x-canonical": "mac",
        },
        "site_id": reference("site"),
    },
    search=("name", "mac"),
    names=("site_name",),
)

bp = Blueprint("computer", __name__)


@bp.get("/computer/<id:computer_id>")
@documented(COMPUTER.docs["get"])
def get_computer(computer_id):
    """One computer, or 304 when If-None-Match names its version."""
    return rows.read(COMPUTER, computer_id)


@bp.put("/computer/<id:computer_id>")
@bp.post("/computer/<id:computer_id>")
@documented(PUT=COMPUTER.docs["put"], POST=COMPUTER.docs["post"])
def put_computer(computer_id):
    """Create computer <id>, or replace all its fields."""
    return rows.upsert(COMPUTER, computer_id)


@bp.patch("/computer/<id:computer_id>")
@documented(COMPUTER.docs["patch"])
def patch_computer(computer_id):
    """Change some fields of a computer."""
    return rows.patch(COMPUTER, computer_id)


@bp.delete("/computer/<id:computer_id>")
@documented(COMPUTER.docs["delete"])
def delete_computer(computer_id):
    """Delete a computer."""
    return rows.delete(COMPUTER, computer_id)


@bp.get("/computers", strict_slashes=False)
@bp.get("/computers/<offset>/<limit>")
@documented(list_operation(COMPUTER.listing, "A page of computers", "Computer", "listComputers", "computers"))
def list_computers(offset=None, limit=None):
    """A page of computers."""
    return rows.page(COMPUTER, offset, limit)


@bp.post("/computers", strict_slashes=False)
@documented(COMPUTER.docs["create"])
def create_computer():
    """Create a computer with a server-assigned id."""
    return rows.create(COMPUTER)


@bp.get("/computer/<id:computer_id>/history")
@bp.get("/computer/<id:computer_id>/history/<offset>/<limit>")
@documented(history.row_operation("computer"))
def computer_history(computer_id, offset=None, limit=None):
    """A page of one computer's changes, newest first."""
    return history.of_row("computer", computer_id, offset, limit)
