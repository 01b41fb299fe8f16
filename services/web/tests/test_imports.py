"""POST /containers/import (api/imports.py): CSV through COPY, checked by set-based SQL, all or none."""

import time

import pytest
from conftest import query
from test_storage import EDITOR, other_lab  # noqa: F401 (a fixture)

from project.database.container_import import COLUMNS


def send(client, text, path="/containers/import", content_type="text/csv", **kwargs):
    """POST `text` as CSV."""
    return client.post(path, data=text.encode(), content_type=content_type, **kwargs)


def count(pg_conn):
    """Return how many containers there are."""
    return query(pg_conn, "SELECT count(*) FROM container")[0][0]


def test_an_import_creates_every_row_in_one_statement(client, pg_conn):
    csv = "barcode,box_id,position,description\nT-1,1,C3,first\nT-2,2,I9,\nT-3,,,\n"
    refused = send(client, csv)
    assert refused.json["errors"] == [
        {"line": 4, "column": "freezer_id", "message": "is required without a box_id"}
    ]
    answer = send(client, csv.replace("T-3,,,", "T-3,,,loose").replace("description", "description,freezer_id")
                  .replace("first", "first,").replace("I9,", "I9,,").replace("loose", "loose,2"))  # fmt: skip
    assert (answer.status_code, answer.json) == (201, {"imported": 3})
    rows = query(
        pg_conn,
        "SELECT barcode, freezer_id, box_id, position, status FROM container WHERE id > 6 ORDER BY id",
    )
    assert rows == [
        ("T-1", 1, 1, "C3", "in_storage"),
        ("T-2", 1, 2, "I9", "in_storage"),
        ("T-3", 2, None, None, "in_storage"),
    ]
    assert client.get("/lookup/T-2").json["item"]["position"] == "I9"


def test_an_import_skips_taken_ids_and_records_each_line_in_history_in_order(client, pg_conn):
    (last,) = query(pg_conn, "SELECT nextval('container_id_seq')")[0]
    query(pg_conn, "INSERT INTO container (id, freezer_id) VALUES (%s, 1)", (last + 2,))  # taken by hand
    assert send(client, "description,freezer_id\nfirst,1\nsecond,1\nthird,1\n").status_code == 201
    ids = query(pg_conn, "SELECT description, id FROM container WHERE id > %s ORDER BY id", (last,))
    assert sorted(i for _, i in ids) == [last + 1, last + 2, last + 3, last + 4]  # each id once
    assert dict(ids)[None] == last + 2
    history = query(
        pg_conn,
        "SELECT row_id, new_row ->> 'description', actor FROM history"
        " WHERE table_name = 'container' AND operation = 'INSERT' AND row_id > %s AND row_id <> %s ORDER BY id",
        (last, last + 2),
    )
    described = {d: i for d, i in ids}
    assert history == [(described[d], d, "anonymous") for d in ("first", "second", "third")]


def test_a_dry_run_checks_everything_and_writes_nothing(client, pg_conn):
    before = count(pg_conn)
    answer = send(client, "freezer_id,status\n1,checked_out\n2,\n", "/containers/import?dry_run=true")
    assert (answer.status_code, answer.json) == (200, {"would_import": 2})
    assert count(pg_conn) == before
    assert send(client, "freezer_id\n1\n", "/containers/import?dry_run=maybe").status_code == 400


def test_bad_rows_are_422_with_line_numbers_and_nothing_is_imported(client, pg_conn):
    before = count(pg_conn)
    csv = "\n".join([
        "uuid,barcode,freezer_id,box_id,position,status",
        "not-a-uuid,T-0001,1,1,A1,",          # line 2: uuid, barcode taken, position taken
        ",X-1,1,1,J1,lost",                   # line 3: no J1 in a 9x9 box, status
        ",X-1,2,1,B5,",                       # line 4: barcode repeated, box in another freezer
        ",,1,1,B5,",                          # line 5: position repeated
        ",,9,,,",                             # line 6: no freezer 9
        ",,,8,C1,",                           # line 7: no box 8
    ]) + "\n"  # fmt: skip
    refused = send(client, csv)
    assert refused.status_code == 422 and refused.mimetype == "application/problem+json"
    assert refused.json["errors"] == [
        {"line": 2, "column": "barcode", "message": "is already taken"},
        {"line": 2, "column": "position", "message": "A1 of box 1 is taken"},
        {"line": 2, "column": "uuid", "message": "must be a UUID"},
        {"line": 3, "column": "position", "message": "box 1 has no position J1"},
        {"line": 3, "column": "status", "message": "must be in_storage, checked_out or disposed"},
        {"line": 4, "column": "barcode", "message": "is also on line 3"},
        {"line": 4, "column": "freezer_id", "message": "box 1 is in freezer 1"},
        {"line": 5, "column": "position", "message": "is also on line 4"},
        {"line": 6, "column": "freezer_id", "message": "freezer 9 does not exist"},
        {"line": 7, "column": "box_id", "message": "box 8 does not exist"},
    ]
    assert count(pg_conn) == before
    header = send(client, "freezer_id,colour,freezer_id\n1,red,1\n")
    assert header.json["errors"] == [
        {
            "line": 1,
            "column": "colour",
            "message": "is not one of " + ", ".join(COLUMNS),
        },
        {"line": 1, "column": "freezer_id", "message": "is named twice"},
    ]
    assert len(send(client, "freezer_id\n" + "9\n" * 150).json["errors"]) == 100


def test_an_import_over_max_import_bytes_is_413_and_only_this_route_takes_more_than_64_kib(app, client):
    app.config["MAX_IMPORT_BYTES"] = 100_000
    rows = "freezer_id,description\n" + "1,a tube of plasma\n" * 4000  # 76 kB
    assert send(client, rows).json == {"imported": 4000}
    assert send(client, rows * 2).status_code == 413
    assert client.post("/containers", data="x" * 70_000, content_type="application/json").status_code == 413
    assert send(client, "freezer_id\n1\n", content_type=None).status_code in (400, 415)


def test_an_import_must_be_csv(client):
    answer = client.post("/containers/import", json={"freezer_id": 1})
    assert answer.status_code == 415


def test_an_editor_imports_only_into_their_labs(client, pg_conn, other_lab):  # noqa: F811
    refused = send(client, "box_id,position\n3,A1\n", headers=EDITOR)
    assert (refused.status_code, refused.json["type"]) == (403, "urn:lab-inventory:problem:forbidden")
    assert send(client, "box_id,position\n1,A3\n", headers=EDITOR).status_code == 201
    assert query(pg_conn, "SELECT actor FROM history ORDER BY id DESC LIMIT 1") == [("editor",)]


def test_an_editor_imports_no_aliquot_of_another_labs_tube(client, pg_conn, other_lab):  # noqa: F811
    query(pg_conn, "INSERT INTO container (id, freezer_id, barcode) VALUES (41, 3, 'THEIRS-1')")
    before = query(pg_conn, "SELECT count(*) FROM container")
    refused = send(client, "freezer_id,parent_barcode\n1,THEIRS-1\n", headers=EDITOR)
    assert (refused.status_code, refused.json["detail"]) == (
        403,
        "container 41 (a parent) is not in a lab you are a member of",
    )
    assert query(pg_conn, "SELECT count(*) FROM container") == before
    assert client.delete("/container/41").status_code == 200  # its lab still may
    assert send(client, "freezer_id,parent_barcode\n1,T-0001\n", headers=EDITOR).status_code == 201


def test_an_import_has_its_own_statement_timeout(app, client, pg_conn):
    rows = "description,freezer_id\n" + "".join(f"Tube {n},1\n" for n in range(3000))
    app.config["IMPORT_STATEMENT_TIMEOUT_MS"] = 1
    answer = send(client, rows)
    assert answer.status_code == 503 and "cancelled" in answer.json["detail"]
    app.config["IMPORT_STATEMENT_TIMEOUT_MS"] = 120_000  # far longer than DB_STATEMENT_TIMEOUT_MS
    assert send(client, rows).status_code == 201


def test_any_line_ending_is_read_and_lines_are_counted_as_in_the_file(client, pg_conn):
    for newline in ("\r", "\n", "\r\n"):
        rows = newline.join(["description,freezer_id", '"two', 'lines",1', "", "x,9", ""])
        refused = send(client, rows)
        assert refused.status_code == 422, newline
        assert refused.json["errors"] == [
            {"line": 5, "column": "freezer_id", "message": "freezer 9 does not exist"}
        ]
    assert send(client, "description,freezer_id\rCR only,1\rsecond,1\r").json == {"imported": 2}


def test_values_reach_the_table_as_written_and_an_empty_field_is_no_value(client, pg_conn):
    odd = 'back\\slash, tab\there, \\N, \\., "quoted", 5 µl Gefäß ✓\nand a second line'
    answer = send(
        client, "description,barcode,freezer_id\n" + '"' + odd.replace('"', '""') + '",,1\n"",X-9,1\n'
    )
    assert answer.json == {"imported": 2}
    rows = query(pg_conn, "SELECT description, barcode FROM container WHERE id > 6 ORDER BY id")
    assert rows == [(odd, None), (None, "X-9")]


STRUCTURAL = [  # a CSV body after the header "barcode,description,freezer_id", and the 422's errors
    ("T-1,a,1,extra\n", [{"line": 2, "column": None, "message": "has 4 fields; the header names 3"}]),
    ("T-1,a\n", [{"line": 2, "column": None, "message": "has 2 fields; the header names 3"}]),
    ('T-1,"a,1\nT-2,b,1\n', [{"line": 2, "column": None, "message": "a quoted field is not closed before the end of the file"}]),
    ('T-1,"a"b,1\n', [{"line": 2, "column": None, "message": "a quoted field must end at its closing quote"}]),
    ("T-1,Gef\xe4\xdf,1\n", [{"line": 2, "column": "description", "message": "is not UTF-8 text"}]),
    ("T-1,\0,1\nT-2\0,b,1\n", [
        {"line": 2, "column": "description", "message": "holds a NUL character"},
        {"line": 3, "column": "barcode", "message": "holds a NUL character"},
    ]),
    ("T-1," + "x" * 200_000 + ",1\n", [{"line": 2, "column": None, "message": "a field is longer than 131072 characters"}]),
]  # fmt: skip


@pytest.mark.parametrize(("body", "errors"), STRUCTURAL)
def test_a_line_that_is_not_csv_is_422_with_its_line_and_nothing_is_imported(client, pg_conn, body, errors):
    before = count(pg_conn)
    data = ("barcode,description,freezer_id\nT-0,fine,1\n" + body).encode("latin-1")  # \xe4: Latin-1 bytes
    answer = client.post("/containers/import", data=data, content_type="text/csv")
    assert (answer.status_code, answer.mimetype) == (422, "application/problem+json")
    assert answer.json["errors"] == [{**e, "line": e["line"] + 1} for e in errors]
    assert count(pg_conn) == before


def test_a_header_with_bad_bytes_or_a_fault_is_422_on_line_1(client):
    latin = client.post(
        "/containers/import", data="barcode,Gr\xf6\xdfe\n".encode("latin-1"), content_type="text/csv"
    )
    assert latin.json["errors"] == [
        {"line": 1, "column": "Gr\ufffd\ufffde", "message": "is not one of " + ", ".join(COLUMNS)}
    ]
    assert send(client, '"barcode"x\nT-1\n').json["errors"] == [
        {"line": 1, "column": None, "message": "a quoted field must end at its closing quote"}
    ]
    assert send(client, "").json["errors"] == [
        {"line": 1, "column": None, "message": "the header row naming the columns is missing"}
    ]


def test_a_header_of_many_names_is_refused_at_once(client):
    started = time.monotonic()
    answer = send(client, ",".join(f"c{n}" for n in range(100_000)) + "\n")
    assert time.monotonic() - started < 5  # it was quadratic: 82 s
    assert answer.json["errors"] == [
        {"line": 1, "column": None, "message": "names 100000 columns; a header may name at most 28"}
    ]
    many = send(client, ",".join(["freezer_id"] * 28) + "\n")
    assert many.json["errors"] == [{"line": 1, "column": "freezer_id", "message": "is named twice"}]
