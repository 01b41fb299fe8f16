"""Samples (api/samples.py, database/sample.sql, migration 0007): quantities and units, aliquots,
derivatives, pools, lineage, events, filters; exact under concurrency.

The example data: container 1 holds 500 uL of plasma (1000 uL at first) at A1 of box 1; its
aliquots 4 and 5 (100 uL each) and its DNA derivative 6 (40 ug) are in freezer 2, in no box.
Box 2 (9x9, freezer 1) holds container 2 at A1.
"""

import time
from concurrent.futures import ThreadPoolExecutor

import pytest
import requests
from conftest import query

EDITOR = {"Authorization": "Bearer labinv-demo-editor-token"}


def aliquot(client, parent=1, **body):
    """POST /container/<parent>/aliquots."""
    return client.post(f"/container/{parent}/aliquots", json=body)


def quantity(pg_conn, container_id):
    """Return a container's quantity as stored (numeric) and its unit."""
    return query(pg_conn, "SELECT quantity, unit FROM container WHERE id = %s", (container_id,))[0]


def test_the_example_data_has_a_plasma_sample_with_two_aliquots_and_a_dna_derivative(client):
    plasma = client.get("/container/1").json
    assert {k: plasma[k] for k in ("sample_type", "quantity", "unit", "initial_quantity", "lineage", "parent_ids")} == {
        "sample_type": "plasma", "quantity": 500, "unit": "uL", "initial_quantity": 1000, "lineage": "primary",
        "parent_ids": [],
    }  # fmt: skip
    assert (plasma["collected_at"], plasma["expires_at"], plasma["freeze_thaw_count"]) == (
        "2026-03-02T09:30:00+00:00", "2031-03-02", 0
    )  # fmt: skip
    children = [client.get(f"/container/{i}").json for i in (4, 5, 6)]
    assert [(c["lineage"], c["parent_ids"], c["sample_type"], c["quantity"], c["unit"]) for c in children] == [
        ("aliquot", [1], "plasma", 100, "uL"), ("aliquot", [1], "plasma", 100, "uL"), ("derivative", [1], "DNA", 40, "ug")
    ]  # fmt: skip


def test_aliquots_take_the_next_free_positions_row_by_row_and_inherit_the_parent(client, pg_conn):
    client.post("/container/2/check-out")  # A1 of box 2 stays reserved
    client.post("/containers", json={"freezer_id": 1, "box_id": 2, "position": "A3"})
    made = aliquot(client, count=3, quantity=20, unit="uL", box_id=2, positions="next")
    assert made.status_code == 201, made.json
    assert [(c["box_id"], c["position"]) for c in made.json] == [(2, "A2"), (2, "A4"), (2, "A5")]
    first = made.json[0]
    assert {k: first[k] for k in ("lineage", "parent_ids", "sample_type", "description", "collected_at",
                                  "expires_at", "freeze_thaw_count", "status", "freezer_id", "quantity",
                                  "initial_quantity", "unit")} == {
        "lineage": "aliquot", "parent_ids": [1], "sample_type": "plasma", "description": "Plasma aliquots, box A",
        "collected_at": "2026-03-02T09:30:00+00:00", "expires_at": "2031-03-02", "freeze_thaw_count": 0,
        "status": "in_storage", "freezer_id": 1, "quantity": 20, "initial_quantity": 20, "unit": "uL",
    }  # fmt: skip
    assert [c["barcode"] for c in made.json] == ["S000004", "S000005", "S000006"]
    assert float(quantity(pg_conn, 1)[0]) == 440


def test_aliquots_at_given_positions_come_back_in_position_order_with_their_barcodes(client):
    made = aliquot(client, count=2, box_id=2, positions=["C1", "B9"], barcodes=["P-2", "P-1"])
    assert made.status_code == 201, made.json
    assert [(c["position"], c["barcode"], c["quantity"]) for c in made.json] == [
        ("B9", "P-1", None),
        ("C1", "P-2", None),
    ]
    assert client.get("/container/1").json["quantity"] == 500  # no quantity asked: nothing taken


def test_aliquots_without_a_box_stay_in_the_parents_freezer_and_barcodes_follow_the_prefix(app, client):
    app.config["BARCODE_PREFIX"] = "AQ-"
    made = aliquot(client, count=2, quantity=0.05, unit="mL")
    assert [(c["freezer_id"], c["box_id"], c["position"], c["barcode"]) for c in made.json] == [
        (1, None, None, "AQ-000004"), (1, None, None, "AQ-000005")
    ]  # fmt: skip
    assert [c["unit"] for c in made.json] == ["mL"] * 2
    assert client.get("/container/1").json["quantity"] == 400  # 2 x 0.05 mL = 100 uL


@pytest.mark.parametrize(
    ("parent_unit", "asked", "left"),
    [
        ("mL", (250, "uL"), 0.75),
        ("mg", (500, "ug"), 0.5),
        ("ug", (0.001, "mg"), 0),
        ("L", (1, "\u00b5L"), 0.999999),
    ],
)
def test_units_convert_into_the_parents_unit(client, pg_conn, parent_unit, asked, left):
    query(pg_conn, "UPDATE container SET quantity = 1, unit = %s WHERE id = 3", (parent_unit,))
    made = aliquot(client, parent=3, count=2, quantity=asked[0] / 2, unit=asked[1])
    assert made.status_code == 201, made.json
    assert client.get("/container/3").json["quantity"] == pytest.approx(left)


def test_units_that_do_not_convert_are_a_422_and_micro_signs_are_stored_as_u(client):
    refused = aliquot(client, count=1, quantity=1, unit="mg")
    assert (refused.status_code, refused.json["type"]) == (
        422,
        "urn:lab-inventory:problem:units-not-convertible",
    )
    assert refused.json["detail"] == "container 1 is in uL, which mg does not convert into"
    client.patch("/container/3", json={"quantity": 5, "unit": "cells"})
    assert aliquot(client, parent=3, count=1, quantity=1, unit="uL").status_code == 422
    assert client.patch("/container/3", json={"quantity": 5, "unit": "\u03bcL"}).json["unit"] == "uL"


def test_asking_for_more_than_is_left_is_a_409_saying_how_much(client, pg_conn):
    refused = aliquot(client, count=6, quantity=100, unit="uL")
    assert refused.status_code == 409
    assert refused.json["type"] == "urn:lab-inventory:problem:insufficient-quantity"
    assert refused.json["detail"] == "container 1 has 500 uL left; 600 uL asked"
    assert float(quantity(pg_conn, 1)[0]) == 500
    assert aliquot(client, count=5, quantity=100, unit="uL").status_code == 201
    assert client.get("/container/1").json["quantity"] == 0


def test_a_full_box_a_taken_position_and_a_disposed_parent_are_409s_that_write_nothing(client, pg_conn):
    client.post("/boxes", json={"freezer_id": 1, "name": "Tiny", "rows": 1, "cols": 2})  # box 3
    full = aliquot(client, count=3, quantity=1, unit="uL", box_id=3)
    assert (full.status_code, full.json["detail"]) == (409, "box 3 has 2 free positions; 3 asked")
    taken = aliquot(client, count=1, box_id=2, positions=["A1"])
    assert (taken.status_code, taken.json["errors"]) == (
        409,
        {"position": "holds another container (or is reserved for one)"},
    )
    outside = aliquot(client, count=1, box_id=3, positions=["B1"])
    assert outside.status_code == 422
    client.post("/container/3/dispose")
    disposed = aliquot(client, parent=3, count=1)
    assert (disposed.status_code, disposed.json["detail"]) == (409, "container 3 is disposed")
    assert query(pg_conn, "SELECT count(*) FROM container")[0][0] == 6
    assert float(quantity(pg_conn, 1)[0]) == 500


def test_a_checked_out_parent_may_be_aliquoted(client):
    client.post("/container/1/check-out")
    assert aliquot(client, count=1, quantity=10, unit="uL").status_code == 201


@pytest.mark.parametrize(
    ("body", "errors"),
    [
        ({"count": 0}, {"count": "must be at least 1"}),
        ({"count": 385}, {"count": "must be at most 384"}),
        ({"count": 1, "quantity": 1}, {"unit": "is required with a quantity"}),
        ({"count": 1, "quantity": -1, "unit": "uL"}, {"quantity": "must be at least 0"}),
        (
            {"count": 1, "unit": "pints", "quantity": 1},
            {
                "unit": "must be one of L, mL, uL, g, mg, ug, ng, cells, items (\u00b5L and \u00b5g are uL and ug)"
            },
        ),
        ({"count": 2, "box_id": 2, "positions": ["B1"]}, {"positions": "must hold count (2) items, not 1"}),
        ({"count": 1, "positions": ["B1"]}, {"positions": "needs a box_id"}),
        ({"count": 1, "barcodes": ["X", "Y"]}, {"barcodes": "must hold count (1) items, not 2"}),
    ],
)
def test_a_bad_aliquot_request_is_a_400(client, body, errors):
    refused = aliquot(client, **body)
    assert (refused.status_code, refused.json["errors"]) == (400, errors)


def test_a_derivative_consumes_from_its_parent_and_starts_its_own_count(client, pg_conn):
    client.post("/container/1/check-out")
    client.post("/container/1/check-in")
    body = {"sample_type": "DNA", "quantity": 40, "unit": "ug", "consume": {"quantity": 200, "unit": "uL"},
            "box_id": 2, "position": "next"}  # fmt: skip
    made = client.post("/container/1/derivatives", json=body)
    assert made.status_code == 201, made.json
    assert made.headers["Location"] == f"/container/{made.json['id']}" and "ETag" in made.headers
    assert {k: made.json[k] for k in ("lineage", "parent_ids", "sample_type", "quantity", "unit",
                                      "freeze_thaw_count", "position")} == {
        "lineage": "derivative", "parent_ids": [1], "sample_type": "DNA", "quantity": 40, "unit": "ug",
        "freeze_thaw_count": 0, "position": "A2",
    }  # fmt: skip
    parent = client.get("/container/1").json
    assert (parent["quantity"], parent["freeze_thaw_count"]) == (300, 1)
    too_much = client.post("/container/1/derivatives", json={**body, "consume": {"quantity": 1, "unit": "L"}})
    assert too_much.json["detail"] == "container 1 has 300 uL left; 1 L asked"


def test_a_pool_sums_what_each_source_gives_in_the_first_sources_unit(client):
    body = {"sources": [{"container_id": 5, "quantity": 0.05, "unit": "mL"},
                        {"container_id": 4, "quantity": 30, "unit": "uL"}]}  # fmt: skip
    made = client.post("/containers/pool", json=body)
    assert made.status_code == 201, made.json
    pool = made.json
    assert (pool["lineage"], pool["parent_ids"], pool["quantity"], pool["unit"], pool["sample_type"]) == (
        "pool", [5, 4], 0.08, "mL", "plasma"
    )  # fmt: skip
    assert [client.get(f"/container/{i}").json["quantity"] for i in (4, 5)] == [70, 50]
    lineage = client.get(f"/container/{pool['id']}/lineage").json
    assert [(a["id"], a["depth"]) for a in lineage["ancestors"]] == [(4, 1), (5, 1), (1, 2)]
    assert [(d["id"], d["depth"]) for d in client.get("/container/1/lineage").json["descendants"]] == [
        (4, 1), (5, 1), (6, 1), (pool["id"], 2)
    ]  # fmt: skip
    assert client.get("/container/4/lineage").json["descendants"][0]["id"] == pool["id"]


def test_a_pool_names_each_source_that_cannot_give_by_index_and_writes_nothing(client, pg_conn):
    body = {"sources": [{"container_id": 4, "quantity": 50, "unit": "uL"},
                        {"container_id": 5, "quantity": 150, "unit": "uL"},
                        {"container_id": 6, "quantity": 50, "unit": "uL"}]}  # fmt: skip
    mixed = client.post("/containers/pool", json=body)
    assert (mixed.status_code, mixed.json["errors"]) == (
        422, [{"index": 2, "message": "container 6 is in ug, which uL does not convert into"}]
    )  # fmt: skip
    body["sources"][2] = {"container_id": 1, "quantity": 600, "unit": "uL"}
    short = client.post("/containers/pool", json=body)
    assert (short.status_code, short.json["errors"]) == (409, [
        {"index": 1, "message": "container 5 has 100 uL left; 150 uL asked"},
        {"index": 2, "message": "container 1 has 500 uL left; 600 uL asked"},
    ])  # fmt: skip
    body["sources"][1:] = [{"container_id": 99, "quantity": 1, "unit": "uL"}]
    assert client.post("/containers/pool", json=body).json["errors"] == [
        {"index": 1, "message": "container 99 does not exist"}
    ]
    body["sources"][1] = {"container_id": 4, "quantity": 1, "unit": "uL"}
    assert client.post("/containers/pool", json=body).json["errors"] == {
        "sources[1].container_id": "names the container of sources[0] again"
    }
    assert query(pg_conn, "SELECT sum(quantity) FROM container WHERE id IN (4, 5)")[0][0] == 200


def test_a_pool_of_different_sample_types_must_name_its_own(client):
    body = {"sources": [{"container_id": 4, "quantity": 10, "unit": "uL"},
                        {"container_id": 3, "quantity": 10, "unit": "uL"}]}  # fmt: skip
    assert client.post("/containers/pool", json=body).json["errors"] == {
        "sample_type": "is required when the sources' sample types differ"
    }
    body["sources"][1] = {"container_id": 1, "quantity": 10, "unit": "uL"}
    made = client.post(
        "/containers/pool", json={**body, "sample_type": "plasma pool", "box_id": 2, "position": "I9"}
    )
    assert (made.status_code, made.json["sample_type"], made.json["position"]) == (201, "plasma pool", "I9")


def test_quantity_and_unit_are_corrected_by_put_and_patch_and_initial_quantity_is_the_databases(
    client, pg_conn
):
    changed = client.patch("/container/3", json={"quantity": 2, "unit": "mL"})
    assert (changed.json["quantity"], changed.json["initial_quantity"]) == (2, 2)
    changed = client.patch("/container/3", json={"quantity": 1500, "unit": "uL"})
    assert (changed.json["quantity"], changed.json["initial_quantity"]) == (1500, 2000)
    assert client.patch("/container/3", json={"quantity": 1, "unit": None}).json["errors"] == {
        "unit": "is required with a quantity"
    }
    for field, value in (
        ("initial_quantity", 1),
        ("freeze_thaw_count", 3),
        ("lineage", "pool"),
        ("parent_ids", [1]),
    ):
        refused = client.patch("/container/3", json={field: value})
        assert (refused.status_code, refused.json["errors"]) == (400, {field: "is not a known field"})
    put = client.put("/container/3", json={"freezer_id": 2, "sample_type": " serum"})
    assert put.status_code == 400
    put = client.put(
        "/container/3", json={"freezer_id": 2, "sample_type": "serum", "expires_at": "2027-02-30"}
    )
    assert put.json["errors"] == {"expires_at": "must be a date such as 2026-11-22"}
    for value in ({}, 20270230, ["2027-02-03"]):  # not text: a type error, not a date's
        put = client.put("/container/3", json={"freezer_id": 2, "collected_at": value, "expires_at": value})
        assert put.json["errors"] == {
            "collected_at": "must be text or null",
            "expires_at": "must be text or null",
        }
    kept = client.put("/container/6", json={"freezer_id": 2, "sample_type": "DNA"}).json
    assert (kept["lineage"], kept["parent_ids"], kept["quantity"]) == ("derivative", [1], None)


def test_the_database_keeps_every_rule_also_for_psql(pg_conn):
    rules = {
        "UPDATE container SET quantity = -1 WHERE id = 1": "container_quantity_not_negative",
        "UPDATE container SET unit = NULL WHERE id = 1": "container_quantity_with_unit",
        "UPDATE container SET parent_ids = '{2}' WHERE id = 4": "container_lineage_fixed",
        "INSERT INTO container (freezer_id, lineage, parent_ids) VALUES (1, 'aliquot', '{99}')": "container_parent_exists",
        "INSERT INTO container (freezer_id, lineage, parent_ids) VALUES (1, 'pool', '{1}')": "container_lineage_parents",
        "INSERT INTO container (freezer_id, lineage, parent_ids) VALUES (1, 'pool', '{4,4}')": "container_lineage_parents",
        "DELETE FROM container WHERE id = 1": "container_is_a_parent",
        "SELECT convert_quantity(1, 'mL', 'mg')": "quantity_units_convertible",
    }
    for statement, constraint in rules.items():
        with pytest.raises(Exception) as refused:
            query(pg_conn, statement)
        assert refused.value.diag.constraint_name == constraint, statement
    converted = query(pg_conn, "SELECT convert_quantity(1, 'L', 'uL'), convert_quantity(5, 'ng', 'ug')")
    assert [tuple(map(str, row)) for row in converted] == [("1000000", "0.005")]


def test_deleting_a_parent_is_a_409_and_a_child_then_its_parent_works(client):
    refused = client.delete("/container/1")
    assert (refused.status_code, refused.json["errors"]) == (
        409,
        {"id": "is the parent of other containers: they name it"},
    )
    for child in (4, 5, 6):
        assert client.delete(f"/container/{child}").status_code == 200
    assert client.delete("/container/1").status_code == 200


def test_check_in_counts_a_thaw_unless_the_body_says_it_was_not(client):
    client.post("/container/1/check-out")
    assert client.post("/container/1/check-in").json["freeze_thaw_count"] == 1
    client.post("/container/1/check-out")
    assert client.post("/container/1/check-in", json={"thawed": False}).json["freeze_thaw_count"] == 1


def test_lists_filter_by_sample_type_and_expiry_and_search_it(client):
    assert [c["id"] for c in client.get("/containers?sample_type=plasma").json] == [1, 4, 5]
    assert [c["id"] for c in client.get("/containers?expires_before=2031-03-03").json] == [1, 4, 5]
    assert client.get("/containers?expires_before=2031-03-02").json == []
    assert [c["id"] for c in client.get("/containers?q=dna").json] == [2, 6]
    assert [c["id"] for c in client.get("/freezer/2/containers?lineage=aliquot").json] == [4, 5]
    refused = client.get("/containers?expires_before=soon")
    assert (refused.status_code, refused.json["errors"]) == (
        400,
        {"expires_before": "must be a date such as 2026-11-22"},
    )
    assert [c["id"] for c in client.get("/containers?order=quantity&limit=2").json] == [6, 4]


def test_the_events_of_a_sample_through_its_life(client):
    made = client.post(
        "/containers", json={"freezer_id": 1, "sample_type": "serum", "quantity": 1, "unit": "mL"}
    )
    sample = made.json["id"]
    client.post("/moves", json={"moves": [{"container_id": sample, "box_id": 2, "position": "E5"}]})
    client.post(f"/container/{sample}/check-out", json={"note": "to the bench"})
    client.post(f"/container/{sample}/check-in")
    children = aliquot(client, parent=sample, count=2, quantity=100, unit="uL").json
    client.patch(f"/container/{sample}", json={"quantity": 0.5})
    client.patch(f"/container/{sample}", json={"description": "left over"})
    client.post(f"/container/{sample}/dispose", json={"reason": "used up"})
    events = client.get(f"/container/{sample}/events").json
    assert [e["event"] for e in events] == [
        "disposed", "changed", "used", "aliquoted", "checked_in", "checked_out", "moved", "created"
    ]  # fmt: skip
    assert events[3]["detail"] == {
        "children": [c["id"] for c in children],
        "taken": {"quantity": 0.2, "unit": "mL"},
    }
    assert events[2]["detail"] == {"taken": {"quantity": 0.3, "unit": "mL"}}
    assert events[1]["detail"] == {"description": {"from": None, "to": "left over"}}
    assert events[4]["detail"] == {"box_id": 2, "position": "E5", "freeze_thaw_count": 1}
    assert events[6]["detail"] == {
        "from": {"freezer_id": 1, "box_id": None, "position": None}, "to": {"freezer_id": 1, "box_id": 2, "position": "E5"}
    }  # fmt: skip
    assert {e["actor"] for e in events} == {"anonymous"}
    child = client.get(f"/container/{children[0]['id']}/events").json
    assert [(e["event"], e["detail"]["parent_ids"], e["detail"]["lineage"]) for e in child] == [
        ("created", [sample], "aliquot")
    ]
    page = client.get(f"/container/{sample}/events/2/3")
    assert [e["event"] for e in page.json] == ["used", "aliquoted", "checked_in"]
    assert page.headers["X-Total-Count"] == "8"
    assert client.get("/container/99/events").status_code == 404
    assert client.get("/container/99/lineage").status_code == 404


def test_an_editor_makes_children_only_in_their_labs(client, pg_conn):
    query(
        pg_conn,
        "INSERT INTO lab (id, name) VALUES (2, 'Other lab'); UPDATE site SET lab_id = 2 WHERE id = 3;"
        " INSERT INTO freezer (id, name, site_id) VALUES (3, 'Theirs', 3);"
        " INSERT INTO box (id, freezer_id, name) VALUES (3, 3, 'Their box');"
        " UPDATE container SET freezer_id = 3 WHERE id = 5",
    )
    into_theirs = client.post("/container/1/aliquots", json={"count": 1, "box_id": 3}, headers=EDITOR)
    assert into_theirs.status_code == 403
    from_theirs = client.post("/container/5/aliquots", json={"count": 1, "box_id": 2}, headers=EDITOR)
    assert from_theirs.status_code == 403
    assert (
        client.post("/container/1/aliquots", json={"count": 1, "box_id": 2}, headers=EDITOR).status_code
        == 201
    )


def test_ten_concurrent_aliquots_of_100_ul_from_500_ul_give_exactly_five(live_url, pg_conn):
    def attempt(_):
        body = {"count": 1, "quantity": 100, "unit": "uL"}
        return requests.post(f"{live_url}/container/1/aliquots", json=body, timeout=30)

    with ThreadPoolExecutor(10) as pool:
        answers = list(pool.map(attempt, range(10)))
    assert sorted(a.status_code for a in answers) == [201] * 5 + [409] * 5, [a.text for a in answers]
    assert {a.json()["type"] for a in answers if a.status_code == 409} == {
        "urn:lab-inventory:problem:insufficient-quantity"
    }
    assert quantity(pg_conn, 1) == (0, "uL")


def test_concurrent_next_allocations_into_one_box_never_share_a_position(live_url, client, pg_conn):
    client.post("/boxes", json={"freezer_id": 1, "name": "Ten", "rows": 2, "cols": 5})  # box 3: 10 positions

    def attempt(parent):
        body = {"count": 3, "box_id": 3, "positions": "next"}
        return requests.post(f"{live_url}/container/{parent}/aliquots", json=body, timeout=30)

    with ThreadPoolExecutor(6) as pool:
        answers = list(pool.map(attempt, [1, 2, 3, 4, 5, 6]))
    assert sorted(a.status_code for a in answers) == [201] * 3 + [409] * 3, [a.text for a in answers]
    positions = [c["position"] for a in answers if a.status_code == 201 for c in a.json()]
    assert len(positions) == len(set(positions)) == 9
    assert {a.json()["detail"] for a in answers if a.status_code == 409} == {
        "box 3 has 1 free position; 3 asked"
    }


def test_96_aliquots_fill_a_96_position_box_in_one_request(client, pg_conn):
    client.post("/boxes", json={"freezer_id": 1, "name": "Plate", "rows": 8, "cols": 12})
    query(pg_conn, "UPDATE container SET quantity = 10, unit = 'mL' WHERE id = 3")
    started = time.perf_counter()
    made = aliquot(client, parent=3, count=96, quantity=100, unit="uL", box_id=3)
    elapsed = time.perf_counter() - started
    assert made.status_code == 201 and len(made.json) == 96
    assert [c["position"] for c in made.json][:13] == [f"A{i}" for i in range(1, 13)] + ["B1"]
    assert client.get("/container/3").json["quantity"] == pytest.approx(0.4)
    assert elapsed < 2, elapsed


def test_the_lineage_of_a_sample_with_1000_descendants_is_one_fast_statement(client, pg_conn):
    query(
        pg_conn,
        "INSERT INTO container (freezer_id, lineage, parent_ids) SELECT 1, 'aliquot', '{4}' FROM generate_series(1, 500);"
        " INSERT INTO container (freezer_id, lineage, parent_ids)"
        " SELECT 1, 'aliquot', ARRAY[id] FROM container WHERE parent_ids = '{4}';"
        " ANALYZE container",
    )
    started = time.perf_counter()
    lineage = client.get("/container/4/lineage").json
    elapsed = time.perf_counter() - started
    assert len(lineage["descendants"]) == 1000
    assert [d["depth"] for d in lineage["descendants"]][499:501] == [1, 2]
    assert [a["id"] for a in lineage["ancestors"]] == [1]
    assert elapsed < 1, elapsed


def test_the_sample_type_and_expiry_filters_read_their_indexes(pg_conn):
    query(
        pg_conn,
        "INSERT INTO container (freezer_id, sample_type, expires_at)"
        " SELECT 2, (ARRAY['serum', 'plasma', 'DNA', NULL])[1 + i % 4], CASE WHEN i % 50 = 0 THEN date '2026-01-01' + i % 1000 END"
        " FROM generate_series(1, 40000) AS i; ANALYZE container",
    )
    for condition, index in (
        ("sample_type = 'rare'", "container_sample_type_idx"),
        ("expires_at < '2026-02-01'", "container_expires_at_idx"),
    ):
        plan = "\n".join(
            row[0]
            for row in query(
                pg_conn, f"EXPLAIN SELECT id FROM container WHERE {condition} ORDER BY id LIMIT 100"
            )
        )
        assert index in plan, plan
