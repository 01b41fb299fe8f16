"""The production servers as local subprocesses on 127.0.0.1, for tests/test_topology.py.

gunicorn runs with services/web/gunicorn.conf.py; Debian's nginx runs with
services/nginx/nginx.conf, its ${VARS} filled in as the official nginx image
fills them from its environment; Debian's redis-server stands in for the
redis container, and a tiny DNS server for Docker's, which names every
replica of a service. Each server is stopped when its `with` block ends, and
gets SIGINT if the tests die (as LocalPostgres does).
"""

import contextlib
import dataclasses
import functools
import http.client
import json
import os
import pwd
import re
import shutil
import signal
import socket
import socketserver
import struct
import subprocess
import sys
import threading
import time
from pathlib import Path

from devtools.localdb import die_with_parent
from project import ui
from project.config import Config

WEB = Path(__file__).resolve().parent.parent  # services/web
NGINX_TEMPLATE = WEB.parent / "nginx" / "nginx.conf"
NGINX = Path("/usr/sbin/nginx")
REDIS = Path("/usr/bin/redis-server")
STATIC_ROOT = WEB / "project" / "static"
START_TIMEOUT = 15
STOP_TIMEOUT = 10


@dataclasses.dataclass
class Reply:
    """One HTTP response: status, headers (case-insensitive) and the body as sent."""

    status: int
    headers: http.client.HTTPMessage
    body: bytes

    def json(self):
        """Return the body parsed as JSON."""
        return json.loads(self.body)


def request(port, method, path, *, body=None, headers=None, source="127.0.0.1", host="127.0.0.1"):
    """Send one request to host:port from the local address `source`; return the Reply."""
    conn = http.client.HTTPConnection(host, port, timeout=10, source_address=(source, 0))
    try:
        conn.request(method, path, body, headers or {})
        response = conn.getresponse()
        return Reply(response.status, response.headers, response.read())
    finally:
        conn.close()


def send_raw(port, data):
    """Send the bytes `data` as they are (a request http.client would refuse to send); return the Reply."""
    with socket.create_connection(("127.0.0.1", port), timeout=10) as sock:
        with contextlib.suppress(BrokenPipeError, ConnectionResetError):
            sock.sendall(data)  # a server may answer and stop reading before the end
        response = http.client.HTTPResponse(sock)
        response.begin()
        return Reply(response.status, response.headers, response.read())


@contextlib.contextmanager
def silent_upstream():
    """Yield the port of a server that accepts connections and never answers."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        sock.listen(16)  # the kernel completes the connections; nothing reads them
        yield sock.getsockname()[1]


def free_port():
    """Return a TCP port free on 127.0.0.1 at the moment."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def render(template, values):
    """Fill in the ${NAME} placeholders of `template` from `values` (KeyError if one is missing)."""
    return re.sub(r"\$\{(\w+)\}", lambda match: values[match[1]], template)


def gunicorn(database_url, port, log_path, host="127.0.0.1", settings=None):
    """Serve the app on host:port with gunicorn.conf.py, as the production image does; `settings`: more env."""
    env = {
        **os.environ,
        "DATABASE_URL": database_url,
        "TRUSTED_PROXIES": "1",
        "GUNICORN_BIND": f"{host}:{port}",
        "WEB_CONCURRENCY": "2",
        "FORWARDED_ALLOW_IPS": "127.0.0.1",
        "LOG_FORMAT": "json",
        **(settings or {}),
    }
    args = [sys.executable, "-m", "gunicorn", "--config", str(WEB / "gunicorn.conf.py")]
    return serving(args, log_path, lambda: request(port, "GET", "/healthz", host=host), cwd=WEB, env=env)


@contextlib.contextmanager
def events(database_url, log_dir, **settings):
    """Serve the events app with gunicorn_events.conf.py on 127.0.0.1, `settings` in its environment."""
    port = free_port()
    env = {**os.environ, "DATABASE_URL": database_url, "EVENTS_BIND": f"127.0.0.1:{port}", **settings}
    args = [sys.executable, "-m", "gunicorn", "--config", str(WEB / "gunicorn_events.conf.py")]
    probe = lambda: request(port, "POST", "/events/tickets")  # noqa: E731
    with serving(args, log_dir / "events.log", probe, cwd=WEB, env=env):
        yield f"http://127.0.0.1:{port}"


def published_static(prefix):
    """Return a copy of the static files in `prefix`, the web UI in it as it is deployed (ui.publish)."""
    target = prefix / "static"
    shutil.copytree(STATIC_ROOT, target, ignore=shutil.ignore_patterns("ui"))
    ui.publish(ui.ROOT, target / "ui")
    return target


def nginx(prefix, port, upstream, edits=None, settings=None):
    """Run nginx.conf on 127.0.0.1:port in front of `upstream` (host:port); files go in `prefix`.

    `edits` maps lines of nginx.conf to what replaces them (e.g. a shorter timeout);
    `settings` overrides the body limits, the app's by default (MAX_CONTENT_LENGTH, MAX_IMPORT_BYTES,
    ATTACHMENT_MAX_BYTES), and MEDIA_ROOT (`prefix`/media by default).
    """
    conf = prefix / "nginx.conf"
    template = NGINX_TEMPLATE.read_text()
    for line, replacement in (edits or {}).items():
        assert line in template, f"nginx.conf has no line {line!r}"
        template = template.replace(line, replacement)
    if not nginx_resolves():  # Debian 12's 1.22: an upstream's names are looked up once, at start
        template = template.replace(UPSTREAM_SERVER, "server ${APP_UPSTREAM};")
    values = {
        "NGINX_LISTEN": f"127.0.0.1:{port}",
        "NGINX_USER": pwd.getpwuid(os.geteuid()).pw_name,  # workers that can read the checkout
        "APP_UPSTREAM": upstream,
        "STATIC_ROOT": str(published_static(prefix)),
        "MAX_CONTENT_LENGTH": str(Config.MAX_CONTENT_LENGTH),
        "MAX_IMPORT_BYTES": str(Config.MAX_IMPORT_BYTES),
        "ATTACHMENT_MAX_BYTES": str(Config.ATTACHMENT_MAX_BYTES),
        "MEDIA_ROOT": str(prefix / "media"),
        **(settings or {}),
    }
    conf.write_text(render(template, values))
    args = [str(NGINX), "-p", str(prefix), "-c", str(conf), "-g", f"daemon off; pid {prefix / 'nginx.pid'};"]
    return serving(args, prefix / "nginx.log", lambda: request(port, "GET", "/healthz"))


UPSTREAM_SERVER = "server ${APP_UPSTREAM} resolve;"  # nginx.conf's upstream app


@functools.cache
def nginx_resolves():
    """Tell whether this machine's nginx has an upstream server's `resolve` (1.27.3 and later)."""
    banner = subprocess.run([str(NGINX), "-v"], capture_output=True, text=True, check=True).stderr
    version = tuple(int(part) for part in re.search(r"nginx/(\d+)\.(\d+)\.(\d+)", banner).groups())
    return version >= (1, 27, 3)


def redis_server(prefix, port):
    """Run redis-server on 127.0.0.1:port in the foreground, keeping nothing on disk."""
    args = [str(REDIS), "--bind", "127.0.0.1", "--port", str(port), "--save", "", "--appendonly", "no"]
    return serving(args, prefix / "redis.log", lambda: redis_ping(port), cwd=prefix)


def redis_ping(port):
    """Return once Redis on 127.0.0.1:port answers PING; raise OSError if it does not (yet)."""
    with socket.create_connection(("127.0.0.1", port), timeout=1) as sock:
        sock.sendall(b"PING\r\n")
        if sock.recv(64) != b"+PONG\r\n":
            raise OSError("redis-server is not ready")


class DNSHandler(socketserver.BaseRequestHandler):
    """Answer a DNS query (RFC 1035): an A question with the server's `addresses`, any other with none."""

    def handle(self):
        """Answer one query."""
        query, sock = self.request
        question_end = query.index(b"\0", 12) + 5  # the name, then its type and class
        is_a = query[question_end - 4 : question_end - 2] == b"\0\1"
        addresses = self.server.addresses if is_a else []
        header = query[:2] + struct.pack(">HHHHH", 0x8180, 1, len(addresses), 0, 0)  # an answer, no error
        answers = b"".join(
            struct.pack(">HHHIH", 0xC00C, 1, 1, 10, 4) + socket.inet_aton(address) for address in addresses
        )  # each: the question's name, type A, class IN, 10 s to live, 4 bytes of address
        sock.sendto(header + query[12:question_end] + answers, self.client_address)


@contextlib.contextmanager
def dns(addresses):
    """Run a DNS server on 127.0.0.1 (UDP) giving every name `addresses`, as Docker's does; yield its port."""
    with socketserver.ThreadingUDPServer(("127.0.0.1", 0), DNSHandler) as server:
        server.addresses = addresses
        thread = threading.Thread(target=server.serve_forever, daemon=True)
        thread.start()
        try:
            yield server.server_address[1]
        finally:
            server.shutdown()
            thread.join(10)


@contextlib.contextmanager
def serving(args, log_path, probe, **popen_args):
    """Run a server, logging to `log_path`, from when `probe()` succeeds to the block's end."""
    with open(log_path, "ab") as log:  # appending: nginx writes through two descriptors
        process = subprocess.Popen(
            args,
            stdin=subprocess.DEVNULL,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
            preexec_fn=die_with_parent,  # noqa: PLW1509
            **popen_args,
        )
    try:
        wait_until_answering(process, log_path, probe)
        yield process
    finally:
        stop(process)


def wait_until_answering(process, log_path, probe):
    """Return once `probe()` succeeds (e.g. any HTTP answer); raise if the server dies or is slow."""
    deadline = time.monotonic() + START_TIMEOUT
    while True:
        try:
            probe()
            return
        except (OSError, http.client.HTTPException):
            if process.poll() is not None or time.monotonic() > deadline:
                tail = Path(log_path).read_text(errors="replace")[-2000:]
                raise RuntimeError(f"the server logging to {log_path} did not start:\n{tail}") from None
            time.sleep(0.05)


def stop(process):
    """Stop a server (SIGTERM, SIGKILL after STOP_TIMEOUT), then anything left in its process group."""
    process.terminate()
    try:
        process.wait(STOP_TIMEOUT)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()
    with contextlib.suppress(ProcessLookupError):
        os.killpg(process.pid, signal.SIGKILL)  # workers the server failed to take down
