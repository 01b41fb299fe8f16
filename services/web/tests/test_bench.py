"""./scripts/bench at a tiny scale: every endpoint is measured, on every app, without a failed request."""

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from bench.data import Sizes
from bench.run import STORAGE, endpoints

WEB = Path(__file__).resolve().parent.parent


@pytest.mark.skipif(
    shutil.which("wrk") is None, reason="needs wrk (apt-get install wrk; ./scripts/bench does)"
)
def test_a_tiny_run_prints_every_endpoint_with_no_failed_request():
    run = subprocess.run(
        [sys.executable, "-m", "bench", "--scale", "0.005", "--seconds", "1", "--connections", "4"],
        cwd=WEB,
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    rows = {line.split(" | ")[0].removeprefix("| "): line.split(" | ") for line in run.stdout.splitlines()}
    for endpoint in endpoints(Sizes.at(0.005)):
        cells = rows[endpoint.label]
        assert float(cells[1].replace(",", "")) > 0, endpoint.label  # ours: req/s
        assert cells[4:6] == ["0", "0"], endpoint.label  # ours: non-2xx, socket errors
        assert cells[9] == "0/0", endpoint.label  # naive: non-2xx/socket errors
    assert rows["ceiling: hello-world Flask, GET /"][4:6] == ["0", "0"]
    for label, _ in STORAGE:
        assert rows[label][4:6] == ["0", "0"], label
    assert 'POST /containers/import of 500 rows (0.0 MiB): 201 { "imported": 500 }' in run.stdout
    assert "p50 at 99 % / p50 of the first page:" in run.stdout
    assert "  ours: RSS " in run.stdout


def test_sizes_multiply_the_default_data_set():
    assert Sizes.at(1) == Sizes(
        labs=1000, sites=100_000, computers=200_000, freezers=200_000, containers=400_000
    )
    assert Sizes.at(10).containers == 4_000_000
