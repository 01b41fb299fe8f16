"""The gunicorn servers the bench starts, stops and weighs: ours, the shared baseline, hello world."""

import contextlib
import os
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from pathlib import Path

from devtools.localdb import die_with_parent

WEB = Path(__file__).resolve().parent.parent  # services/web: gunicorn.conf.py, project/, bench/
START_TIMEOUT = 60
STOP_TIMEOUT = 30


@dataclass
class App:
    """One gunicorn server on 127.0.0.1: its name, port, the path that tells it is up, its process."""

    name: str
    port: int
    ready_path: str
    process: subprocess.Popen

    def stop(self):
        """Stop the server and its workers: SIGTERM, then SIGKILL to its whole session."""
        self.process.terminate()
        try:
            self.process.wait(STOP_TIMEOUT)
        except subprocess.TimeoutExpired:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait()

    def pids(self):
        """Return the ids of the master and its workers."""
        try:
            children = Path(f"/proc/{self.process.pid}/task/{self.process.pid}/children").read_text()
        except FileNotFoundError:
            return []
        return [self.process.pid, *map(int, children.split())]


def free_port():
    """Return a TCP port on 127.0.0.1 that nothing listens on now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def start(name, arguments, env, ready_path, log_path, *, python=sys.executable, cwd=WEB):
    """Start gunicorn with `arguments` and `env` on a free loopback port; return the App once it answers.

    gunicorn runs under `python` (its venv) in `cwd`; the --bind given here overrides a settings file's.
    """
    port = free_port()
    with open(log_path, "ab") as log:
        process = subprocess.Popen(
            [python, "-m", "gunicorn", *arguments, f"--bind=127.0.0.1:{port}"],
            cwd=cwd,
            env={**os.environ, **env},
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=log,  # gunicorn's log, and ours (a line per request): written as in production
            start_new_session=True,  # Ctrl-C reaches the bench, which stops it
            preexec_fn=die_with_parent,  # noqa: PLW1509
        )
    app = App(name, port, ready_path, process)
    try:
        wait_until_ready(app, log_path)
    except BaseException:
        app.stop()
        raise
    return app


def wait_until_ready(app, log_path):
    """Wait until the app answers 200 on its ready path; raise, with its log, if it exits or is slow."""
    deadline = time.monotonic() + START_TIMEOUT
    while True:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{app.port}{app.ready_path}", timeout=5):
                return
        except (urllib.error.URLError, ConnectionError):
            if app.process.poll() is not None or time.monotonic() > deadline:
                log = Path(log_path).read_text(errors="replace")[-3000:]
                raise RuntimeError(f"{app.name} did not start; its log ends:\n{log}") from None
            time.sleep(0.2)


def memory_kib(pids):
    """Return the summed RSS and PSS of processes, in KiB (RSS counts shared pages once per process)."""
    rss = pss = 0
    for pid in pids:
        with contextlib.suppress(FileNotFoundError, ProcessLookupError):
            for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines():
                name, _, value = line.partition(":")
                if name == "Rss":
                    rss += int(value.split()[0])
                elif name == "Pss":
                    pss += int(value.split()[0])
    return rss, pss


class PeakMemory(threading.Thread):
    """Samples the memory of every app's processes a few times a second and keeps each app's peak."""

    def __init__(self, apps, interval=0.2):
        super().__init__(daemon=True)
        self.apps, self.interval = apps, interval
        self.peaks = {app.name: (0, 0) for app in apps}  # name -> (RSS, PSS) in KiB
        self.finished = threading.Event()

    def run(self):
        """Sample until stopped."""
        while not self.finished.wait(self.interval):
            for app in self.apps:
                rss, pss = memory_kib(app.pids())
                peak_rss, peak_pss = self.peaks[app.name]
                self.peaks[app.name] = (max(rss, peak_rss), max(pss, peak_pss))

    def stop(self):
        """Stop sampling; return the peaks."""
        self.finished.set()
        self.join()
        return self.peaks
