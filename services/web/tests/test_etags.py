"""ETags and conditional requests: 304 for unchanged reads, 412 for stale writes."""

import pytest
from conftest import query


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
