"""The bench (./scripts/bench): load the data set, start the apps, drive them with wrk, print tables.

Everything runs on this machine: a throwaway PostgreSQL (devtools.localdb) in
a temporary directory, our app under its production gunicorn.conf.py, the
shared baseline (baseline.py: ../shared/baseline/app.py, unchanged, under its
own gunicorn.conf.py, 5 sync workers) on the same database, and the
hello-world app twice: under 5 sync workers (the ceiling of a sync Flask app)
and under our gunicorn.conf.py (what our serving model allows), all on
127.0.0.1. Everything started is stopped at the end, also on Ctrl-C or SIGTERM.
"""

import argparse
import contextlib
import http.client
import os
import platform
import signal
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

from devtools.localdb import LocalPostgres
from project.api.listing import encode_cursor

from . import apps, baseline, data, streams, wrk
from .wrk import Load

JSON = "Content-Type: application/json"
ADMIN = f"Authorization: Bearer {data.ADMIN_TOKEN}"
SYNC_WORKERS = "--workers=5"
UPSERT = (
    '{"name": "Site {n}", "lab_id": 1, "contact": "Bench Runner", "address": "{n} Bench Road, Ann Arbor",'
    ' "state_or_region": "MI", "country": "USA", "postcode_or_zip": "48103"}'
)
PATCH = '{"description": "Sample {n} plasma, checked"}'
FIRST_PAGE = Load("/containers?limit=50")
STORAGE = (  # ours only: the baseline has no boxes (the example data's boxes 1 and 2, freezer 1)
    ("GET /box/<id>/grid (9 x 9)", Load("/box/{n}/grid", low=1, high=2)),
    ("GET /freezer/1/tree", Load("/freezer/1/tree")),
)
IMPORTED = 100_000  # rows POST /containers/import loads at scale 1 (target: under 10 s)
COMPARED_SCALES = (1, 10)


HELLO_SYNC = "ceiling: hello-world Flask, GET /, 5 sync workers"
HELLO_OURS = "hello-world Flask, GET /, under our gunicorn.conf.py (gthread, keep-alive)"
HELLO_TO_SITE = 0.8  # the least GET one site / hello world under our settings (issue 25)


@dataclass(frozen=True)
class Endpoint:
    """One row of the table: what ours is sent, what the baseline is sent (None: it has no such path)."""

    label: str
    ours: Load
    baseline: Load | None = None
    target: float | None = None  # the least ours/baseline that issue 25 asks for


def both(label, load, target=None):
    """Return an endpoint that ours and the baseline are sent alike."""
    return Endpoint(label, load, load, target)


def keyset_page(sizes, share):
    """Return the endpoint of the page of 50 containers that starts at `share` of the table (ours only)."""
    start = round(sizes.containers * share)
    return Endpoint(
        f"GET /containers?limit=50&after=… at {share * 100:g} %",
        Load(f"/containers?limit=50&after={encode_cursor('id', [start])}"),
    )


def endpoints(sizes):
    """Return the endpoints of the table, for a data set of `sizes`."""
    upsert = {"method": "POST", "body": UPSERT, "low": 4, "high": sizes.sites}
    patch = {"method": "PATCH", "body": PATCH, "low": 4, "high": sizes.containers}
    return [
        both("GET /site/<id>", Load("/site/{n}", low=1, high=sizes.sites), 1.3),
        both("GET /sites/<offset>/50 (offset < 1,000)", Load("/sites/{n}/50", high=999), 1.3),
        both("GET /instruments/<offset>/50 (offset < 1,000)", Load("/instruments/{n}/50", high=999), 1.0),
        both(
            "GET /instruments/<offset>/50 (offset 50,000 to 50,999)",
            Load("/instruments/{n}/50", low=50_000, high=50_999),
            1.0,
        ),
        Endpoint(
            "GET /freezer/<id>/containers/0/50",
            Load("/freezer/{n}/containers/0/50", low=1, high=sizes.stocked),
        ),
        Endpoint(
            "GET /containers/0/50?q=<word> (search)",
            Load("/containers/0/50?q={word}", words=data.SEARCH_WORDS),
        ),
        keyset_page(sizes, 0.01),
        keyset_page(sizes, 0.50),
        keyset_page(sizes, 0.99),
        Endpoint(
            "POST /site/<id> (upsert of an existing site)",
            Load("/site/{n}", headers=(JSON, ADMIN), **upsert),
            Load("/site/{n}", headers=(JSON,), **upsert),
            1.0,
        ),
        Endpoint(
            "PATCH /container/<id> (description)", Load("/container/{n}", headers=(JSON, ADMIN), **patch)
        ),
    ]


def parse_args(argv):
    """Return the command line's options."""
    parser = argparse.ArgumentParser(prog="scripts/bench", description=__doc__.splitlines()[0])
    parser.add_argument(
        "--scale", type=scale, default=1.0, help="data set size, times the default (up to 10)"
    )
    parser.add_argument("--seconds", type=positive, default=10, help="how long each endpoint is driven")
    parser.add_argument("--connections", type=positive, default=64, help="wrk's concurrent connections")
    parser.add_argument(
        "--compare-scales",
        action="store_true",
        help=f"instead: ours' one-connection latency of every endpoint at scales {COMPARED_SCALES}",
    )
    parser.add_argument(
        "--import-only",
        action="store_true",
        help=f"instead: only POST /containers/import of {IMPORTED:,} rows (x scale)",
    )
    parser.add_argument(
        "--streams",
        type=positive,
        metavar="N",
        help="instead: N idle GET /events streams: their memory, the delay of each change to them,"
        " and GET /site/<id>'s p99 with and without them",
    )
    return parser.parse_args(argv)


def scale(raw):
    """Return --scale as a float above 0 and at most 10."""
    value = float(raw)
    if not 0 < value <= 10:
        raise argparse.ArgumentTypeError("must be above 0 and at most 10")
    return value


def positive(raw):
    """Return a whole number of at least 1."""
    value = int(raw)
    if value < 1:
        raise argparse.ArgumentTypeError("must be at least 1")
    return value


def machine(server):
    """Return the facts of this machine and of the software the bench runs."""
    cpuinfo = Path("/proc/cpuinfo").read_text().splitlines()
    cpu = next((line.split(":", 1)[1].strip() for line in cpuinfo if line.startswith("model name")), "?")
    meminfo = Path("/proc/meminfo").read_text().splitlines()
    memory = int(next(line for line in meminfo if line.startswith("MemTotal")).split()[1])
    debian = Path("/etc/debian_version")
    return (
        f"{len(os.sched_getaffinity(0))} cores ({cpu}), {memory / 2**20:.1f} GiB; "
        f"Debian {debian.read_text().strip() if debian.exists() else '-'}, Linux {platform.release()}; "
        f"PostgreSQL {server.admin('SHOW server_version')[0]}; Python {platform.python_version()}; "
        f"{wrk.version()}; load average before the run {load_average()}"
    )


def load_average():
    """Return the load average over 1, 5 and 15 minutes, as uptime says it."""
    return " / ".join(f"{value:.2f}" for value in os.getloadavg())


def loaded_database(server, name, sizes):
    """Create database `name` on `server` holding the data set; return its URL."""
    started = time.monotonic()
    server.create_database(name)
    url = server.url(name)
    print(f"Loading {sizes.describe()} ...", flush=True)
    data.load(url, sizes)
    print(f"Loaded in {time.monotonic() - started:.0f} s.", flush=True)
    return url


@contextlib.contextmanager
def running(name, arguments, env, ready_path, logs, **where):
    """Start one app under gunicorn (`where`: its python and directory); stop it when the block ends."""
    app = apps.start(name, arguments, env, ready_path, logs / f"{name}.log", **where)
    try:
        yield app
    finally:
        app.stop()


def start_ours(stack, url, logs):
    """Start our app with its production gunicorn settings, reads public, no rate limits."""
    env = {
        "DATABASE_URL": url,
        "APP_ENV": "development",
        "RATE_LIMIT_ENABLED": "false",
        "READS_REQUIRE_AUTH": "false",
        "ALLOW_ANONYMOUS_WRITES": "false",
    }
    return stack.enter_context(running("ours", ["--config=gunicorn.conf.py"], env, "/readyz", logs))


def ms(value):
    """Format milliseconds with about three significant digits."""
    return f"{value:.2f}" if value < 10 else f"{value:.1f}" if value < 100 else f"{value:,.0f}"


def row(*cells):
    """Print one row of a Markdown table."""
    print("| " + " | ".join(str(cell) for cell in cells) + " |", flush=True)


def heading(*names):
    """Print the heading of a Markdown table."""
    row(*names)
    row(*("---" for _ in names))


def verdict(value, target, at_most=False):
    """Say whether `value` meets `target` (at least it, or with `at_most` at most it)."""
    met = value <= target if at_most else value >= target
    return f"{'≤' if at_most else '≥'} {target:g}: {'met' if met else 'missed'}"


def start_baseline(stack, url, logs):
    """Start the shared baseline, unchanged, in its venv and directory, on our database; None without it."""
    if not baseline.present():
        print(
            f"\nThe shared baseline is not at {baseline.DIRECTORY} (BENCH_BASELINE): ours alone, no ratios."
        )
        return None
    return stack.enter_context(
        running(
            "baseline", baseline.arguments(), {"DATABASE_URL": url}, "/site/1", logs,
            python=baseline.python(), cwd=baseline.DIRECTORY,
        )
    )  # fmt: skip


def measured_row(label, mine, theirs=None, target=None):
    """Print one row of the main table: ours' figures, the baseline's if measured, their ratio."""
    cells = [label, f"{mine.rate:,.0f}", ms(mine.p50_ms), ms(mine.p99_ms), mine.non_2xx, mine.socket_errors]
    if theirs is None:
        row(*cells, "", "", "", "", "", "")
        return
    ratio = mine.rate / theirs.rate
    row(
        *cells, f"{theirs.rate:,.0f}", ms(theirs.p50_ms), ms(theirs.p99_ms),
        f"{theirs.non_2xx}/{theirs.socket_errors}", f"{ratio:.2f}", verdict(ratio, target) if target else "",
    )  # fmt: skip


def full_run(args, server, logs, stack):
    """Measure every endpoint on ours and the baseline, the hello-world apps, one connection and memory."""
    sizes = data.Sizes.at(args.scale)
    url = loaded_database(server, "bench", sizes)
    ours = start_ours(stack, url, logs)
    theirs = start_baseline(stack, url, logs)
    hello = stack.enter_context(running("hello", [SYNC_WORKERS, "bench.hello_app:app"], {}, "/", logs))
    hello_ours = stack.enter_context(
        running("hello-ours", ["--config=gunicorn.conf.py", "bench.hello_app:app"], {}, "/", logs)
    )
    memory = apps.PeakMemory([app for app in (ours, theirs, hello, hello_ours) if app is not None])
    memory.start()
    print(
        f"\nwrk: {args.connections} connections, {args.seconds} s per endpoint and app, on 127.0.0.1. "
        "Figures are ours unless named baseline (blank: the baseline has no such endpoint); "
        "the hello-world rows are a Flask app with no database.\n"
    )
    heading(
        "endpoint", "req/s", "p50 ms", "p99 ms", "non-2xx", "socket errors",
        "baseline req/s", "baseline p50 ms", "baseline p99 ms", "baseline non-2xx/socket", "ours/baseline",
        "target",
    )  # fmt: skip
    results = {}
    for endpoint in endpoints(sizes):
        mine = results[endpoint.label] = wrk.run(ours.port, endpoint.ours, args.seconds, args.connections)
        if endpoint.baseline is None or theirs is None:
            measured_row(endpoint.label, mine)
        else:
            compared = wrk.run(theirs.port, endpoint.baseline, args.seconds, args.connections)
            measured_row(endpoint.label, mine, compared, endpoint.target)
    for label, app in ((HELLO_SYNC, hello), (HELLO_OURS, hello_ours)):
        results[label] = wrk.run(app.port, Load("/"), args.seconds, args.connections)
        measured_row(label, results[label])
    for label, load in STORAGE:
        measured_row(label, wrk.run(ours.port, load, args.seconds, args.connections))
    share = results[endpoints(sizes)[0].label].rate / results[HELLO_OURS].rate
    print(
        f"\nGET /site/<id> / hello world under our settings: {share:.2f} "
        f"({verdict(share, HELLO_TO_SITE)}); hello world under our settings / under sync workers: "
        f"{results[HELLO_OURS].rate / results[HELLO_SYNC].rate:.2f}"
    )
    one_connection(args, ours, sizes)
    timed_import(ours, args.scale)
    print_memory(memory.stop())


def streams_run(args, server, logs, stack):
    """Load the data set, start ours and the events app, and measure args.streams open streams."""
    streams.enough_files(args.streams)
    sizes = data.Sizes.at(args.scale)
    url = loaded_database(server, "bench", sizes)
    ours = start_ours(stack, url, logs)
    events = stack.enter_context(streams.events_app(url, logs))
    print(f"\nEvent streams (issue 22), {args.seconds} s per run:\n")
    streams.run(ours, events, args.streams, args.seconds, sizes.sites)


def import_run(args, server, logs, stack):
    """Load the data set, start ours and time only the import."""
    ours = start_ours(stack, loaded_database(server, "bench", data.Sizes.at(args.scale)), logs)
    timed_import(ours, args.scale)


def one_connection(args, ours, sizes):
    """Print ours' latency at one connection: the first page of containers against the one at 99 %."""
    print(f"\nOne connection, {args.seconds} s each (ours):\n")
    heading("page", "p50 ms", "p99 ms", "req/s", "non-2xx/socket")
    results = {}
    for label, load in (
        ("first page: GET /containers?limit=50", FIRST_PAGE),
        ("keyset page at 99 %: GET /containers?limit=50&after=…", keyset_page(sizes, 0.99).ours),
    ):
        result = results[label] = wrk.run(ours.port, load, args.seconds, 1)
        row(label, ms(result.p50_ms), ms(result.p99_ms), f"{result.rate:,.0f}",
            f"{result.non_2xx}/{result.socket_errors}")  # fmt: skip
    first, deep = (result.p50_ms for result in results.values())
    print(f"\np50 at 99 % / p50 of the first page: {deep / first:.2f} ({verdict(deep / first, 1.2, True)})")


def timed_import(ours, scale):
    """Import IMPORTED containers (x `scale`) from one CSV upload into freezer 1; print how long it took."""
    rows = max(10, round(IMPORTED * scale))
    body = "description,freezer_id\n" + "".join(f"Imported tube {n},1\n" for n in range(rows))
    connection = http.client.HTTPConnection("127.0.0.1", ours.port, timeout=600)
    start = time.monotonic()
    connection.request(
        "POST", "/containers/import", body.encode(),
        {"Content-Type": "text/csv", "Authorization": ADMIN.split(": ", 1)[1]},
    )  # fmt: skip
    answer = connection.getresponse()
    seconds = time.monotonic() - start
    said = " ".join(answer.read().decode().split())
    met = verdict(seconds if answer.status == 201 else float("inf"), 10, True)
    target = f" ({met}: target under 10 s)" if rows == IMPORTED else ""
    size = len(body) / 2**20
    print(f"\nPOST /containers/import of {rows:,} rows ({size:.1f} MiB): {answer.status} {said} "
          f"in {seconds:.1f} s{target}")  # fmt: skip


def print_memory(peaks):
    """Print each app's peak memory over the run."""
    print("\nPeak memory of all processes of each app (gunicorn master + workers), sampled every 0.2 s:")
    for name, (rss, pss) in peaks.items():
        print(f"  {name}: RSS {rss / 1024:,.0f} MiB (PSS, shared pages split: {pss / 1024:,.0f} MiB)")


def compare_scales(args, server, logs):
    """Print ours' one-connection p50 of every endpoint at each of COMPARED_SCALES, side by side."""
    p50s = {}
    for factor in COMPARED_SCALES:
        sizes = data.Sizes.at(factor)
        name = f"bench{factor}"
        with contextlib.ExitStack() as stack:
            ours = start_ours(stack, loaded_database(server, name, sizes), logs)
            pages = [("GET /containers?limit=50 (first page)", FIRST_PAGE)]
            for label, load in pages + [(endpoint.label, endpoint.ours) for endpoint in endpoints(sizes)]:
                result = wrk.run(ours.port, load, args.seconds, 1)
                if result.non_2xx or result.socket_errors:
                    print(f"  {label} at scale {factor}: {result.non_2xx} non-2xx, "
                          f"{result.socket_errors} socket errors")  # fmt: skip
                p50s.setdefault(label, []).append(result.p50_ms)
        server.drop_database(name)
    low, high = COMPARED_SCALES
    print(f"\nOne connection, {args.seconds} s each (ours), p50 in ms:\n")
    heading("endpoint", f"scale {low}", f"scale {high}", f"{high} / {low}", "target")
    for label, (small, large) in p50s.items():
        row(label, ms(small), ms(large), f"{large / small:.2f}", verdict(large / small, 1.3, True))


def main(argv=None):
    """Run the bench; stop everything it started however it ends."""
    args = parse_args(argv)
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    started = time.monotonic()
    with tempfile.TemporaryDirectory(prefix="labinv-bench-") as tmp, contextlib.ExitStack() as stack:
        server = LocalPostgres(Path(tmp) / "pg").start()
        stack.callback(server.stop)
        print(f"Machine: {machine(server)}")
        if args.compare_scales:
            compare_scales(args, server, Path(tmp))
        elif args.import_only:
            import_run(args, server, Path(tmp), stack)
        elif args.streams:
            streams_run(args, server, Path(tmp), stack)
        else:
            full_run(args, server, Path(tmp), stack)
    print(
        f"\nThe run took {(time.monotonic() - started) / 60:.1f} min; "
        f"load average at the end {load_average()}."
    )
