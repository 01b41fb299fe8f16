"""Rate limits: per token, or per client address; 429 problem+json with Retry-After.

Shared between processes through Redis: tests/test_topology.py, with a real redis-server.
"""

import re

import pytest
import topology_servers as servers

from project import create_app


@pytest.fixture
def limited(database_url, pg_conn):
    """A client of an app allowing 3 requests a minute, and 2 token requests."""
    app = create_app(
        {"DATABASE_URL": database_url, "RATE_LIMIT": "3 per minute", "RATE_LIMIT_AUTH": "2 per minute"}
    )
    yield app.test_client()
    app.extensions["pg_pool"].closeall()


def state(response):
    """Return the RateLimit header as {policy: (remaining, seconds to reset)}."""
    items = re.findall(r'"([\w-]+)";r=(\d+);t=(\d+)', response.headers["RateLimit"])
    return {name: (int(remaining), int(reset)) for name, remaining, reset in items}


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


def test_answers_carry_the_ietf_ratelimit_headers(limited):
    first, second = limited.get("/site/1"), limited.get("/sites")
    assert first.headers["RateLimit-Policy"] == '"default";q=3;w=60'
    assert state(first)["default"][0] == 2 and 1 <= state(first)["default"][1] <= 60
    assert state(second)["default"][0] == 1
    assert "X-RateLimit-Limit" not in first.headers
    assert "RateLimit" not in limited.get("/healthz").headers


def test_a_429_says_which_policy_and_retry_after_is_its_reset(limited):
    for _ in range(3):
        limited.get("/site/1")
    refused = limited.get("/site/1")
    assert refused.status_code == 429
    assert state(refused) == {"default": (0, int(refused.headers["Retry-After"]))}
    assert refused.json["detail"].startswith("requests from you: more than 3 per 1 minute; retry in ")


def test_password_attempts_are_limited_per_username_from_any_address(limited):
    def attempt(username, n):
        body = {"username": username, "password": "guess"}
        return limited.post("/auth/tokens", json=body, environ_base={"REMOTE_ADDR": f"127.0.2.{n}"})

    assert [attempt("admin", n).status_code for n in range(3)] == [401, 401, 429]
    refused = attempt("admin", 3)
    assert refused.json["detail"].startswith("password attempts for this username: more than 2 per")
    assert attempt("editor", 4).status_code == 401  # another username, from yet another address
    assert attempt(["not", "a", "name"], 5).status_code == 400  # counted per address, as no username


def test_both_password_policies_are_in_the_headers(limited):
    response = limited.post("/auth/tokens", json={"username": "admin", "password": "guess"})
    assert response.headers["RateLimit-Policy"] == (
        '"password-username";q=2;w=60, "password-address";q=2;w=60'
    )
    assert {name: left for name, (left, _) in state(response).items()} == {
        "password-username": 1,
        "password-address": 1,
    }


def test_with_redis_unreachable_each_process_still_counts(database_url, pg_conn):
    unreachable = f"redis://127.0.0.1:{servers.free_port()}/0"
    app = create_app(
        {"DATABASE_URL": database_url, "RATE_LIMIT": "3 per minute", "RATELIMIT_STORAGE_URI": unreachable}
    )
    client = app.test_client()
    assert [client.get("/site/1").status_code for _ in range(4)] == [200, 200, 200, 429]
    app.extensions["pg_pool"].closeall()


def test_a_token_request_nested_too_deep_is_a_400_not_a_500(limited):
    deep = "[" * 10_000 + "]" * 10_000
    response = limited.post("/auth/tokens", data=deep, content_type="application/json")
    assert response.status_code == 400
    assert response.mimetype == "application/problem+json"
    assert "password-address" in response.headers["RateLimit-Policy"]  # counted all the same


def test_each_label_printed_counts_against_its_own_limit(database_url, pg_conn):
    app = create_app({"DATABASE_URL": database_url, "RATE_LIMIT_LABELS": "10 per minute"})
    client = app.test_client()
    six = {"container_ids": [1, 2, 4], "copies": 2, "format": "zpl"}
    printed = client.post("/labels", json=six)
    assert printed.status_code == 200
    assert state(printed)["labels"][0] == 4 and '"labels";q=10;w=60' in printed.headers["RateLimit-Policy"]
    refused = client.post("/labels", json=six)
    assert (refused.status_code, refused.json["detail"].split(";")[0]) == (
        429,
        "labels printed for you: more than 10 per 1 minute",
    )
    assert client.get("/container/1/label").status_code == 200  # one label, a request like any other
    app.extensions["pg_pool"].closeall()
