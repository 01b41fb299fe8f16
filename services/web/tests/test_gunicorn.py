"""gunicorn.conf.py's worker model: threads, so a client keeps its connection and a slow one blocks no one."""

import http.client
import socket
import time

import pytest
import topology_servers as servers


@pytest.fixture(scope="module")
def one_worker(database_url, tmp_path_factory):
    """Yield the port of gunicorn with gunicorn.conf.py and a single worker process."""
    port = servers.free_port()
    log = tmp_path_factory.mktemp("gunicorn") / "gunicorn.log"
    with servers.gunicorn(database_url, port, log, settings={"WEB_CONCURRENCY": "1"}):
        yield port


def test_a_client_keeps_its_connection_between_requests(one_worker):
    conn = http.client.HTTPConnection("127.0.0.1", one_worker, timeout=10)
    try:
        ports = set()
        for path in ("/readyz", "/sites?limit=2", "/healthz"):
            conn.request("GET", path)
            response = conn.getresponse()
            response.read()
            assert response.status == 200
            assert response.headers.get("Connection", "").lower() != "close"
            ports.add(conn.sock.getsockname()[1])
        assert len(ports) == 1  # one TCP connection served all three
    finally:
        conn.close()


def test_a_slow_client_does_not_hold_up_the_others(one_worker):
    """A client that sends half a request occupies one thread; the worker's others serve on."""
    with socket.create_connection(("127.0.0.1", one_worker), timeout=10) as slow:
        slow.sendall(b"GET /readyz HTTP/1.1\r\nHost: 127.0.0.1\r\n")  # no blank line: unfinished
        time.sleep(0.2)
        started = time.monotonic()
        reply = servers.request(one_worker, "GET", "/readyz")
        assert reply.status == 200
        assert time.monotonic() - started < 2
        slow.sendall(b"\r\n")  # the slow client's request is served too, once complete
        response = http.client.HTTPResponse(slow)
        response.begin()
        assert response.status == 200
