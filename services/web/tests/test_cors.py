"""CORS: off unless CORS_ORIGINS lists origins; then preflights and exposed headers for those only."""

import pytest
import requests
from conftest import serving

from project import create_app

UI = "https://ui.example.org"


@pytest.fixture
def cors_url(database_url, pg_conn):
    """Serve an app that lets UI's browser apps in, and needs tokens even to read."""
    app = create_app(
        {"DATABASE_URL": database_url, "CORS_ORIGINS": f"{UI}, https://other.example.org",
         "READS_REQUIRE_AUTH": True, "RATELIMIT_ENABLED": False}
    )  # fmt: skip
    with serving(app) as url:
        yield url
    app.extensions["pg_pool"].closeall()


def test_a_preflight_from_an_allowed_origin_allows_conditional_writes_with_a_token(cors_url):
    response = requests.options(
        f"{cors_url}/site/1",
        headers={
            "Origin": UI,
            "Access-Control-Request-Method": "PUT",
            "Access-Control-Request-Headers": "authorization, content-type, if-match",
        },
        timeout=10,
    )
    assert response.status_code == 204  # no content, as every OPTIONS
    assert response.headers["Access-Control-Allow-Origin"] == UI
    assert "PUT" in response.headers["Access-Control-Allow-Methods"]
    allowed = response.headers["Access-Control-Allow-Headers"].lower()
    assert {"authorization", "content-type", "if-match"} <= {h.strip() for h in allowed.split(",")}


def test_answers_to_an_allowed_origin_expose_the_api_headers(cors_url):
    response = requests.get(
        f"{cors_url}/sites?limit=1",
        headers={"Origin": UI, "Authorization": "Bearer labinv-demo-reader-token"},
        timeout=10,
    )
    assert response.status_code == 200 and response.headers["Access-Control-Allow-Origin"] == UI
    exposed = {h.strip() for h in response.headers["Access-Control-Expose-Headers"].split(",")}
    assert {"ETag", "Link", "X-Total-Count", "Location", "RateLimit", "X-Request-ID"} <= exposed
    refused = requests.get(f"{cors_url}/sites", headers={"Origin": UI}, timeout=10)
    assert refused.status_code == 401 and refused.headers["Access-Control-Allow-Origin"] == UI


def test_another_origin_gets_no_cors_headers(cors_url):
    response = requests.options(
        f"{cors_url}/site/1",
        headers={"Origin": "https://evil.example", "Access-Control-Request-Method": "PUT"},
        timeout=10,
    )
    assert "Access-Control-Allow-Origin" not in response.headers


def test_cors_is_off_by_default(live_url):
    response = requests.get(f"{live_url}/site/1", headers={"Origin": UI}, timeout=10)
    assert response.status_code == 200 and "Access-Control-Allow-Origin" not in response.headers
