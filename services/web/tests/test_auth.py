"""Tokens, roles and lab permissions: who may read and write what."""

import statistics
import time
from datetime import UTC, datetime, timedelta

import pytest
from conftest import query
from werkzeug.security import generate_password_hash

from project import create_app

ADMIN, EDITOR, READER = ("labinv-demo-admin-token", "labinv-demo-editor-token", "labinv-demo-reader-token")


def bearer(token):
    return {"Authorization": f"Bearer {token}"}


@pytest.fixture
def secure(database_url, pg_conn):
    """A client of an app as in production: every write needs a token."""
    app = create_app({"TESTING": True, "DATABASE_URL": database_url, "RATELIMIT_ENABLED": False})
    yield app.test_client()
    app.extensions["pg_pool"].closeall()


@pytest.fixture
def other_lab(pg_conn):
    """Lab 2 with site 4, freezer 3 and container 40: outside the demo editor's lab 1."""
    query(
        pg_conn,
        """
        INSERT INTO lab (id, name) VALUES (2, 'Boston Lab');
        INSERT INTO site (id, lab_id, name) VALUES (4, 2, 'Boston');
        INSERT INTO freezer (id, name, site_id) VALUES (3, '-80C', 4);
        INSERT INTO container (id, freezer_id) VALUES (40, 3);
        """,
    )


def test_reads_are_public_and_writes_need_a_token(secure):
    assert secure.get("/site/1").status_code == 200
    response = secure.post("/labs/", json={"name": "New"})
    assert response.status_code == 401
    assert response.mimetype == "application/problem+json"
    assert response.headers["WWW-Authenticate"] == 'Bearer realm="lab-inventory"'
    assert secure.post("/labs/", json={"name": "New"}, headers=bearer(ADMIN)).status_code == 201


def test_who_am_i_names_the_token_user_and_whether_they_may_write(secure, client):
    assert secure.get("/auth/me").json == {"user": None, "may_write": False}
    assert client.get("/auth/me").json == {"user": None, "may_write": True}  # anonymous writes allowed
    for token, role, may_write in (
        (ADMIN, "admin", True),
        (EDITOR, "editor", True),
        (READER, "reader", False),
    ):
        me = secure.get("/auth/me", headers=bearer(token)).json
        assert (me["user"]["username"], me["user"]["role"], me["may_write"]) == (role, role, may_write)
    refused = secure.get("/auth/me", headers=bearer("not-a-token"))
    assert refused.status_code == 401 and refused.mimetype == "application/problem+json"


@pytest.mark.parametrize(
    ("header", "error"),
    [
        ("Bearer not-a-token", "invalid_token"),
        ("Basic YWRtaW46cGFzcw==", "invalid_request"),
        ("Bearer", "invalid_request"),
        ("Bearer   ", "invalid_request"),
    ],
)
def test_a_bad_token_is_a_401_even_for_reads(secure, header, error):
    response = secure.get("/site/1", headers={"Authorization": header})
    assert response.status_code == 401
    assert response.headers["WWW-Authenticate"] == f'Bearer realm="lab-inventory", error="{error}"'


def test_reads_can_be_made_private(database_url, pg_conn):
    app = create_app({"DATABASE_URL": database_url, "READS_REQUIRE_AUTH": True, "RATELIMIT_ENABLED": False})
    client = app.test_client()
    assert client.get("/sites").status_code == 401
    assert client.get("/sites", headers=bearer(READER)).status_code == 200
    assert client.get("/healthz").status_code == 200
    assert client.get("/openapi.json").status_code == 200
    app.extensions["pg_pool"].closeall()


@pytest.mark.parametrize(
    ("method", "path", "body"),
    [
        ("post", "/labs/", {"name": "x"}),
        ("patch", "/site/1", {"name": "x"}),
        ("delete", "/container/1", None),
    ],
)
def test_a_reader_may_not_write(secure, method, path, body):
    response = getattr(secure, method)(path, json=body, headers=bearer(READER))
    assert response.status_code == 403
    assert response.json["type"] == "urn:lab-inventory:problem:forbidden"


def test_an_editor_writes_within_their_lab(secure, other_lab):
    headers = bearer(EDITOR)
    assert secure.patch("/freezer/1", json={"name": "-21C"}, headers=headers).status_code == 200
    assert secure.post("/containers/", json={"freezer_id": 1}, headers=headers).status_code == 201
    assert secure.put("/computer/9", json={"name": "New", "site_id": 1}, headers=headers).status_code == 201
    assert secure.delete("/computer/9", headers=headers).status_code == 200
    assert secure.patch("/lab/1", json={"name": "Renamed"}, headers=headers).status_code == 200


@pytest.mark.parametrize(
    ("method", "path", "body"),
    [
        ("patch", "/freezer/3", {"name": "mine now"}),
        ("put", "/freezer/3", {"name": "mine now", "site_id": 4}),
        ("post", "/freezer/3", {"name": "mine now", "site_id": 1}),  # an upsert that would move it
        ("delete", "/freezer/3", None),
        ("post", "/freezers/", {"name": "new", "site_id": 4}),
        ("put", "/freezer/9", {"name": "new", "site_id": 4}),
        ("patch", "/freezer/1", {"site_id": 4}),  # moving my freezer into their lab
        ("patch", "/freezer/3", {"site_id": 1}),  # moving their freezer into my lab
        ("patch", "/container/40", {"freezer_id": 1}),
        ("patch", "/container/1", {"freezer_id": 3}),
        ("patch", "/site/4", {"lab_id": 1}),
        ("patch", "/site/1", {"lab_id": 2}),
        ("patch", "/site/2", {"name": "no lab"}),  # a site in no lab: admins only
        ("patch", "/lab/2", {"name": "mine"}),
        ("post", "/labs/", {"name": "my own lab"}),
    ],
)
def test_an_editor_cannot_change_another_labs_rows_by_any_route(
    secure, other_lab, pg_conn, method, path, body
):
    before = query(pg_conn, "SELECT md5(f::text) FROM freezer f ORDER BY id") + query(
        pg_conn, "SELECT md5(s::text) FROM site s ORDER BY id"
    )
    response = getattr(secure, method)(path, json=body, headers=bearer(EDITOR))
    assert response.status_code == 403, response.json
    assert response.json["type"] == "urn:lab-inventory:problem:forbidden"
    after = query(pg_conn, "SELECT md5(f::text) FROM freezer f ORDER BY id") + query(
        pg_conn, "SELECT md5(s::text) FROM site s ORDER BY id"
    )
    assert after == before


def test_an_admin_writes_everywhere(secure, other_lab):
    headers = bearer(ADMIN)
    assert secure.patch("/freezer/3", json={"site_id": 1}, headers=headers).status_code == 200
    assert secure.patch("/site/2", json={"lab_id": 2}, headers=headers).status_code == 200


@pytest.fixture
def one_connection(database_url, pg_conn):
    """A client of a development app (anonymous writes allowed) whose pool holds one connection."""
    app = create_app(
        {
            "TESTING": True,
            "DATABASE_URL": database_url,
            "ALLOW_ANONYMOUS_WRITES": True,
            "RATELIMIT_ENABLED": False,
            "DB_POOL_SIZE": 1,
        }
    )
    yield app.test_client()
    app.extensions["pg_pool"].closeall()


def last_actor(pg_conn):
    """Return who made the latest change in history."""
    return query(pg_conn, "SELECT actor FROM history ORDER BY id DESC LIMIT 1")[0][0]


def test_each_write_on_a_pooled_connection_says_who_acts_never_the_last_requests_user(
    one_connection, other_lab, pg_conn
):
    assert one_connection.patch("/freezer/1", json={"name": "a"}, headers=bearer(EDITOR)).status_code == 200
    assert last_actor(pg_conn) == "editor"
    assert one_connection.patch("/freezer/3", json={"name": "b"}).status_code == 200  # not as the editor
    assert last_actor(pg_conn) == "anonymous"
    assert one_connection.get("/site/1", headers=bearer(READER)).status_code == 200
    assert one_connection.delete("/container/40").status_code == 200  # not as the reader
    assert last_actor(pg_conn) == "anonymous"
    assert one_connection.patch("/freezer/3", json={"name": "c"}, headers=bearer(EDITOR)).status_code == 403
    assert one_connection.patch("/freezer/3", json={"name": "d"}, headers=bearer(ADMIN)).status_code == 200
    assert last_actor(pg_conn) == "admin"


def test_a_password_that_breaks_the_rule_never_gets_a_token(secure, pg_conn):
    query(
        pg_conn,
        "INSERT INTO app_user (username, password_hash, role) VALUES ('old', %s, 'admin')",
        (generate_password_hash("short"),),
    )
    response = secure.post("/auth/tokens", json={"username": "old", "password": "short"})
    assert response.status_code == 401


def test_issue_a_token_with_a_password_then_use_and_revoke_it(secure):
    response = secure.post(
        "/auth/tokens", json={"username": "editor", "password": "demo-editor-password", "name": "laptop"}
    )
    assert response.status_code == 201
    issued = response.json
    assert (
        issued["token"].startswith("labinv_") and issued["role"] == "editor" and issued["expires_at"] is None
    )
    assert response.headers["Cache-Control"] == "no-store"
    token = issued["token"]
    assert secure.patch("/freezer/1", json={"name": "x"}, headers=bearer(token)).status_code == 200
    assert secure.delete(f"/auth/tokens/{issued['id']}", headers=bearer(token)).json["revoked_at"]
    assert secure.patch("/freezer/1", json={"name": "y"}, headers=bearer(token)).status_code == 401


def test_tokens_are_stored_hashed(secure, pg_conn):
    token = secure.post("/auth/tokens", json={"username": "admin", "password": "demo-admin-password"}).json[
        "token"
    ]
    stored = [row[0] for row in query(pg_conn, "SELECT token_hash FROM api_token")]
    assert token not in stored and len(stored) == 4


@pytest.mark.parametrize(
    "body",
    [{"username": "admin", "password": "wrong"}, {"username": "nobody", "password": "demo-admin-password"}],
)
def test_a_wrong_password_or_user_is_a_401(secure, body):
    response = secure.post("/auth/tokens", json=body)
    assert response.status_code == 401
    assert response.json["detail"] == "wrong username or password"


def test_an_unknown_user_costs_the_same_password_check_as_a_wrong_password(secure):
    """Timing must not tell which usernames exist: both answers check a password hash."""

    def seconds(username):
        times = []
        for _ in range(5):
            start = time.perf_counter()
            assert (
                secure.post("/auth/tokens", json={"username": username, "password": "x"}).status_code == 401
            )
            times.append(time.perf_counter() - start)
        return statistics.median(times)

    known, unknown = seconds("admin"), seconds("nobody")
    assert unknown > 0.5 * known, (known, unknown)  # without the dummy check: about 0.04 x


@pytest.mark.parametrize(
    ("method", "path", "status"), [("POST", "/nonexistent", 404), ("FOO", "/site/1", 405)]
)
@pytest.mark.parametrize("headers", [{}, bearer("garbage")])
def test_an_unknown_route_or_method_is_a_404_or_405_token_or_not(secure, method, path, status, headers):
    response = secure.open(path, method=method, headers=headers)
    assert response.status_code == status and response.mimetype == "application/problem+json"


def test_a_token_request_is_validated(secure):
    response = secure.post("/auth/tokens", json={"username": "admin", "expires_in_days": 0})
    assert response.status_code == 400
    assert set(response.json["errors"]) == {"password", "expires_in_days"}


def test_an_expired_token_is_refused(secure, pg_conn):
    issued = secure.post(
        "/auth/tokens", json={"username": "admin", "password": "demo-admin-password", "expires_in_days": 1}
    ).json
    expires = datetime.fromisoformat(issued["expires_at"])
    assert timedelta(hours=23) < expires - datetime.now(UTC) <= timedelta(days=1)
    query(
        pg_conn,
        "UPDATE api_token SET expires_at = now() - interval '1 second' WHERE id = %s",
        (issued["id"],),
    )
    assert secure.get("/site/1", headers=bearer(issued["token"])).status_code == 401


def test_only_the_owner_or_an_admin_revokes_a_token(secure, pg_conn):
    reader_token_id = query(
        pg_conn, "SELECT t.id FROM api_token t JOIN app_user u ON u.id = t.user_id WHERE username = 'reader'"
    )[0][0]
    assert secure.delete(f"/auth/tokens/{reader_token_id}", headers=bearer(EDITOR)).status_code == 404
    assert secure.delete(f"/auth/tokens/{reader_token_id}").status_code == 401
    assert secure.delete(f"/auth/tokens/{reader_token_id}", headers=bearer(ADMIN)).status_code == 200
    assert secure.delete(f"/auth/tokens/{reader_token_id}", headers=bearer(ADMIN)).status_code == 404


def test_production_refuses_anonymous_writes():
    from project.production import ConfigError

    with pytest.raises(ConfigError, match="ALLOW_ANONYMOUS_WRITES"):
        create_app(
            {
                "APP_ENV": "production",
                "DATABASE_URL": "postgresql://u:a-real-secret@db/x",
                "ALLOW_ANONYMOUS_WRITES": True,
            }
        )
