"""The OpenAPI 3.1 document, built from the app's routes and what each view declares.

Every documented view carries its operation (`@documented`): request bodies
are the very JSON Schemas that validation.check applies, filters the very
schemas listing.filter_values applies, orders the very names
listing.parse_query accepts. The paths and their parameters come from the
URL map itself, so there is no second route table to drift. Served at
/openapi.json; /docs shows it with Swagger UI, from files installed with the
flask-swagger-ui package (no CDN).
"""

import re

from flask import Blueprint, current_app
from flask_swagger_ui import get_swaggerui_blueprint

from .listing import MAX_OFFSET, MAX_Q
from .openapi_objects import (
    ANYONE,
    COMPONENTS,
    ID,
    PROBLEM_SCHEMA,
    header,
    json_body,
    path_parameter,
    query_parameter,
    responses,
    row_response,
    row_schema,
    writes,
)
from .validation import body_schema, required_fields

PARAMETER = re.compile(r"<(?:(?P<converter>\w+)(?:\([^)]*\))?:)?(?P<name>\w+)>")
IF_MATCH = {"$ref": "#/components/parameters/If-Match"}
SAME_ID = {**ID, "description": "optional; must equal the id in the URL"}

docs = get_swaggerui_blueprint(
    "/docs",
    "/openapi.json",
    {"app_name": "Lab inventory API", "oauth2RedirectUrl": "/docs/oauth2-redirect.html"},
    blueprint_name="docs",
)


def documented(operation):
    """Attach an OpenAPI operation to a view: a dict, or a function of the route's rule returning one.

    An operation's "x-schemas" are added to the document's component schemas.
    """

    def attach(view):
        view.openapi = operation
        return view

    return attach


def document(app):
    """Return the whole OpenAPI document of `app`'s documented routes."""
    paths, schemas = {}, {"Problem": PROBLEM_SCHEMA}
    for rule in app.url_map.iter_rules():
        operation = getattr(app.view_functions[rule.endpoint], "openapi", None)
        if operation is None:
            continue
        operation = dict(operation(rule) if callable(operation) else operation)
        schemas.update(operation.pop("x-schemas", {}))
        operation["parameters"] = path_parameters(rule.rule) + operation.get("parameters", [])
        if not operation["parameters"]:
            del operation["parameters"]
        path = PARAMETER.sub(r"{\g<name>}", rule.rule)
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            paths.setdefault(path, {})[method.lower()] = operation
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "Lab inventory API",
            "version": "1.0.0",
            "description": "Labs, sites, computers, freezers and containers over PostgreSQL."
            " Errors are RFC 9457 problem+json.",
        },
        "paths": paths,
        "components": {"schemas": schemas, **COMPONENTS},
    }


def path_parameters(rule):
    """Return the path parameters of a URL rule, in order: ids, offsets and limits."""
    parameters = []
    segments = rule.strip("/").split("/")
    for i, segment in enumerate(segments):
        match = PARAMETER.fullmatch(segment)
        if match is None:
            continue
        name = match["name"]
        if name == "offset":
            schema, description = {"type": "integer", "minimum": 0, "maximum": MAX_OFFSET}, "rows to skip"
        elif name == "limit":
            schema, description = limit_schema(), "page size"
        else:
            owner = name.removesuffix("_id")
            if owner in ("row", "parent"):
                owner = segments[i - 1]
            schema, description = ID, f"the {owner.removesuffix('s')}'s id"
        parameters.append(path_parameter(name, schema, description))
    return parameters


def limit_schema():
    """Return the schema of a page size."""
    return {"type": "integer", "minimum": 1, "maximum": current_app.config["MAX_PAGE_SIZE"]}


def list_parameters(listing, keyset):
    """Return the query parameters of a list; `keyset` adds limit and after."""
    parameters = [
        query_parameter(
            "q",
            {"type": "string", "maxLength": MAX_Q},
            "case-insensitive substring of any of: " + ", ".join(listing.search),
        ),
        query_parameter(
            "order",
            {"type": "string", "enum": list(listing.orders)},
            f"sort by a column, '-' for descending; default {listing.default_order}",
        ),
        query_parameter(
            "format",
            {"type": "string", "enum": ["json", "csv"]},
            "json (default) or csv; or send Accept: text/csv",
        ),
    ]
    if not listing.search:
        parameters.pop(0)
    parameters += [
        query_parameter(name, schema, f"only rows whose {name} equals this")
        for name, schema in listing.filters.items()
    ]
    if keyset:
        parameters += [
            query_parameter("limit", limit_schema(), "page size; pages by keyset"),
            query_parameter(
                "after", {"type": "string", "minLength": 1}, "the cursor in the previous page's Link rel=next"
            ),
        ]
    return parameters


def list_operation(listing, summary, schema):
    """Return the operation of a list whose rows are component `schema`, for its keyset and offset forms."""

    def operation(rule):
        offset_form = "offset" in rule.arguments
        return {
            "summary": summary + (" (offset form)" if offset_form else ""),
            "security": ANYONE,
            "parameters": list_parameters(listing, keyset=not offset_form),
            "responses": {
                "200": {
                    "description": "a page of rows, ordered;"
                    " X-Total-Count counts every row that passes the filters",
                    "headers": {"X-Total-Count": header("X-Total-Count"), "Link": header("Link")},
                    "content": {
                        "application/json": {
                            "schema": {"type": "array", "items": {"$ref": f"#/components/schemas/{schema}"}}
                        },
                        "text/csv": {"schema": {"type": "string"}},
                    },
                },
                **responses({}, 400, 404),
            },
            "x-schemas": {schema: row_schema(listing.fields)},
        }

    return operation


def row_operations(name, fields):
    """Return the operations on table resource `name`'s rows: get, put (and post), patch, delete, create."""
    ref = f"#/components/schemas/{name.capitalize()}"
    body_ids = {"id": SAME_ID, f"{name}_id": SAME_ID}
    whole = body_schema({**fields, **body_ids}, required_fields(fields))
    row = row_response(ref, f"the {name}")
    return {
        "get": {
            "summary": f"One {name}",
            "security": ANYONE,
            "parameters": [{"$ref": "#/components/parameters/If-None-Match"}],
            "responses": responses(
                {
                    "200": row,
                    "304": {
                        "description": "If-None-Match names the current version",
                        "headers": {"ETag": header("ETag")},
                    },
                },
                404,
            ),
        },
        "put": writes(
            {
                "summary": f"Create the {name} with this id, or replace all its fields",
                "description": "With If-Match, only replace the version named (412 otherwise).",
                "parameters": [IF_MATCH],
                "requestBody": json_body(whole),
                "responses": responses(
                    {
                        "200": row_response(ref, f"the replaced {name}"),
                        "201": row_response(ref, f"the created {name}", ("ETag", "Location")),
                    },
                    *(400, 404, 409, 412, 413, 415, 422),
                ),
            }
        ),
        "patch": writes(
            {
                "summary": f"Change some fields of a {name}",
                "parameters": [IF_MATCH],
                "requestBody": json_body(body_schema({**fields, **body_ids})),
                "responses": responses({"200": row}, 400, 404, 409, 412, 413, 415, 422),
            }
        ),
        "delete": writes(
            {
                "summary": f"Delete a {name}, answering it",
                "parameters": [IF_MATCH],
                "responses": responses({"200": row_response(ref, f"the deleted {name}", ())}, 404, 409, 412),
            }
        ),
        "create": writes(
            {
                "summary": f"Create a {name} with a server-assigned id",
                "requestBody": json_body(body_schema(fields, required_fields(fields))),
                "responses": responses(
                    {"201": row_response(ref, f"the new {name}", ("ETag", "Location"))},
                    *(400, 409, 413, 415, 422),
                ),
            }
        ),
    }


bp = Blueprint("openapi", __name__)


@bp.get("/openapi.json")
def openapi():
    """Return the OpenAPI 3.1 document of this API."""
    return document(current_app)
