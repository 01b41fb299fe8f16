"""Probes: /healthz (the process answers) and /readyz (the database answers)."""

from flask import Blueprint

from ..database.health import ping
from ..db import get_cursor

bp = Blueprint("health", __name__)


@bp.get("/healthz")
def healthz():
    """Answer 200 while the process serves requests."""
    return {"status": "ok"}


@bp.get("/readyz")
def readyz():
    """Answer 200 when the database answers a query; 503 (problem+json) when not."""
    ping(get_cursor())
    return {"status": "ok", "database": "ok"}
