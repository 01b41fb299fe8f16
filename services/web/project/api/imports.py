"""POST /containers/import: containers from a CSV file, all or none, in one transaction.

The file is parsed here, line by line (any line ending; a quoted field may
span lines): a line that is not CSV, has the wrong number of fields, or
holds bytes that are not UTF-8 or a NUL is a 422 naming its line (and
column). The rows then go to a temporary table with COPY, are checked
there with set-based SQL (422 listing each bad line and column), and are
inserted with one INSERT ... SELECT, through the same triggers as every
write (history, lab permissions, positions). Its size limit is
MAX_IMPORT_BYTES, for this route only.
"""

import collections
import csv
import io
import re

from flask import Blueprint, abort, current_app, jsonify, request

from ..database import container_import
from ..database.container_import import COLUMNS
from ..db import transaction
from .errors import ApiError, validation_error
from .openapi import documented
from .openapi_objects import query_parameter, responses, writes
from .storage import problem_list
from .validation import body_bytes

bp = Blueprint("imports", __name__)
IMPORT = container_import.SQL
MAX_ERRORS = 100
MAX_NAMES = 2 * len(COLUMNS)  # a longer header is refused before its names are checked
MAX_SHOWN = 40  # characters of an unknown column name repeated in a problem
NOT_TEXT = re.compile("[\0\ud800-\udfff]")  # a NUL, or a byte that is not UTF-8 (surrogateescape)
CSV_FAULTS = {  # the start of the csv module's message -> ours
    "unexpected end of data": "a quoted field is not closed before the end of the file",
    "',' expected after '\"'": "a quoted field must end at its closing quote",
    "field larger than field limit": f"a field is longer than {csv.field_size_limit()} characters",
}
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
                **problem_list(
                    422, "bad rows: `errors` lists {line, column, message}; column null: the whole line"
                ),
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
    rows = parse(body_bytes())
    with transaction() as cur:
        IMPORT.time(cur, ms=str(current_app.config["IMPORT_STATEMENT_TIMEOUT_MS"]))
        IMPORT.start(cur)
        container_import.copy_rows(cur, rows)
        problems = IMPORT.problems(cur)
        if problems:
            raise rows_error(problems)
        count = IMPORT.insert(cur)
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


def parse(data):
    """Return the rows of CSV `data` as dicts of their line and values (None for empty); 422 for faults."""
    reader = csv.reader(io.StringIO(data.decode("utf-8", "surrogateescape"), newline=""), strict=True)
    names = header(reader)
    rows, problems = [], []
    for line, fields, fault in records(reader):
        found = row_problems(line, names, fields, fault)
        if found:
            problems += found
        else:
            rows.append(
                {"line": line, **{name: value or None for name, value in zip(names, fields, strict=True)}}
            )
        if len(problems) >= MAX_ERRORS:
            break
    if problems:
        raise rows_error(problems)
    return rows


def records(reader):
    """Yield (line, fields, None) or (line, None, fault) for each record, from the line it starts on."""
    while True:
        line = reader.line_num + 1
        try:
            fields = next(reader)
        except StopIteration:
            return
        except csv.Error as e:
            yield line, None, csv_fault(e)
            continue
        if fields:  # a blank line is no record
            yield line, fields, None


def csv_fault(error):
    """Return what the csv module's `error` means, in our words."""
    return next((ours for start, ours in CSV_FAULTS.items() if str(error).startswith(start)), "is not CSV")


def header(reader):
    """Return the column names of the header row; 422 if one is unknown or repeated, or too many or none."""
    line, names, fault = next(records(reader), (1, None, "the header row naming the columns is missing"))
    if not fault and len(names) > MAX_NAMES:
        fault = f"names {len(names)} columns; a header may name at most {MAX_NAMES}"
    if fault:
        raise rows_error([problem(line, None, fault)])
    unknown = f"is not one of {', '.join(COLUMNS)}"
    problems = [problem(line, shown(name), unknown) for name in names if name not in COLUMNS]
    problems += [
        problem(line, shown(name), "is named twice")
        for name, times in sorted(collections.Counter(names).items())
        if times > 1
    ]
    if problems:
        raise rows_error(problems)
    return names


def row_problems(line, names, fields, fault):
    """Return what is wrong with the form of one record: not CSV, too few or many fields, bad bytes."""
    if fault:
        return [problem(line, None, fault)]
    if len(fields) != len(names):
        return [problem(line, None, f"has {len(fields)} fields; the header names {len(names)}")]
    return [
        problem(line, name, "holds a NUL character" if "\0" in value else "is not UTF-8 text")
        for name, value in zip(names, fields, strict=True)
        if NOT_TEXT.search(value)
    ]


def problem(line, column, message):
    """Return one problem of a line: the column it is in (None: the whole line), and what is wrong."""
    return {"line": line, "column": column, "message": message}


def shown(name):
    """Return a column name as a problem shows it: NULs and bytes that are not UTF-8 as U+FFFD, cut short."""
    name = NOT_TEXT.sub("\ufffd", name)
    return name if len(name) <= MAX_SHOWN else name[: MAX_SHOWN - 1] + "\u2026"


def rows_error(problems):
    """Return the 422 listing each line's problems."""
    return ApiError(
        422,
        "Unprocessable Content",
        "no container was imported: some lines are not valid",
        "invalid-rows",
        errors=problems[:MAX_ERRORS],
    )
