"""/box routes: boxes of a grid of positions, in a freezer and maybe a rack, served by database/box.sql."""

from flask import Blueprint

from ..db import get_cursor
from . import attachment, container, history, labels, rows, storage
from .openapi import documented, list_operation
from .validation import BARCODE, name_field, reference


def extent(maximum):
    """Schema of a grid's rows or columns: 1 to `maximum`, 9 when omitted."""
    return {"type": "integer", "minimum": 1, "maximum": maximum, "x-generated": True}


BOX = rows.Table(
    "box",
    {
        "freezer_id": reference("freezer"),
        "rack_id": reference("rack", required=False),
        "name": name_field(200),
        "barcode": BARCODE,
        "rows": extent(26),
        "cols": extent(99),
    },
    search=("name", "barcode"),
    names=("freezer_name", "rack_name"),
)

bp = Blueprint("box", __name__)


@bp.get("/box/<id:box_id>")
@documented(BOX.docs["get"])
def get_box(box_id):
    """One box, or 304 when If-None-Match names its version."""
    return rows.read(BOX, box_id)


@bp.put("/box/<id:box_id>")
@bp.post("/box/<id:box_id>")
@documented(PUT=BOX.docs["put"], POST=BOX.docs["post"])
def put_box(box_id):
    """Create box <id>, or replace all its fields."""
    return rows.upsert(BOX, box_id)


@bp.patch("/box/<id:box_id>")
@documented(BOX.docs["patch"])
def patch_box(box_id):
    """Change some fields of a box."""
    return rows.patch(BOX, box_id)


@bp.delete("/box/<id:box_id>")
@documented(BOX.docs["delete"])
def delete_box(box_id):
    """Delete a box (409 while it holds containers)."""
    return rows.delete(BOX, box_id)


@bp.get("/boxes", strict_slashes=False)
@bp.get("/boxes/<offset>/<limit>")
@documented(list_operation(BOX.listing, "A page of boxes", "Box", "listBoxes", "boxes"))
def list_boxes(offset=None, limit=None):
    """A page of boxes."""
    return rows.page(BOX, offset, limit)


@bp.post("/boxes", strict_slashes=False)
@documented(BOX.docs["create"])
def create_box():
    """Create a box with a server-assigned id."""
    return rows.create(BOX)


@bp.get("/box/<id:box_id>/grid")
@documented(storage.read_operation("getBoxGrid", "boxes", "Positions", storage.GRID))
def box_grid(box_id):
    """The box and every position of its grid, row by row, with the container there or null."""
    return storage.found(BOX.db.grid(get_cursor(), id=box_id), "box", box_id)


@bp.get("/box/<id:box_id>/containers")
@bp.get("/box/<id:box_id>/containers/<offset>/<limit>")
@documented(
    list_operation(
        container.CONTAINER.listing,
        "A page of one box's containers",
        "Container",
        "listBoxContainers",
        "containers",
    )
)
def list_box_containers(box_id, offset=None, limit=None):
    """A page of one box's containers."""
    return rows.children(container.CONTAINER.listing, "box", box_id, offset, limit)


@bp.get("/box/<id:box_id>/history")
@bp.get("/box/<id:box_id>/history/<offset>/<limit>")
@documented(history.row_operation("box"))
def box_history(box_id, offset=None, limit=None):
    """A page of one box's changes, newest first."""
    return history.of_row("box", box_id, offset, limit)


@bp.get("/box/<id:box_id>/label")
@documented(labels.label_operation("box"))
def box_label(box_id):
    """The box's label as PDF, PNG or ZPL (format, layout, dpi); 409 without a barcode."""
    return labels.single("box", box_id)


@bp.post("/box/<id:box_id>/attachments")
@documented(attachment.upload_operation("box"))
def attach_to_box(box_id):
    """Attach a file (multipart: file, note) to the box."""
    return attachment.upload("box", box_id)


@bp.get("/box/<id:box_id>/attachments")
@bp.get("/box/<id:box_id>/attachments/<offset>/<limit>")
@documented(attachment.list_operation_of("box"))
def list_box_attachments(box_id, offset=None, limit=None):
    """A page of the box's attachments."""
    return attachment.listed("box", box_id, offset, limit)
