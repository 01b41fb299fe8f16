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

from .errors import plural
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
    schema_ref,
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


def documented(operation=None, **by_method):
    """Attach OpenAPI operations to a view, for the document built from the app's routes.

    `operation` documents every method of the view's routes: a dict, or a
    function of the route's rule that returns one (None: that route is an
    alias, served but left out of the document). Or give one operation per
    method: documented(GET=..., PUT=...). An operation's "x-schemas" and
    "x-parameters" become components.
    """

    def lookup(rule, method):
        if by_method:
            return by_method.get(method)
        return operation(rule) if callable(operation) else operation

    def attach(view):
        view.openapi = lookup
        return view

    return attach


def document(app):
    """Return the whole OpenAPI document of `app`'s documented routes."""
    paths, schemas, parameters, tags = {}, {"Problem": PROBLEM_SCHEMA}, page_parameters(), {}
    for rule in app.url_map.iter_rules():
        lookup = getattr(app.view_functions[rule.endpoint], "openapi", None)
        if lookup is None or rule.rule.endswith("/"):  # undocumented, or an alias: /sites/ is /sites
            continue
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            operation = lookup(rule, method)
            if operation is None:
                continue
            operation = dict(operation)
            schemas.update(operation.pop("x-schemas", {}))
            parameters.update(operation.pop("x-parameters", {}))
            tags.update(dict.fromkeys(operation.get("tags", ())))
            item = paths.setdefault(PARAMETER.sub(r"{\g<name>}", rule.rule), {})
            if path_parameters(rule.rule):
                item["parameters"] = path_parameters(rule.rule)
            item[method.lower()] = operation
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "Lab inventory API",
            "version": "1.0.0",
            "description": "Labs, sites, computers, freezers and containers over PostgreSQL."
            " Errors are RFC 9457 problem+json.",
        },
        "tags": [{"name": tag} for tag in tags],
        "paths": paths,
        "components": {
            "schemas": schemas,
            **COMPONENTS,
            "parameters": {**COMPONENTS["parameters"], **parameters},
        },
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
        elif match["converter"] != "id":  # text, such as a barcode
            schema, description = {"type": "string", "minLength": 1, "maxLength": 200}, f"the {name}"
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


def page_parameters():
    """Return the query parameters every list shares, as components."""
    return {
        "Format": query_parameter(
            "format",
            {"type": "string", "enum": ["json", "csv"]},
            "json (default) or csv; or send Accept: text/csv",
        ),
        "Limit": query_parameter("limit", limit_schema(), "page size; pages by keyset"),
        "After": query_parameter(
            "after", {"type": "string", "minLength": 1}, "the cursor in the previous page's Link rel=next"
        ),
    }


def list_parameters(listing, schema):
    """Return the query parameters of a list of `schema` rows, as components named <schema>.<name>."""
    parameters = {
        "order": query_parameter(
            "order",
            {"type": "string", "enum": list(listing.orders)},
            f"sort by a column, '-' for descending; default {listing.default_order}",
        )
    }
    if listing.search:
        search = f"case-insensitive substring of any of: {', '.join(listing.search)}"
        parameters["q"] = query_parameter("q", {"type": "string", "maxLength": MAX_Q}, search)
    for name, filter_schema in listing.filters.items():
        meaning = (
            "is this or later"
            if name in listing.minimums
            else "is earlier than this"
            if name in listing.befores
            else "equals this"
        )
        parameters[name] = query_parameter(name, filter_schema, f"only rows whose {name} {meaning}")
    return {f"{schema}.{name}": parameter for name, parameter in parameters.items()}


def list_operation(listing, summary, schema, operation_id, tag):
    """Return the operation of a list whose rows are component `schema`.

    Documented once, at its keyset form; its offset form (.../{offset}/{limit}) is an alias.
    """
    operation = {
        "operationId": operation_id,
        "tags": [tag],
        "summary": summary,
        "description": "Keyset pages: `limit`, then `after` from the Link header's rel=next. The same list"
        " is served with a trailing slash, and in pages by offset at .../{offset}/{limit} (with"
        " first/prev/next/last links).",
        "security": ANYONE,
        "parameters": [
            {"$ref": f"#/components/parameters/{name}"}
            for name in ("Format", "Limit", "After", *list_parameters(listing, schema))
        ],
        "responses": {
            "200": {
                "description": "a page of rows, ordered;"
                " X-Total-Count counts every row that passes the filters",
                "headers": {"X-Total-Count": header("X-Total-Count"), "Link": header("Link")},
                "content": {
                    "application/json": {"schema": {"type": "array", "items": schema_ref(schema)}},
                    "text/csv": {"schema": {"type": "string"}},
                },
            },
            **responses({}, 400, 404),
        },
        "x-schemas": {schema: row_schema(listing.fields, listing.names)},
        "x-parameters": list_parameters(listing, schema),
    }
    return lambda rule: None if "offset" in rule.arguments else operation


def row_operations(name, fields):
    """Return the operations on table resource `name`'s rows: get, put, patch, delete and create.

    Their bodies are component schemas: <Name>New (create), <Name>Upsert
    (put, and post: the original API's deprecated spelling of put) and <Name>Patch.
    """
    Name, tag = name.capitalize(), plural(name)
    body_ids = {"id": SAME_ID, f"{name}_id": SAME_ID}
    bodies = {
        f"{Name}New": body_schema(fields, required_fields(fields)),
        f"{Name}Upsert": body_schema({**fields, **body_ids}, required_fields(fields)),
        f"{Name}Patch": body_schema({**fields, **body_ids}),
    }
    ref = f"#/components/schemas/{Name}"
    row = row_response(ref, f"the {name}")

    def operation(verb, summary, **rest):
        return {"operationId": f"{verb}{Name}", "tags": [tag], "summary": summary, **rest}

    put = writes(
        operation(
            "upsert",
            f"Create the {name} with this id, or replace all its fields",
            description="With If-Match, only replace the version named (412 otherwise); with"
            " If-None-Match: *, only create (412 if it exists).",
            parameters=[IF_MATCH, {"$ref": "#/components/parameters/If-None-Match"}],
            requestBody=json_body(schema_ref(f"{Name}Upsert")),
            responses=responses(
                {
                    "200": row_response(ref, f"the replaced {name}"),
                    "201": row_response(ref, f"the created {name}", ("ETag", "Location")),
                },
                *(400, 404, 409, 412, 413, 415, 422),
            ),
            **{"x-schemas": bodies},
        )
    )

    return {
        "get": operation(
            "get",
            f"One {name}",
            security=ANYONE,
            parameters=[{"$ref": "#/components/parameters/If-None-Match"}],
            responses=responses(
                {
                    "200": row,
                    "304": {
                        "description": "If-None-Match names the current version",
                        "headers": {"ETag": header("ETag")},
                    },
                },
                404,
            ),
        ),
        "put": put,
        "post": {  # the original API's spelling of put
            **{k: v for k, v in put.items() if k != "x-schemas"},
            "operationId": f"post{Name}",
            "summary": f"The same as PUT /{name}/{{row_id}} (the original API's upsert)",
            "deprecated": True,
        },
        "patch": writes(
            operation(
                "patch",
                f"Change some fields of a {name}",
                parameters=[IF_MATCH],
                requestBody=json_body(schema_ref(f"{Name}Patch")),
                responses=responses({"200": row}, 400, 404, 409, 412, 413, 415, 422),
            )
        ),
        "delete": writes(
            operation(
                "delete",
                f"Delete a {name}, answering it",
                parameters=[IF_MATCH],
                responses=responses({"200": row_response(ref, f"the deleted {name}", ())}, 404, 409, 412),
            )
        ),
        "create": writes(
            operation(
                "create",
                f"Create a {name} with a server-assigned id",
                description=f"The same at /{tag}/.",
                requestBody=json_body(schema_ref(f"{Name}New")),
                responses=responses(
                    {"201": row_response(ref, f"the new {name}", ("ETag", "Location"))},
                    *(400, 409, 413, 415, 422),
                ),
            )
        ),
    }


bp = Blueprint("openapi", __name__)


@bp.get("/openapi.json")
def openapi():
    """Return the OpenAPI 3.1 document of this API."""
    return document(current_app)
