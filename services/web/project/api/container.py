"""/container routes: sample containers in a freezer, maybe in a box, served by database/container.sql.

A container holds a sample (sample_type, quantity and unit, thaw count,
expiry) and has a lineage: aliquots, derivatives and pools are made by the
views below with api/samples.py and database/sample.sql.
"""

import functools
from dataclasses import dataclass

from flask import Blueprint

from ..db import get_cursor
from . import attachment, history, labels, rows, samples, storage
from .listing import Completion, Listing, filter_schema, orders
from .openapi import documented, list_operation, row_operations
from .openapi_objects import ID
from .validation import BARCODE, POSITION, body_schema, reference, required_fields, text

UUID = "^[0-9A-Fa-f]{8}-?[0-9A-Fa-f]{4}-?[0-9A-Fa-f]{4}-?[0-9A-Fa-f]{4}-?[0-9A-Fa-f]{12}$"


@dataclass(frozen=True)
class Containers(rows.Table):
    """The container table: its read-only fields are answered, filtered and ordered, never written."""

    read_only: tuple = ()
    extra_filters: dict = None  # filter parameter -> (column, JSON Schema of its value)

    @functools.cached_property
    def writable(self):
        """The fields a body may send."""
        return {name: schema for name, schema in self.fields.items() if name not in self.read_only}

    @functools.cached_property
    def whole(self):
        """The schema of a whole row (create, upsert): the writable fields."""
        return body_schema(self.writable, required_fields(self.writable))

    @functools.cached_property
    def partial(self):
        """The schema of some writable fields (patch)."""
        return body_schema(self.writable)

    @functools.cached_property
    def listing(self):
        """The list: a filter by each field that a query parameter can hold, and the extra filters."""
        row = {"id": ID, **self.fields}
        sortable = {k: v for k, v in row.items() if k != "parent_ids"}
        filtered = {k: v for k, v in sortable.items() if k not in ("id", "quantity", "initial_quantity")}
        return Listing(
            (self.db.list,),
            row,
            filters={
                **{name: filter_schema(schema) for name, schema in filtered.items()},
                **{name: schema for name, (_, schema) in self.extra_filters.items()},
            },
            orders=orders(sortable, ("id",)),
            default_order="id",
            search=self.search,
            columns_of={name: column for name, (column, _) in self.extra_filters.items()},
            befores=frozenset(self.extra_filters),
            completion=Completion(self.db.names, self.names),
        )

    @functools.cached_property
    def docs(self):
        """The OpenAPI operations of its views: bodies of the writable fields only."""
        return row_operations(self.name, self.writable)


DATE = {
    "type": ["string", "null"],
    "pattern": "^[0-9]{4}-[0-9]{2}-[0-9]{2}$",
    "format": "iso8601",
    "x-error": "must be a date such as 2026-11-22",
}
TIME = {
    "type": ["string", "null"],
    "pattern": history.TIMESTAMP,
    "format": "iso8601",
    "x-error": "must be an ISO 8601 time such as 2026-11-22T10:00:00Z",
}
READ_ONLY = ("initial_quantity", "freeze_thaw_count", "lineage", "parent_ids")

CONTAINER = Containers(
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
        "sample_type": samples.SAMPLE_TYPE,
        "quantity": {**samples.QUANTITY, "type": ["number", "null"]},
        "unit": {**samples.UNIT, "type": ["string", "null"]},
        "initial_quantity": {"type": ["number", "null"]},
        "freeze_thaw_count": {"type": "integer", "minimum": 0, "maximum": 2**31 - 1, "x-generated": True},
        "collected_at": TIME,
        "expires_at": DATE,
        "lineage": {
            "type": "string",
            "enum": ["primary", "aliquot", "derivative", "pool"],
            "x-generated": True,
        },
        "parent_ids": {"type": "array", "items": ID, "x-generated": True},
    },
    search=("uuid", "barcode", "description", "sample_type"),
    names=("freezer_name", "box_name"),
    read_only=READ_ONLY,
    extra_filters={"expires_before": ("expires_at", {**DATE, "type": "string"})},
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


@bp.post("/container/<id:container_id>/aliquots")
@documented(
    samples.operation(
        "aliquotContainer",
        "Split a container into aliquots: 201 with them, in position order",
        "count (1 to 384) aliquots of quantity and unit, in box_id at positions (or the box's next free"
        " ones: \"next\"), or in the parent's freezer without a box; the parent's quantity goes down by"
        " count x quantity, in its unit. 409: not enough left (insufficient-quantity), the box full, a"
        " position taken, the parent disposed; 422: units that do not convert.",
        "Aliquots",
        samples.ALIQUOTS,
        many=True,
    )
)
def aliquot_container(container_id):
    """Make aliquots of a container, taking their quantity from it."""
    return samples.aliquots(container_id)


@bp.post("/container/<id:container_id>/derivatives")
@documented(
    samples.operation(
        "deriveContainer",
        "Derive a new sample (DNA from blood) from a container: 201 with it",
        "The parent goes down by consume (in its unit); the derivative has its own sample_type, quantity"
        ' and unit, in box_id at position (or "next"), or in the parent\'s freezer.',
        "Derivative",
        samples.DERIVATIVE,
    )
)
def derive_container(container_id):
    """Make a derivative of a container."""
    return samples.derivative(container_id)


@bp.post("/containers/pool")
@documented(
    samples.operation(
        "poolContainers",
        "Pool 2 to 100 sources into a new container: 201 with it",
        "Each source gives its quantity (converted into its unit); the pool holds their sum, in the first"
        " source's unit, and names them as parent_ids in order. A source that cannot give its share is"
        " named by index in errors.",
        "Pool",
        samples.POOL,
    )
)
def pool_containers():
    """Pool containers into a new one."""
    return samples.pool()


NAMED = {
    "type": "object",
    "properties": {"id": ID, "name": {"type": "string"}},
    "required": ["id", "name"],
}
PLACE = {
    "type": "object",
    "properties": {
        "id": ID,
        "site": NAMED,
        "freezer": NAMED,
        "rack": {"anyOf": [NAMED, {"type": "null"}]},
        "box": {"anyOf": [NAMED, {"type": "null"}]},
        "position": {"type": ["string", "null"]},
        "path": {"type": "string", "description": "the names, site to position, joined by ' \u203a '"},
    },
    "required": ["id", "site", "freezer", "rack", "box", "position", "path"],
}


@bp.get("/container/<id:container_id>/place")
@documented(storage.read_operation("getContainerPlace", "containers", "Where a container is, by name", PLACE))
def container_place(container_id):
    """Where the container is: site, freezer, rack, box and position, by name, and the path to show."""
    return storage.found(CONTAINER.db.place(get_cursor(), id=container_id), "container", container_id)


@bp.get("/container/<id:container_id>/lineage")
@documented(
    storage.read_operation("getContainerLineage", "containers", "Ancestors and descendants", samples.LINEAGE)
)
def container_lineage(container_id):
    """A container with its ancestors and descendants, each with its depth."""
    return samples.lineage(container_id)


@bp.get("/container/<id:container_id>/events")
@bp.get("/container/<id:container_id>/events/<offset>/<limit>")
@documented(
    list_operation(
        samples.EVENTS,
        "A page of one container's events, newest first",
        "Event",
        "getContainerEvents",
        "containers",
    )
)
def container_events(container_id, offset=None, limit=None):
    """A page of a container's timeline, newest first."""
    return samples.events(container_id, offset, limit)


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


@bp.post("/container/<id:container_id>/attachments")
@documented(attachment.upload_operation("container"))
def attach_to_container(container_id):
    """Attach a file (multipart: file, note) to the container."""
    return attachment.upload("container", container_id)


@bp.get("/container/<id:container_id>/attachments")
@bp.get("/container/<id:container_id>/attachments/<offset>/<limit>")
@documented(attachment.list_operation_of("container"))
def list_container_attachments(container_id, offset=None, limit=None):
    """A page of the container's attachments."""
    return attachment.listed("container", container_id, offset, limit)
