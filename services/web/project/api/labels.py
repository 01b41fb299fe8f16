"""Labels to print: POST /labels and GET /labels/layouts; the helper of each item's own label.

GET /container/<id>/label, /box/<id>/label and /rack/<id>/label are in api/container.py,
api/box.py and api/rack.py and call `single`. Every request reads the rows it prints in one
statement (items of database/label.sql); project/labels draws them: PDF, PNG or ZPL.
"""

from flask import Blueprint, Response, current_app, jsonify, request

from .. import labels as printing
from ..database.queries import load
from ..db import get_cursor, transaction
from .auth import may_write
from .errors import ApiError, plural
from .limits import LABELS_PRINTED, labels_asked, labels_limit, limiter
from .listing import bad_parameters
from .openapi import documented
from .openapi_objects import ANYONE, json_body, query_parameter, responses, schema_ref
from .responses import missing
from .rows import checked
from .validation import body_schema, check, json_object, reference

bp = Blueprint("labels", __name__)
LABEL = load("label")
KINDS = ("container", "box", "rack")  # in the order POST /labels prints them
MAX_LABELS = 1000  # a request's labels, copies included
NO_BARCODE = "a label needs one (set it with PATCH)"
TYPES = {"pdf": "application/pdf", "png": "image/png", "zpl": "text/plain; charset=utf-8"}
LAYOUT = {"type": "string", "enum": [layout["name"] for layout in printing.LAYOUTS]}
OPTIONS = {  # what the query parameters of an item's label mean
    "format": "default pdf",
    "layout": f"default {printing.PDF_DEFAULT} for PDF, else {printing.ZPL_DEFAULT}",
    "dpi": "ZPL and PNG; default 203",
}
DPI = {"type": "integer", "enum": [203, 300]}  # the printer's dots per inch
QUERY = body_schema(
    {
        "format": {"type": "string", "enum": ["pdf", "png", "zpl"]},
        "layout": LAYOUT,
        "dpi": DPI,
    }
)
LABELS = body_schema(
    {
        **{
            f"{kind}_ids": {"type": "array", "maxItems": MAX_LABELS, "items": reference(kind)}
            for kind in KINDS
        },
        "format": {"type": "string", "enum": ["pdf", "zpl"], "description": "default pdf"},
        "layout": LAYOUT,
        "dpi": DPI,
        "copies": {
            "type": "integer",
            "minimum": 1,
            "maximum": MAX_LABELS,
            "description": "of each label; default 1",
        },
        "assign_missing": {"type": "boolean", "description": "give items without a barcode a new one"},
    }
)
LAYOUTS = {
    "type": "array",
    "items": {
        "type": "object",
        "properties": {
            "name": {"type": "string"},
            "kind": {"type": "string", "enum": ["roll", "sheet"]},
            "label_width_mm": {"type": "number"},
            "label_height_mm": {"type": "number"},
            "columns": {"type": "integer", "minimum": 1},
            "rows": {"type": "integer", "minimum": 1},
            "page": {"type": ["string", "null"], "enum": ["A4", "Letter", None]},
        },
        "required": ["name", "kind", "label_width_mm", "label_height_mm", "columns", "rows", "page"],
    },
}
DISPOSITION = {"description": 'inline (ZPL: attachment); filename="…"', "schema": {"type": "string"}}
MEDIA = {"pdf": "application/pdf", "png": "image/png", "zpl": "text/plain"}


def documents(*formats):
    """Return the 200 response of labels in these formats: PDF and PNG binary (no schema), ZPL text."""
    return {
        "200": {
            "description": "the labels: " + ", ".join(formats) + " (PDF and PNG binary; ZPL text, UTF-8)",
            "headers": {"Content-Disposition": DISPOSITION},
            "content": {
                MEDIA[kind]: {"schema": {"type": "string"}} if kind == "zpl" else {} for kind in formats
            },
        }
    }


def label_operation(kind):
    """Return the operation of GET /<kind>/<id>/label: 409 if the item has no barcode."""
    name = kind.capitalize()
    return {
        "operationId": f"get{name}Label",
        "tags": [plural(kind)],
        "summary": f"One {kind}'s label as PDF, PNG or ZPL; 409 without a barcode",
        "security": ANYONE,
        "parameters": [{"$ref": f"#/components/parameters/Label.{option}"} for option in QUERY["properties"]],
        "responses": responses(documents("pdf", "png", "zpl"), 400, 404, 409),
        "x-parameters": {
            f"Label.{option}": query_parameter(option, schema, OPTIONS[option])
            for option, schema in QUERY["properties"].items()
        },
    }


def query_options():
    """Return format, layout and dpi of the query string, with their defaults; 400 naming any bad one."""
    args = request.args
    unknown = [name for name in args if name not in QUERY["properties"]]
    if unknown:
        errors = {name: "is not a known parameter" for name in unknown}
        raise bad_parameters(errors, "unknown parameter: " + ", ".join(unknown))
    values = {name: args[name] for name in args}
    if values.get("dpi", "").isascii() and values.get("dpi", "").isdigit():
        values["dpi"] = int(values["dpi"])
    try:
        return check(QUERY, values)
    except ApiError as e:
        errors = e.extra["errors"]
        raise bad_parameters(
            errors, "; ".join(f"{name} {message}" for name, message in errors.items())
        ) from None


def single(kind, item_id):
    """Answer the label of one container, box or rack in the query's format and layout; 404 if none."""
    options = query_options()
    ids = {f"{other}_ids": [item_id] if other == kind else [] for other in KINDS}
    rows = LABEL.items(get_cursor(), **ids)
    if not rows[0]["found"]:
        missing(kind, item_id)
    if rows[0]["barcode"] is None:
        detail = f"{kind} {item_id} has no barcode: {NO_BARCODE}"
        raise ApiError(409, "Conflict", detail, "no-barcode")
    return render(rows, options, f"{kind}-{item_id}")


@bp.post("/labels")
@limiter.shared_limit(labels_limit, LABELS_PRINTED, cost=labels_asked)
@documented(
    {
        "operationId": "printLabels",
        "tags": ["labels"],
        "summary": "The labels of containers, boxes and racks, in one PDF or ZPL document",
        "description": "In the order given: containers, then boxes, then racks; each `copies` times."
        f" At most {MAX_LABELS} labels a request. 422 names each id that does not exist, 409 each"
        " item without a barcode. Printing is a read; `assign_missing` writes, so it needs an editor.",
        "security": ANYONE,
        "requestBody": json_body(schema_ref("Labels")),
        "responses": responses(documents("pdf", "zpl"), 400, 401, 403, 409, 413, 415, 422),
        "x-schemas": {"Labels": LABELS},
    }
)
def print_labels():
    """One document with the label of every item in the body, in order; 422 or 409 naming items at fault."""
    body = checked(LABELS, json_object())
    ids = {f"{kind}_ids": body.get(f"{kind}_ids", []) for kind in KINDS}
    count = sum(map(len, ids.values())) * body.get("copies", 1)
    if not 1 <= count <= MAX_LABELS:
        detail = f"a request prints 1 to {MAX_LABELS} labels (ids times copies), not {count}"
        raise ApiError(400, "Bad Request", detail, "too-many-labels" if count else "no-labels")
    if body.get("assign_missing"):  # an editor's act, in the history; reading labels changes nothing
        may_write()
        with transaction() as cur:
            LABEL.assign_missing(cur, prefix=current_app.config["BARCODE_PREFIX"], **ids)
            rows = printable(LABEL.items(cur, **ids), ids)
    else:
        rows = printable(LABEL.items(get_cursor(), **ids), ids)
    return render(rows, body, "labels")


def printable(rows, ids):
    """Return `rows`, read for `ids`; 422 naming ids that do not exist, 409 items without a barcode."""
    places = [f"{kind}_ids[{index}]" for kind in KINDS for index in range(len(ids[f"{kind}_ids"]))]
    absent = {
        place: f"{row['kind']} {row['id']} does not exist"
        for place, row in zip(places, rows, strict=True)
        if not row["found"]
    }
    if absent:
        raise ApiError(
            422, "Unprocessable Content", "; ".join(absent.values()), "missing-item", errors=absent
        )
    bare = {
        place: f"{row['kind']} {row['id']} has no barcode"
        for place, row in zip(places, rows, strict=True)
        if row["barcode"] is None
    }
    if bare:
        detail = "; ".join(bare.values()) + f": {NO_BARCODE}"
        raise ApiError(409, "Conflict", detail, "no-barcode", errors=bare)
    return rows


def render(rows, options, name):
    """Answer the rows' labels as `options` say (format, layout, dpi, copies), as file `name`.<format>."""
    kind = options.get("format", "pdf")
    layout = printing.BY_NAME[
        options.get("layout", printing.PDF_DEFAULT if kind == "pdf" else printing.ZPL_DEFAULT)
    ]
    items = [printing.item(row["kind"], row) for row in rows]
    dpi, copies = options.get("dpi", 203), options.get("copies", 1)
    qr_url = current_app.config["LABEL_QR_URL"] or None
    if kind == "pdf":
        document = printing.pdf(items, layout, qr_url=qr_url, copies=copies)
    elif kind == "png":
        document = printing.png(items[0], layout, dpi=dpi, qr_url=qr_url)
    else:
        document = printing.zpl(items, layout, dpi=dpi, qr_url=qr_url, copies=copies).encode()
    response = Response(document, content_type=TYPES[kind])
    disposition = "attachment" if kind == "zpl" else "inline"
    response.headers["Content-Disposition"] = f'{disposition}; filename="{name}.{kind}"'
    return response


@bp.get("/labels/layouts")
@documented(
    {
        "operationId": "listLabelLayouts",
        "tags": ["labels"],
        "summary": "The label stocks labels are printed on: rolls and sheets",
        "security": ANYONE,
        "responses": responses(
            {"200": {"description": "every layout", "content": {"application/json": {"schema": LAYOUTS}}}}
        ),
    }
)
def label_layouts():
    """Every layout, rolls first: its name, kind, label size in mm, labels across and down, page."""
    return jsonify([printing.public(layout) for layout in printing.LAYOUTS])
