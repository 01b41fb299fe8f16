"""Field definitions: true of the database's columns; bodies checked and stored as PostgreSQL would."""

import pytest
from conftest import query
from jsonschema import Draft202012Validator

from project.api import box, computer, container, freezer, instrument, lab, rack, site
from project.api.errors import ApiError
from project.api.validation import (
    BARCODE,
    MESSAGES,
    POSITION,
    TYPE_NAMES,
    body_schema,
    check,
    json_types,
    name_field,
    reference,
    replacement,
    required_fields,
    text,
    whole_row,
)

RESOURCES = {
    "lab": lab.LAB, "site": site.SITE, "computer": computer.COMPUTER, "freezer": freezer.FREEZER,
    "rack": rack.RACK, "box": box.BOX, "container": container.CONTAINER,
}  # fmt: skip


def columns(pg_conn, relation):
    """Return (name, nullable, has a default) of each column of `relation` but id, in order."""
    return query(
        pg_conn,
        """
        SELECT column_name, is_nullable = 'YES', column_default IS NOT NULL
          FROM information_schema.columns
         WHERE table_schema = 'public' AND table_name = %s AND column_name <> 'id'
         ORDER BY ordinal_position
        """,
        (relation,),
    )


@pytest.mark.parametrize("table", RESOURCES)
def test_each_resources_fields_are_its_tables_columns(pg_conn, table):
    fields = RESOURCES[table].fields
    found = columns(pg_conn, table)
    assert [name for name, _, _ in found] == list(fields)
    for name, nullable, has_default in found:
        assert ("null" in json_types(fields[name])) == nullable, name
        assert bool(fields[name].get("x-generated")) == has_default, name
    assert required_fields(fields) == [name for name, nullable, default in found if not (nullable or default)]


def test_the_instruments_fields_are_the_views_columns(pg_conn):
    names = [name for name, _, _ in columns(pg_conn, "instruments")]
    assert names == [n for n in instrument.FIELDS if n != "id"]


def test_a_whole_row_write_nulls_omitted_fields_but_leaves_generated_ones_to_the_database():
    fields = container.CONTAINER.writable  # the read-only fields (lineage, ...) are never written
    nothing = {"barcode": None, "box_id": None, "position": None}
    sample = {"sample_type": None, "quantity": None, "unit": None, "collected_at": None, "expires_at": None}
    assert whole_row(fields, {"freezer_id": 1}) == {
        "uuid": None, "description": None, "freezer_id": 1, **nothing, "status": None, "status_note": None, **sample
    }  # fmt: skip
    assert replacement(fields, {"freezer_id": 1}) == {
        "description": None, "freezer_id": 1, **nothing, "status_note": None, **sample
    }  # fmt: skip
    assert replacement(fields, {"uuid": "x", "freezer_id": 1})["uuid"] == "x"


@pytest.mark.parametrize(
    ("field", "sent", "stored"),
    [
        (computer.COMPUTER.fields["mac"], "08-00-2B-01-02-03", "08:00:2b:01:02:03"),
        (computer.COMPUTER.fields["mac"], "0800.2b01.0203", "08:00:2b:01:02:03"),
        (
            container.CONTAINER.fields["uuid"],
            "0B6E1C4E6F1D4B8E9A512F7D3C8E5A01",
            "0b6e1c4e-6f1d-4b8e-9a51-2f7d3c8e5a01",
        ),
        (site.SITE.fields["postcode_or_zip"], 48104, "48104"),
        (site.SITE.fields["name"], "As sent", "As sent"),
    ],
)
def test_values_are_checked_and_stored_in_postgresqls_form(field, sent, stored):
    assert check(body_schema({"f": field}), {"f": sent}) == {"f": stored}


MOVE = body_schema(
    {"container_id": reference("container"), "box_id": reference("box"), "position": POSITION},
    ["container_id"],
)
MOVES = body_schema({"moves": {"type": "array", "minItems": 1, "items": MOVE}}, ["moves"])


def errors_of(schema, body):
    """Return the `errors` check() raises for `body`."""
    with pytest.raises(ApiError) as raised:
        check(schema, body)
    return raised.value.extra["errors"]


def test_every_keyword_and_type_of_json_schema_has_a_message_of_ours():
    assert set(Draft202012Validator.VALIDATORS) - {"required", "additionalProperties"} <= set(MESSAGES)
    assert set(TYPE_NAMES) == {"string", "integer", "number", "boolean", "array", "object", "null"}
    assert errors_of(False, {}) == {"body": "is not allowed"}  # the schema false


@pytest.mark.parametrize("sent", ["x", {}, 5, None, True, 1.5])
def test_an_array_field_sent_as_something_else_says_so(sent):
    assert errors_of(MOVES, {"moves": sent}) == {"moves": "must be an array"}


def test_an_empty_array_is_refused_in_our_words():
    assert errors_of(MOVES, {"moves": []}) == {"moves": "must not be empty"}


def test_an_items_faults_are_named_by_its_index_and_field():
    moves = [
        {"container_id": 1, "box_id": 1, "position": "A1"},
        {"box_id": 1, "colour": "red"},
        {"container_id": "one", "box_id": 1, "position": "ZZ"},
        "A1",
    ]
    assert errors_of(MOVES, {"moves": moves}) == {
        "moves[1].colour": "is not a known field",
        "moves[1].container_id": "is required",
        "moves[2].container_id": "must be an integer",
        "moves[2].position": "must be a row letter and a column number, such as C4",
        "moves[3]": "must be an object",
    }


@pytest.mark.parametrize(
    ("schema", "sent", "message"),
    [
        ({"enum": ["a", "b"]}, "c", 'must be one of "a", "b"'),
        ({"const": 1}, 2, "must be 1"),
        ({"type": "number", "exclusiveMinimum": 0}, 0, "must be more than 0"),
        ({"type": "number", "exclusiveMaximum": 1}, 1, "must be less than 1"),
        ({"type": "integer", "multipleOf": 5}, 7, "must be a multiple of 5"),
        ({"type": "string", "minLength": 3}, "ab", "must hold at least 3 characters"),
        ({"type": "string", "pattern": "^a$"}, "b", "is not in the expected form"),
        ({"type": "array", "minItems": 2}, [1], "must hold at least 2 items"),
        ({"type": "array", "maxItems": 1}, [1, 2], "must hold at most 1 item"),
        ({"type": "array", "uniqueItems": True}, [1, 1], "must not hold the same item twice"),
        ({"type": "array", "contains": {"const": 1}}, [2], "does not hold the items it must"),
        ({"type": "array", "prefixItems": [{}], "items": False}, [1, 2], "holds more items than it may"),
        ({"type": "object", "minProperties": 1}, {}, "must have at least 1 field"),
        ({"type": "object", "maxProperties": 1}, {"a": 1, "b": 2}, "must have at most 1 field"),
        ({"type": "string", "maxLength": 1}, "ab", "must be at most 1 character"),
        (
            {"type": "object", "dependentRequired": {"a": ["b"]}},
            {"a": 1},
            "lacks a field that goes with the others sent",
        ),
        ({"anyOf": [{"type": "string"}, {"type": "integer"}]}, None, "is not in any of the allowed forms"),
        ({"oneOf": [{"type": "integer"}, {"minimum": 0}]}, 1, "is not in exactly one of the allowed forms"),
        ({"not": {"type": "null"}}, None, "is in a form that is not allowed"),
        ({"type": "boolean"}, 1, "must be true or false"),
    ],
)
def test_other_keywords_are_said_in_our_words(schema, sent, message):
    assert errors_of(body_schema({"f": schema}), {"f": sent}) == {"f": message}


@pytest.mark.parametrize(
    ("body", "errors"),
    [
        ({"moves": "x"}, {"moves": "must be an array"}),
        ({"moves": {}}, {"moves": "must be an array"}),
        ({"moves": 5}, {"moves": "must be an array"}),
        ({"moves": None}, {"moves": "must be an array"}),
        ({"moves": []}, {"moves": "must not be empty"}),
        ({"moves": [{"box_id": 1}]}, {"moves[0].container_id": "is required"}),
    ],
)
def test_post_moves_with_a_malformed_list_is_a_400_in_our_words(client, body, errors):
    response = client.post("/moves", json=body)
    assert response.status_code == 400
    assert response.json["type"] == "urn:lab-inventory:problem:validation"
    assert response.json["errors"] == errors


def test_post_moves_names_the_item_and_field_at_fault(client):
    moves = [
        {"container_id": 1, "box_id": 1, "position": "A1"},
        {"container_id": 2, "box_id": 1, "position": "A"},
    ]
    response = client.post("/moves", json={"moves": moves})
    assert response.status_code == 400
    assert response.json["errors"] == {
        "moves[1].position": "must be a row letter and a column number, such as C4"
    }


@pytest.mark.parametrize(
    ("field", "sent", "message"),
    [
        (name_field(200), "bell\x07", "must not contain control characters (it holds U+0007)"),
        (name_field(200), "two\nlines", "must not contain control characters (it holds U+000A)"),
        (name_field(200), "tab\there", "must not contain control characters (it holds U+0009)"),
        (name_field(200), "del\x7f", "must not contain control characters (it holds U+007F)"),
        (name_field(200), "c1\x85next line", "must not contain control characters (it holds U+0085)"),
        (
            name_field(200),
            "evil\u202etxt.exe",
            "must not contain bidirectional formatting characters (it holds U+202E)",
        ),
        (
            name_field(200),
            "\u2066isolated\u2069",
            "must not contain bidirectional formatting characters (it holds U+2066)",
        ),
        (BARCODE, "T-\x1b[31m", "must not contain control characters (it holds U+001B)"),
        (text(2000), "\x1b[2Jcleared", "must not contain control characters (it holds U+001B)"),
        (text(2000), "a\u202ab", "must not contain bidirectional formatting characters (it holds U+202A)"),
        (text(2000), "nul\x00", "must not contain NUL characters or lone surrogates"),
    ],
)
def test_text_refuses_control_and_bidirectional_characters_saying_which(field, sent, message):
    assert errors_of(body_schema({"f": field}), {"f": sent}) == {"f": message}


def test_a_name_ending_in_a_line_feed_is_refused_as_in_ecmascript():
    assert "f" in errors_of(body_schema({"f": name_field(200)}), {"f": "Site 1\n"})


@pytest.mark.parametrize("sent", ["line 1\nline 2", "a\tb", "windows\r\nlines", "ünïcødé → ok"])
def test_free_text_keeps_tabs_and_line_breaks(sent):
    assert check(body_schema({"f": text(2000)}), {"f": sent}) == {"f": sent}


def test_a_name_with_a_right_to_left_override_is_a_400(client):
    response = client.post("/labs/", json={"name": "report\u202efdp.exe"})
    assert response.status_code == 400
    assert response.json["errors"] == {
        "name": "must not contain bidirectional formatting characters (it holds U+202E)"
    }


@pytest.mark.parametrize(
    ("body", "detail"),
    [
        (b'\xef\xbb\xbf{"name": "x"}', "byte order mark"),
        ('{"name": "x"}'.encode("utf-16"), "byte order mark"),
        ('{"name": "x"}'.encode("utf-16-le"), "not UTF-16 or UTF-32"),
        ('{"name": "x"}'.encode("utf-16-be"), "not UTF-16 or UTF-32"),
        ('{"name": "x"}'.encode("utf-32"), "byte order mark"),
        ('{"name": "x"}'.encode("utf-32-be"), "not UTF-16 or UTF-32"),
        ('{"name": "Gruß"}'.encode("latin-1"), "not UTF-8: byte 13"),
    ],
)
def test_json_that_is_not_utf_8_is_a_400_saying_why(client, body, detail):
    response = client.post("/labs/", data=body, content_type="application/json")
    assert response.status_code == 400
    assert response.mimetype == "application/problem+json"
    assert response.json["type"] == "urn:lab-inventory:problem:malformed-json"
    assert detail in response.json["detail"]
