"""POST /containers/import: containers from a CSV file, all or none, in one transaction.

The file goes to a temporary table with COPY, is checked there with
set-based SQL (422 listing each bad line and column), and is inserted with
one INSERT ... SELECT, through the same triggers as every write (history,
lab permissions, positions). Its size limit is MAX_IMPORT_BYTES, for this
route only.
"""

import csv
import io

from flask import Blueprint, abort, current_app, jsonify, request

from ..database import paging
from ..database.queries import load
from ..db import transaction
from .errors import ApiError, validation_error
from .openapi import documented
from .openapi_objects import query_parameter, responses, writes
from .storage import problem_list
from .validation import body_bytes

bp = Blueprint("imports", __name__)
CONTAINER = load("container")
COLUMNS = ("uuid", "barcode", "description", "freezer_id", "box_id", "position", "status")
MAX_ERRORS = 100
CSV = ("text/csv", "application/octet-stream")  # a file as it is: what generated clients send
COUNTED = {"application/json": {"schema": {"type": "object", "additionalProperties": {"type": "integer"}}}}


@bp.post("/containers/import")
@documented(
    writes(
        {
            "operationId": "importContainers",
            "tags": ["containers"],
            "summary": "Create containers from a CSV file: all or none",
            "description": f"A header row names any of {', '.join(COLUMNS)}; line 2 is the first container."
            " A container in a box goes to the box's freezer. 422 lists bad lines (at most 100).",
            "parameters": [
                query_parameter("dry_run", {"type": "boolean"}, "check everything, write nothing"),
            ],
            "requestBody": {  # documented as a file: text/csv is served too, but generators skip it
                "required": True,
                "description": "CSV, sent as text/csv or application/octet-stream",
                "content": {"application/octet-stream": {"schema": {"type": "string", "format": "binary"}}},
            },
            "responses": {
                **responses(
                    {
                        "201": {"description": "imported: {imported: N}", "content": COUNTED},
                        "200": {"description": "dry run: {would_import: N}", "content": COUNTED},
                    },
                    *(400, 409, 413, 415),
                ),
                **problem_list(422, "bad rows: `errors` lists {line, column, message}"),
            },
        }
    )
)
def import_containers():
    """Create every container of the CSV body, or none; ?dry_run=true only checks them."""
    request.max_content_length = current_app.config["MAX_IMPORT_BYTES"]
    if request.mimetype not in CSV:
        abort(415, "send the rows as CSV, with Content-Type: text/csv")
    dry_run = flag("dry_run")
    data = body_bytes()
    columns = header(data)
    with transaction() as cur:
        CONTAINER.import_time(cur, ms=str(current_app.config["IMPORT_STATEMENT_TIMEOUT_MS"]))
        CONTAINER.import_start(cur)
        paging.copy(cur, CONTAINER.import_copy, columns, io.BytesIO(data))
        problems = CONTAINER.import_problems(cur)
        if problems:
            raise rows_error(problems)
        count = CONTAINER.import_rows(cur)
        if dry_run:
            cur.connection.rollback()
            return jsonify(would_import=count)
    return jsonify(imported=count), 201


def flag(name):
    """Return a boolean query parameter (true or false, default false); 400 otherwise."""
    value = request.args.get(name, "false")
    if value not in ("true", "false"):
        raise validation_error({name: "must be true or false"}, f"{name} must be true or false")
    return value == "true"


def header(data):
    """Return the column names of the CSV's header row; 422 if one is unknown or repeated, or none."""
    first = data.split(b"\n", 1)[0].decode("utf-8", "replace").rstrip("\r")
    names = next(csv.reader([first]), [])
    problems = [
        {"line": 1, "column": name, "message": f"is not one of {', '.join(COLUMNS)}"}
        for name in names
        if name not in COLUMNS
    ]
    problems += [
        {"line": 1, "column": name, "message": "is named twice"}
        for name in sorted(set(names))
        if names.count(name) > 1
    ]
    if not names:
        problems.append({"line": 1, "column": "", "message": "the header row naming the columns is missing"})
    if problems:
        raise rows_error(problems)
    return names


def rows_error(problems):
    """Return the 422 listing each line's problems."""
    return ApiError(
        422,
        "Unprocessable Content",
        "no container was imported: some lines are not valid",
        "invalid-rows",
        errors=problems[:MAX_ERRORS],
    )
