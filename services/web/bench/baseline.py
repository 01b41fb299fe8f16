"""The shared baseline of ./scripts/bench: a plain Flask + psycopg2 app kept outside this repository.

`../shared/baseline/` (beside the checkout; BENCH_BASELINE names another
directory) holds `app.py`, its `gunicorn.conf.py` (5 sync workers) and its
`requirements.txt`. The bench runs it unchanged, from its own directory, in
a virtualenv of its own requirements (`.venv-baseline/` at the top of the
checkout, made again when the requirements change), on the same database as
ours: it reads DATABASE_URL, as ours does, so its writes fire the same
history triggers. It has four of the bench's endpoints, at the same paths as
ours: GET /site/<id>, GET /sites/<offset>/<limit>,
GET /instruments/<offset>/<limit> and POST /site/<id>.
"""

import os
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[3]  # the checkout: services/web/bench/baseline.py
DIRECTORY = Path(os.environ.get("BENCH_BASELINE", REPO.parent / "shared" / "baseline"))
VENV = REPO / ".venv-baseline"
STAMP = VENV / "baseline-requirements.txt"  # the requirements the venv was made from


def present():
    """Tell whether the shared baseline is there (a checkout elsewhere has none: ours is measured alone)."""
    return (DIRECTORY / "app.py").is_file()


def python():
    """Return the baseline venv's python, making the venv from the baseline's requirements if needed."""
    requirements = (DIRECTORY / "requirements.txt").read_text()
    executable = VENV / "bin" / "python"
    if executable.exists() and STAMP.exists() and STAMP.read_text() == requirements:
        return executable
    print(f"Making {VENV.name}/ from {DIRECTORY / 'requirements.txt'} ...", flush=True)
    subprocess.run([sys.executable, "-m", "venv", "--clear", VENV], check=True)
    subprocess.run(
        [executable, "-m", "pip", "install", "--quiet", "--disable-pip-version-check",
         "-r", DIRECTORY / "requirements.txt"],
        check=True,
    )  # fmt: skip
    STAMP.write_text(requirements)
    return executable


def arguments():
    """Return gunicorn's arguments for the baseline: its own settings file and app, as it ships them."""
    return [f"--config={DIRECTORY / 'gunicorn.conf.py'}", "app:app"]
