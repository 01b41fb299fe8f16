"""./scripts/bench at a tiny scale: every endpoint is measured, on every app, without a failed request.

No timings are asserted: only that each row is there, measured, with no failed request.
"""

import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from bench import baseline
from bench.data import Sizes
from bench.run import HELLO_OURS, HELLO_SYNC, STORAGE, endpoints

WEB = Path(__file__).resolve().parent.parent
COMPARED = [  # the endpoints the baseline also has
    "GET /site/<id>",
    "GET /sites/<offset>/50 (offset < 1,000)",
    "GET /instruments/<offset>/50 (offset < 1,000)",
    "GET /instruments/<offset>/50 (offset 50,000 to 50,999)",
    "POST /site/<id> (upsert of an existing site)",
]


NEEDS_WRK = pytest.mark.skipif(
    shutil.which("wrk") is None, reason="needs wrk (apt-get install wrk; ./scripts/bench does)"
)


def tiny_run(*options):
    """Run the bench at a tiny scale with these options; return the finished process (its output)."""
    return subprocess.run(
        [sys.executable, "-m", "bench", "--scale", "0.005", *options],
        cwd=WEB,
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )


@NEEDS_WRK
def test_a_tiny_run_prints_every_endpoint_with_no_failed_request():
    run = tiny_run("--seconds", "1", "--connections", "4")
    rows = {line.split(" | ")[0].removeprefix("| "): line.split(" | ") for line in run.stdout.splitlines()}
    compared = []
    for endpoint in endpoints(Sizes.at(0.005)):
        cells = rows[endpoint.label]
        assert float(cells[1].replace(",", "")) > 0, endpoint.label  # ours: req/s
        assert cells[4:6] == ["0", "0"], endpoint.label  # ours: non-2xx, socket errors
        if endpoint.baseline is None or not baseline.present():
            assert cells[6:11] == [""] * 5, endpoint.label
            continue
        compared.append(endpoint.label)
        assert float(cells[6].replace(",", "")) > 0, endpoint.label  # the baseline: req/s
        assert cells[9] == "0/0", endpoint.label  # the baseline: non-2xx/socket errors
        assert float(cells[10]) > 0, endpoint.label  # ours/baseline
        assert cells[11].rstrip(" |").endswith(("met", "missed")), endpoint.label
    assert compared == COMPARED if baseline.present() else compared == []
    for label in (HELLO_SYNC, HELLO_OURS, *(label for label, _ in STORAGE)):
        assert float(rows[label][1].replace(",", "")) > 0, label
        assert rows[label][4:6] == ["0", "0"], label
    assert "GET /site/<id> / hello world under our settings: " in run.stdout
    assert run.stdout.count("load average") == 2
    assert 'POST /containers/import of 500 rows (0.0 MiB): 201 { "imported": 500 }' in run.stdout
    assert "p50 at 99 % / p50 of the first page:" in run.stdout
    assert "  ours: RSS " in run.stdout
    assert ("  baseline: RSS " in run.stdout) == baseline.present()
    assert ("The shared baseline is not at" in run.stdout) != baseline.present()


@NEEDS_WRK
def test_a_tiny_streams_run_delivers_every_change_to_every_stream():
    run = tiny_run("--seconds", "2", "--streams", "40")
    assert "- 40 streams open (0 failed)" in run.stdout and "; 0 ended by the server" in run.stdout, (
        run.stdout
    )
    assert re.search(r"KiB a stream", run.stdout), run.stdout
    changes, receipts, expected = map(
        lambda n: int(n.replace(",", "")),
        re.search(
            r"- (\d+) changes, ([\d,]+) receipts of ([\d,]+) expected: from a change's transaction to its receipt p50",
            run.stdout,
        ).groups(),
    )
    assert changes >= 2 and receipts == expected == changes * 40
    assert re.search(r"p99 [\d.]+ ms without the streams, [\d.]+ ms with them: [\d.]+x", run.stdout), (
        run.stdout
    )
    assert "non-2xx or socket errors: 0" in run.stdout


@pytest.mark.skipif(
    not baseline.present(), reason=f"no shared baseline at {baseline.DIRECTORY} (BENCH_BASELINE)"
)
def test_the_baseline_is_the_shared_app_unchanged_at_our_paths():
    """The baseline runs its own files; the endpoints compared with it are at its paths."""
    assert baseline.arguments() == [f"--config={baseline.DIRECTORY / 'gunicorn.conf.py'}", "app:app"]
    routes = (baseline.DIRECTORY / "app.py").read_text()
    paths = {"/site/{n}": "/site/<int:site_id>", "/sites/{n}/50": "/sites/<int:offset>/<int:limit>",
             "/instruments/{n}/50": "/instruments/<int:offset>/<int:limit>"}  # fmt: skip
    for endpoint in endpoints(Sizes.at(1)):
        if endpoint.baseline is not None:
            method = endpoint.baseline.method.lower()
            assert f'@app.{method}("{paths[endpoint.baseline.path]}")' in routes, endpoint.label
    assert 'os.environ.get("DATABASE_URL"' in routes  # the URL the bench gives it


def test_sizes_multiply_the_default_data_set():
    assert Sizes.at(1) == Sizes(
        labs=1000, sites=100_000, computers=200_000, freezers=200_000, containers=400_000
    )
    assert Sizes.at(10).containers == 4_000_000
