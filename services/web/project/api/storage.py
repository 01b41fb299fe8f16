"""Where things are: /lookup/<barcode> and /moves; the helpers of grids, trees and status changes.

Moves, check-out, check-in and disposal change containers, each request in
one transaction; PostgreSQL enforces every rule of positions (migration
0003), so a concurrent request that takes a position first wins and the
other is a 409. The routes of a box's grid, a freezer's tree and a
container's status are in api/box.py, api/freezer.py and api/container.py;
bulk import is in api/imports.py.
"""

import json

from flask import Blueprint, jsonify, request
from psycopg2 import errors as pg

from ..database.queries import load
from ..db import get_cursor, transaction
from .errors import MOVE_PROBLEMS, ApiError
from .openapi import documented
from .openapi_objects import (
    ANYONE,
    PROBLEM,
    PROBLEM_SCHEMA,
    json_body,
    responses,
    row_response,
    schema_ref,
    writes,
)
from .responses import answer, missing
from .rows import checked
from .validation import POSITION, body_schema, json_object, reference, text

bp = Blueprint("storage", __name__)
CONTAINER, BARCODE = load("container"), load("barcode")

COUNT = {"type": "integer", "minimum": 0}
CONTAINERS = {"type": "array", "items": schema_ref("Container")}
CONTAINER_OR_NULL = {"anyOf": [schema_ref("Container"), {"type": "null"}]}
GRID = {
    "type": "object",
    "properties": {
        "box": schema_ref("Box"),
        "rows": COUNT,
        "cols": COUNT,
        "filled": COUNT,
        "empty": COUNT,
        "positions": {
            "type": "array",
            "items": {
                "type": "object",
                "properties": {"position": {"type": "string"}, "container": CONTAINER_OR_NULL},
                "required": ["position", "container"],
            },
        },
    },
    "required": ["box", "rows", "cols", "filled", "empty", "positions"],
}
BOX_COUNTS = {
    "type": "object",
    "properties": {"filled": COUNT, "empty": COUNT},
    "required": ["id", "filled", "empty"],
}
BOXES = {"type": "array", "items": BOX_COUNTS}
TREE = {
    "type": "object",
    "properties": {
        "freezer": schema_ref("Freezer"),
        "racks": {
            "type": "array",
            "items": {"type": "object", "properties": {"boxes": BOXES}, "required": ["id", "boxes"]},
        },
        "boxes": BOXES,
    },
    "required": ["freezer", "racks", "boxes"],
}
FOUND = {
    "type": "object",
    "properties": {
        "kind": {"type": "string", "enum": ["container", "box", "rack"]},
        "item": {"type": "object"},
    },
    "required": ["kind", "item"],
}
LIST_PROBLEM = {  # a problem whose `errors` lists what failed, item by item (moves, import lines)
    **PROBLEM_SCHEMA,
    "properties": {
        **PROBLEM_SCHEMA["properties"],
        "errors": {"type": ["array", "object"], "items": {"type": "object"}},
    },
}
MOVES = body_schema(
    {
        "moves": {
            "type": "array",
            "minItems": 1,
            "maxItems": 1000,
            "items": body_schema(
                {
                    "container_id": reference("container"),
                    "box_id": reference("box", required=False),
                    "position": POSITION,
                },
                ["container_id", "box_id"],
            ),
        }
    },
    ["moves"],
)
TRANSITIONS = {  # action -> (status after, statuses before, field of the note, body, past tense)
    "check-out": ("checked_out", ["in_storage"], "note", {"note": text(2000)}, "checked out"),
    "check-in": (
        "in_storage",
        ["checked_out"],
        None,
        {"box_id": reference("box", required=False), "position": POSITION, "thawed": {"type": "boolean"}},
        "checked in",
    ),
    "dispose": ("disposed", ["in_storage", "checked_out"], "reason", {"reason": text(2000)}, "disposed"),
}


def problem_list(status, description):
    """Return a response whose problem+json lists its errors."""
    return {
        str(status): {"description": description, "content": {PROBLEM: {"schema": schema_ref("ListProblem")}}}
    }


def read_operation(operation_id, tag, summary, schema):
    """Return the operation of a read answering `schema`, or 404."""
    return {
        "operationId": operation_id,
        "tags": [tag],
        "summary": summary,
        "security": ANYONE,
        "responses": responses(
            {"200": {"description": summary, "content": json_body(schema)["content"]}}, 404
        ),
    }


def found(row, what, value):
    """Answer what a read found, or 404 naming `what` it looked for."""
    if row is None:
        missing(what, value)
    return jsonify(row)


@bp.get("/lookup/<barcode>")
@documented(read_operation("lookupBarcode", "storage", "A barcode's owner", FOUND))
def lookup(barcode):
    """The rack, box or container that has this barcode, and its kind."""
    if "\x00" in barcode:  # PostgreSQL text holds no NUL, so no barcode has one
        missing("barcode", repr(barcode))
    return found(BARCODE.lookup(get_cursor(), barcode=barcode), "barcode", barcode)


@bp.post("/moves")
@documented(
    writes(
        {
            "operationId": "moveContainers",
            "tags": ["containers"],
            "summary": "Move containers to boxes and positions: all or none",
            "description": "One transaction; containers may swap places. A box_id of null takes a container"
            " out of its box (it stays in its freezer). 409 lists the moves that cannot be made, by index.",
            "requestBody": json_body(schema_ref("Moves")),
            "responses": {
                **responses(
                    {
                        "200": {
                            "description": "the moved containers",
                            "content": json_body(CONTAINERS)["content"],
                        }
                    },
                    *(400, 413, 415, 422),
                ),
                **problem_list(409, "a move cannot be made: `errors` lists {index, message}"),
            },
            "x-schemas": {"Moves": MOVES, "ListProblem": LIST_PROBLEM},
        }
    )
)
def moves():
    """Make every move in the body, or none; 409 naming each failing move by its index."""
    moves = checked(MOVES, json_object())["moves"]
    sent = json.dumps([{**move, "index": i} for i, move in enumerate(moves)])
    for attempt in (1, 2):
        try:
            with transaction() as cur:
                problems = CONTAINER.move_problems(cur, moves=sent)
                if not problems:
                    return jsonify(CONTAINER.move(cur, moves=sent))
            break
        except pg.ExclusionViolation:  # a concurrent request took a position first
            problems = CONTAINER.move_problems(get_cursor(), moves=sent)
            break
        except pg.DeadlockDetected:  # two requests checked each other's positions: one of them retries
            problems = []
            if attempt == 2:
                break
    errors = [{"index": p["index"], "message": move_problem(p)} for p in problems] or [
        {"index": i, "message": "a concurrent change got in the way; try again"} for i in range(len(moves))
    ]
    detail = "no container was moved: some moves cannot be made"
    raise ApiError(409, "Conflict", detail, "move-conflict", errors=errors)


def move_problem(problem):
    """Say what a move breaks: "position A1 of box 2 holds another container ...: container 7"."""
    message = f"{problem['subject']} {MOVE_PROBLEMS[problem['rule']]}"
    return message if problem["holder"] is None else f"{message}: container {problem['holder']}"


def transition_operation(action):
    """Return the operation of POST /container/<id>/<action>."""
    *_, fields, past = TRANSITIONS[action]
    name = "".join(part.capitalize() for part in action.split("-"))
    return writes(
        {
            "operationId": f"{name[0].lower()}{name[1:]}Container",
            "tags": ["containers"],
            "summary": f"The container {past}: answered",
            "requestBody": {**json_body(body_schema(fields)), "required": False},
            "responses": responses(
                {"200": row_response("#/components/schemas/Container", f"the container, {past}")},
                *(400, 404, 409, 413, 415, 422),
            ),
        }
    )


def transition(row_id, action):
    """Change container `row_id`'s status by `action`; 409 if its status does not allow it."""
    status, sources, note, fields, past = TRANSITIONS[action]
    body = checked(body_schema(fields), json_object() if request.get_data() else {})
    row = CONTAINER.transition(
        get_cursor(),
        id=row_id,
        status=status,
        sources=sources,
        note=body.get(note),
        move="box_id" in body,
        box_id=body.get("box_id"),
        position=body.get("position"),
        thawed=action == "check-in" and body.get("thawed", True),  # the tube was out: one thaw
    )
    if row is None:
        container = CONTAINER.read(get_cursor(), id=row_id)
        if container is None:
            missing("container", row_id)
        allowed = " or ".join(sources)
        detail = f"container {row_id} is {container['status']}: only one {allowed} can be {past}"
        raise ApiError(409, "Conflict", detail, "status-conflict")
    return answer(row)
