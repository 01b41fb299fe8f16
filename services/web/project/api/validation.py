"""Request bodies: parsed as JSON objects and checked against JSON Schemas.

The schemas are plain JSON Schema (draft 2020-12, the dialect of OpenAPI 3.1),
built from the per-resource field definitions, the one place that says which
fields a resource has and which are required: those that cannot be null,
unless `x-generated` says the database fills them when omitted. `x-error`
gives a field's message for a failed `pattern`; `x-canonical` names the form
a value is stored in (as PostgreSQL would store it).
"""

import json
import re
import uuid
from datetime import datetime

from flask import abort, request
from jsonschema import Draft202012Validator, FormatChecker

from .errors import ApiError, validation_error

NO_NUL = "^[^\\u0000\\ud800-\\udfff]*$"  # PostgreSQL text holds neither NUL nor lone surrogates
MAX_ID = 2**31 - 1


def text(max_length, required=False, pattern=NO_NUL, error=None, digits=False):
    """Schema of a text field: null allowed unless required; `digits` also takes a whole number.

    A number sent for a `digits` field (at most `max_length` digits, not negative) is stored as text.
    """
    types = ["string", "integer"] if digits else ["string"]
    schema = {"type": types if required else [*types, "null"], "maxLength": max_length, "pattern": pattern}
    if digits:
        schema.update(minimum=0, maximum=10**max_length - 1)
    if required:
        schema["minLength"] = 1
    if error:
        schema["x-error"] = error
    return schema


NAME = "^[^\\s\\u0000\\ud800-\\udfff]([^\\u0000\\ud800-\\udfff]*[^\\s\\u0000\\ud800-\\udfff])?$"


NAME_ERROR = "must not be blank, start or end with spaces, or contain NUL characters or lone surrogates"


def name_field(max_length):
    """Schema of a name: required text with a non-space character, not starting or ending with spaces."""
    return text(max_length, required=True, pattern=NAME, error=NAME_ERROR)


BARCODE = text(200, pattern=NAME, error=NAME_ERROR)
POSITION = {
    "type": ["string", "null"],
    "pattern": "^[A-Z][1-9][0-9]?$",
    "x-error": "must be a row letter and a column number, such as C4",
}


def reference(table, required=True):
    """Schema of a foreign key: the positive 32-bit integer id of a row of `table`."""
    types = "integer" if required else ["integer", "null"]
    return {"type": types, "minimum": 1, "maximum": MAX_ID, "x-references": table}


def required_fields(fields):
    """Return the names of the fields a whole row must have: never null, not generated."""
    return [name for name, schema in fields.items() if is_required(schema)]


def is_required(schema):
    """Tell whether a field must be sent: it cannot be null and the database does not generate it."""
    return "null" not in json_types(schema) and not schema.get("x-generated")


def body_schema(properties, required=()):
    """Schema of a whole request body: an object with only these properties."""
    return {
        "type": "object",
        "properties": properties,
        "required": list(required),
        "additionalProperties": False,
    }


def whole_row(fields, body):
    """Return every field of a whole-row write, null where omitted (a generated one: its default)."""
    return {name: body.get(name) for name in fields}


def replacement(fields, body):
    """Return every field of a whole-row write: those omitted are null, but generated ones are left out."""
    return {
        name: body.get(name)
        for name, schema in fields.items()
        if name in body or not schema.get("x-generated")
    }


def json_object():
    """Return the request's JSON object; 415 if not JSON in UTF-8, 400 if malformed or not an object."""
    if not request.is_json:
        abort(415, "send the body as JSON, with Content-Type: application/json")
    charset = request.mimetype_params.get("charset", "utf-8").lower()
    if charset not in ("utf-8", "utf8"):
        abort(415, f"send the body as JSON in UTF-8, not {charset}")
    try:
        body = json.loads(body_bytes())
    except (ValueError, RecursionError) as e:
        raise ApiError(400, "Bad Request", f"the body is not valid JSON: {e}", "malformed-json") from None
    if not isinstance(body, dict):
        raise validation_error({}, "the request body must be a JSON object")
    return body


def body_bytes():
    """Return the request's body; 413 if it is over MAX_CONTENT_LENGTH, however it was sent.

    A body sent with Content-Length over the limit is refused before it is
    read; a chunked one is read up to the limit, so one more byte tells.
    """
    data = request.get_data()
    cut = request.content_length is None and len(data) == request.max_content_length
    if cut and request.environ["wsgi.input"].read(1):
        abort(413)
    return data


FORMATS = FormatChecker(())


@FORMATS.checks("iso8601", raises=ValueError)
def is_iso8601(value):
    """Tell whether text is a date, or a date and time, that exists (2026-11-22, 2026-11-22T10:00Z)."""
    return datetime.fromisoformat(value) is not None


def check(schema, body):
    """Raise a 400 listing every field that breaks `schema`; return the cleaned body.

    Numbers sent where the schema also allows text (such as postcodes) are
    stored as text.
    """
    errors = {}
    for error in Draft202012Validator(schema, format_checker=FORMATS).iter_errors(body):
        errors.update(describe(error))
    if errors:
        raise validation_error(dict(sorted(errors.items())))
    return {name: stored_form(schema["properties"][name], value) for name, value in body.items()}


def stored_form(schema, value):
    """Return `value` as the database stores it: 1.0 as 1, numbers for text as text, canonical forms."""
    if isinstance(value, float) and value.is_integer():  # JSON Schema's integer takes 1.0
        value = int(value)
    value = as_text_if_allowed(schema, value)
    canonical = CANONICAL.get(schema.get("x-canonical"))
    return canonical(value) if canonical and isinstance(value, str) else value


def canonical_mac(text):
    """Return a MAC address as 08:00:2b:01:02:03."""
    digits = re.sub(r"[^0-9a-f]", "", text.lower())
    return ":".join(digits[i : i + 2] for i in range(0, 12, 2))


CANONICAL = {"mac": canonical_mac, "uuid": lambda text: str(uuid.UUID(text))}


def as_text_if_allowed(schema, value):
    """Return a number sent for a field that also takes text as text (48104.0 as "48104"), else `value`."""
    if isinstance(value, (int, float)) and not isinstance(value, bool) and "string" in json_types(schema):
        return str(int(value))
    return value


def json_types(schema):
    """Return the JSON types a schema allows, as a list."""
    types = schema["type"]
    return [types] if isinstance(types, str) else types


TYPE_NAMES = {"string": "text", "integer": "an integer", "null": "null", "object": "an object"}

MESSAGES = {
    "type": lambda e: "must be " + " or ".join(TYPE_NAMES[t] for t in json_types(e.schema)),
    "maxLength": lambda e: f"must be at most {e.validator_value} characters",
    "minLength": lambda e: "must not be empty",
    "minimum": lambda e: f"must be at least {e.validator_value}",
    "maximum": lambda e: f"must be at most {e.validator_value}",
    "pattern": lambda e: e.schema.get("x-error", "must not contain NUL characters or lone surrogates"),
    "format": lambda e: e.schema.get("x-error", f"must be {e.validator_value}"),
}


def describe(error):
    """Turn one jsonschema error into {field: message}."""
    if error.validator == "required":
        return {name: "is required" for name in error.validator_value if name not in error.instance}
    if error.validator == "additionalProperties":
        known = error.schema["properties"]
        return {name: "is not a known field" for name in error.instance if name not in known}
    field = error.path[0] if error.path else "body"
    return {field: MESSAGES.get(error.validator, lambda e: e.message)(error)}
