"""The production topology on this machine: nginx -> gunicorn -> PostgreSQL, on 127.0.0.1.

nginx runs services/nginx/nginx.conf and gunicorn services/web/gunicorn.conf.py,
as in docker-compose.prod.yml; the app's production settings (project/production.py)
are tested first, without servers. Last, two replicas of gunicorn share one
redis-server behind nginx, as with `docker-compose up --scale web=2`.
"""

import contextlib
import gzip
import json
import re
import threading
import time
from pathlib import Path

import pytest
import topology_servers as servers
from conftest import query
from flask import request
from test_compose import PROD, read_env, services
from test_dockerfiles import NGINX, env

from project import create_app, ui
from project.config import Config
from project.production import ConfigError

SECURITY_HEADERS = {
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "no-referrer",
    "Content-Security-Policy": "default-src 'none'; frame-ancestors 'none'; base-uri 'none'; "
    "form-action 'none'",
}
NO_NGINX = "nginx is not installed (./scripts/test installs it with apt-get when run as root)"
NO_REDIS = "redis-server is not installed (./scripts/test installs it with apt-get when run as root)"
REQUEST_ID = re.compile(r"[0-9a-f]{32}")  # nginx's $request_id


@pytest.mark.parametrize(
    "password", ["", "change-me", "CHANGE_ME", "changeme", "password", "postgres", "secret"]
)
def test_production_refuses_a_placeholder_database_password(password):
    with pytest.raises(ConfigError, match="DATABASE_URL password is"):
        create_app({"APP_ENV": "production", "DATABASE_URL": f"postgresql://labinv:{password}@db/labinv"})


@pytest.mark.parametrize(
    ("url", "message"),
    [
        ("", "DATABASE_URL is not set"),
        ("postgresql://labinv@db/labinv", "password is empty"),
        ("host=db dbname=labinv password=change-me", "the placeholder 'change-me'"),
    ],
)
def test_production_says_what_is_wrong_with_the_database_url(url, message):
    with pytest.raises(ConfigError, match=message):
        create_app({"APP_ENV": "production", "DATABASE_URL": url})


def test_production_starts_with_a_real_password():
    app = create_app({"APP_ENV": "production", "DATABASE_URL": "postgresql://labinv:9d2f7c41e8@db/labinv"})
    assert app.config["APP_ENV"] == "production"


def test_development_accepts_the_example_passwords():
    assert create_app({"DATABASE_URL": "postgresql://mock_dev_user:change-me@db/postgres_dev"})


@pytest.mark.parametrize(
    ("trusted_proxies", "seen"),
    [
        (1, {"address": "198.51.100.2", "scheme": "https", "host": "api.example.org"}),
        (0, {"address": "127.0.0.1", "scheme": "http", "host": "localhost"}),
    ],
)
def test_forwarded_headers_count_only_from_trusted_proxies(trusted_proxies, seen):
    app = create_app({"DATABASE_URL": "", "TRUSTED_PROXIES": trusted_proxies})
    app.add_url_rule(
        "/seen",
        "seen",
        lambda: {"address": request.remote_addr, "scheme": request.scheme, "host": request.host},
    )
    forwarded = {
        "X-Forwarded-For": "203.0.113.7, 198.51.100.2",  # a spoofed address, then the proxy's client
        "X-Forwarded-Proto": "https",
        "X-Forwarded-Host": "api.example.org",
    }
    assert app.test_client().get("/seen", headers=forwarded).json == seen


def log_entry(path, request_id, logger=None):
    """Return the JSON line of `logger` (None: nginx) in `path` about request `request_id`; wait up to 5 s."""
    deadline = time.monotonic() + 5
    while time.monotonic() < deadline:
        for line in path.read_text().splitlines():
            entry = json.loads(line)
            if entry.get("request_id") == request_id and entry.get("logger") == logger:
                return entry
        time.sleep(0.05)
    raise AssertionError(f"{path} has no line of {logger} for request {request_id}")


class Topology:
    """nginx on `port` (logging to `nginx_log`) in front of gunicorn on `app_port`, logging to `app_log`."""

    def __init__(self, port, app_port, app_log, nginx_log):
        self.port, self.app_port, self.app_log, self.nginx_log = port, app_port, app_log, nginx_log

    def request(self, method, path, **kwargs):
        """Send one request to nginx; return the servers.Reply."""
        return servers.request(self.port, method, path, **kwargs)

    def logged(self, path, **kwargs):
        """GET `path` through nginx; return the Reply and the app's log entry of it."""
        reply = self.request("GET", path, **kwargs)
        return reply, self.app_entry(reply.headers["X-Request-ID"])

    def app_entry(self, request_id):
        """Return the app's log entry of request `request_id`."""
        return log_entry(self.app_log, request_id, "project.requests")


@pytest.fixture(scope="module")
def topology(database_url, tmp_path_factory):
    """Run gunicorn on the test database and nginx in front of it, on free ports of 127.0.0.1."""
    if not servers.NGINX.exists():
        pytest.skip(NO_NGINX)
    tmp = tmp_path_factory.mktemp("topology")
    app_port, port = servers.free_port(), servers.free_port()
    app_log = tmp / "gunicorn.log"
    with (
        servers.gunicorn(database_url, app_port, app_log),
        servers.nginx(tmp, port, f"127.0.0.1:{app_port}"),
    ):
        yield Topology(port, app_port, app_log, tmp / "nginx.log")


def assert_security_headers(reply):
    """Check the headers nginx adds to every response."""
    assert {name: reply.headers[name] for name in SECURITY_HEADERS} == SECURITY_HEADERS


def assert_problem(reply, status, title):
    """Check an answer of nginx or gunicorn (not the app): problem+json with this status and title."""
    assert reply.status == status
    assert reply.headers["Content-Type"] == "application/problem+json"
    problem = reply.json()
    assert set(problem) <= {"type", "title", "status", "detail", "request_id"}  # gunicorn's has no id
    assert (problem["type"], problem["title"], problem["status"]) == ("about:blank", title, status)
    assert problem["detail"]
    assert REQUEST_ID.fullmatch(reply.headers["X-Request-ID"])
    assert problem.get("request_id", reply.headers["X-Request-ID"]) == reply.headers["X-Request-ID"]
    assert_security_headers(reply)


@pytest.mark.parametrize("path", ["/static/robots.txt", "/robots.txt"])
def test_static_files_come_from_nginx_not_the_app(topology, path):
    reply = topology.request("GET", path)
    assert reply.status == 200
    assert reply.body == (servers.STATIC_ROOT / "robots.txt").read_bytes()
    assert reply.headers["Cache-Control"] == "max-age=3600"
    assert_security_headers(reply)
    topology.logged("/healthz")  # once the app logged a later request, it would have logged this one
    assert "robots.txt" not in topology.app_log.read_text()
    logged = log_entry(topology.nginx_log, reply.headers["X-Request-ID"])
    assert (logged["uri"], logged["status"], logged["upstream"]) == (path, 200, "")


def test_nginx_serves_the_web_ui_itself_with_its_cache_headers_and_policy(topology):
    assert topology.request("GET", "/ui").status == 308
    assert topology.request("GET", "/ui").headers["Location"] == "/ui/"
    page = topology.request("GET", "/ui/")
    assert page.status == 200
    assert page.body == ui.page(ui.ROOT, ui.version()).encode()
    assert page.headers["Cache-Control"] == "no-cache"
    assert page.headers["Content-Security-Policy"] == ui.CSP  # as the app says in development
    assert page.headers["X-Frame-Options"] == "DENY"
    versioned = re.search(r'src="([0-9a-f]{10}/app\.js)"', page.body.decode())[1]
    module = topology.request("GET", f"/ui/{versioned}")
    assert module.status == 200
    assert module.headers["Content-Type"] == "application/javascript"
    assert module.headers["Cache-Control"] == "public, max-age=31536000, immutable"
    assert "Cache-Control" not in topology.request("GET", "/site/1").headers  # the API's answers: unchanged
    topology.logged("/healthz")  # once the app logged a later request, it would have logged these
    assert "/ui" not in topology.app_log.read_text()
    logged = log_entry(topology.nginx_log, page.headers["X-Request-ID"])
    assert (logged["uri"], logged["status"], logged["upstream"]) == ("/ui/", 200, "")


def test_the_app_sees_the_client_address_nginx_saw_not_a_spoofed_one(topology, pg_conn):
    # The client connects from 127.0.0.2, nginx to gunicorn from 127.0.0.1.
    spoofed = {"X-Forwarded-For": "203.0.113.7", "X-Request-ID": "chosen-by-the-client"}
    reply, logged = topology.logged("/site/1", source="127.0.0.2", headers=spoofed)
    assert reply.status == 200
    assert reply.json()["contact"] == "John Smith"
    assert_security_headers(reply)
    assert logged["address"] == "127.0.0.2"  # the address the app saw
    assert REQUEST_ID.fullmatch(logged["request_id"])  # nginx's, not the client's


def test_one_request_id_in_the_answer_the_apps_json_log_and_nginxs(topology, pg_conn):
    reply, logged = topology.logged("/site/999")
    request_id = reply.headers["X-Request-ID"]
    assert reply.headers.get_all("X-Request-ID") == [request_id]
    assert reply.json()["request_id"] == request_id
    assert logged["level"] == "INFO"
    assert {key: logged[key] for key in ("method", "path", "status", "user")} == {
        "method": "GET",
        "path": "/site/999",
        "status": 404,
        "user": None,
    }
    assert logged["duration_ms"] >= 0 and logged["time"].endswith("+00:00")
    proxied = log_entry(topology.nginx_log, request_id)
    assert (proxied["uri"], proxied["status"]) == ("/site/999", 404)
    assert proxied["upstream"] == f"127.0.0.1:{topology.app_port}"


def test_the_docs_page_may_load_its_own_scripts_and_nothing_else(topology):
    reply = topology.request("GET", "/docs/")
    assert reply.status == 200
    policy = reply.headers["Content-Security-Policy"]
    assert "script-src 'self' 'unsafe-inline'" in policy and "connect-src 'self'" in policy
    assert policy.startswith("default-src 'none';")
    assert topology.request("GET", "/docs/swagger-ui-bundle.js").status == 200
    assert (
        topology.request("GET", "/openapi.json").headers["Content-Security-Policy"]
        == SECURITY_HEADERS["Content-Security-Policy"]
    )


def test_json_is_gzipped(topology, pg_conn):
    reply = topology.request("GET", "/sites", headers={"Accept-Encoding": "gzip"})
    assert reply.status == 200
    assert reply.headers["Content-Encoding"] == "gzip"
    assert reply.headers["Vary"] == "Accept-Encoding"
    assert b'"John Smith"' in gzip.decompress(reply.body)


def test_nginx_refuses_bodies_over_the_apps_limit_as_problem_json(topology, pg_conn):
    limit = Config.MAX_CONTENT_LENGTH
    headers = {"Content-Type": "application/json", "Authorization": "Bearer labinv-demo-admin-token"}
    too_large = topology.request("POST", "/sites", body=b"{}".ljust(limit + 1), headers=headers)
    assert too_large.status == 413
    assert too_large.headers["Content-Type"] == "application/problem+json"
    assert too_large.json() == {
        "type": "about:blank",
        "title": "Request Entity Too Large",
        "status": 413,
        "detail": f"the request body is larger than the {limit} bytes allowed",
        "request_id": too_large.headers["X-Request-ID"],
    }
    assert_security_headers(too_large)
    at_limit = topology.request("POST", "/sites", body=b"{}".ljust(limit), headers=headers)
    assert at_limit.status == 400  # the app's answer: a site needs a name
    assert at_limit.json()["title"] == "Invalid request"
    topology.app_entry(at_limit.headers["X-Request-ID"])
    assert too_large.headers["X-Request-ID"] not in topology.app_log.read_text()


def test_an_import_may_be_larger_than_other_bodies_through_nginx(topology, pg_conn):
    rows = b"".join(b"sample %d,1\n" % n for n in range(8_000))
    body = b"description,freezer_id\n" + rows
    assert len(body) > Config.MAX_CONTENT_LENGTH
    headers = {"Content-Type": "text/csv", "Authorization": "Bearer labinv-demo-admin-token"}
    reply = topology.request("POST", "/containers/import?dry_run=true", body=body, headers=headers)
    assert (reply.status, reply.json()) == (200, {"would_import": 8_000})
    assert reply.headers["X-Request-ID"]


def test_nginx_takes_the_import_limit_from_the_setting_the_app_reads(topology, tmp_path, pg_conn):
    port, limit = servers.free_port(), 100_000
    headers = {"Content-Type": "text/csv", "Authorization": "Bearer labinv-demo-admin-token"}
    body = b"description,freezer_id\n".ljust(limit - 3) + b",1\n"  # limit bytes: a description of spaces
    with servers.nginx(
        tmp_path, port, f"127.0.0.1:{topology.app_port}", settings={"MAX_IMPORT_BYTES": str(limit)}
    ):
        at_limit = servers.request(
            port, "POST", "/containers/import?dry_run=true", body=body, headers=headers
        )
        too_large = servers.request(port, "POST", "/containers/import", body=body + b"\n", headers=headers)
    assert at_limit.status == 422  # the app's answer: a description of 99,975 spaces is too long
    assert_problem(too_large, 413, "Request Entity Too Large")
    assert too_large.json()["detail"] == f"the CSV is larger than the {limit} bytes an import may be"


def effective(service, name, default):
    """Return the value of variable `name` in a service of docker-compose.prod.yml: its own, its env_file's, or `default`."""
    files = service.get("env_file", [])
    for found in [
        service.get("environment", {}),
        *(read_env(f) for f in ([files] if isinstance(files, str) else files)),
    ]:
        if name in found:
            return str(found[name])
    return default


@pytest.mark.parametrize("name", ["MAX_IMPORT_BYTES", "ATTACHMENT_MAX_BYTES", "MEDIA_ROOT"])
def test_nginx_and_the_app_read_one_setting_in_production(name):
    nginx, web = services(PROD)["nginx"], services(PROD)["web"]
    nginx_value = effective(nginx, name, env(NGINX / "Dockerfile")[name])
    assert nginx_value == effective(web, name, str(getattr(Config, name)))


UPLOAD = b"description,freezer_id\n" + b"a tube,1\n" * 10_000  # 90 kB: over nginx's limit for other bodies


@pytest.mark.parametrize(
    ("upstream", "status", "title", "method", "path", "body"),
    [
        ("nobody", 502, "Bad Gateway", "GET", "/readyz", None),
        ("silent", 504, "Gateway Timeout", "GET", "/readyz", None),
        ("nobody", 502, "Bad Gateway", "POST", "/containers/import", UPLOAD),
        ("silent", 504, "Gateway Timeout", "POST", "/containers/import", UPLOAD),
    ],
)
def test_nginx_answers_problem_json_when_the_app_is_down_or_silent(
    tmp_path, upstream, status, title, method, path, body
):
    if not servers.NGINX.exists():
        pytest.skip(NO_NGINX)
    port = servers.free_port()
    faster = {  # the 504 in 1 s, not 50 (or 30 sending the body)
        "proxy_read_timeout 50s;": "proxy_read_timeout 1s;",
        "proxy_send_timeout 30s;": "proxy_send_timeout 1s;",
    }
    with contextlib.ExitStack() as stack:
        app_port = (
            servers.free_port() if upstream == "nobody" else stack.enter_context(servers.silent_upstream())
        )
        upstream = f"127.0.0.1:{app_port}"
        stack.enter_context(servers.nginx(tmp_path, port, upstream, faster))
        reply = servers.request(port, method, path, body=body, headers={"Content-Type": "text/csv"})
    assert_problem(reply, status, title)


HOST = b"Host: localhost\r\nConnection: close\r\n"


def chunked(body, size=16384):
    """Return `body` in the chunked transfer coding: chunks of `size` bytes, then the last chunk."""
    parts = [body[start : start + size] for start in range(0, len(body), size)]
    return b"".join(b"%x\r\n%s\r\n" % (len(part), part) for part in parts) + b"0\r\n\r\n"


@pytest.mark.parametrize(
    ("raw", "status", "title"),
    [
        pytest.param(
            b"GET /site/\xff HTTP/1.1\r\n" + HOST + b"\r\n", 400, "Bad Request", id="raw-0xff-in-the-path"
        ),
        pytest.param(
            "GET /sites?q=é HTTP/1.1\r\n".encode() + HOST + b"\r\n",
            400,
            "Bad Request",
            id="raw-utf-8-in-the-query",
        ),
        pytest.param(b"GET /site/1 HTTP/1.1\r\n\r\n", 400, "Bad Request", id="no-host"),
        pytest.param(b"\x16\x03\x01\x02\x00\x01\x00\r\n\r\n", 400, "Bad Request", id="tls-to-the-http-port"),
        pytest.param(
            b"GET /sites?q=" + b"a" * 10_000_000 + b" HTTP/1.1\r\n" + HOST + b"\r\n",
            414,
            "Request URI Too Long",
            id="10-mb-query-string",
        ),
        pytest.param(
            b"GET /sites HTTP/1.1\r\n" + HOST + b"Cookie: " + b"a" * 10_000 + b"\r\n\r\n",
            431,
            "Request Header Fields Too Large",
            id="a-10-kb-header",
        ),
        pytest.param(
            b"GET /sites HTTP/1.1\r\n"
            + HOST
            + b"".join(b"X-%d: %s\r\n" % (i, b"a" * 1000) for i in range(40))
            + b"\r\n",
            431,
            "Request Header Fields Too Large",
            id="40-kb-of-headers",
        ),
        pytest.param(
            b"POST /sites HTTP/1.1\r\n"
            + HOST
            + b"Transfer-Encoding: chunked\r\n\r\n"
            + chunked(b" " * (Config.MAX_CONTENT_LENGTH + 1)),
            413,
            "Request Entity Too Large",
            id="a-chunked-body-over-the-limit",
        ),
        pytest.param(
            b"GET /site/1 HTTP/9.9\r\n" + HOST + b"\r\n", 505, "HTTP Version Not Supported", id="http-9.9"
        ),
        pytest.param(
            b"POST /sites HTTP/1.1\r\n" + HOST + b"Transfer-Encoding: gzip, chunked\r\n\r\n0\r\n\r\n",
            501,
            "Not Implemented",
            id="gzip-transfer-encoding",
        ),
        pytest.param(
            b"GET /static/none.css HTTP/1.1\r\n" + HOST + b"\r\n", 404, "Not Found", id="no-such-static-file"
        ),
        pytest.param(
            b"POST /robots.txt HTTP/1.1\r\n" + HOST + b"Content-Length: 0\r\n\r\n",
            405,
            "Method Not Allowed",
            id="post-to-a-static-file",
        ),
        pytest.param(
            b"GET /robots.txt HTTP/1.1\r\n" + HOST + b"Range: bytes=100000-\r\n\r\n",
            416,
            "Requested Range Not Satisfiable",
            id="a-range-outside-a-static-file",
        ),
    ],
)
def test_nginx_answers_what_it_refuses_as_problem_json(topology, raw, status, title):
    assert_problem(servers.send_raw(topology.port, raw), status, title)


NOT_ASCII = "bytes outside printable ASCII in the path or query must be percent-encoded"
NOT_HTTP = "the request is not valid HTTP/1.1: its request line, its headers or the framing of its body"


@pytest.mark.parametrize(
    ("raw", "detail"),
    [
        pytest.param(b"GET /site/\xff HTTP/1.1\r\n" + HOST + b"\r\n", NOT_ASCII, id="raw-0xff-in-the-path"),
        pytest.param(
            "GET /sites?q=é HTTP/1.1\r\n".encode() + HOST + b"\r\n", NOT_ASCII, id="raw-utf-8-in-the-query"
        ),
        pytest.param(b"GET /site/1 HTTP/1.1\r\n\r\n", NOT_HTTP, id="no-host"),
        pytest.param(b"GET /site/1 HTTP/1.1\r\nHost: a b\r\n\r\n", NOT_HTTP, id="a-bad-host"),
        pytest.param(b"\x16\x03\x01\x02\x00\x01\x00\r\n\r\n", NOT_HTTP, id="tls-to-the-http-port"),
        pytest.param(
            b"GET /site/1\x00 HTTP/1.1\r\n" + HOST + b"\r\n", NOT_HTTP, id="nul-in-the-request-line"
        ),
        pytest.param(
            b"POST /sites HTTP/1.1\r\n" + HOST + b"Content-Length: ten\r\n\r\n",
            NOT_HTTP,
            id="bad-content-length",
        ),
        pytest.param(
            b"POST /sites HTTP/1.1\r\n" + HOST + b"Transfer-Encoding: chunked\r\n\r\nzz\r\n",
            NOT_HTTP,
            id="bad-chunk",
        ),
    ],
)
def test_nginx_says_why_it_refuses_a_request_as_400(topology, raw, detail):
    reply = servers.send_raw(topology.port, raw)
    assert_problem(reply, 400, "Bad Request")
    assert reply.json()["detail"] == detail


@pytest.mark.parametrize(
    "raw",
    [
        pytest.param(b"GET /site/1 HTTP/1.1\r\n" + HOST + b"X-Note: a\x01b\r\n\r\n", id="control-character"),
        pytest.param(
            b"GET /site/1 HTTP/1.1\r\n" + HOST + b"Content-Type: text/csv\r\nContent-Type: a/b\r\n\r\n",
            id="two-content-types",
        ),
        pytest.param(b"AB /site/1 HTTP/1.1\r\n" + HOST + b"\r\n", id="two-letter-method"),
    ],
)
def test_what_nginx_passes_and_gunicorn_refuses_is_problem_json_too(topology, raw):
    reply = servers.send_raw(topology.port, raw)
    assert_problem(reply, 400, "Bad Request")
    assert reply.json() == servers.send_raw(topology.app_port, raw).json()  # gunicorn's answer, passed on


def test_nginx_limits_come_before_gunicorns(topology):
    """The longest request line and header line nginx accepts reach the app, so gunicorn's limits are never met."""
    line = b"GET /healthz?pad= HTTP/1.1"
    longest = line.replace(b"=", b"=" + b"a" * (8190 - len(line)))
    assert len(longest) == 8190
    assert servers.send_raw(topology.port, longest + b"\r\n" + HOST + b"\r\n").status == 200
    too_long = longest.replace(b"=", b"=a")
    assert_problem(
        servers.send_raw(topology.port, too_long + b"\r\n" + HOST + b"\r\n"), 414, "Request URI Too Long"
    )
    forwarded = b"X-Forwarded-For: " + b"1" * (8190 - len(b"X-Forwarded-For: "))  # nginx appends to it
    assert (
        servers.send_raw(topology.port, b"GET /healthz HTTP/1.1\r\n" + HOST + forwarded + b"\r\n\r\n").status
        == 200
    )
    tiny = b"".join(b"X-%d: 1\r\n" % i for i in range(500))  # 5 times gunicorn's default limit
    assert servers.send_raw(topology.port, b"GET /healthz HTTP/1.1\r\n" + HOST + tiny + b"\r\n").status == 200


def test_the_apps_own_errors_pass_through_nginx_untouched(topology, pg_conn):
    for path in ("/site/999", "/nowhere", "/sites?limit=0"):
        through_nginx = topology.request("GET", path)
        same_id = {"X-Request-ID": through_nginx.headers["X-Request-ID"]}  # as nginx sent it to the app
        from_the_app = servers.request(topology.app_port, "GET", path, headers=same_id)
        assert through_nginx.status == from_the_app.status >= 400
        assert through_nginx.headers["Content-Type"] == "application/problem+json"
        assert through_nginx.body == from_the_app.body


def test_readyz_follows_the_database_going_down_and_coming_back(topology, pg_server):
    if pg_server is None:
        pytest.skip("TEST_DATABASE_URL names a server this test cannot stop and start")
    assert topology.request("GET", "/readyz").status == 200
    pg_server.stop()
    try:
        down = topology.request("GET", "/readyz")
    finally:
        pg_server.start()
    assert down.status == 503  # the app's own problem+json, passed through untouched
    assert down.headers["Content-Type"] == "application/problem+json"
    assert down.headers["Retry-After"] == "1"
    assert down.json()["status"] == 503
    assert topology.request("GET", "/readyz").json() == {"status": "ok", "database": "ok"}


REPLICAS = ["127.0.0.1", "127.0.0.2"]  # the addresses Docker's DNS would give `web`
LIMIT, AUTH_LIMIT = 12, 3  # per minute
RESOLVER = "resolver 127.0.0.11 valid=10s;"  # Docker's DNS, in nginx.conf


@pytest.fixture(scope="module")
def replicas(database_url, tmp_path_factory):
    """Run two gunicorns sharing a redis-server behind nginx; yield nginx's port and their logs.

    As with `docker-compose up --scale web=2`, each replica listens on the same port of its
    own address, and nginx finds both by the name `web`, from a DNS server giving both.
    """
    if not servers.NGINX.exists():
        pytest.skip(NO_NGINX)
    if not servers.REDIS.exists():
        pytest.skip(NO_REDIS)
    tmp = tmp_path_factory.mktemp("replicas")
    port, app_port, redis_port = servers.free_port(), servers.free_port(), servers.free_port()
    settings = {
        "RATE_LIMIT": f"{LIMIT} per minute",
        "RATE_LIMIT_AUTH": f"{AUTH_LIMIT} per minute",
        "RATE_LIMIT_STORAGE_URI": f"redis://127.0.0.1:{redis_port}/0",
    }
    logs = [tmp / f"gunicorn-{address}.log" for address in REPLICAS]
    with contextlib.ExitStack() as stack:
        stack.enter_context(servers.redis_server(tmp, redis_port))
        for address, log in zip(REPLICAS, logs, strict=True):
            stack.enter_context(servers.gunicorn(database_url, app_port, log, address, settings))
        stack.enter_context(servers.nginx(tmp, port, *web_upstream(stack, app_port)))
        yield port, logs


def web_upstream(stack, app_port):
    """Return nginx's upstream and edits for the REPLICAS on `app_port`, as this machine's nginx can.

    With `resolve` (nginx 1.27.3+, as in the image) nginx finds both by the name `web`, from a
    DNS server giving both; Debian 12's 1.22 looks names up only at start, so it gets the two
    addresses Docker's DNS would give, written out.
    """
    if servers.nginx_resolves():
        resolver = f"resolver 127.0.0.1:{stack.enter_context(servers.dns(REPLICAS))} valid=10s;"
        return f"web:{app_port}", {RESOLVER: resolver}
    written_out = " ".join(f"server {address}:{app_port};" for address in REPLICAS)
    return "unused", {servers.UPSTREAM_SERVER: written_out}


def test_a_rate_limit_holds_in_total_across_replicas_and_their_workers(replicas, pg_conn):
    port, logs = replicas
    replies = [servers.request(port, "GET", "/site/1", source="127.0.0.5") for _ in range(LIMIT + 3)]
    assert [reply.status for reply in replies] == [200] * LIMIT + [429] * 3
    assert {reply.headers["RateLimit-Policy"] for reply in replies} == {f'"default";q={LIMIT};w=60'}
    left = [int(re.search(r";r=(\d+);", reply.headers["RateLimit"])[1]) for reply in replies]
    assert left == [*range(LIMIT - 1, -1, -1), 0, 0, 0]  # one count, whichever replica answers
    served = [sum(reply.headers["X-Request-ID"] in log.read_text() for reply in replies) for log in logs]
    assert sum(served) == len(replies) and min(served) > 0  # each replica answered some


def test_password_attempts_for_one_username_are_limited_across_addresses_and_replicas(replicas, pg_conn):
    port, _ = replicas
    guess = json.dumps({"username": "reader", "password": "guess"}).encode()
    headers = {"Content-Type": "application/json"}
    replies = [
        servers.request(port, "POST", "/auth/tokens", body=guess, headers=headers, source=f"127.0.1.{n}")
        for n in range(AUTH_LIMIT + 1)
    ]
    assert [reply.status for reply in replies] == [401] * AUTH_LIMIT + [429]
    assert replies[-1].json()["detail"].startswith("password attempts for this username: more than 3 per")
    assert replies[0].headers["RateLimit-Policy"] == (
        f'"password-username";q={AUTH_LIMIT};w=60, "password-address";q={AUTH_LIMIT};w=60'
    )


def upstream_connections(app_port):
    """Return how many established TCP connections have 127.0.0.x:app_port as their local end."""
    count = 0
    for line in Path("/proc/net/tcp").read_text().splitlines()[1:]:
        local, state = line.split()[1], line.split()[3]
        count += int(local.split(":")[1], 16) == app_port and state == "01"  # 01: ESTABLISHED
    return count


@pytest.fixture
def two_webs(database_url, tmp_path):
    """Run two gunicorns (no rate limits) behind nginx; yield nginx's port, the app's, and a stopper per web."""
    if not servers.NGINX.exists():
        pytest.skip(NO_NGINX)
    port, app_port = servers.free_port(), servers.free_port()
    with contextlib.ExitStack() as stack:
        webs = []
        for address in REPLICAS:
            web = stack.enter_context(contextlib.ExitStack())
            log = tmp_path / f"gunicorn-{address}.log"
            web.enter_context(
                servers.gunicorn(database_url, app_port, log, address, {"RATE_LIMIT_ENABLED": "false"})
            )
            webs.append(web)
        stack.enter_context(servers.nginx(tmp_path, port, *web_upstream(stack, app_port)))
        yield port, app_port, webs


def test_nginx_keeps_its_connections_to_the_webs_open_between_requests(two_webs, pg_conn):
    port, app_port, _ = two_webs
    for _ in range(20):
        assert servers.request(port, "GET", "/site/1").status == 200
    assert 0 < upstream_connections(app_port) <= 8  # kept open, and reused: not one per request


def test_a_web_stopping_under_reads_gives_no_get_an_error(two_webs, pg_conn):
    port, _, webs = two_webs
    statuses, stop = [], threading.Event()

    def read():
        while not stop.is_set():
            statuses.append(servers.request(port, "GET", "/site/1").status)

    readers = [threading.Thread(target=read) for _ in range(4)]
    for reader in readers:
        reader.start()
    try:
        time.sleep(0.5)
        webs[0].close()  # gunicorn stops; nginx's kept-alive connections to it close
        before = len(statuses)
        deadline = time.monotonic() + 10
        while len(statuses) < before + 100 and time.monotonic() < deadline:
            time.sleep(0.05)
    finally:
        stop.set()
        for reader in readers:
            reader.join()
    assert set(statuses) == {200} and len(statuses) > before + 100


def test_a_get_is_retried_on_another_web_and_a_post_is_not(database_url, tmp_path, pg_conn):
    if not servers.NGINX.exists():
        pytest.skip(NO_NGINX)
    port, app_port = servers.free_port(), servers.free_port()
    with contextlib.ExitStack() as stack:
        silent = stack.enter_context(servers.silent_upstream())  # a web that hangs: nginx times out
        # (max_fails=0: it stays in turn however often it fails, so the POSTs meet it too)
        writes = {"ALLOW_ANONYMOUS_WRITES": "true"}
        stack.enter_context(
            servers.gunicorn(database_url, app_port, tmp_path / "gunicorn.log", settings=writes)
        )
        edits = {
            "proxy_read_timeout 50s;": "proxy_read_timeout 1s;",
            servers.UPSTREAM_SERVER: f"server 127.0.0.1:{silent} max_fails=0; server 127.0.0.1:{app_port};",
        }
        stack.enter_context(servers.nginx(tmp_path, port, "unused", edits))
        gets = [servers.request(port, "GET", "/site/1").status for _ in range(4)]
        body, headers = json.dumps({"name": "once"}).encode(), {"Content-Type": "application/json"}
        posts = [
            servers.request(port, "POST", "/sites/", body=body, headers=headers).status for _ in range(4)
        ]
    assert gets == [200] * 4  # the silent one timed out; another web answered
    assert sorted(set(posts)) == [201, 504]  # never sent twice: the silent web may have acted on it
    assert query(pg_conn, "SELECT count(*) FROM site WHERE name = 'once'") == [(posts.count(201),)]
