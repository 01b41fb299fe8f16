"""Probes: /healthz (the process answers) and /readyz (the database answers, and how each node is)."""

from flask import Blueprint, current_app

from ..database.queries import load
from ..db import get_cursor
from .openapi import documented
from .openapi_objects import responses

bp = Blueprint("health", __name__)
STATUS = {"type": "object", "properties": {"status": {"type": "string"}}, "required": ["status"]}
NODE = {  # a database node as the last background check found it: no credentials
    "type": "object",
    "properties": {
        "name": {"type": "string"},  # primary, replica1, replica2, ...
        "address": {"type": "string"},  # host:port/dbname
        "up": {"type": "boolean"},
        "lag_s": {"type": ["number", "null"]},  # seconds behind the primary; null: unknown
        "problem": {"type": "string"},  # why it is not up
    },
}
READY = {
    "type": "object",
    "properties": {
        "status": {"type": "string"},
        "database": {"type": "string"},
        "nodes": {"type": "array", "items": NODE},  # with DATABASE_REPLICA_URLS only
    },
    "required": ["status", "database"],
}


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
        "responses": responses(
            {"200": {"description": "ready", "content": {"application/json": {"schema": READY}}}}
        ),
    }
)
def readyz():
    """Answer 200 when the node serving reads answers a query, 503 (problem+json) when not; list the nodes."""
    load("health").ping(get_cursor())
    router = current_app.extensions["pg_router"]
    if not router.replicas:
        return {"status": "ok", "database": "ok"}
    return {"status": "ok", "database": "ok", "nodes": [node.report() for node in router.nodes]}
