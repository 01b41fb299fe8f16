"""Table resources (api/rows.py), every method through the app: create, read, list, update,
delete; ETags and conditional requests (304 for unchanged reads, 412 for stale writes).
"""

import pytest
from conftest import query

# A valid new row of each resource, and a change to apply to it.
RESOURCES = {
    "lab": ({"name": "Boston Lab"}, {"name": "Cambridge Lab"}),
    "site": (
        {"name": "Site 9", "lab_id": 1, "country": "Canada", "postcode_or_zip": "K1A 0B1"},
        {"contact": "Ada Lovelace"},
    ),
    "computer": ({"name": "Computer 9", "mac": "08:00:2b:01:02:09", "site_id": 2}, {"site_id": 3}),
    "freezer": ({"name": "-80C", "site_id": 2}, {"name": "-86C"}),
    "container": ({"description": "Serum", "freezer_id": 2}, {"description": "Serum, thawed once"}),
}
COUNTS = {"lab": 1, "site": 3, "computer": 2, "freezer": 2, "container": 6}


def params():
    return pytest.mark.parametrize(("name", "new", "change"), [(n, *v) for n, v in RESOURCES.items()])


@params()
def test_upsert_creates_then_replaces_the_row_with_the_url_id(client, name, new, change):
    created = client.post(f"/{name}/42", json=new)
    assert created.status_code == 201
    assert created.headers["Location"] == f"/{name}/42"
    assert created.json["id"] == 42
    assert {k: created.json[k] for k in new} == new

    replaced = client.put(f"/{name}/42", json={**new, **change})
    assert replaced.status_code == 200
    assert replaced.json == {**created.json, **change}
    assert client.get(f"/{name}/42").json == replaced.json


@params()
def test_upsert_replaces_every_field_so_omitted_ones_become_null(client, name, new, change):
    client.post(f"/{name}/42", json=new)
    required = {k: v for k, v in new.items() if k in ("name", "site_id", "freezer_id")}
    replaced = client.post(f"/{name}/42", json=required)
    assert replaced.status_code == 200
    dropped = set(new) - set(required) - {"uuid"}
    assert all(replaced.json[k] is None for k in dropped)


@params()
def test_post_to_the_list_creates_a_row_with_the_next_id(client, name, new, change):
    response = client.post(f"/{name}s/", json=new)
    assert response.status_code == 201
    new_id = COUNTS[name] + 1
    assert response.json["id"] == new_id
    assert response.headers["Location"] == f"/{name}/{new_id}"
    assert client.post(f"/{name}s", json={**new, **unique(name)}).json["id"] == new_id + 1


def unique(name):
    """Fields that keep a second copy of a new row from breaking a unique constraint."""
    return {"lab": {"name": "Another Lab"}, "computer": {"mac": "08:00:2b:01:02:0a"}}.get(name, {})


@params()
def test_patch_changes_only_the_fields_sent(client, name, new, change):
    before = client.post(f"/{name}/42", json=new).json
    response = client.patch(f"/{name}/42", json=change)
    assert response.status_code == 200
    assert response.json == {**before, **change}


@params()
def test_an_empty_patch_answers_the_row_unchanged_and_writes_nothing(client, name, new, change):
    before = client.get(f"/{name}/1").json
    changes = client.get(f"/{name}/1/history").headers["X-Total-Count"]
    assert client.patch(f"/{name}/1", json={}).json == before
    assert client.get(f"/{name}/1/history").headers["X-Total-Count"] == changes


@pytest.mark.parametrize("method", ["PATCH", "PUT", "POST"])
def test_an_integer_sent_as_1_point_0_is_the_integer_on_every_write_path(client, method):
    etag = client.get("/site/2").headers["ETag"]
    response = client.open(
        "/site/2", method=method, json={"name": "Site 2", "lab_id": 1.0}, headers={"If-Match": etag}
    )
    assert (response.status_code, response.json["lab_id"]) == (200, 1)


@params()
def test_patch_delete_and_get_of_a_missing_row_are_404(client, name, new, change):
    for response in (
        client.get(f"/{name}/999"),
        client.patch(f"/{name}/999", json=change),
        client.delete(f"/{name}/999"),
    ):
        assert response.status_code == 404
        assert response.mimetype == "application/problem+json"
        assert response.json["detail"] == f"{name} 999 does not exist"


@params()
def test_delete_answers_the_deleted_row_and_removes_it(client, pg_conn, name, new, change):
    row = client.post(f"/{name}/42", json=new).json
    response = client.delete(f"/{name}/42")
    assert response.status_code == 200
    assert response.json == row
    assert client.get(f"/{name}/42").status_code == 404
    assert query(pg_conn, f"SELECT count(*) FROM {name} WHERE id = 42") == [(0,)]


@params()
def test_list_is_ordered_by_id_with_the_total(client, name, new, change):
    response = client.get(f"/{name}s")
    assert response.status_code == 200
    ids = [row["id"] for row in response.json]
    assert ids == list(range(1, COUNTS[name] + 1))
    assert response.headers["X-Total-Count"] == str(COUNTS[name])
    assert client.get(f"/{name}s/").json == response.json


@params()
def test_the_body_may_repeat_the_url_id_as_id_or_resource_id(client, name, new, change):
    assert client.post(f"/{name}/42", json={**new, "id": 42}).status_code == 201
    assert client.put(f"/{name}/42", json={**new, f"{name}_id": 42}).status_code == 200
    assert client.patch(f"/{name}/42", json={"id": 42}).status_code == 200


@params()
def test_a_body_id_that_disagrees_with_the_url_is_a_400(client, name, new, change):
    for key in ("id", f"{name}_id"):
        response = client.post(f"/{name}/42", json={**new, key: 7})
        assert response.status_code == 400
        assert response.json["errors"] == {key: "must equal the id in the URL (42)"}
    assert client.get(f"/{name}/42").status_code == 404


@params()
def test_a_create_may_not_choose_its_id(client, name, new, change):
    response = client.post(f"/{name}s/", json={**new, "id": 42})
    assert response.status_code == 400
    assert response.json["errors"] == {"id": "is assigned by the server"}


def test_a_container_gets_a_uuid_when_none_is_sent_and_keeps_it_on_replace(client):
    created = client.post("/container/42", json={"freezer_id": 1}).json
    assert len(created["uuid"]) == 36
    replaced = client.put("/container/42", json={"freezer_id": 2, "description": "moved"}).json
    assert replaced["uuid"] == created["uuid"]
    chosen = "AAAAAAAA-BBBB-4CCC-8DDD-EEEEEEEEEEEE"
    assert client.put("/container/42", json={"freezer_id": 2, "uuid": chosen}).json["uuid"] == chosen.lower()


@pytest.mark.parametrize(
    "mac",
    [
        "08:00:2b:01:02:03",
        "08-00-2B-01-02-03",
        "08002b:010203",
        "08002b-010203",
        "0800.2b01.0203",
        "08002b010203",
    ],
)
def test_every_postgresql_mac_spelling_is_stored_in_canonical_form(client, mac):
    response = client.post("/computer/42", json={"name": "c", "site_id": 1, "mac": mac})
    assert response.status_code == 201
    assert response.json["mac"] == "08:00:2b:01:02:03"


def test_a_site_postcode_sent_as_a_number_is_stored_as_text(client, pg_conn):
    response = client.post("/site/2", json={"name": "Site 2", "postcode_or_zip": 48104})
    assert response.json["postcode_or_zip"] == "48104"
    assert query(pg_conn, "SELECT postcode_or_zip FROM site WHERE id = 2") == [("48104",)]


@pytest.mark.parametrize(
    ("path", "parent", "expected_ids"),
    [
        ("/lab/1/sites", "lab", [1]),
        ("/site/1/computers", "site", [1, 2]),
        ("/site/1/freezers", "site", [1, 2]),
        ("/freezer/1/containers", "freezer", [1, 2]),
        ("/site/2/computers", "site", []),
    ],
)
def test_children_lists_show_one_parents_rows(client, path, parent, expected_ids):
    response = client.get(path)
    assert response.status_code == 200
    assert [row["id"] for row in response.json] == expected_ids
    assert response.headers["X-Total-Count"] == str(len(expected_ids))
    paged = client.get(path + "/1/1")
    assert [row["id"] for row in paged.json] == expected_ids[1:2]


@pytest.mark.parametrize(
    "path", ["/lab/9/sites", "/site/9/computers", "/site/9/freezers", "/freezer/9/containers"]
)
def test_children_of_a_missing_parent_are_404(client, path):
    response = client.get(path)
    assert response.status_code == 404
    assert response.json["detail"].endswith("9 does not exist")


def test_moving_a_row_to_another_parent_moves_it_between_children_lists(client):
    client.patch("/computer/2", json={"site_id": 2})
    assert [c["id"] for c in client.get("/site/1/computers").json] == [1]
    assert [c["id"] for c in client.get("/site/2/computers").json] == [2]


def test_get_answers_a_strong_etag_that_changes_with_the_row(client):
    first = client.get("/site/2")
    etag = first.headers["ETag"]
    assert etag.startswith('"') and not etag.startswith("W/")
    assert client.get("/site/2").headers["ETag"] == etag
    changed = client.patch("/site/2", json={"contact": "Ada"})
    assert changed.headers["ETag"] != etag
    assert client.get("/site/2").headers["ETag"] == changed.headers["ETag"]


def test_a_change_made_in_psql_changes_the_etag(client, pg_conn):
    etag = client.get("/site/2").headers["ETag"]
    query(pg_conn, "UPDATE site SET country = 'Norway' WHERE id = 2")
    assert client.get("/site/2").headers["ETag"] != etag


def test_if_none_match_answers_304_while_the_row_is_unchanged(client):
    etag = client.get("/site/2").headers["ETag"]
    for header in (etag, f'"nope", {etag}', "W/" + etag, "*"):
        response = client.get("/site/2", headers={"If-None-Match": header})
        assert response.status_code == 304
        assert response.data == b""
        assert response.headers["ETag"] == etag
    assert client.get("/site/2", headers={"If-None-Match": '"nope"'}).status_code == 200
    client.patch("/site/2", json={"contact": "Ada"})
    assert client.get("/site/2", headers={"If-None-Match": etag}).status_code == 200


@pytest.mark.parametrize(
    ("method", "body"),
    [("patch", {"contact": "Mine"}), ("put", {"name": "Mine"}), ("post", {"name": "Mine"}), ("delete", None)],
)
def test_a_write_with_a_stale_if_match_is_a_412_and_changes_nothing(client, method, body):
    stale = client.get("/site/2").headers["ETag"]
    client.patch("/site/2", json={"contact": "Theirs"})
    response = getattr(client, method)("/site/2", json=body, headers={"If-Match": stale})
    assert response.status_code == 412
    assert response.mimetype == "application/problem+json"
    assert client.get("/site/2").json["contact"] == "Theirs"


@pytest.mark.parametrize(
    ("method", "body", "status"),
    [("patch", {"contact": "Mine"}, 200), ("put", {"name": "Mine"}, 200), ("delete", None, 200)],
)
def test_a_write_with_the_current_if_match_goes_through(client, method, body, status):
    etag = client.get("/site/2").headers["ETag"]
    response = getattr(client, method)("/site/2", json=body, headers={"If-Match": f'"other", {etag}'})
    assert response.status_code == status


@pytest.mark.parametrize("method", ["put", "delete"])
def test_an_empty_if_match_tag_matches_no_version(client, method):
    response = getattr(client, method)("/site/2", json={"name": "x"}, headers={"If-Match": 'W/""'})
    assert response.status_code == 412
    assert client.get("/site/2").json["name"] == "Site 2"


def test_if_match_star_needs_the_row_to_exist(client):
    assert client.put("/site/2", json={"name": "x"}, headers={"If-Match": "*"}).status_code == 200
    assert client.put("/site/42", json={"name": "x"}, headers={"If-Match": "*"}).status_code == 412
    assert client.get("/site/42").status_code == 404
    assert client.patch("/site/42", json={"name": "x"}, headers={"If-Match": "*"}).status_code == 404
    assert client.delete("/site/42", headers={"If-Match": "*"}).status_code == 404


def test_a_weakened_etag_still_matches_because_gzip_weakens_them(client):
    etag = client.get("/site/2").headers["ETag"]  # nginx answers W/"..." when it gzips
    assert client.patch("/site/2", json={"name": "x"}, headers={"If-Match": "W/" + etag}).status_code == 200
    assert client.patch("/site/2", json={"name": "y"}, headers={"If-Match": "W/" + etag}).status_code == 412


def test_if_none_match_star_creates_but_never_replaces(client):
    created = client.put("/site/42", json={"name": "New"}, headers={"If-None-Match": "*"})
    assert created.status_code == 201
    again = client.put("/site/42", json={"name": "Clobber"}, headers={"If-None-Match": "*"})
    assert again.status_code == 412
    assert client.get("/site/42").json["name"] == "New"


def test_a_nul_in_if_match_is_no_match_not_an_error(client):
    assert client.patch("/site/2", json={"name": "x"}, headers={"If-Match": '"a\x00b"'}).status_code == 412


def test_an_empty_patch_with_if_match_checks_the_version(client):
    etag = client.get("/site/2").headers["ETag"]
    assert client.patch("/site/2", json={}, headers={"If-Match": etag}).status_code == 200
    assert client.patch("/site/2", json={}, headers={"If-Match": '"old"'}).status_code == 412


def test_writes_answer_the_new_etag(client):
    created = client.post("/sites/", json={"name": "New"})
    assert created.headers["ETag"] == client.get(created.headers["Location"]).headers["ETag"]
    replaced = client.put("/site/2", json={"name": "Two"})
    assert replaced.headers["ETag"] == client.get("/site/2").headers["ETag"]


def test_two_editors_cannot_silently_overwrite_each_other(client):
    alice = client.get("/freezer/1").headers["ETag"]
    bob = client.get("/freezer/1").headers["ETag"]
    assert (
        client.patch("/freezer/1", json={"name": "Alice's"}, headers={"If-Match": alice}).status_code == 200
    )
    assert client.patch("/freezer/1", json={"name": "Bob's"}, headers={"If-Match": bob}).status_code == 412
    assert client.get("/freezer/1").json["name"] == "Alice's"
