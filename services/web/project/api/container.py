"""/container routes: sample containers in a freezer, maybe in a box, served by database/container.sql."""

from flask import Blueprint

from . import history, labels, rows, storage
from .openapi import documented, list_operation
from .validation import BARCODE, POSITION, reference, text

UUID = "^[0-9A-Fa-f]{8}-?[0-9A-Fa-f]{4}-?[0-9A-Fa-f]{4}-?[0-9A-Fa-f]{4}-?[0-9A-Fa-f]{12}$"

CONTAINER = rows.Table(
    "container",
    {
        "uuid": {
            "type": "string",
            "pattern": UUID,
            "x-error": "must be a UUID such as 0b6e1c4e-6f1d-4b8e-9a51-2f7d3c8e5a01",
            "x-canonical": "uuid",
            "x-generated": True,  # the database makes one when omitted
        },
        "description": text(2000),
        "freezer_id": reference("freezer"),
        "barcode": BARCODE,
        "box_id": reference("box", required=False),
        "position": POSITION,
        "status": {"type": "string", "enum": ["in_storage", "checked_out", "disposed"], "x-generated": True},
        "status_note": text(2000),
    },
    search=("uuid", "barcode", "description"),
)

bp = Blueprint("container", __name__)


@bp.get("/container/<id:container_id>")
@documented(CONTAINER.docs["get"])
def get_container(container_id):
    """One container, or 304 when If-None-Match names its version."""
    return rows.read(CONTAINER, container_id)


@bp.put("/container/<id:container_id>")
@bp.post("/container/<id:container_id>")
@documented(PUT=CONTAINER.docs["put"], POST=CONTAINER.docs["post"])
def put_container(container_id):
    """Create container <id>, or replace all its fields."""
    return rows.upsert(CONTAINER, container_id)


@bp.patch("/container/<id:container_id>")
@documented(CONTAINER.docs["patch"])
def patch_container(container_id):
    """Change some fields of a container."""
    return rows.patch(CONTAINER, container_id)


@bp.delete("/container/<id:container_id>")
@documented(CONTAINER.docs["delete"])
def delete_container(container_id):
    """Delete a container."""
    return rows.delete(CONTAINER, container_id)


@bp.get("/containers", strict_slashes=False)
@bp.get("/containers/<offset>/<limit>")
@documented(
    list_operation(CONTAINER.listing, "A page of containers", "Container", "listContainers", "containers")
)
def list_containers(offset=None, limit=None):
    """A page of containers."""
    return rows.page(CONTAINER, offset, limit)


@bp.post("/containers", strict_slashes=False)
@documented(CONTAINER.docs["create"])
def create_container():
    """Create a container with a server-assigned id."""
    return rows.create(CONTAINER)


@bp.post("/container/<id:container_id>/check-out")
@documented(storage.transition_operation("check-out"))
def check_out_container(container_id):
    """Check an in-storage container out (it keeps its position); body: an optional note."""
    return storage.transition(container_id, "check-out")


@bp.post("/container/<id:container_id>/check-in")
@documented(storage.transition_operation("check-in"))
def check_in_container(container_id):
    """Check a checked-out container back in, maybe at another box_id and position."""
    return storage.transition(container_id, "check-in")


@bp.post("/container/<id:container_id>/dispose")
@documented(storage.transition_operation("dispose"))
def dispose_container(container_id):
    """Dispose of a container, for good (it leaves its box); body: an optional reason."""
    return storage.transition(container_id, "dispose")


@bp.get("/container/<id:container_id>/history")
@bp.get("/container/<id:container_id>/history/<offset>/<limit>")
@documented(history.row_operation("container"))
def container_history(container_id, offset=None, limit=None):
    """A page of one container's changes, newest first."""
    return history.of_row("container", container_id, offset, limit)


@bp.get("/container/<id:container_id>/label")
@documented(labels.label_operation("container"))
def container_label(container_id):
    """The container's label as PDF, PNG or ZPL (format, layout, dpi); 409 without a barcode."""
    return labels.single("container", container_id)
