"""Building blocks of the OpenAPI document: schemas, parameters, responses, components."""

from .validation import MAX_ID, json_types

PROBLEM = "application/problem+json"
ID = {"type": "integer", "minimum": 1, "maximum": MAX_ID}
ERRORS = {
    400: "invalid input: the body, a field, a query parameter or an offset/limit (see errors)",
    404: "no such row, parent or route",
    409: "conflict: a unique value already in use, or the row still has children",
    412: "If-Match names a version the row no longer has (or the row does not exist)",
    413: "the body is larger than MAX_CONTENT_LENGTH",
    415: "the body is not sent as application/json",
    422: "a referenced parent (lab_id, site_id, freezer_id) does not exist",
    503: "the database is unavailable; retry after Retry-After seconds",
    401: "no token where one is needed, or a token that is unknown, expired or revoked",
    403: "the token's user may not do this (a reader writing, an editor outside their labs)",
    429: "too many requests from this token or address; retry after Retry-After seconds",
}
ANYONE = [{}, {"bearer": []}]  # public, a token optional
TOKEN = [{"bearer": []}]


def output_schema(field):
    """Return the schema of a field as answered: its types (numbers sent as text come back as text)."""
    types = json_types(field)
    if "string" in types:
        types = [t for t in types if t != "integer"]
    schema = {"type": types[0] if len(types) == 1 else types}
    if "items" in field:
        schema["items"] = output_schema(field["items"])
    return schema


def row_schema(fields, names=()):
    """Return the schema of an answered row with these fields, and the names a list row also carries."""
    properties = {name: ID if name == "id" else output_schema(schema) for name, schema in fields.items()}
    for name in names:  # lab_name beside lab_id: not in a row read alone
        parent = name.removesuffix("_name")
        properties[name] = {
            "type": ["string", "null"],
            "readOnly": True,
            "description": f"in a list, the name of the {parent} `{parent}_id` refers to",
        }
    return {
        "type": "object",
        "properties": properties,
        "required": list(fields),
        "additionalProperties": False,
    }


def problem_response(status):
    """Return the problem+json response component of an error status."""
    response = {
        "description": ERRORS[status],
        "content": {PROBLEM: {"schema": {"$ref": "#/components/schemas/Problem"}}},
    }
    if status in (429, 503):
        response["headers"] = {"Retry-After": header("Retry-After")}
    if status == 401:
        response["headers"] = {"WWW-Authenticate": header("WWW-Authenticate")}
    return response


def problem(status):
    """Return a reference to the problem+json response of an error status."""
    return {"$ref": f"#/components/responses/Problem{status}"}


def responses(ok, *errors):
    """Return a responses object: the success responses and problem+json errors.

    Any request may meet a bad token (401), a rate limit (429) or a database outage (503).
    """
    return {**ok, **{str(status): problem(status) for status in sorted({*errors, 401, 429, 503})}}


def writes(operation):
    """Return a writing operation: it needs a token, and may be forbidden."""
    return {**operation, "security": TOKEN, "responses": {**operation["responses"], "403": problem(403)}}


def schema_ref(name):
    """Return a reference to a component schema."""
    return {"$ref": f"#/components/schemas/{name}"}


def json_body(schema):
    """Return a required JSON request body."""
    return {"required": True, "content": {"application/json": {"schema": schema}}}


def header(name):
    """Return a reference to a header."""
    return {"$ref": f"#/components/headers/{name}"}


def row_response(ref, description, status_headers=("ETag",)):
    """Return a response answering one row."""
    return {
        "description": description,
        "headers": {name: header(name) for name in status_headers},
        "content": {"application/json": {"schema": {"$ref": ref}}},
    }


def query_parameter(name, schema, description):
    """Return a query parameter object."""
    return {"name": name, "in": "query", "required": False, "schema": schema, "description": description}


def path_parameter(name, schema, description):
    """Return a path parameter object."""
    return {"name": name, "in": "path", "required": True, "schema": schema, "description": description}


PROBLEM_SCHEMA = {
    "type": "object",
    "description": "RFC 9457 problem details",
    "properties": {
        "type": {"type": "string"},
        "title": {"type": "string"},
        "status": {"type": "integer"},
        "detail": {"type": "string"},
        "request_id": {"type": "string", "description": "the request's id, as in X-Request-ID and the logs"},
        "errors": {
            "type": "object",
            "additionalProperties": {"type": "string"},
            "description": "a message per field or parameter",
        },
    },
    "required": ["type", "title", "status", "detail"],
}

COMPONENTS = {
    "responses": {f"Problem{status}": problem_response(status) for status in sorted(ERRORS)},
    "securitySchemes": {
        "bearer": {
            "type": "http",
            "scheme": "bearer",
            "description": "an API token: POST /auth/tokens or flask --app project tokens issue",
        }
    },
    "parameters": {
        "If-Match": {
            "name": "If-Match",
            "in": "header",
            "required": False,
            "schema": {"type": "string"},
            "description": "write only if the row still has this ETag (or any, with *)",
        },
        "If-None-Match": {
            "name": "If-None-Match",
            "in": "header",
            "required": False,
            "schema": {"type": "string"},
            "description": "304 if the row still has this ETag",
        },
    },
    "headers": {
        "ETag": {"description": "the row's version (strong)", "schema": {"type": "string"}},
        "Location": {"description": "the new row's URL", "schema": {"type": "string"}},
        "X-Total-Count": {
            "description": "rows that pass the filters",
            "schema": {"type": "integer", "minimum": 0},
        },
        "Link": {
            "description": "RFC 8288 links: first, prev, next, last (keyset pages: first, next)",
            "schema": {"type": "string"},
        },
        "Retry-After": {"description": "seconds to wait", "schema": {"type": "integer"}},
        "WWW-Authenticate": {
            "description": "how to authenticate (RFC 6750)",
            "schema": {"type": "string"},
        },
    },
}
