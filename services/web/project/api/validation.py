"""Request bodies: parsed as JSON objects and checked against JSON Schemas.

The schemas are plain JSON Schema (draft 2020-12, the dialect of OpenAPI 3.1),
built from the per-resource field definitions, the one place that says which
fields a resource has and which are required: those that cannot be null,
unless `x-generated` says the database fills them when omitted. `x-error`
gives a field's message for a failed `pattern`; `x-canonical` names the form
a value is stored in (as PostgreSQL would store it).
"""

import codecs
import json
import re
import uuid
from datetime import datetime

from flask import abort, request
from jsonschema import Draft202012Validator, FormatChecker

from .errors import ApiError, validation_error

NO_NUL = "^[^\\u0000\\ud800-\\udfff]*$"  # PostgreSQL text holds neither NUL nor lone surrogates
MAX_ID = 2**31 - 1
# What text may not hold: lone surrogates (PostgreSQL refuses them), bidirectional overrides and
# isolates (they make text read otherwise than it is), and C0 and C1 control characters: free
# text keeps tab, line feed and carriage return, a name or barcode (one line) none.
BIDI = "\\u202a-\\u202e\\u2066-\\u2069"
FREE_TEXT_CONTROLS = "\\u0000-\\u0008\\u000b\\u000c\\u000e-\\u001f\\u007f-\\u009f"
CONTROLS = "\\u0000-\\u001f\\u007f-\\u009f"
NOT_IN_TEXT = f"{FREE_TEXT_CONTROLS}{BIDI}\\ud800-\\udfff"
NOT_IN_NAME = f"{CONTROLS}{BIDI}\\ud800-\\udfff"
TEXT = f"^[^{NOT_IN_TEXT}]*$"
TEXT_ERROR = "must not contain NUL characters or lone surrogates"


def text(max_length, required=False, pattern=TEXT, error=None, digits=False):
    """Schema of a text field: null allowed unless required; `digits` also takes a whole number.

    A number sent for a `digits` field (at most `max_length` digits, not negative) is stored as text.
    Free text may hold tabs and line breaks, no other control character (TEXT).
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


# (?!\\n): Python's $ also matches before a final line feed; this makes it the end, as in ECMAScript.
NAME = f"^[^\\s{NOT_IN_NAME}]([^{NOT_IN_NAME}]*[^\\s{NOT_IN_NAME}])?$(?!\\n)"

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
        body = json.loads(utf8_text(body_bytes()))
    except (ValueError, RecursionError) as e:
        raise malformed(f"the body is not valid JSON: {e}") from None
    if not isinstance(body, dict):
        raise validation_error({}, "the request body must be a JSON object")
    return body


def malformed(detail):
    """Return the 400 of a body that is not JSON in UTF-8."""
    return ApiError(400, "Bad Request", detail, "malformed-json")


BYTE_ORDER_MARKS = (codecs.BOM_UTF8, codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE, codecs.BOM_UTF32_BE)


def utf8_text(data):
    """Return a JSON body's text; 400 unless it is UTF-8 without a byte order mark.

    JSON in UTF-16 or UTF-32 has NUL bytes, which UTF-8 JSON never has (in a string it is \\u0000).
    """
    if data.startswith(BYTE_ORDER_MARKS):
        raise malformed("the body starts with a byte order mark: send JSON in UTF-8, without one")
    if b"\x00" in data:
        raise malformed("the body holds NUL bytes: send JSON in UTF-8, not UTF-16 or UTF-32")
    try:
        return data.decode()
    except UnicodeDecodeError as e:
        raise malformed(f"the body is not UTF-8: byte {e.start} cannot start a character there") from None


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
    """Tell whether text is a date, or a date and time, that exists (2026-11-22, 2026-11-22T10:00Z).

    Anything but text passes: its type is the "type" keyword's to judge.
    """
    return not isinstance(value, str) or datetime.fromisoformat(value) is not None


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


TYPE_NAMES = {
    "string": "text",
    "integer": "an integer",
    "number": "a number",
    "boolean": "true or false",
    "array": "an array",
    "object": "an object",
    "null": "null",
}
PATTERN_ERRORS = {NO_NUL: TEXT_ERROR, TEXT: TEXT_ERROR, NAME: NAME_ERROR}  # patterns without an x-error
UNWANTED = {  # what each of our patterns refuses that a person cannot see, and how to say so
    TEXT: re.compile(f"[{FREE_TEXT_CONTROLS}{BIDI}]"),
    NAME: re.compile(f"[{CONTROLS}{BIDI}]"),
}


def pattern_message(error):
    """Say what a text breaks: the control or bidirectional character it holds, else the rule."""
    unwanted = UNWANTED.get(error.validator_value)
    found = unwanted.search(error.instance) if unwanted else None
    if found and found[0] != "\x00":  # NUL: the rule says it
        kind = "bidirectional formatting" if re.match(f"[{BIDI}]", found[0]) else "control"
        return f"must not contain {kind} characters (it holds U+{ord(found[0]):04X})"
    default = PATTERN_ERRORS.get(error.validator_value, "is not in the expected form")
    return error.schema.get("x-error", default)


def some(count, thing):
    """Return "1 item", "2 items"."""
    return f"{count} {thing}" if count == 1 else f"{count} {thing}s"


def at_least(count, thing):
    """Say that text or an array must hold at least `count` characters or items."""
    return "must not be empty" if count == 1 else f"must hold at least {some(count, thing)}"


MESSAGES = {  # every keyword of JSON Schema 2020-12 (a test checks), so no jsonschema text reaches a client
    "type": lambda e: "must be " + " or ".join(TYPE_NAMES[t] for t in json_types(e.schema)),
    "enum": lambda e: "must be one of " + ", ".join(json.dumps(v) for v in e.validator_value),
    "const": lambda e: f"must be {json.dumps(e.validator_value)}",
    "maxLength": lambda e: f"must be at most {some(e.validator_value, 'character')}",
    "minLength": lambda e: at_least(e.validator_value, "character"),
    "minimum": lambda e: f"must be at least {e.validator_value}",
    "maximum": lambda e: f"must be at most {e.validator_value}",
    "exclusiveMinimum": lambda e: f"must be more than {e.validator_value}",
    "exclusiveMaximum": lambda e: f"must be less than {e.validator_value}",
    "multipleOf": lambda e: f"must be a multiple of {e.validator_value}",
    "pattern": pattern_message,
    "format": lambda e: e.schema.get("x-error", f"must be {e.validator_value}"),
    "minItems": lambda e: at_least(e.validator_value, "item"),
    "maxItems": lambda e: f"must hold at most {some(e.validator_value, 'item')}",
    "uniqueItems": lambda e: "must not hold the same item twice",
    "contains": lambda e: "does not hold the items it must",
    "items": lambda e: "holds more items than it may",
    "prefixItems": lambda e: "holds an item that is not valid",
    "unevaluatedItems": lambda e: "holds more items than it may",
    "minProperties": lambda e: f"must have at least {some(e.validator_value, 'field')}",
    "maxProperties": lambda e: f"must have at most {some(e.validator_value, 'field')}",
    "propertyNames": lambda e: "has a field whose name is not allowed",
    "patternProperties": lambda e: "has a field that is not valid",
    "properties": lambda e: "has a field that is not valid",
    "unevaluatedProperties": lambda e: "has fields that are not known",
    "dependentRequired": lambda e: "lacks a field that goes with the others sent",
    "dependentSchemas": lambda e: "does not go with the other fields sent",
    "allOf": lambda e: "is not valid",
    "anyOf": lambda e: "is not in any of the allowed forms",
    "oneOf": lambda e: "is not in exactly one of the allowed forms",
    "not": lambda e: "is in a form that is not allowed",
    "if": lambda e: "is not valid",
    "$ref": lambda e: "is not valid",
    "$dynamicRef": lambda e: "is not valid",
    None: lambda e: "is not allowed",  # the schema false
}


def describe(error):
    """Turn one jsonschema error into {where: message}; an item's field is named as moves[2].position."""
    at = where(error.path)
    if error.validator == "required":
        return {at + name: "is required" for name in error.validator_value if name not in error.instance}
    if error.validator == "additionalProperties":  # false: a schema there reports its own errors
        return {at + name: "is not a known field" for name in unknown_fields(error.schema, error.instance)}
    return {at[:-1] or "body": MESSAGES[error.validator](error)}


def where(path):
    """Return a place in the body as a prefix: "" for the body, "moves[2]." for an item's fields."""
    place = ""
    for step in path:
        place += f"[{step}]" if isinstance(step, int) else f"{'.' if place else ''}{step}"
    return f"{place}." if place else ""


def unknown_fields(schema, instance):
    """Return the names in `instance` that neither `properties` nor `patternProperties` allow."""
    patterns = schema.get("patternProperties", {})
    return [
        name
        for name in instance
        if name not in schema.get("properties", {}) and not any(re.search(p, name) for p in patterns)
    ]
