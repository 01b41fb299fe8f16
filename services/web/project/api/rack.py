"""/rack routes: racks in a freezer, served by database/rack.sql."""

from flask import Blueprint

from . import attachment, box, history, labels, rows
from .openapi import documented, list_operation
from .validation import BARCODE, name_field, reference

RACK = rows.Table(
    "rack",
    {"freezer_id": reference("freezer"), "name": name_field(200), "barcode": BARCODE},
    search=("name", "barcode"),
    names=("freezer_name",),
)

bp = Blueprint("rack", __name__)


@bp.get("/rack/<id:rack_id>")
@documented(RACK.docs["get"])
def get_rack(rack_id):
    """One rack, or 304 when If-None-Match names its version."""
    return rows.read(RACK, rack_id)


@bp.put("/rack/<id:rack_id>")
@bp.post("/rack/<id:rack_id>")
@documented(PUT=RACK.docs["put"], POST=RACK.docs["post"])
def put_rack(rack_id):
    """Create rack <id>, or replace all its fields."""
    return rows.upsert(RACK, rack_id)


@bp.patch("/rack/<id:rack_id>")
@documented(RACK.docs["patch"])
def patch_rack(rack_id):
    """Change some fields of a rack."""
    return rows.patch(RACK, rack_id)


@bp.delete("/rack/<id:rack_id>")
@documented(RACK.docs["delete"])
def delete_rack(rack_id):
    """Delete a rack (409 while it holds boxes)."""
    return rows.delete(RACK, rack_id)


@bp.get("/racks", strict_slashes=False)
@bp.get("/racks/<offset>/<limit>")
@documented(list_operation(RACK.listing, "A page of racks", "Rack", "listRacks", "racks"))
def list_racks(offset=None, limit=None):
    """A page of racks."""
    return rows.page(RACK, offset, limit)


@bp.post("/racks", strict_slashes=False)
@documented(RACK.docs["create"])
def create_rack():
    """Create a rack with a server-assigned id."""
    return rows.create(RACK)


@bp.get("/rack/<id:rack_id>/boxes")
@bp.get("/rack/<id:rack_id>/boxes/<offset>/<limit>")
@documented(list_operation(box.BOX.listing, "A page of one rack's boxes", "Box", "listRackBoxes", "boxes"))
def list_rack_boxes(rack_id, offset=None, limit=None):
    """A page of one rack's boxes."""
    return rows.children(box.BOX.listing, "rack", rack_id, offset, limit)


@bp.get("/rack/<id:rack_id>/history")
@bp.get("/rack/<id:rack_id>/history/<offset>/<limit>")
@documented(history.row_operation("rack"))
def rack_history(rack_id, offset=None, limit=None):
    """A page of one rack's changes, newest first."""
    return history.of_row("rack", rack_id, offset, limit)


@bp.get("/rack/<id:rack_id>/label")
@documented(labels.label_operation("rack"))
def rack_label(rack_id):
    """The rack's label as PDF, PNG or ZPL (format, layout, dpi); 409 without a barcode."""
    return labels.single("rack", rack_id)


@bp.post("/rack/<id:rack_id>/attachments")
@documented(attachment.upload_operation("rack"))
def attach_to_rack(rack_id):
    """Attach a file (multipart: file, note) to the rack."""
    return attachment.upload("rack", rack_id)


@bp.get("/rack/<id:rack_id>/attachments")
@bp.get("/rack/<id:rack_id>/attachments/<offset>/<limit>")
@documented(attachment.list_operation_of("rack"))
def list_rack_attachments(rack_id, offset=None, limit=None):
    """A page of the rack's attachments."""
    return attachment.listed("rack", rack_id, offset, limit)
