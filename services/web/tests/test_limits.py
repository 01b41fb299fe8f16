"""Rate limits: per token, or per client address; 429 problem+json with Retry-After."""

import pytest

from project import create_app


@pytest.fixture
def limited(database_url, pg_conn):
    """A client of an app allowing 3 requests a minute, and 2 token requests."""
    app = create_app(
        {"DATABASE_URL": database_url, "RATE_LIMIT": "3 per minute", "RATE_LIMIT_AUTH": "2 per minute"}
    )
    yield app.test_client()
    app.extensions["pg_pool"].closeall()


def test_the_fourth_request_in_a_minute_is_a_429_with_retry_after(limited):
    for _ in range(3):
        assert limited.get("/site/1").status_code == 200
    response = limited.get("/sites")
    assert response.status_code == 429
    assert response.mimetype == "application/problem+json"
    assert response.json["type"] == "urn:lab-inventory:problem:rate-limited"
    assert 1 <= int(response.headers["Retry-After"]) <= 61


def test_each_token_and_each_address_has_its_own_allowance(limited):
    for _ in range(3):
        limited.get("/site/1")
    assert limited.get("/site/1").status_code == 429
    admin = {"Authorization": "Bearer labinv-demo-admin-token"}
    assert limited.get("/site/1", headers=admin).status_code == 200
    assert limited.get("/site/1", environ_base={"REMOTE_ADDR": "127.0.0.9"}).status_code == 200


def test_health_probes_are_never_limited(limited):
    for _ in range(5):
        assert limited.get("/healthz").status_code == 200
        assert limited.get("/readyz").status_code == 200


def test_password_attempts_are_limited_per_address(limited):
    body = {"username": "admin", "password": "guess"}
    assert [limited.post("/auth/tokens", json=body).status_code for _ in range(3)] == [401, 401, 429]


def test_requests_with_bad_tokens_count_against_the_address(limited):
    garbage = {"Authorization": "Bearer garbage"}
    assert [limited.get("/site/1", headers=garbage).status_code for _ in range(4)] == [401, 401, 401, 429]
    assert limited.get("/site/1").status_code == 429


def test_an_address_already_limited_gets_429_for_bad_tokens_too(limited):
    for _ in range(3):
        limited.get("/site/1")
    for header in ("Bearer garbage", "Bearer", "Basic x"):
        assert limited.get("/site/1", headers={"Authorization": header}).status_code == 429
