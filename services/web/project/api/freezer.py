"""/freezer routes: freezers at a site, their racks, boxes and containers; served by database/freezer.sql."""

from flask import Blueprint

from ..db import get_cursor
from . import attachment, box, container, history, rack, rows, storage
from .openapi import documented, list_operation
from .validation import name_field, reference

FREEZER = rows.Table(
    "freezer", {"name": name_field(200), "site_id": reference("site")}, search=("name",), names=("site_name",)
)

bp = Blueprint("freezer", __name__)


@bp.get("/freezer/<id:freezer_id>")
@documented(FREEZER.docs["get"])
def get_freezer(freezer_id):
    """One freezer, or 304 when If-None-Match names its version."""
    return rows.read(FREEZER, freezer_id)


@bp.put("/freezer/<id:freezer_id>")
@bp.post("/freezer/<id:freezer_id>")
@documented(PUT=FREEZER.docs["put"], POST=FREEZER.docs["post"])
def put_freezer(freezer_id):
    """Create freezer <id>, or replace all its fields."""
    return rows.upsert(FREEZER, freezer_id)


@bp.patch("/freezer/<id:freezer_id>")
@documented(FREEZER.docs["patch"])
def patch_freezer(freezer_id):
    """Change some fields of a freezer."""
    return rows.patch(FREEZER, freezer_id)


@bp.delete("/freezer/<id:freezer_id>")
@documented(FREEZER.docs["delete"])
def delete_freezer(freezer_id):
    """Delete a freezer (409 while it holds racks, boxes or containers)."""
    return rows.delete(FREEZER, freezer_id)


@bp.get("/freezers", strict_slashes=False)
@bp.get("/freezers/<offset>/<limit>")
@documented(list_operation(FREEZER.listing, "A page of freezers", "Freezer", "listFreezers", "freezers"))
def list_freezers(offset=None, limit=None):
    """A page of freezers."""
    return rows.page(FREEZER, offset, limit)


@bp.post("/freezers", strict_slashes=False)
@documented(FREEZER.docs["create"])
def create_freezer():
    """Create a freezer with a server-assigned id."""
    return rows.create(FREEZER)


@bp.get("/freezer/<id:freezer_id>/tree")
@documented(storage.read_operation("getFreezerTree", "freezers", "Contents", storage.TREE))
def freezer_tree(freezer_id):
    """The freezer, its racks with their boxes, and its boxes in no rack, each with its counts."""
    return storage.found(FREEZER.db.tree(get_cursor(), id=freezer_id), "freezer", freezer_id)


@bp.get("/freezer/<id:freezer_id>/racks")
@bp.get("/freezer/<id:freezer_id>/racks/<offset>/<limit>")
@documented(
    list_operation(rack.RACK.listing, "A page of one freezer's racks", "Rack", "listFreezerRacks", "racks")
)
def list_freezer_racks(freezer_id, offset=None, limit=None):
    """A page of one freezer's racks."""
    return rows.children(rack.RACK.listing, "freezer", freezer_id, offset, limit)


@bp.get("/freezer/<id:freezer_id>/boxes")
@bp.get("/freezer/<id:freezer_id>/boxes/<offset>/<limit>")
@documented(
    list_operation(box.BOX.listing, "A page of one freezer's boxes", "Box", "listFreezerBoxes", "boxes")
)
def list_freezer_boxes(freezer_id, offset=None, limit=None):
    """A page of one freezer's boxes."""
    return rows.children(box.BOX.listing, "freezer", freezer_id, offset, limit)


@bp.get("/freezer/<id:freezer_id>/containers")
@bp.get("/freezer/<id:freezer_id>/containers/<offset>/<limit>")
@documented(
    list_operation(
        container.CONTAINER.listing,
        "A page of one freezer's containers",
        "Container",
        "listFreezerContainers",
        "containers",
    )
)
def list_freezer_containers(freezer_id, offset=None, limit=None):
    """A page of one freezer's containers."""
    return rows.children(container.CONTAINER.listing, "freezer", freezer_id, offset, limit)


@bp.get("/freezer/<id:freezer_id>/history")
@bp.get("/freezer/<id:freezer_id>/history/<offset>/<limit>")
@documented(history.row_operation("freezer"))
def freezer_history(freezer_id, offset=None, limit=None):
    """A page of one freezer's changes, newest first."""
    return history.of_row("freezer", freezer_id, offset, limit)


@bp.post("/freezer/<id:freezer_id>/attachments")
@documented(attachment.upload_operation("freezer"))
def attach_to_freezer(freezer_id):
    """Attach a file (multipart: file, note) to the freezer."""
    return attachment.upload("freezer", freezer_id)


@bp.get("/freezer/<id:freezer_id>/attachments")
@bp.get("/freezer/<id:freezer_id>/attachments/<offset>/<limit>")
@documented(attachment.list_operation_of("freezer"))
def list_freezer_attachments(freezer_id, offset=None, limit=None):
    """A page of the freezer's attachments."""
    return attachment.listed("freezer", freezer_id, offset, limit)
