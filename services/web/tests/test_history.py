"""Audit history, recorded by PostgreSQL triggers, read through the API."""

import pytest
from conftest import query

from project import create_app


@pytest.fixture
def secure(database_url, pg_conn):
    app = create_app({"TESTING": True, "DATABASE_URL": database_url, "RATELIMIT_ENABLED": False})
    yield app.test_client()
    app.extensions["pg_pool"].closeall()


def test_every_change_is_recorded_with_old_and_new_rows_and_the_actor(secure, pg_conn):
    headers = {"Authorization": "Bearer labinv-demo-editor-token"}
    secure.put("/freezer/9", json={"name": "-80C", "site_id": 1}, headers=headers)
    secure.patch("/freezer/9", json={"name": "-86C"}, headers=headers)
    secure.delete("/freezer/9", headers={"Authorization": "Bearer labinv-demo-admin-token"})
    changes = secure.get("/freezer/9/history").json
    assert [(c["operation"], c["actor"]) for c in changes] == [
        ("DELETE", "admin"),
        ("UPDATE", "editor"),
        ("INSERT", "editor"),
    ]
    delete, update, insert = changes
    assert insert["old_row"] is None and insert["new_row"] == {"id": 9, "name": "-80C", "site_id": 1}
    assert update["old_row"]["name"] == "-80C" and update["new_row"]["name"] == "-86C"
    assert delete["old_row"] == {"id": 9, "name": "-86C", "site_id": 1} and delete["new_row"] is None
    assert all(c["table_name"] == "freezer" and c["row_id"] == 9 for c in changes)
    assert changes[0]["changed_at"] >= changes[-1]["changed_at"]


def test_anonymous_development_writes_are_recorded_as_anonymous(client):
    client.patch("/site/2", json={"contact": "someone"})
    assert client.get("/site/2/history").json[0]["actor"] == "anonymous"


def test_changes_made_by_hand_in_psql_name_the_database_user(client, pg_conn):
    query(pg_conn, "UPDATE lab SET name = 'By hand' WHERE id = 1")
    user = query(pg_conn, "SELECT session_user")[0][0]
    latest = client.get("/lab/1/history").json[0]
    assert (latest["operation"], latest["actor"], latest["new_row"]["name"]) == ("UPDATE", user, "By hand")


def test_the_example_data_has_its_history(client):
    changes = client.get("/site/1/history").json
    assert [c["operation"] for c in changes] == ["INSERT"]


def test_history_pages_newest_first(client):
    for n in range(5):
        client.patch("/freezer/1", json={"name": f"v{n}"})
    page = client.get("/freezer/1/history?limit=2")
    assert [c["new_row"]["name"] for c in page.json] == ["v4", "v3"]
    assert page.headers["X-Total-Count"] == "6"
    following = client.get(page.headers["Link"].split(", ")[1].split(";")[0].strip("<>"))
    assert [c["new_row"]["name"] for c in following.json] == ["v2", "v1"]
    assert [c["new_row"]["name"] for c in client.get("/freezer/1/history/4/2").json] == ["v0", "-20C"]


def test_all_history_filters_by_table_time_actor_and_operation(client, pg_conn):
    client.patch("/computer/1", json={"name": "renamed"})
    client.delete("/container/3")
    assert {c["table_name"] for c in client.get("/history?table=container").json} == {"container"}
    assert [c["operation"] for c in client.get("/history?actor=anonymous").json] == ["DELETE", "UPDATE"]
    assert [c["row_id"] for c in client.get("/history?operation=DELETE").json] == [3]
    assert len(client.get("/history?since=2999-01-01").json) == 0
    assert (
        client.get("/history?since=2000-01-01T00:00:00Z").headers["X-Total-Count"]
        == client.get("/history").headers["X-Total-Count"]
    )


@pytest.mark.parametrize(
    ("path", "error"),
    [("/history?table=users", "table"), ("/history?since=yesterday", "since"), ("/history?since=2026-13-45", "since"),
     ("/history?since=2020-02-30T10:00Z", "since"), ("/history?since=2026-11-22T25:00", "since"),
     ("/site/1/history?table=site", "table"), ("/history?q=x", "q"), ("/history?order=id", "order")],
)  # fmt: skip
def test_bad_history_parameters_are_a_400_naming_them_in_our_words(client, path, error):
    response = client.get(path)
    assert response.status_code == 400
    assert list(response.json["errors"]) == [error]
    assert "out of range" not in response.json["detail"] and "syntax" not in response.json["detail"]


def test_history_cannot_be_changed_even_in_psql(client, pg_conn):
    import psycopg2

    with pytest.raises(psycopg2.errors.InsufficientPrivilege, match="append-only"):
        query(pg_conn, "UPDATE history SET actor = 'someone else'")
    with pytest.raises(psycopg2.errors.InsufficientPrivilege):
        query(pg_conn, "DELETE FROM history")
    assert client.delete("/history").status_code == 405


def test_history_as_csv_writes_rows_as_json(client):
    client.patch("/freezer/2", json={"name": "-45C"})
    lines = client.get("/freezer/2/history?format=csv").data.decode().splitlines()
    assert lines[0] == "id,table_name,row_id,operation,old_row,new_row,changed_at,actor"
    assert '"{""id"": 2, ""name"": ""-45C"", ""site_id"": 1}"' in lines[1]


def test_every_table_resource_has_history_and_a_history_filter(app, pg_conn):
    from project.api.history import TABLES

    resources = {
        rule.endpoint.split(".")[0]
        for rule in app.url_map.iter_rules()
        if rule.endpoint.endswith("_history") and not rule.endpoint.startswith("history.")
    }
    triggers = query(
        pg_conn, "SELECT tgrelid::regclass::text FROM pg_trigger WHERE tgname LIKE '%\\_history'"
    )
    assert set(TABLES) == resources == {table for (table,) in triggers}
