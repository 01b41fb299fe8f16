"""Bad input and failures: always problem+json with the right status, nothing changed."""

import psycopg2
import pytest
import requests
from conftest import query

PROBLEM = "application/problem+json"


def assert_problem(response, status):
    """Check the RFC 9457 shape of an error response and return its body."""
    assert response.status_code == status
    assert response.mimetype == PROBLEM
    body = response.json
    assert body["status"] == status
    assert body["title"] and body["detail"] and body["type"]
    return body


def test_an_unknown_route_is_a_404_problem(client):
    assert_problem(client.get("/nowhere"), 404)


@pytest.mark.parametrize("method", ["GET", "PUT", "POST", "PATCH", "DELETE"])
@pytest.mark.parametrize("path", ["/site/0", "/site/-1", "/site/abc", "/site/2147483648"])
def test_an_id_that_cannot_exist_is_a_404_whatever_the_method(client, path, method):
    assert_problem(client.open(path, method=method, json={"name": "x"}), 404)


def test_a_wrong_method_is_a_405_with_allow(client):
    response = client.put("/sites/")
    assert_problem(response, 405)
    assert set(response.headers["Allow"].split(", ")) >= {"GET", "POST"}


def test_a_body_that_is_not_json_is_a_415(client):
    body = assert_problem(client.post("/site/2", data="name=x"), 415)
    assert body["detail"] == "send the body as JSON, with Content-Type: application/json"


def test_malformed_json_is_a_400(client):
    response = client.post("/site/2", data="{", content_type="application/json")
    assert assert_problem(response, 400)["detail"].startswith("the body is not valid JSON: ")


def test_a_body_that_is_not_utf8_is_a_400(client):
    response = client.post("/site/2", data=b'{"name": "\xff"}', content_type="application/json")
    assert assert_problem(response, 400)["type"] == "urn:lab-inventory:problem:malformed-json"


@pytest.mark.parametrize("body", ["[]", '"text"', "42", "null"])
def test_json_that_is_not_an_object_is_a_400(client, body):
    response = client.post("/site/2", data=body, content_type="application/json")
    assert assert_problem(response, 400)["detail"] == "the request body must be a JSON object"


def test_an_oversized_body_is_a_413(client, app, pg_conn):
    big = {"name": "x" * app.config["MAX_CONTENT_LENGTH"]}
    assert_problem(client.post("/site/2", json=big), 413)
    assert query(pg_conn, "SELECT name FROM site WHERE id = 2") == [("Site 2",)]


def chunks(body, size=8192):
    """Yield `body` in pieces: requests then sends it chunked, without Content-Length."""
    for i in range(0, len(body), size):
        yield body[i : i + size]


def test_a_chunked_body_over_the_limit_is_a_413_even_if_its_start_is_valid_json(app, live_url, pg_conn):
    limit = app.config["MAX_CONTENT_LENGTH"]
    start = b'{"name": "cut"}'.ljust(limit)  # valid JSON up to the limit, then more
    response = requests.post(
        f"{live_url}/sites/",
        data=chunks(start + b"x" * 108_000),
        headers={"Content-Type": "application/json"},
    )
    assert response.status_code == 413 and response.headers["Content-Type"] == PROBLEM
    assert query(pg_conn, "SELECT count(*) FROM site WHERE name = 'cut'") == [(0,)]
    small = requests.post(
        f"{live_url}/sites/", data=chunks(start), headers={"Content-Type": "application/json"}
    )
    assert small.status_code == 201


@pytest.mark.parametrize("charset", ["latin1", "ISO-8859-1", "utf-16"])
def test_a_body_in_another_charset_is_a_415_not_misread(client, pg_conn, charset):
    body = '{"name": "Zürich"}'.encode("latin1")
    response = client.post("/sites/", data=body, content_type=f"application/json; charset={charset}")
    assert assert_problem(response, 415)["detail"] == f"send the body as JSON in UTF-8, not {charset.lower()}"
    assert query(pg_conn, "SELECT count(*) FROM site") == [(3,)]


def test_a_body_declared_utf8_is_read_as_such(client):
    body = '{"name": "Zürich"}'.encode()
    response = client.post("/sites/", data=body, content_type="application/json; charset=UTF-8")
    assert response.json["name"] == "Zürich"


@pytest.mark.parametrize(
    ("path", "body", "errors"),
    [
        ("/site/5", {}, {"name": "is required"}),
        ("/computer/5", {"name": "c"}, {"site_id": "is required"}),
        ("/site/5", {"name": "s", "colour": "red"}, {"colour": "is not a known field"}),
        ("/site/5", {"name": 5}, {"name": "must be text"}),
        ("/site/5", {"name": ""}, {"name": "must not be empty"}),
        ("/site/5", {"name": None}, {"name": "must be text"}),
        ("/site/5", {"name": "s" * 201}, {"name": "must be at most 200 characters"}),
        ("/site/5", {"name": "s", "contact": ["a"]}, {"contact": "must be text or null"}),
        (
            "/site/5",
            {"name": "s", "postcode_or_zip": 4.5},
            {"postcode_or_zip": "must be text or an integer or null"},
        ),
        ("/site/5", {"name": "s", "lab_id": "1"}, {"lab_id": "must be an integer or null"}),
        ("/site/5", {"name": "s", "lab_id": 0}, {"lab_id": "must be at least 1"}),
        ("/site/5", {"name": "s", "lab_id": 2**31}, {"lab_id": f"must be at most {2**31 - 1}"}),
        ("/site/5", {"name": "s", "lab_id": True}, {"lab_id": "must be an integer or null"}),
        (
            "/site/5",
            {"name": "nul\u0000byte"},
            {
                "name": "must not be blank, start or end with spaces, or contain NUL characters or lone surrogates"
            },
        ),
        (
            "/computer/5",
            {"name": "c", "site_id": 1, "mac": "08:00:2b:01:02"},
            {"mac": "must be a MAC address such as 08:00:2b:01:02:03"},
        ),
        (
            "/computer/5",
            {"name": "c", "site_id": 1, "mac": "08:00-2b:01:02:03"},
            {"mac": "must be a MAC address such as 08:00:2b:01:02:03"},
        ),
        (
            "/container/9",
            {"freezer_id": 1, "uuid": "not-a-uuid"},
            {"uuid": "must be a UUID such as 0b6e1c4e-6f1d-4b8e-9a51-2f7d3c8e5a01"},
        ),
        ("/container/9", {"freezer_id": 1, "uuid": None}, {"uuid": "must be text"}),
        (
            "/lab/5",
            {"name": "l", "id": 5, "extra": 1, "more": 2},
            {"extra": "is not a known field", "more": "is not a known field"},
        ),
    ],
)
def test_invalid_fields_are_a_400_naming_each_field(client, pg_conn, path, body, errors):
    response = client.post(path, json=body)
    problem = assert_problem(response, 400)
    assert problem["errors"] == errors
    assert problem["type"] == "urn:lab-inventory:problem:validation"
    assert client.get(path).status_code == 404


def test_every_invalid_field_is_reported_at_once(client):
    response = client.post("/computer/5", json={"name": "", "mac": "nope", "colour": 1})
    assert set(assert_problem(response, 400)["errors"]) == {"name", "mac", "colour", "site_id"}


def test_patch_validates_the_fields_it_gets(client, pg_conn):
    response = client.patch("/site/1", json={"name": None, "country": "x" * 101})
    assert set(assert_problem(response, 400)["errors"]) == {"name", "country"}
    assert query(pg_conn, "SELECT name, country FROM site WHERE id = 1") == [("Site 1", "USA")]


def test_a_duplicate_mac_is_a_409_naming_the_field_and_changes_nothing(client, pg_conn):
    client.patch("/computer/1", json={"mac": "08:00:2b:01:02:03"})
    response = client.patch("/computer/2", json={"mac": "08-00-2b-01-02-03", "name": "renamed"})
    body = assert_problem(response, 409)
    assert body["errors"] == {"mac": "already taken"}
    assert body["detail"] == "a computer with mac 08:00:2b:01:02:03 already exists"
    assert query(pg_conn, "SELECT name, mac FROM computer WHERE id = 2") == [("Computer 2", None)]


def test_a_duplicate_lab_name_is_a_409(client):
    body = assert_problem(client.post("/labs/", json={"name": "Ann Arbor Lab"}), 409)
    assert body["errors"] == {"name": "already taken"}


@pytest.mark.parametrize(
    ("path", "body", "field"),
    [
        ("/site/5", {"name": "s", "lab_id": 9}, "lab_id"),
        ("/computer/5", {"name": "c", "site_id": 9}, "site_id"),
        ("/freezer/5", {"name": "f", "site_id": 9}, "site_id"),
        ("/container/9", {"freezer_id": 9}, "freezer_id"),
    ],
)
def test_a_missing_parent_is_a_422_naming_the_field(client, path, body, field):
    problem = assert_problem(client.post(path, json=body), 422)
    assert problem["errors"] == {field: "does not exist"}
    assert problem["detail"] == f"{field} 9 does not exist"
    assert client.get(path).status_code == 404


def test_moving_a_row_to_a_missing_parent_is_a_422_and_changes_nothing(client):
    assert_problem(client.patch("/freezer/1", json={"site_id": 9}), 422)
    assert client.get("/freezer/1").json["site_id"] == 1


@pytest.mark.parametrize(
    ("path", "detail"),
    [
        ("/lab/1", "lab 1 still has sites; delete or move them first"),
        ("/site/1", "site 1 still has computers; delete or move them first"),
        ("/freezer/1", "freezer 1 still has containers; delete or move them first"),
    ],
)
def test_deleting_a_parent_with_children_is_a_409_and_deletes_nothing(client, pg_conn, path, detail):
    body = assert_problem(client.delete(path), 409)
    assert body["detail"] == detail
    assert body["type"] == "urn:lab-inventory:problem:has-children"
    assert client.get(path).status_code == 200


def test_a_parent_can_be_deleted_once_its_children_are_gone(client):
    for path in ("/container/4", "/container/5", "/container/6"):  # container 1's aliquots and derivative
        assert client.delete(path).status_code == 200
    for path in ("/container/1", "/container/2", "/box/1", "/box/2", "/rack/1", "/freezer/1"):
        assert client.delete(path).status_code == 200


def test_an_unreachable_database_is_a_503_with_retry_after(tmp_path):
    from project import create_app

    app = create_app({"DATABASE_URL": f"postgresql://postgres@/labinv?host={tmp_path}", "TESTING": True})
    client = app.test_client()
    for path in ("/site/1", "/sites", "/readyz"):
        response = client.get(path)
        assert_problem(response, 503)
        assert response.headers["Retry-After"] == "1"
    assert client.get("/healthz").json == {"status": "ok"}


def test_a_query_past_the_statement_timeout_is_a_503(app, client, pg_conn):
    with pg_conn.cursor() as cur:
        cur.execute("BEGIN; LOCK TABLE site")
        app.config["DB_STATEMENT_TIMEOUT_MS"] = 200
        from project import db

        db.init_app(app)
        try:
            body = assert_problem(client.get("/site/1"), 503)
            assert body["detail"].startswith("the request took too long and was cancelled")
        finally:
            cur.execute("ROLLBACK")
    assert client.get("/site/1").status_code == 200


def test_an_unexpected_error_is_a_500_problem_without_internals(app, client, monkeypatch):
    from project.database.queries import load

    def broken(*args, **kwargs):
        raise ZeroDivisionError("secret internals")

    monkeypatch.setattr(load("site"), "read", broken)
    body = assert_problem(client.get("/site/1"), 500)
    assert "secret" not in body["detail"]


@pytest.mark.parametrize(
    ("statement", "status"),
    [("SELECT 'nonsense'::macaddr", 400), ("SELECT 1/0", 400), ("SELEC 1", 500)],
)
def test_database_errors_that_validation_should_prevent_still_map_to_problems(
    app, pg_conn, statement, status
):
    import psycopg2

    from project.api.errors import database_error

    with pytest.raises(psycopg2.Error) as caught:
        query(pg_conn, statement)
    with app.test_request_context():
        response = database_error(caught.value)
    assert response.status_code == status
    assert response.mimetype == PROBLEM


@pytest.mark.parametrize("name", ["", "   ", " Site", "Site\t", "\n"])
def test_a_blank_name_or_one_with_surrounding_spaces_is_a_400(client, pg_conn, name):
    body = assert_problem(client.post("/sites/", json={"name": name}), 400)
    assert list(body["errors"]) == ["name"]
    assert query(pg_conn, "SELECT count(*) FROM site") == [(3,)]


def test_postgresql_refuses_blank_names_too(pg_conn):
    for table in ("lab", "site"):
        with pytest.raises(psycopg2.errors.CheckViolation):
            query(pg_conn, f"INSERT INTO {table} (name) VALUES ('  ')")


def test_lab_names_are_unique_whatever_their_case(client):
    assert client.post("/labs/", json={"name": "anon"}).status_code == 201
    body = assert_problem(client.post("/labs/", json={"name": "ANON"}), 409)
    assert (body["detail"], body["errors"]) == (
        "a lab with name ANON already exists",
        {"name": "already taken"},
    )
    assert assert_problem(client.patch("/lab/1", json={"name": "Anon"}), 409)["errors"] == {
        "name": "already taken"
    }


def test_a_refusal_that_is_not_the_permission_triggers_is_worded_by_us(app, pg_conn):
    from project.api.errors import database_error

    query(pg_conn, "DROP ROLE IF EXISTS nobody; CREATE ROLE nobody")
    with pytest.raises(psycopg2.errors.InsufficientPrivilege) as caught:
        query(pg_conn, "SET ROLE nobody; SELECT FROM site")
    query(pg_conn, "RESET ROLE; DROP ROLE nobody")
    with app.test_request_context():
        response = database_error(caught.value)
    assert (response.status_code, response.json["detail"]) == (403, "the database refused this change")


def test_a_create_that_lost_every_race_for_an_id_is_a_503(app):
    from project.api.errors import no_free_id
    from project.database import NoFreeId

    with app.test_request_context():
        response = no_free_id(NoFreeId("no free id"))
    assert (response.status_code, response.headers["Retry-After"]) == (503, "1")


@pytest.mark.parametrize(
    "path",
    [
        "/sites/" + "9" * 4400 + "/1",
        "/sites/0/" + "9" * 4400,
        "/sites?lab_id=" + "9" * 4400,
        "/sites?limit=" + "9" * 4400,
    ],
)
def test_numbers_too_long_for_python_are_a_400(client, path):
    assert_problem(client.get(path), 400)


def test_json_nested_too_deep_is_a_400(client):
    body = "[" * 5000 + "]" * 5000
    response = client.post("/labs/", data=body, content_type="application/json")
    assert assert_problem(response, 400)["type"] == "urn:lab-inventory:problem:malformed-json"


def test_a_lone_surrogate_in_text_is_a_400(client):
    response = client.post("/labs/", data='{"name": "\\ud800"}', content_type="application/json")
    assert assert_problem(response, 400)["errors"] == {
        "name": "must not be blank, start or end with spaces, or contain NUL characters or lone surrogates"
    }


@pytest.mark.parametrize("cursor", ["[" * 3000, '["id", ["\\ud800"]]', '["id", [1.5]]'])
def test_a_forged_cursor_of_any_shape_is_a_400(client, cursor):
    import base64

    after = base64.urlsafe_b64encode(cursor.encode()).decode()
    assert assert_problem(client.get(f"/sites?limit=2&after={after}"), 400)["errors"] == {
        "after": "must be a cursor from a Link header of this list with order=id"
    }


def test_true_is_not_the_id_one(client):
    response = client.post("/site/1", json={"site_id": True, "name": "x"})
    assert assert_problem(response, 400)["errors"] == {"site_id": "must equal the id in the URL (1)"}


@pytest.mark.parametrize(
    ("postcode", "stored", "status"),
    [(48104, "48104", 200), (48104.0, "48104", 200), ("02134", "02134", 200), (-5, None, 400),
     (10**20, None, 400), (48104.5, None, 400), ("x" * 21, None, 400)],
)  # fmt: skip
def test_postcodes_are_text_or_whole_numbers_of_at_most_20_digits(client, postcode, stored, status):
    response = client.patch("/site/3", json={"postcode_or_zip": postcode})
    assert response.status_code == status
    if stored:
        assert response.json["postcode_or_zip"] == stored


def test_a_postcode_filter_keeps_leading_zeros(client):
    client.patch("/site/3", json={"postcode_or_zip": "02134"})
    assert [s["id"] for s in client.get("/sites?postcode_or_zip=02134").json] == [3]


def test_an_explicit_id_at_the_top_leaves_server_assigned_ids_to_everyone(client):
    assert client.put("/lab/2147483647", json={"name": "Top"}).status_code == 201
    assert client.post("/labs/", json={"name": "Next"}).json["id"] == 2
    assert client.delete("/lab/2147483647").status_code == 200
    assert client.post("/labs/", json={"name": "After"}).json["id"] == 3


def test_only_a_table_with_no_id_left_above_the_sequence_says_ids_are_exhausted(client, pg_conn):
    query(pg_conn, "SELECT setval(pg_get_serial_sequence('lab', 'id'), 2147483646)")
    assert client.put("/lab/2147483647", json={"name": "Top"}).status_code == 201
    body = assert_problem(client.post("/labs/", json={"name": "Next"}), 409)
    assert body["type"] == "urn:lab-inventory:problem:ids-exhausted"


def test_every_constraint_a_client_can_break_is_mapped_by_name(pg_conn):
    from project.api.errors import FOREIGN_KEYS, UNIQUE

    inventory = ["lab", "site", "computer", "freezer", "rack", "box", "container", "attachment"]
    unique = query(
        pg_conn,
        """
        SELECT i.indexrelid::regclass::text, coalesce(a.attname, 'name')
          FROM pg_index i LEFT JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = i.indkey[0]
         WHERE i.indrelid::regclass::text = ANY (%s) AND i.indisunique AND NOT i.indisprimary
        """,
        (inventory,),
    )  # an expression index (lower(name)) has no column: its one is name
    assert dict(unique) | {"barcode_taken": "barcode"} == UNIQUE  # barcodes: the table barcode's key
    references = query(
        pg_conn,
        """
        SELECT c.conname, a.attname, c.confrelid::regclass::text
          FROM pg_constraint c JOIN pg_attribute a ON a.attrelid = c.conrelid AND a.attnum = c.conkey[1]
         WHERE c.conrelid::regclass::text = ANY (%s) AND c.contype = 'f'
        """,
        (inventory,),
    )
    assert {name: (column, parent) for name, column, parent in references} == FOREIGN_KEYS


@pytest.fixture
def german(database_url, pg_conn):
    """Make PostgreSQL word its messages in German for new connections to the test database."""
    dbname = query(pg_conn, "SELECT current_database()")[0][0]
    try:
        query(pg_conn, "SET lc_messages = 'de_DE.UTF-8'")
    except psycopg2.errors.InvalidParameterValue:
        pytest.skip("the de_DE.UTF-8 locale is missing (./scripts/bootstrap-test-tools makes it)")
    with pytest.raises(psycopg2.errors.DivisionByZero) as caught:
        query(pg_conn, "SELECT 1/0")
    if "division by zero" in str(caught.value):
        pytest.skip("this PostgreSQL build has no translated messages (the wheel's; Debian's has)")
    query(pg_conn, f"ALTER DATABASE {dbname} SET lc_messages = 'de_DE.UTF-8'")
    yield
    query(pg_conn, f"ALTER DATABASE {dbname} RESET lc_messages")


def test_errors_are_mapped_the_same_when_postgresql_speaks_german(german, client):
    client.patch("/computer/1", json={"mac": "08:00:2b:01:02:03"})
    body = assert_problem(client.patch("/computer/2", json={"mac": "08002b010203"}), 409)
    assert body["detail"] == "a computer with mac 08:00:2b:01:02:03 already exists"
    body = assert_problem(client.post("/computer/7", json={"name": "c", "site_id": 9}), 422)
    assert (body["detail"], body["errors"]) == ("site_id 9 does not exist", {"site_id": "does not exist"})
    body = assert_problem(client.delete("/site/1"), 409)
    assert body["detail"] == "site 1 still has computers; delete or move them first"
    assert assert_problem(client.delete("/lab/1"), 409)["type"].endswith("has-children")
    assert assert_problem(client.post("/labs/", json={"name": "Ann Arbor Lab"}), 409)["errors"] == {
        "name": "already taken"
    }
