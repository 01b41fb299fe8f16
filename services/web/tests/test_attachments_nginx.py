"""Attachments through Debian's nginx in front of a real gunicorn: nginx sends the bytes, and refuses big uploads.

Between nginx and gunicorn a relay counts the bytes gunicorn sends, so a test can tell that a
20 MiB download never passed through it.
"""

import contextlib
import hashlib
import os
import socket
import threading
import time

import pytest
import topology_servers as servers
from test_topology import NO_NGINX

MIB = 1024 * 1024
PDF_HEAD = b"%PDF-1.7\n"


class Relay:
    """A TCP relay from a free port of 127.0.0.1 to `target`; counts the bytes the target sends back."""

    def __init__(self, target_port):
        self.target_port, self.sent_back, self.lock = target_port, 0, threading.Lock()
        self.server = socket.create_server(("127.0.0.1", 0))
        self.port = self.server.getsockname()[1]
        threading.Thread(target=self.accept, daemon=True).start()

    def accept(self):
        """Relay each connection, in threads, until the server socket is closed."""
        while True:
            try:
                client, _ = self.server.accept()
            except OSError:
                return
            upstream = socket.create_connection(("127.0.0.1", self.target_port))
            threading.Thread(target=self.pipe, args=(client, upstream, False), daemon=True).start()
            threading.Thread(target=self.pipe, args=(upstream, client, True), daemon=True).start()

    def pipe(self, source, target, counted):
        """Copy bytes from `source` to `target` until either closes."""
        with contextlib.suppress(OSError):
            while data := source.recv(1 << 16):
                if counted:
                    with self.lock:
                        self.sent_back += len(data)
                target.sendall(data)
        for sock in (source, target):
            with contextlib.suppress(OSError):
                sock.shutdown(socket.SHUT_RDWR)

    def close(self):
        """Stop accepting."""
        self.server.close()


@pytest.fixture(scope="module")
def proxied(database_url, tmp_path_factory):
    """Yield (nginx port, gunicorn port, relay, media root, tmp) with MEDIA_ACCEL_REDIRECT on."""
    if not servers.NGINX.exists():
        pytest.skip(NO_NGINX)
    tmp = tmp_path_factory.mktemp("attachments")
    media = tmp / "media"
    media.mkdir()
    app_port, port = servers.free_port(), servers.free_port()
    settings = {
        "MEDIA_ROOT": str(media),
        "MEDIA_ACCEL_REDIRECT": "true",
        "ALLOW_ANONYMOUS_WRITES": "true",
        "RATE_LIMIT_ENABLED": "false",
    }
    with servers.gunicorn(database_url, app_port, tmp / "gunicorn.log", settings=settings):
        relay = Relay(app_port)
        try:
            with servers.nginx(tmp, port, f"127.0.0.1:{relay.port}", settings={"MEDIA_ROOT": str(media)}):
                yield port, app_port, relay, media, tmp
        finally:
            relay.close()


def multipart(data, filename, boundary="----labinv-test-boundary"):
    """Return (body, headers) of a multipart upload of `data` as the part `file`."""
    body = (
        f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="{filename}"\r\n'
        "Content-Type: application/octet-stream\r\n\r\n"
    ).encode()
    body += data + f"\r\n--{boundary}--\r\n".encode()
    return body, {"Content-Type": f"multipart/form-data; boundary={boundary}"}


def upload(port, data, filename="big.pdf"):
    """Upload `data` to site 1 through `port`; return the Reply."""
    body, headers = multipart(data, filename)
    return servers.request(port, "POST", "/site/1/attachments", body=body, headers=headers)


def test_a_20_mib_download_is_sent_by_nginx_not_gunicorn(proxied, pg_conn):
    port, app_port, relay, media, _ = proxied
    data = PDF_HEAD + os.urandom(20 * MIB - len(PDF_HEAD))
    started = time.monotonic()
    made = upload(port, data)
    upload_s = time.monotonic() - started
    assert made.status == 201, made.body[:500]
    attachment = made.json()
    before = relay.sent_back
    started = time.monotonic()
    got = servers.request(port, "GET", attachment["url"])
    download_s = time.monotonic() - started
    through_gunicorn = relay.sent_back - before
    assert got.status == 200
    assert hashlib.sha256(got.body).hexdigest() == attachment["sha256"] == hashlib.sha256(data).hexdigest()
    assert got.headers["Content-Length"] == str(len(data))
    assert got.headers["Content-Type"] == "application/pdf"
    assert got.headers["ETag"] == f'"{attachment["sha256"]}"'
    assert got.headers["Content-Disposition"] == "attachment; filename*=UTF-8''big.pdf"
    assert got.headers["X-Content-Type-Options"] == "nosniff"
    assert "X-Accel-Redirect" not in got.headers  # nginx took it
    assert through_gunicorn < 2048  # the headers only: not one MiB of the file
    print(
        f"\n20 MiB: upload {upload_s:.2f} s, download {download_s:.2f} s, gunicorn sent {through_gunicorn} bytes"
    )
    direct = servers.request(app_port, "GET", attachment["url"])  # gunicorn itself: headers, no body
    assert direct.body == b""
    sha = attachment["sha256"]
    assert direct.headers["X-Accel-Redirect"] == f"/.media/{sha[:2]}/{sha}"
    assert servers.request(port, "GET", f"/.media/{sha[:2]}/{sha}").status == 404  # internal only
    assert servers.request(port, "DELETE", attachment["url"]).status == 200
    assert not (media / sha[:2] / sha).exists()


def huge_upload_headers(size):
    """Return the head of an upload that says it is `size` bytes long; its body is never sent."""
    _, headers = multipart(b"", "huge.pdf")
    return (
        "POST /site/1/attachments HTTP/1.1\r\nHost: x\r\nConnection: close\r\n"
        f"Content-Type: {headers['Content-Type']}\r\nContent-Length: {size}\r\n\r\n"
    ).encode()


def test_nginx_refuses_an_upload_over_the_limit_with_413_before_reading_it(proxied, pg_conn):
    _, _, relay, _, tmp = proxied
    limit = 100_000
    small, small_port = tmp / "small", servers.free_port()
    small.mkdir()
    settings = {"ATTACHMENT_MAX_BYTES": str(limit)}
    with servers.nginx(small, small_port, f"127.0.0.1:{relay.port}", settings=settings):
        fits = upload(small_port, PDF_HEAD + bytes(limit // 2))
        assert fits.status == 201, fits.body[:300]
        before = relay.sent_back
        refused = servers.send_raw(small_port, huge_upload_headers(50 * MIB))  # headers only
        assert relay.sent_back == before  # gunicorn never heard of it
    assert refused.status == 413
    assert refused.headers["Content-Type"] == "application/problem+json"
    assert refused.json()["detail"] == f"the upload is larger than the {limit} bytes an attachment may be"


def test_gunicorn_alone_refuses_the_same_upload_from_its_content_length(proxied, pg_conn):
    refused = servers.send_raw(proxied[1], huge_upload_headers(26 * MIB))  # over the default 25 MiB
    assert refused.status == 413
    assert refused.json()["detail"].startswith("an upload may be at most 26214400 bytes")
