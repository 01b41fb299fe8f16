"""Freezer storage (api/storage.py, migration 0003): racks, boxes, grids, moves, check-out and -in, lookup.

The example data has rack 1 in freezer 1 holding boxes 1 and 2 (9x9);
container 1 is at A1 of box 1 (barcode T-0001), container 2 at A1 of box 2 (T-0002).
"""

from concurrent.futures import ThreadPoolExecutor

import pytest
import requests
from conftest import query

EDITOR = {"Authorization": "Bearer labinv-demo-editor-token"}


def move(client, *moves, **kwargs):
    """POST /moves with these (container_id, box_id, position) moves."""
    body = [{"container_id": c, "box_id": b, "position": p} for c, b, p in moves]
    return client.post("/moves", json={"moves": body}, **kwargs)


def places(pg_conn):
    """Return {container id: (freezer, box, position, status)}."""
    rows = query(pg_conn, "SELECT id, freezer_id, box_id, position, status FROM container ORDER BY id")
    return {row[0]: row[1:] for row in rows}


@pytest.fixture
def other_lab(pg_conn):
    """Put site 3 in a second lab, with freezer 3 and its box 3 there (the editor is not a member)."""
    query(
        pg_conn,
        "INSERT INTO lab (id, name) VALUES (2, 'Other lab'); UPDATE site SET lab_id = 2 WHERE id = 3;"
        " INSERT INTO freezer (id, name, site_id) VALUES (3, 'Theirs', 3);"
        " INSERT INTO box (id, freezer_id, name) VALUES (3, 3, 'Their box')",
    )


def place_path(*names):
    """Return names joined as a place's path is: Site 1 \u203a -20C."""
    return " \u203a ".join(names)


def test_racks_and_boxes_are_table_resources_with_child_lists(client):
    assert client.get("/rack/1").json == {"id": 1, "freezer_id": 1, "name": "Rack 1", "barcode": "R-0001"}
    assert [b["id"] for b in client.get("/rack/1/boxes").json] == [1, 2]
    assert [r["id"] for r in client.get("/freezer/1/racks").json] == [1]
    assert [c["id"] for c in client.get("/box/1/containers").json] == [1]
    created = client.post("/boxes", json={"freezer_id": 2, "name": "Small", "rows": 2, "cols": 3})
    assert created.status_code == 201
    assert created.json | {"id": 0} == {
        "id": 0, "freezer_id": 2, "rack_id": None, "name": "Small", "barcode": None, "rows": 2, "cols": 3
    }  # fmt: skip
    assert client.get("/boxes?name=Box%20B").json[0]["id"] == 2
    assert client.get("/containers?barcode=T-0002").json[0]["id"] == 2


def test_deleting_a_box_or_rack_that_holds_anything_is_409(client):
    refused = client.delete("/box/1")
    assert (
        refused.status_code == 409
        and refused.json["detail"] == "box 1 still has containers; delete or move them first"
    )
    assert client.delete("/rack/1").json["detail"] == "rack 1 still has boxes; delete or move them first"


@pytest.mark.parametrize(
    ("body", "status", "errors"),
    [
        (
            {"freezer_id": 1, "name": "B", "rack_id": 1, "barcode": "T-0001"},
            409,
            {"barcode": "already taken"},
        ),
        (
            {"freezer_id": 2, "name": "B", "rack_id": 1},
            422,
            {"rack_id": "is a rack in another freezer than freezer_id"},
        ),
        ({"freezer_id": 1, "name": "B", "rows": 27}, 400, {"rows": "must be at most 26"}),
    ],
)
def test_the_database_refuses_a_box_that_breaks_a_rule(client, body, status, errors):
    refused = client.post("/boxes", json=body)
    assert (refused.status_code, refused.json["errors"]) == (status, errors)


def test_a_container_is_placed_only_at_a_free_position_of_its_boxs_grid_and_freezer(client):
    base = {"freezer_id": 1, "box_id": 1}
    cases = [
        ({**base, "position": "A1"}, 409, "position"),
        ({**base, "position": "J1"}, 422, "position"),
        ({**base}, 422, "position"),
        ({**base, "freezer_id": 2, "position": "C3"}, 422, "box_id"),
        ({"freezer_id": 1, "barcode": "BX-0001"}, 409, "barcode"),
    ]
    for body, status, field in cases:
        refused = client.post("/containers", json=body)
        assert (refused.status_code, list(refused.json["errors"])) == (status, [field]), body
    client.post("/containers", json={**base, "position": "B2"})
    assert client.patch("/box/1", json={"rows": 1, "cols": 1}).status_code == 409  # B2 is taken
    assert client.post("/containers", json={**base, "position": "I9"}).status_code == 201


def test_the_grid_lists_every_position_row_by_row_with_its_container(client):
    grid = client.get("/box/1/grid").json
    assert (grid["rows"], grid["cols"], grid["filled"], grid["empty"]) == (9, 9, 1, 80)
    assert grid["box"]["name"] == "Box A"
    positions = grid["positions"]
    assert [p["position"] for p in positions[:10]] == [
        "A1",
        "A2",
        "A3",
        "A4",
        "A5",
        "A6",
        "A7",
        "A8",
        "A9",
        "B1",
    ]
    assert positions[-1]["position"] == "I9"
    assert positions[0]["container"]["barcode"] == "T-0001" and positions[1]["container"] is None
    assert client.get("/box/99/grid").status_code == 404


def test_the_tree_has_racks_with_boxes_and_boxes_in_no_rack_with_counts(client):
    client.post("/boxes", json={"freezer_id": 1, "name": "Loose", "rows": 2, "cols": 2})
    tree = client.get("/freezer/1/tree").json
    assert tree["freezer"]["name"] == "-20C"
    [rack] = tree["racks"]
    assert [(b["name"], b["filled"], b["empty"]) for b in rack["boxes"]] == [
        ("Box A", 1, 80),
        ("Box B", 1, 80),
    ]
    assert [(b["name"], b["filled"], b["empty"]) for b in tree["boxes"]] == [("Loose", 0, 4)]
    assert client.get("/freezer/2/tree").json["racks"] == []
    assert client.get("/freezer/99/tree").status_code == 404


def test_lookup_finds_a_container_box_or_rack_by_barcode(client):
    assert client.get("/lookup/T-0002").json == {"kind": "container", "item": client.get("/container/2").json}
    assert client.get("/lookup/BX-0002").json == {"kind": "box", "item": client.get("/box/2").json}
    assert client.get("/lookup/R-0001").json["kind"] == "rack"
    assert client.get("/lookup/nothing").status_code == 404
    client.patch("/rack/1", json={"barcode": "R-0002"})  # the old barcode is free again
    assert client.get("/lookup/R-0001").status_code == 404 and client.get("/lookup/R-0002").status_code == 200


def test_a_containers_place_names_where_it_is_from_the_site_down(client):
    assert client.get("/container/1/place").json == {
        "id": 1,
        "site": {"id": 1, "name": "Site 1"},
        "freezer": {"id": 1, "name": "-20C"},
        "rack": {"id": 1, "name": "Rack 1"},
        "box": {"id": 1, "name": "Box A"},
        "position": "A1",
        "path": place_path("Site 1", "-20C", "Rack 1", "Box A", "A1"),
    }
    loose = client.get("/container/4/place").json  # in a freezer, in no box
    assert (loose["rack"], loose["box"], loose["position"], loose["path"]) == (
        None,
        None,
        None,
        place_path("Site 1", "-40C"),
    )
    client.patch("/box/1", json={"rack_id": None})
    assert client.get("/container/1/place").json["path"] == place_path("Site 1", "-20C", "Box A", "A1")
    assert client.get("/container/999/place").status_code == 404


def test_moves_are_made_together_and_swaps_work(client, pg_conn):
    moved = move(client, (1, 2, "A1"), (2, 1, "A1"))
    assert moved.status_code == 200, moved.json
    assert [(c["id"], c["box_id"], c["position"]) for c in moved.json] == [(1, 2, "A1"), (2, 1, "A1")]
    assert move(client, (3, 1, "C3")).json[0]["freezer_id"] == 1  # from freezer 2 to the box's freezer
    assert move(client, (3, None, None)).json[0] | {"uuid": None} == {
        "id": 3, "uuid": None, "description": "Reagent backups", "freezer_id": 1, "barcode": None,
        "box_id": None, "position": None, "status": "in_storage", "status_note": None, "sample_type": None,
        "quantity": None, "unit": None, "initial_quantity": None, "freeze_thaw_count": 0, "collected_at": None,
        "expires_at": None, "lineage": "primary", "parent_ids": [],
    }  # fmt: skip
    assert places(pg_conn)[1] == (1, 2, "A1", "in_storage")


def test_a_failing_move_moves_nothing_and_each_failure_is_named_by_index(client, pg_conn):
    before = places(pg_conn)
    refused = move(client, (1, 1, "C3"), (3, 2, "A1"), (99, 1, "D4"), (1, 2, "B2"))
    assert refused.status_code == 409
    assert refused.json["errors"] == [
        {"index": 0, "message": "container 1 is moved more than once"},
        {
            "index": 1,
            "message": "position A1 of box 2 holds another container (or is reserved for one): container 2",
        },
        {"index": 2, "message": "container 99 does not exist"},
        {"index": 3, "message": "container 1 is moved more than once"},
    ]
    assert move(client, (2, 1, "Z1")).json["errors"] == [
        {"index": 0, "message": "position Z1 of box 1 is not in the box's grid"}
    ]
    assert move(client, (2, 7, "A1")).json["errors"] == [{"index": 0, "message": "box 7 does not exist"}]
    assert places(pg_conn) == before
    assert move(client, (3, 1, "C3"), (2, 1, "C3")).json["errors"][0]["message"] == (
        "position C3 of box 1 is the target of another move"
    )
    assert (
        move(client, (1, 1, None)).json["errors"][0]["message"]
        == "position is required with a box_id, and absent without"
    )


def test_a_move_onto_a_checked_out_containers_reserved_position_is_409(client):
    assert (
        client.post("/container/1/check-out", json={"note": "to the bench"}).json["status"] == "checked_out"
    )
    refused = move(client, (3, 1, "A1"))
    assert (refused.status_code, refused.json["errors"]) == (
        409, [{"index": 0, "message": "position A1 of box 1 holds another container (or is reserved for one): container 1"}]
    )  # fmt: skip
    assert (
        client.post("/containers", json={"freezer_id": 1, "box_id": 1, "position": "A1"}).status_code == 409
    )


def test_many_concurrent_moves_into_one_free_position_let_exactly_one_win(live_url, client):
    ids = [client.post("/containers", json={"freezer_id": 1}).json["id"] for _ in range(12)]

    def attempt(container_id):
        body = {"moves": [{"container_id": container_id, "box_id": 2, "position": "E5"}]}
        return requests.post(f"{live_url}/moves", json=body, timeout=30)

    with ThreadPoolExecutor(len(ids)) as pool:
        answers = list(pool.map(attempt, ids))
    statuses = sorted(a.status_code for a in answers)
    assert statuses == [200] + [409] * (len(ids) - 1), [a.text for a in answers]
    winner = next(a.json()[0]["id"] for a in answers if a.status_code == 200)
    for lost in (a for a in answers if a.status_code == 409):
        assert lost.json()["errors"] == [
            {
                "index": 0,
                "message": f"position E5 of box 2 holds another container (or is reserved for one): container {winner}",
            }
        ]


def test_check_out_in_and_dispose_follow_the_allowed_transitions(client, pg_conn):
    out = client.post("/container/1/check-out")
    assert (out.status_code, out.json["status"], out.json["position"]) == (200, "checked_out", "A1")
    assert "ETag" in out.headers
    again = client.post("/container/1/check-out")
    assert again.status_code == 409
    assert again.json["detail"] == "container 1 is checked_out: only one in_storage can be checked out"
    back = client.post("/container/1/check-in", json={})
    assert (back.json["status"], back.json["box_id"], back.json["position"]) == ("in_storage", 1, "A1")
    client.post("/container/1/check-out", json={"note": "thawed"})
    elsewhere = client.post("/container/1/check-in", json={"box_id": 2, "position": "B1"})
    assert (elsewhere.json["box_id"], elsewhere.json["position"], elsewhere.json["status_note"]) == (
        2,
        "B1",
        None,
    )
    client.post("/container/1/check-out")
    taken = client.post("/container/1/check-in", json={"box_id": 2, "position": "A1"})
    assert (taken.status_code, taken.json["errors"]) == (
        409,
        {"position": "holds another container (or is reserved for one)"},
    )
    gone = client.post("/container/1/dispose", json={"reason": "contaminated"})
    assert (gone.json["status"], gone.json["box_id"], gone.json["position"], gone.json["status_note"]) == (
        "disposed", None, None, "contaminated"
    )  # fmt: skip
    assert client.post("/container/1/check-in").status_code == 409
    assert client.post("/container/1/dispose").status_code == 409
    assert client.patch("/container/1", json={"status": "in_storage"}).status_code == 409  # disposed for good
    assert client.post("/container/99/dispose").status_code == 404
    assert client.get("/container/1").json["status"] == "disposed"  # the row is kept
    assert client.get("/box/1/grid").json["filled"] == 0


def test_history_records_moves_and_status_changes_with_their_actor(client):
    move(client, (1, 2, "C3"))
    client.post("/container/1/check-out", json={"note": "bench"})
    client.post("/container/1/dispose", json={"reason": "used up"})
    changes = client.get("/container/1/history").json
    assert [(c["new_row"]["box_id"], c["new_row"]["position"], c["new_row"]["status"]) for c in changes] == [
        (None, None, "disposed"), (2, "C3", "checked_out"), (2, "C3", "in_storage"),
        (1, "A1", "in_storage"), (1, "A1", "in_storage"), (1, "A1", "in_storage"), (None, None, "in_storage")
    ]  # fmt: skip
    assert {c["actor"] for c in changes[:3]} == {"anonymous"}  # then the example data's: placed, a sample


def test_an_editor_may_not_move_into_or_out_of_another_labs_box(client, other_lab):
    refused = move(client, (1, 3, "A1"), headers=EDITOR)
    assert (refused.status_code, refused.json["type"]) == (403, "urn:lab-inventory:problem:forbidden")
    assert move(client, (1, 2, "B2"), headers=EDITOR).status_code == 200
    assert client.post("/container/1/check-in", json={"box_id": 3, "position": "A1"}).status_code == 409


def test_moving_a_rack_to_another_freezer_takes_its_boxes_and_their_containers(client, pg_conn):
    assert client.patch("/rack/1", json={"freezer_id": 2}).status_code == 200
    assert client.get("/box/1").json["freezer_id"] == 2
    assert {c: place[0] for c, place in places(pg_conn).items() if c in (1, 2)} == {1: 2, 2: 2}


def test_concurrent_crossing_moves_answer_200_or_409_never_503(live_url, client):
    """Two requests filling the same two positions in opposite orders may deadlock in PostgreSQL's
    exclusion check: the victim is retried once, and then sees the winner's moves (409)."""
    for round_ in range(6):
        ids = [client.post("/containers", json={"freezer_id": 1}).json["id"] for _ in range(4)]
        a, b = f"F{round_ + 1}", f"G{round_ + 1}"
        bodies = [
            {"moves": [{"container_id": ids[0], "box_id": 2, "position": a},
                       {"container_id": ids[1], "box_id": 2, "position": b}]},
            {"moves": [{"container_id": ids[2], "box_id": 2, "position": b},
                       {"container_id": ids[3], "box_id": 2, "position": a}]},
        ]  # fmt: skip
        with ThreadPoolExecutor(2) as pool:
            answers = list(
                pool.map(lambda body: requests.post(f"{live_url}/moves", json=body, timeout=30), bodies)
            )
        assert sorted(r.status_code for r in answers) == [200, 409], [r.text for r in answers]
