"""Probes: /healthz (the process answers) and /readyz (the database answers)."""

from flask import Blueprint

from ..database.queries import load
from ..db import get_cursor
from .openapi import documented
from .openapi_objects import responses

bp = Blueprint("health", __name__)
STATUS = {"type": "object", "properties": {"status": {"type": "string"}}, "required": ["status"]}


def status(description):
    """Return the 200 response of a probe."""
    return {"200": {"description": description, "content": {"application/json": {"schema": STATUS}}}}


@bp.get("/healthz")
@documented(
    {
        "operationId": "checkHealth",
        "tags": ["health"],
        "summary": "The process answers",
        "responses": status("alive"),
    }
)
def healthz():
    """Answer 200 while the process serves requests."""
    return {"status": "ok"}


@bp.get("/readyz")
@documented(
    {
        "operationId": "checkReadiness",
        "tags": ["health"],
        "summary": "The database answers",
        "responses": responses(status("ready")),
    }
)
def readyz():
    """Answer 200 when the database answers a query; 503 (problem+json) when not."""
    load("health").ping(get_cursor())
    return {"status": "ok", "database": "ok"}
