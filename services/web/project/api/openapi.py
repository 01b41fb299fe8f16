"""The OpenAPI 3.1 document, built from the same definitions the API runs on.

Request bodies are the very JSON Schemas that validation.check applies,
filters the very schemas listing.filter_values applies, orders the very
names listing.parse_query accepts; so the document cannot drift from the
code. Served at /openapi.json; /docs shows it with Swagger UI, from files
installed with the flask-swagger-ui package (no CDN).
"""

from flask import Blueprint, current_app
from flask_swagger_ui import get_swaggerui_blueprint

from .auth import TOKEN_REQUEST
from .history import history_of_row
from .listing import MAX_OFFSET, MAX_Q
from .openapi_objects import (
    ANYONE,
    COMPONENTS,
    ID,
    PROBLEM_SCHEMA,
    TOKEN,
    header,
    json_body,
    path_parameter,
    query_parameter,
    responses,
    row_response,
    row_schema,
    writes,
)
from .validation import body_schema

docs = get_swaggerui_blueprint(
    "/docs",
    "/openapi.json",
    {"app_name": "Lab inventory API", "oauth2RedirectUrl": "/docs/oauth2-redirect.html"},
    blueprint_name="docs",
)


def list_parameters(listing, keyset):
    """Return the query parameters of a list; `keyset` adds limit and after."""
    orders = list(listing.orders)
    parameters = [
        query_parameter(
            "q",
            {"type": "string", "maxLength": MAX_Q},
            "case-insensitive substring of any of: " + ", ".join(listing.searched),
        ),
        query_parameter(
            "order",
            {"type": "string", "enum": orders},
            f"sort by a column, '-' for descending; default {listing.default_order}",
        ),
        query_parameter(
            "format",
            {"type": "string", "enum": ["json", "csv"]},
            "json (default) or csv; or send Accept: text/csv",
        ),
    ]
    parameters += [
        query_parameter(name, schema, f"only rows whose {name} equals this")
        for name, schema in listing.filters.items()
    ]
    if keyset:
        parameters += [
            query_parameter(
                "limit",
                {"type": "integer", "minimum": 1, "maximum": current_app.config["MAX_PAGE_SIZE"]},
                "page size; pages by keyset",
            ),
            query_parameter(
                "after", {"type": "string", "minLength": 1}, "the cursor in the previous page's Link rel=next"
            ),
        ]
    return parameters


def list_operations(base, listing, ref, summary, *, parent=None, slash=None):
    """Return the path items of one list: the list, in offset form, and (top-level lists) with a slash."""
    page = {
        "200": {
            "description": "a page of rows, ordered; X-Total-Count counts every row that passes the filters",
            "headers": {"X-Total-Count": header("X-Total-Count"), "Link": header("Link")},
            "content": {
                "application/json": {"schema": {"type": "array", "items": {"$ref": ref}}},
                "text/csv": {"schema": {"type": "string"}},
            },
        },
        **responses({}, 400, 404),
    }
    head = [parent] if parent else []
    offset = [
        path_parameter("offset", {"type": "integer", "minimum": 0, "maximum": MAX_OFFSET}, "rows to skip"),
        path_parameter(
            "limit",
            {"type": "integer", "minimum": 1, "maximum": current_app.config["MAX_PAGE_SIZE"]},
            "page size",
        ),
    ]
    operation = {"summary": summary, "responses": page, "security": ANYONE}
    keyset = {"get": {**operation, "parameters": head + list_parameters(listing, keyset=True)}}
    paths = {
        base: keyset,
        base + "/{offset}/{limit}": {
            "get": {
                **operation,
                "summary": summary + " (offset form)",
                "parameters": head + offset + list_parameters(listing, keyset=False),
            }
        },
    }
    if slash if slash is not None else parent is None:
        paths[base + "/"] = keyset
    return paths


SAME_ID = {**ID, "description": "optional; must equal the id in the URL"}


def resource_paths(resource):
    """Return the paths of one table resource."""
    table = resource.table
    name, Name = table.name, table.name.capitalize()
    ref = f"#/components/schemas/{Name}"
    item_id = path_parameter("row_id", ID, f"the {name}'s id")
    if_match = {"$ref": "#/components/parameters/If-Match"}
    write = body_schema({**resource.fields, "id": SAME_ID, f"{name}_id": SAME_ID}, resource.required)
    change = body_schema({**resource.fields, "id": SAME_ID, f"{name}_id": SAME_ID})
    row = row_response(ref, f"the {name}")
    paths = {
        f"/{name}/{{row_id}}": {
            "parameters": [item_id],
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
            "post": writes(upsert_operation(name, ref, write, if_match)),
            "put": writes(upsert_operation(name, ref, write, if_match)),
            "patch": writes(
                {
                    "summary": f"Change some fields of a {name}",
                    "parameters": [if_match],
                    "requestBody": json_body(change),
                    "responses": responses({"200": row}, 400, 404, 409, 412, 413, 415, 422),
                }
            ),
            "delete": writes(
                {
                    "summary": f"Delete a {name}, answering it",
                    "parameters": [if_match],
                    "responses": responses(
                        {"200": row_response(ref, f"the deleted {name}", ())}, 404, 409, 412
                    ),
                }
            ),
        },
    }
    plural_paths = list_operations(f"/{table.plural}", resource.listing, ref, f"A page of {table.plural}")
    create = {
        "summary": f"Create a {name} with a server-assigned id",
        "requestBody": json_body(body_schema(resource.fields, resource.required)),
        "responses": responses(
            {"201": row_response(ref, f"the new {name}", ("ETag", "Location"))}, 400, 409, 413, 415, 422
        ),
    }
    for path in (f"/{table.plural}", f"/{table.plural}/"):
        plural_paths[path]["post"] = writes(create)
    paths.update(plural_paths)
    for parent in table.parents.values():
        parent_id = path_parameter("parent_id", ID, f"the {parent}'s id")
        paths.update(
            list_operations(
                f"/{parent}/{{parent_id}}/{table.plural}",
                resource.listing,
                ref,
                f"A page of one {parent}'s {table.plural}",
                parent=parent_id,
            )
        )
    return paths


def upsert_operation(name, ref, schema, if_match):
    """Return the POST/PUT operation on /<name>/{row_id}."""
    return {
        "summary": f"Create the {name} with this id, or replace all its fields",
        "description": "With If-Match, only replace the version named (412 otherwise).",
        "parameters": [if_match],
        "requestBody": json_body(schema),
        "responses": responses(
            {
                "200": row_response(ref, f"the replaced {name}"),
                "201": row_response(ref, f"the created {name}", ("ETag", "Location")),
            },
            400,
            404,
            409,
            412,
            413,
            415,
            422,
        ),
    }


def auth_paths():
    """Return the paths of /auth/tokens."""
    issued = {
        "type": "object",
        "properties": {
            "id": ID,
            "token": {"type": "string", "description": "shown only in this answer"},
            "username": {"type": "string"},
            "role": {"type": "string", "enum": ["reader", "editor", "admin"]},
            "name": {"type": ["string", "null"]},
            "created_at": {"type": "string", "format": "date-time"},
            "expires_at": {"type": ["string", "null"], "format": "date-time"},
        },
        "required": ["id", "token", "username", "role", "name", "created_at", "expires_at"],
    }
    revoked = {
        "type": "object",
        "properties": {
            "id": ID,
            "name": {"type": ["string", "null"]},
            **{
                k: {"type": ["string", "null"], "format": "date-time"}
                for k in ("created_at", "expires_at", "revoked_at")
            },
        },
        "required": ["id", "name", "created_at", "expires_at", "revoked_at"],
    }
    return {
        "/auth/tokens": {
            "post": {
                "summary": "Issue an API token for a username and password",
                "security": [{}],
                "requestBody": json_body(TOKEN_REQUEST),
                "responses": responses(
                    {
                        "201": {
                            "description": "the new token",
                            "headers": {"Location": header("Location")},
                            "content": {"application/json": {"schema": issued}},
                        }
                    },
                    400,
                    413,
                    415,
                ),
            }
        },
        "/auth/tokens/{token_id}": {
            "parameters": [path_parameter("token_id", ID, "the token's id")],
            "delete": {
                "summary": "Revoke one of your tokens (an admin: anyone's)",
                "security": TOKEN,
                "responses": responses(
                    {
                        "200": {
                            "description": "the revoked token",
                            "content": {"application/json": {"schema": revoked}},
                        }
                    },
                    404,
                ),
            },
        },
    }


def document(resources, instruments, history):
    """Return the whole OpenAPI document."""
    schemas = {r.table.name.capitalize(): row_schema(r.table.all_columns, r.fields) for r in resources}
    schemas["Instrument"] = row_schema(instruments.columns, instruments.fields)
    schemas["Change"] = row_schema(history.columns, history.fields)
    schemas["Problem"] = PROBLEM_SCHEMA
    paths = {}
    for resource in resources:
        paths.update(resource_paths(resource))
    site_id = path_parameter("parent_id", ID, "the site's id")
    paths.update(
        list_operations(
            "/instruments", instruments, "#/components/schemas/Instrument", "A page of instruments"
        )
    )
    paths.update(
        list_operations(
            "/site/{parent_id}/instruments",
            instruments,
            "#/components/schemas/Instrument",
            "A page of one site's instruments",
            parent=site_id,
        )
    )
    change = "#/components/schemas/Change"
    paths.update(list_operations("/history", history, change, "A page of changes, newest first", slash=False))
    for resource in resources:
        row_id = path_parameter("row_id", ID, f"the {resource.table.name}'s id")
        paths.update(
            list_operations(
                f"/{resource.table.name}/{{row_id}}/history",
                history_of_row(history),
                change,
                f"A page of one {resource.table.name}'s changes, newest first, also once deleted",
                parent=row_id,
            )
        )
    paths.update(auth_paths())
    status = {"type": "object", "properties": {"status": {"type": "string"}}, "required": ["status"]}
    paths["/healthz"] = {
        "get": {
            "summary": "The process answers",
            "responses": {
                "200": {"description": "alive", "content": {"application/json": {"schema": status}}}
            },
        }
    }
    paths["/readyz"] = {
        "get": {
            "summary": "The database answers",
            "responses": responses(
                {"200": {"description": "ready", "content": {"application/json": {"schema": status}}}}
            ),
        }
    }
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "Lab inventory API",
            "version": "1.0.0",
            "description": "Labs, sites, computers, freezers and containers over PostgreSQL."
            " Errors are RFC 9457 problem+json.",
        },
        "paths": paths,
        "components": {
            "schemas": schemas,
            **COMPONENTS,
        },
    }


def blueprint(resources, instruments, history):
    """Return the blueprint serving /openapi.json for these resources and lists."""
    bp = Blueprint("openapi", __name__)

    @bp.get("/openapi.json")
    def openapi():
        """Return the OpenAPI 3.1 document of this API."""
        return document(resources, instruments, history)

    return bp
