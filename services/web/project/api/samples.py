"""What the sample views of api/container.py share: aliquots, derivatives, pools, lineage, events.

A new child is made in one transaction of two statements of
database/sample.sql: `lock` locks the parents (by id) and then the target
box and answers them as they now are, which says why a request cannot be
done (a 404, 409 or 422 naming the source at fault); `make` then inserts the
children and takes from each parent in one statement, reading the box's free
positions after the locks, so concurrent requests never share a position and
never take more than there is. PostgreSQL enforces every rule anyway
(migration 0007: quantity >= 0, units, lineage; 0003: positions).
"""

import json

from flask import current_app, jsonify

from ..database.paging import Key
from ..database.queries import load
from ..db import get_cursor, transaction
from .errors import ApiError, validation_error
from .listing import Listing, list_response
from .openapi_objects import json_body, responses, row_response, schema_ref, writes
from .responses import created, missing
from .rows import checked
from .storage import problem_list
from .validation import BARCODE, NAME, NAME_ERROR, body_schema, json_object, reference, text

SAMPLE = load("sample")
CONTAINER = load("container")
UNITS = [
    "L",
    "mL",
    "uL",
    "g",
    "mg",
    "ug",
    "ng",
    "cells",
    "items",
]  # and \u00b5L, \u03bcL, \u00b5g, \u03bcg: uL, ug
UNIT = {
    "type": "string",
    "pattern": f"^({'|'.join(UNITS)}|[\u00b5\u03bc][Lg])$",
    "x-error": "must be one of " + ", ".join(UNITS) + " (\u00b5L and \u00b5g are uL and ug)",
}
QUANTITY = {"type": "number", "minimum": 0, "maximum": 1e15}
SAMPLE_TYPE = text(100, pattern=NAME, error=NAME_ERROR)
MAX_ALIQUOTS = 384
MAX_DEPTH = 100  # generations a lineage follows each way
MAX_RELATED = 10_000  # ancestors, and descendants, a lineage answers at most
PLACE = {"type": "string", "pattern": "^[A-Z][1-9][0-9]?$", "x-error": "must be a position such as C4"}
NEXT = {"type": "string", "enum": ["next"]}
BARCODE_TEXT = {**BARCODE, "type": "string"}
AMOUNT = body_schema({"quantity": QUANTITY, "unit": UNIT}, ["quantity", "unit"])

ALIQUOTS = body_schema(
    {
        "count": {"type": "integer", "minimum": 1, "maximum": MAX_ALIQUOTS},
        "quantity": QUANTITY,
        "unit": UNIT,
        "box_id": reference("box"),
        "positions": {
            "anyOf": [
                NEXT,
                {
                    "type": "array",
                    "items": PLACE,
                    "minItems": 1,
                    "maxItems": MAX_ALIQUOTS,
                    "uniqueItems": True,
                },
            ]
        },
        "barcodes": {
            "type": "array",
            "items": BARCODE_TEXT,
            "minItems": 1,
            "maxItems": MAX_ALIQUOTS,
            "uniqueItems": True,
        },
    },
    ["count"],
)
PLACEMENT = {"box_id": reference("box"), "position": {"anyOf": [NEXT, PLACE]}, "barcode": BARCODE_TEXT}
DERIVATIVE = body_schema(
    {
        "sample_type": {**SAMPLE_TYPE, "type": "string", "minLength": 1},
        "quantity": QUANTITY,
        "unit": UNIT,
        "consume": AMOUNT,
        **PLACEMENT,
    },
    ["sample_type"],
)
POOL = body_schema(
    {
        "sources": {
            "type": "array",
            "minItems": 2,
            "maxItems": 100,
            "items": body_schema(
                {"container_id": reference("container"), "quantity": QUANTITY, "unit": UNIT},
                ["container_id", "quantity", "unit"],
            ),
        },
        "sample_type": SAMPLE_TYPE,
        **PLACEMENT,
    },
    ["sources"],
)
EVENT_NAMES = [
    "created", "changed", "moved", "checked_out", "checked_in", "disposed",
    "aliquoted", "derived", "pooled", "used",
]  # fmt: skip
EVENTS = Listing(
    (SAMPLE.events,),
    {
        "at": {"type": "string", "format": "date-time"},
        "actor": {"type": "string"},
        "event": {"type": "string", "enum": EVENT_NAMES},
        "detail": {"type": "object"},
    },
    filters={},
    orders={"-id": (Key("id", descending=True),)},
    default_order="-id",
    key_schemas={"id": {"type": "integer"}},
)
RELATED = {"type": "array", "items": {"type": "object", "properties": {"depth": {"type": "integer"}}}}
LINEAGE = {
    "type": "object",
    "properties": {"container": schema_ref("Container"), "ancestors": RELATED, "descendants": RELATED},
    "required": ["container", "ancestors", "descendants"],
}


def operation(operation_id, summary, description, schema_name, schema, *, many=False):
    """Return the OpenAPI operation of a POST making children (many: an array of them)."""
    answer = (
        {"description": "the new containers", "content": json_body(
            {"type": "array", "items": schema_ref("Container")})["content"]}
        if many
        else row_response("#/components/schemas/Container", "the new container", ("ETag", "Location"))
    )  # fmt: skip
    return writes(
        {
            "operationId": operation_id,
            "tags": ["containers"],
            "summary": summary,
            "description": description,
            "requestBody": json_body(schema_ref(schema_name)),
            "responses": {
                **responses({"201": answer}, *(400, 404, 413, 415, 422)),
                **problem_list(409, "a source cannot give its share, the box is full or a position taken"),
            },
            "x-schemas": {schema_name: schema},
        }
    )


def both_or_neither(body, first="quantity", second="unit"):
    """Refuse a quantity without a unit, or a unit without a quantity (400)."""
    if (first in body) != (second in body):
        name = second if first in body else first
        raise validation_error({name: f"is required with a {first if name == second else second}"})


def aliquots(parent_id):
    """Answer 201 with the new aliquots of container `parent_id`, in position order."""
    body = checked(ALIQUOTS, json_object())
    both_or_neither(body)
    count, positions = body["count"], body.get("positions", "next" if "box_id" in body else None)
    if positions is not None and "box_id" not in body:
        raise validation_error({"positions": "needs a box_id"})
    for name in ("positions", "barcodes"):
        given = positions if name == "positions" else body.get(name)
        if isinstance(given, list) and len(given) != count:
            raise validation_error({name: f"must hold count ({count}) items, not {len(given)}"})
    source = {"index": 0, "container_id": parent_id, "times": count}
    children = make(
        "aliquot",
        [{**source, "quantity": body.get("quantity"), "unit": body.get("unit")}],
        count=count,
        box_id=body.get("box_id"),
        positions=positions,
        barcodes=body.get("barcodes"),
        quantity=body.get("quantity"),
        unit=body.get("unit"),
        sample_type=None,
    )
    for child in children:
        del child["version"]
    return jsonify(children), 201


def derivative(parent_id):
    """Answer 201 with the new derivative of container `parent_id`."""
    body = checked(DERIVATIVE, json_object())
    both_or_neither(body)
    consume = body.get("consume", {})
    source = {"index": 0, "container_id": parent_id, "times": 1, **consume}
    return one(body, "derivative", [source], body["sample_type"])


def pool():
    """Answer 201 with a new container pooled from the sources."""
    body = checked(POOL, json_object())
    sources = [{**s, "index": i, "times": 1} for i, s in enumerate(body["sources"])]
    seen = {}
    for s in sources:
        if s["container_id"] in seen:
            at = f"sources[{s['index']}].container_id"
            raise validation_error({at: f"names the container of sources[{seen[s['container_id']]}] again"})
        seen[s["container_id"]] = s["index"]
    return one(body, "pool", sources, body.get("sample_type"))


def one(body, lineage, sources, sample_type):
    """Answer 201 with the one child (a derivative or pool) made of `sources`."""
    position = body.get("position", "next" if "box_id" in body else None)
    if position is not None and "box_id" not in body:
        raise validation_error({"position": "needs a box_id"})
    (child,) = make(
        lineage,
        sources,
        count=1,
        box_id=body.get("box_id"),
        positions=[position] if position not in (None, "next") else position,
        barcodes=[body["barcode"]] if "barcode" in body else None,
        quantity=body.get("quantity"),
        unit=body.get("unit"),
        sample_type=sample_type,
    )
    return created("container", child)


def make(lineage, sources, *, count, box_id, positions, barcodes, quantity, unit, sample_type):
    """Return the children made, in one transaction; raise the problem if the sources cannot give."""
    sent = json.dumps(sources)
    with transaction() as cur:
        state = SAMPLE.lock(cur, sources=sent, box_id=box_id)
        refuse_unless_possible(lineage, state, box_id)
        if lineage == "pool" and sample_type is None:
            sample_type = shared_sample_type(state)
        children = SAMPLE.make(
            cur,
            lineage=lineage,
            sources=sent,
            count=count,
            box_id=box_id,
            positions=positions if isinstance(positions, list) else None,
            next=positions == "next",
            barcodes=barcodes,
            prefix=current_app.config["BARCODE_PREFIX"],
            quantity=quantity,
            unit=unit,
            sample_type=sample_type,
        )
        if not children:
            free = SAMPLE.free_positions(cur, box_id=box_id)
            detail = f"box {box_id} has {free} free {'position' if free == 1 else 'positions'}; {count} asked"
            raise ApiError(409, "Conflict", detail, "box-full")
    return children


def amount(value, unit):
    """Say an amount: 12.5 uL."""
    return f"{value:.15g} {unit}"


def refuse_unless_possible(lineage, state, box_id):
    """Raise the problem of the first thing that stops the children from being made, if any."""
    pooled = lineage == "pool"
    if not pooled and not state[0]["found"]:
        missing("container", state[0]["container_id"])
    if box_id is not None and not state[0]["box_found"]:
        raise ApiError(
            422, "Unprocessable Content", f"box_id {box_id} does not exist", "missing-parent",
            errors={"box_id": "does not exist"},
        )  # fmt: skip
    unknown = [s for s in state if not s["found"]]
    if unknown:
        refuse(422, "missing-parent", "a source does not exist", unknown, lambda s: "does not exist")
    disposed = [s for s in state if s["status"] == "disposed"]
    if disposed:
        refuse(
            409, "status-conflict", "a disposed container gives nothing", disposed, lambda s: "is disposed"
        )
    mixed = [s for s in state if not (s["convertible"] and s["like_first"])]
    if mixed:
        refuse(
            422, "units-not-convertible", "volume, mass and counts do not convert into each other", mixed,
            lambda s: f"is in {s['unit']}, which {s['asked_unit']} does not convert into"
            if not s["convertible"]
            else f"is asked in {s['asked_unit']}, which does not convert into {state[0]['asked_unit']}",
        )  # fmt: skip
    short = [s for s in state if s["enough"] is False]
    if short:
        refuse(
            409, "insufficient-quantity", "a source has less than is asked", short,
            lambda s: f"has {amount(s['quantity'], s['unit'])} left;"
            f" {amount(s['asked'], s['asked_unit'])} asked",
        )  # fmt: skip


def refuse(status, kind, why, sources, message):
    """Raise a problem naming each source at fault, by index; the detail says the first in words."""
    first = sources[0]
    detail = f"container {first['container_id']} {message(first)}"
    if len(sources) > 1 or first["index"] > 0:
        detail = f"{why}: {detail}"
    errors = [
        {"index": s["index"], "message": f"container {s['container_id']} {message(s)}"} for s in sources
    ]
    title = "Conflict" if status == 409 else "Unprocessable Content"
    raise ApiError(status, title, detail, kind, errors=errors)


def shared_sample_type(state):
    """Return the sample type all sources share; 422 if they differ (the body must then name one)."""
    types = {s["sample_type"] for s in state}
    if len(types) > 1:
        raise ApiError(
            422, "Unprocessable Content", "the sources' sample types differ: say the pool's sample_type",
            "validation", errors={"sample_type": "is required when the sources' sample types differ"},
        )  # fmt: skip
    return types.pop()


def lineage(container_id):
    """Answer a container with its ancestors and descendants; 404 if there is no such container."""
    row = SAMPLE.lineage(get_cursor(), id=container_id, depth=MAX_DEPTH, limit=MAX_RELATED)
    if row is None:
        missing("container", container_id)
    return jsonify(row)


def events(container_id, offset, limit):
    """Answer a page of a container's events, newest first; 404 if there is no such container."""
    return list_response(
        EVENTS,
        offset,
        limit,
        parent=("container_id", container_id, CONTAINER.exists),
        missing=f"container {container_id} does not exist",
    )
