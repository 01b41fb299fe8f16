"""Benchmark: throughput, latency and memory of the app under gunicorn.

Starts a throwaway local PostgreSQL with a large inventory and the app under
gunicorn (gunicorn.conf.py) on 127.0.0.1, drives each endpoint for a fixed
time from client processes with keep-alive connections, and prints a table.
Reads go without a token, writes with the demo admin's; rate limits are off.
Run it with ./scripts/bench; everything it starts is stopped at the end.
"""

import http.client
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

import psycopg2

from devtools.localdb import LocalPostgres
from project.api.listing import encode_cursor
from project.config import Config
from project.database import run_sql_file

SECONDS = float(os.environ.get("BENCH_SECONDS", "4"))
CLIENTS = int(os.environ.get("BENCH_CLIENTS", "2"))
WORKERS = os.environ.get("WEB_CONCURRENCY", "2")
SITES, INSTRUMENTS, CONTAINERS = 10_000, 100_000, 100_000
PORT = 8765

DATA = """
INSERT INTO lab (name) SELECT 'lab ' || n FROM generate_series(2, 100) n;
INSERT INTO site (lab_id, name, country)
     SELECT 1 + n %% 100, 'site ' || n, 'USA' FROM generate_series(4, %(sites)s) n;
INSERT INTO computer (name, site_id, mac)
     SELECT 'c' || n, 1 + n %% %(sites)s, ('0200' || lpad(to_hex(n), 8, '0'))::macaddr
       FROM generate_series(3, %(half)s) n;
INSERT INTO freezer (name, site_id) SELECT 'f' || n, 1 + n %% %(sites)s FROM generate_series(3, %(half)s) n;
INSERT INTO container (freezer_id, description)
     SELECT 1 + n %% 1000, 'box ' || n FROM generate_series(4, %(containers)s) n;
ANALYZE;
"""

TOKEN = "Bearer labinv-demo-admin-token"  # writes need a token; reads are public
MIDDLE = encode_cursor("site_id", [SITES // 2, False, 0])  # the first instrument of the middle site
BY_NAME = encode_cursor("name", ["site 5", 5])

# (label, method, path maker, body maker); makers take (client, i) so writes do not collide.
CASES = [
    ("GET one site", "GET", lambda c, i: f"/site/{1 + i % 5000}", None),
    ("GET 100 sites, offset 5000", "GET", lambda c, i: "/sites/5000/100", None),
    ("GET a site's instruments", "GET", lambda c, i: f"/site/{1 + i % 5000}/instruments", None),
    ("GET 100 instruments, offset 50000", "GET", lambda c, i: "/instruments/50000/100", None),
    (
        "GET 100 instruments, keyset mid-way",
        "GET",
        lambda c, i: f"/instruments?limit=100&after={MIDDLE}",
        None,
    ),
    (
        "GET 100 sites by name, keyset",
        "GET",
        lambda c, i: f"/sites?order=name&limit=100&after={BY_NAME}",
        None,
    ),
    ("GET sites?q=site 123 (search)", "GET", lambda c, i: "/sites?q=site%20123", None),
    (
        "POST upsert a site",
        "POST",
        lambda c, i: f"/site/{20000 + c * 1000 + i % 1000}",
        lambda c, i: {"name": f"bench {i}", "lab_id": 1, "postcode_or_zip": i},
    ),
    ("PATCH a freezer", "PATCH", lambda c, i: f"/freezer/{1 + i % 5000}", lambda c, i: {"name": f"f{i}"}),
    ("POST a bad body (400)", "POST", lambda c, i: "/site/1", lambda c, i: {"name": 5}),
]


def drive(client, case_index):
    """Send one case's requests for SECONDS on one connection; return latencies in ms."""
    _, method, path, body = CASES[case_index]
    conn = http.client.HTTPConnection("127.0.0.1", PORT, timeout=30)
    latencies, i = [], 0
    deadline = time.perf_counter() + SECONDS
    while time.perf_counter() < deadline:
        payload = json.dumps(body(client, i)) if body else None
        headers = {"Content-Type": "application/json", "Authorization": TOKEN} if body else {}
        start = time.perf_counter()
        conn.request(method, path(client, i), payload, headers)
        response = conn.getresponse()
        response.read()
        latencies.append((time.perf_counter() - start) * 1000)
        if response.status >= 500:
            raise RuntimeError(f"{method} {path(client, i)} answered {response.status}")
        i += 1
    conn.close()
    return latencies


def rss_mib(pids):
    """Return the summed resident memory of processes, in MiB."""
    total = 0
    for pid in pids:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                total += int(line.split()[1])
    return total / 1024


def wait_for_http():
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            conn = http.client.HTTPConnection("127.0.0.1", PORT, timeout=1)
            conn.request("GET", "/readyz")
            if conn.getresponse().status == 200:
                return
        except OSError:
            time.sleep(0.2)
    raise RuntimeError("gunicorn did not become ready")


def main():
    """Set up, measure every case, print the table, tear down."""
    with tempfile.TemporaryDirectory(prefix="labinv-bench-") as tmp:
        server = LocalPostgres(Path(tmp) / "data").start()
        gunicorn = None
        try:
            server.create_database("bench")
            url = server.url("bench")
            conn = psycopg2.connect(url)
            for name in ("create_tables.sql", "mock_data.sql"):
                run_sql_file(conn, Config.POSTGRES_SCRIPTS / name)
            with conn.cursor() as cur:
                cur.execute(DATA, {"sites": SITES, "half": INSTRUMENTS // 2, "containers": CONTAINERS})
            conn.commit()
            conn.close()
            env = {
                **os.environ,
                "DATABASE_URL": url,
                "GUNICORN_BIND": f"127.0.0.1:{PORT}",
                "WEB_CONCURRENCY": WORKERS,
                "GUNICORN_CMD_ARGS": "--log-level warning",
                "RATE_LIMIT_ENABLED": "false",
            }
            gunicorn = subprocess.Popen(
                [sys.executable, "-m", "gunicorn", "-c", "gunicorn.conf.py", "--access-logfile", "/dev/null"],
                env=env,
            )
            wait_for_http()
            print(
                f"{SITES} sites, {INSTRUMENTS} instruments, {CONTAINERS} containers; gunicorn {WORKERS} sync "
                f"workers; {CLIENTS} client processes, keep-alive, {SECONDS:g} s per case; "
                f"{os.cpu_count()} cores shared by all"
            )
            print(f"{'case':36} {'req/s':>8} {'p50 ms':>8} {'p99 ms':>8}")
            with ProcessPoolExecutor(CLIENTS) as pool:
                for index, (label, *_rest) in enumerate(CASES):
                    runs = list(pool.map(drive, range(CLIENTS), [index] * CLIENTS))
                    latencies = sorted(ms for run in runs for ms in run)
                    print(
                        f"{label:36} {len(latencies) / SECONDS:8.0f} {statistics.median(latencies):8.2f}"
                        f" {latencies[int(len(latencies) * 0.99)]:8.2f}"
                    )
            workers = subprocess.run(
                ["pgrep", "-P", str(gunicorn.pid)], capture_output=True, text=True, check=False
            ).stdout.split()
            memory = rss_mib([gunicorn.pid, *workers])
            print(f"gunicorn memory: {memory:.0f} MiB RSS (master + {len(workers)} workers)")
        finally:
            if gunicorn:
                gunicorn.terminate()
                gunicorn.wait(30)
            server.stop()


if __name__ == "__main__":
    main()
