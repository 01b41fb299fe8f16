"""The bench's --streams run: idle event streams held open on the events app, and what they cost.

It opens N streams of GET /events on the events process (gunicorn_events.conf.py: gevent, one
worker), from one thread that reads them all through a selector, and reports: the events
process's memory before and after (RSS per stream); the delay from each change (its history
`at`, the writing transaction's time) to its receipt on every stream, while a writer changes a
site every WRITE_EVERY_S seconds and wrk drives GET /site/<id> at 16 connections; and that GET's
p99 with the streams open against the same load just before, without them (issue 22: within 2x).
"""

import contextlib
import http.client
import json
import math
import resource
import selectors
import socket
import statistics
import threading
import time
from datetime import datetime

from . import apps, data, wrk
from .wrk import Load

CONNECTIONS = 16  # wrk's, for GET /site/<id>
WRITE_EVERY_S = 0.5
GET_P99_RATIO = 2.0  # the most GET /site/<id>'s p99 with the streams may be, times without them
REQUEST = "GET /events?tables=site HTTP/1.1\r\nHost: 127.0.0.1\r\nAccept: text/event-stream\r\n\r\n"


class Streams(threading.Thread):
    """N open event streams, read by one thread; the delay of each change's receipt on each, in ms."""

    def __init__(self, port, count):
        super().__init__(daemon=True)
        self.selector = selectors.DefaultSelector()
        self.delays, self.failed, self.open, self.ended = [], 0, 0, 0
        self.stopped = threading.Event()
        for _ in range(count):
            try:
                self.connect(port)
            except OSError:
                self.failed += 1

    def connect(self, port):
        """Open one stream and wait for its 200 and headers; a stream refused is closed."""
        sock = socket.create_connection(("127.0.0.1", port), timeout=30)
        try:
            sock.sendall(REQUEST.encode())
            head = b""
            while b"\r\n\r\n" not in head:
                chunk = sock.recv(4096)
                if not chunk:
                    raise OSError("closed before its headers")
                head += chunk
            if not head.startswith(b"HTTP/1.1 200"):
                raise OSError(head.split(b"\r\n", 1)[0].decode())
        except OSError:
            sock.close()
            raise
        sock.setblocking(False)
        self.selector.register(sock, selectors.EVENT_READ, {"rest": head.split(b"\r\n\r\n", 1)[1]})
        self.open += 1

    def run(self):
        """Read every stream until stopped; note when each change arrived, against its `at`.

        A stream the server ends (its `end` event: a slow reader, an expired or revoked
        token) or closes is counted in `ended` and read no more.
        """
        while not self.stopped.is_set():
            for key, _ in self.selector.select(timeout=0.2):
                try:
                    chunk = key.fileobj.recv(65536)
                except BlockingIOError:
                    continue
                received = time.time()
                lines = (key.data["rest"] + chunk).split(b"\n")
                key.data["rest"] = lines.pop()
                if not chunk or any(line.endswith(b"event: end") for line in lines):
                    self.selector.unregister(key.fileobj)
                    key.fileobj.close()
                    self.ended += 1
                    continue
                for line in lines:
                    if b"data: " in line:  # chunked transfer framing may lead the line
                        at = json.loads(line.split(b"data: ", 1)[1])["at"]
                        self.delays.append((received - datetime.fromisoformat(at).timestamp()) * 1000)

    def close(self):
        """Stop reading and close every stream."""
        self.stopped.set()
        self.join()
        for key in list(self.selector.get_map().values()):
            key.fileobj.close()
        self.selector.close()


class Writer(threading.Thread):
    """Changes a site through the API every WRITE_EVERY_S seconds until stopped; counts its writes."""

    def __init__(self, port, token):
        super().__init__(daemon=True)
        self.port, self.token, self.writes = port, token, 0
        self.stopped = threading.Event()

    def run(self):
        """Write until stopped."""
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
        headers = {"Content-Type": "application/json", "Authorization": f"Bearer {self.token}"}
        while not self.stopped.wait(WRITE_EVERY_S):
            body = json.dumps({"contact": f"Streams bench {self.writes}"})
            connection.request("PATCH", "/site/2", body=body, headers=headers)
            response = connection.getresponse()
            response.read()
            self.writes += response.status == 200
        connection.close()

    def stop(self):
        """Stop writing."""
        self.stopped.set()
        self.join()


def enough_files(count):
    """Raise this process's open-file limit (inherited by what it starts) to hold `count` streams."""
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    wanted = max(soft, count * 2 + 256)
    if hard != resource.RLIM_INFINITY:
        wanted = min(hard, wanted)
    resource.setrlimit(resource.RLIMIT_NOFILE, (wanted, hard))


def percentile(values, share):
    """Return the nearest-rank percentile: the least value with `share` (0 to 1) of them at or below it."""
    ordered = sorted(values)
    return ordered[max(0, math.ceil(share * len(ordered)) - 1)]


def say(line):
    """Print one line of the report."""
    print(f"- {line}", flush=True)


def run(ours, events, count, seconds, sites):
    """Measure `count` streams on app `events` while `ours` serves GET /site/<id> (of `sites`)."""
    load = Load("/site/{n}", low=1, high=sites)
    without = wrk.run(ours.port, load, seconds, CONNECTIONS)
    before = apps.memory_kib(events.pids())[0]
    started = time.monotonic()
    streams = Streams(events.port, count)
    opened_s = time.monotonic() - started
    streams.start()
    time.sleep(1)  # let the worker settle before weighing it
    after = apps.memory_kib(events.pids())[0]
    writer = Writer(ours.port, data.ADMIN_TOKEN)
    writer.start()
    try:
        with_streams = wrk.run(ours.port, load, seconds, CONNECTIONS)
    finally:
        writer.stop()
        time.sleep(1)  # the last changes' receipts
        streams.close()
    expected = writer.writes * streams.open
    say(f"{streams.open:,} streams open ({streams.failed} failed) in {opened_s:.1f} s; "
        f"{streams.ended} ended by the server during the run")  # fmt: skip
    say(f"events process RSS: {before / 1024:.0f} MiB before, {after / 1024:.0f} MiB with the streams: "
        f"{(after - before) / max(1, streams.open):.1f} KiB a stream")  # fmt: skip
    delays = streams.delays
    if delays:
        say(f"{writer.writes} changes, {len(delays):,} receipts of {expected:,} expected: from a change's "
            f"transaction to its receipt p50 {statistics.median(delays):.0f} ms, "
            f"p99 {percentile(delays, 0.99):.0f} ms")  # fmt: skip
    ratio = with_streams.p99_ms / without.p99_ms
    verdict = "met" if ratio <= GET_P99_RATIO else "missed"
    say(f"GET /site/<id> at {CONNECTIONS} connections, {seconds} s: p99 {without.p99_ms:.1f} ms without the "
        f"streams, {with_streams.p99_ms:.1f} ms with them: {ratio:.2f}x (≤ {GET_P99_RATIO:g}: {verdict}); "
        f"{with_streams.rate:,.0f} against {without.rate:,.0f} requests/s; non-2xx or socket errors: "
        f"{sum(r.non_2xx + r.socket_errors for r in (without, with_streams))}")  # fmt: skip


@contextlib.contextmanager
def events_app(url, logs):
    """Run the events app (gunicorn_events.conf.py) on database `url`; yield it."""
    env = {"DATABASE_URL": url, "APP_ENV": "development", "RATE_LIMIT_ENABLED": "false"}
    app = apps.start(
        "events", ["--config=gunicorn_events.conf.py"], env, "/events?tables=site", logs / "events.log"
    )
    try:
        yield app
    finally:
        app.stop()
