"""Drive one endpoint with wrk on the loopback for a fixed time; read back its figures."""

import json
import os
import subprocess
from dataclasses import dataclass
from pathlib import Path

SCRIPT = Path(__file__).with_name("wrk.lua")
MARK = "BENCH "
TIMEOUT = "60s"  # long enough that a slow answer counts in the latencies, not as an error


@dataclass(frozen=True)
class Load:
    """The requests of one run: method, path and body with {n} and {word}, headers, their ranges."""

    path: str
    method: str = "GET"
    body: str = ""
    headers: tuple = ()  # "Name: value" lines
    low: int = 0  # {n} is a random integer from low to high
    high: int = 0
    words: tuple = ()  # {word} is one of these, URL-encoded


@dataclass(frozen=True)
class Result:
    """What wrk measured: requests, their duration, latency percentiles, answers by status."""

    requests: int
    seconds: float
    p50_ms: float
    p99_ms: float
    socket_errors: int
    statuses: dict

    @property
    def rate(self):
        """Requests per second."""
        return self.requests / self.seconds

    @property
    def non_2xx(self):
        """How many answers had a status outside 200-299."""
        return sum(count for status, count in self.statuses.items() if not 200 <= int(status) < 300)


def run(port, load, seconds, connections):
    """Send `load` to 127.0.0.1:port for `seconds` over `connections` connections (kept alive if allowed)."""
    threads = min(connections, len(os.sched_getaffinity(0)))
    command = [
        "wrk",
        f"--threads={threads}",
        f"--connections={connections}",
        f"--duration={seconds}s",
        f"--timeout={TIMEOUT}",
        f"--script={SCRIPT}",
        f"http://127.0.0.1:{port}",
        "--",
        load.method,
        load.path,
        load.body,
        "\n".join(load.headers),
        str(load.low),
        str(load.high),
        ",".join(load.words),
    ]
    output = subprocess.run(command, capture_output=True, text=True, check=True).stdout
    summary = next(line for line in output.splitlines() if line.startswith(MARK))
    return Result(**json.loads(summary.removeprefix(MARK)))


def version():
    """Return wrk's version, as it prints it."""
    output = subprocess.run(["wrk", "--version"], capture_output=True, text=True, check=False).stdout
    return output.split(" [")[0]
