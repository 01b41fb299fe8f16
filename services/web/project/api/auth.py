"""Who is asking: bearer tokens, roles, and issuing and revoking tokens.

Every request may carry `Authorization: Bearer <token>`. Reads are public
unless READS_REQUIRE_AUTH; every write needs a token (401 without one, 403
for a reader) unless ALLOW_ANONYMOUS_WRITES (development only). Which labs an
editor may change is checked by PostgreSQL itself, in the write's own
transaction, from the session settings labinv.actor, labinv.role and
labinv.user_id that this module sets on the request's connection: the token's
lookup sets them, and an anonymous write runs act_as first. The connection is
pooled, so every request that may write sets them, never trusting the last.
"""

import functools
import secrets

from flask import Blueprint, current_app, g, jsonify, request, url_for

from .. import accounts
from ..database.queries import load
from ..db import get_cursor
from .errors import ApiError
from .limits import PASSWORDS_BY_ADDRESS, PASSWORDS_BY_USERNAME, auth_limit, client_address, limiter, username
from .openapi import documented
from .openapi_objects import ANYONE, ID, TOKEN, header, json_body, responses
from .validation import NO_NUL, body_schema, check, json_object, text

db = load("auth")

bp = Blueprint("auth", __name__)

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
# Endpoints open to all, whatever Authorization says.
PUBLIC_ENDPOINTS = frozenset(
    {"health.healthz", "health.readyz", "openapi.openapi", "docs.show", "auth.issue_token"}
)
MAX_TOKEN_DAYS = 3650
ANONYMOUS = "anonymous"

TOKEN_REQUEST = body_schema(
    {
        "username": text(200, required=True),
        "password": text(accounts.MAX_PASSWORD, required=True, pattern=NO_NUL),  # as the CLI takes
        "name": text(200),
        "expires_in_days": {"type": ["integer", "null"], "minimum": 1, "maximum": MAX_TOKEN_DAYS},
    },
    ["username", "password"],
)


@functools.cache
def unknown_user_hash():
    """Return a password hash to check when the username is unknown, so both cost the same time."""
    return accounts.hash_password(secrets.token_urlsafe(16))


def unauthorized(detail, error=None):
    """Return a 401 that says how to authenticate (RFC 6750)."""
    challenge = 'Bearer realm="lab-inventory"' + (f', error="{error}"' if error else "")
    return ApiError(401, "Unauthorized", detail, "unauthorized", {"WWW-Authenticate": challenge})


def bearer_token():
    """Return the request's bearer token, None without one; 401 if the header is malformed."""
    header = request.headers.get("Authorization")
    if header is None:
        return None
    scheme, _, token = header.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise unauthorized("send Authorization: Bearer <token>", "invalid_request")
    return token.strip()


def exempt():
    """Tell whether a request skips authentication: an unknown route or method, a public one, a preflight."""
    return (
        request.routing_exception is not None
        or request.endpoint in PUBLIC_ENDPOINTS
        or request.method == "OPTIONS"
    )


@bp.before_app_request
def identify():
    """Find the request's user from its token; the lookup also makes the connection act as that user.

    A bad token is not refused here but kept for authorize(), which runs
    after the rate limit: failed authentication counts against the client
    address like any other request.
    """
    if exempt():
        return
    try:
        token = bearer_token()
    except ApiError as e:
        g.refusal = e
        return
    if token is None:
        return
    user = db.find_token_user(get_cursor(), token_hash=accounts.digest(token))
    if user is None:
        g.refusal = unauthorized("the token is not valid: unknown, expired or revoked", "invalid_token")
        return
    g.user = user


def authorize():
    """Refuse what the request's user (or an anonymous client) may not do; runs after the rate limit.

    An anonymous write that is let through first makes the connection act as `anonymous`.
    """
    if exempt():
        return
    if "refusal" in g:
        raise g.refusal
    if request.endpoint in ("auth.revoke_token", "events.issue_ticket"):
        return  # any user may revoke their own tokens; the view checks
    if request.method in SAFE_METHODS or request.endpoint in READS_BY_POST:
        may_read()
    else:
        may_write()


READS_BY_POST = frozenset({"labels.print_labels"})  # change nothing, or call may_write first


def may_read():
    """Refuse an anonymous reader where reads need a token."""
    if g.get("user") is None and current_app.config["READS_REQUIRE_AUTH"]:
        raise unauthorized("reading needs a token")


def may_write():
    """Refuse a reader, or an anonymous writer where writes need a token; else say who acts."""
    user = g.get("user")
    if user is None:
        if not current_app.config["ALLOW_ANONYMOUS_WRITES"]:
            raise unauthorized("writing needs a token")
        db.act_as(get_cursor(), actor=ANONYMOUS)
    elif user["role"] == "reader":
        raise ApiError(403, "Forbidden", "a reader may not change the inventory", "forbidden")


ISSUED = {
    "type": "object",
    "properties": {
        "id": ID,
        "token": {"type": "string", "description": "shown only in this answer"},
        "username": {"type": "string"},
        "role": {"type": "string", "enum": ["reader", "editor", "admin"]},
        "name": {"type": ["string", "null"]},
        "created_at": {"type": "string", "format": "date-time"},
        "expires_at": {"type": ["string", "null"], "format": "date-time"},
    },
    "required": ["id", "token", "username", "role", "name", "created_at", "expires_at"],
}
REVOKED = {
    "type": "object",
    "properties": {
        "id": ID,
        "name": {"type": ["string", "null"]},
        **{
            k: {"type": ["string", "null"], "format": "date-time"}
            for k in ("created_at", "expires_at", "revoked_at")
        },
    },
    "required": ["id", "name", "created_at", "expires_at", "revoked_at"],
}


WHO = {
    "type": "object",
    "properties": {
        "user": {
            "type": ["object", "null"],
            "properties": {
                "id": ID,
                "username": {"type": "string"},
                "role": {"type": "string", "enum": ["reader", "editor", "admin"]},
            },
            "required": ["id", "username", "role"],
            "description": "the token's user; null without a token",
        },
        "may_write": {
            "type": "boolean",
            "description": "an editor or admin (an editor within their labs), or anyone where"
            " ALLOW_ANONYMOUS_WRITES lets a request without a token write (development)",
        },
    },
    "required": ["user", "may_write"],
}


@bp.get("/auth/me")
@documented(
    {
        "operationId": "whoAmI",
        "tags": ["auth"],
        "summary": "Who the request's token is, and whether they may write",
        "security": ANYONE,
        "responses": responses(
            {"200": {"description": "who asks", "content": {"application/json": {"schema": WHO}}}}
        ),
    }
)
def who_am_i():
    """Who the request's token is (null without one), and whether they may write."""
    user = g.get("user")
    if user is None:
        return jsonify(user=None, may_write=current_app.config["ALLOW_ANONYMOUS_WRITES"])
    who = {k: user[k] for k in ("id", "username", "role")}
    return jsonify(user=who, may_write=user["role"] != "reader")


@bp.post("/auth/tokens")
@limiter.shared_limit(auth_limit, PASSWORDS_BY_ADDRESS, key_func=client_address)
@limiter.shared_limit(auth_limit, PASSWORDS_BY_USERNAME, key_func=username)
@documented(
    {
        "operationId": "issueToken",
        "tags": ["auth"],
        "summary": "Issue an API token for a username and password",
        "security": [{}],
        "requestBody": json_body(TOKEN_REQUEST),
        "responses": responses(
            {
                "201": {
                    "description": "the new token",
                    "headers": {"Location": header("Location")},
                    "content": {"application/json": {"schema": ISSUED}},
                }
            },
            *(400, 413, 415),
        ),
    }
)
def issue_token():
    """Issue a token for a username and password; the token is shown only in this answer."""
    body = check(TOKEN_REQUEST, json_object())
    cur = get_cursor()
    user = db.read_user(cur, username=body["username"])
    stored = user["password_hash"] if user else unknown_user_hash()  # the same work either way
    if not accounts.password_matches(stored, body["password"]) or user is None:
        raise unauthorized("wrong username or password")
    token = accounts.new_token()
    issued = db.create_token(
        cur,
        user_id=user["id"],
        token_hash=accounts.digest(token),
        name=body.get("name"),
        days=body.get("expires_in_days"),
    )
    response = jsonify({**issued, "token": token, "username": user["username"], "role": user["role"]})
    response.status_code = 201
    response.headers["Location"] = url_for("auth.revoke_token", token_id=issued["id"])
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.delete("/auth/tokens/<id:token_id>")
@documented(
    {
        "operationId": "revokeToken",
        "tags": ["auth"],
        "summary": "Revoke one of your tokens (an admin: anyone's)",
        "security": TOKEN,
        "responses": responses(
            {
                "200": {
                    "description": "the revoked token",
                    "content": {"application/json": {"schema": REVOKED}},
                }
            },
            404,
        ),
    }
)
def revoke_token(token_id):
    """Revoke one of your tokens (an admin: anyone's)."""
    user = g.get("user")
    if user is None:
        raise unauthorized("revoking a token needs a token")
    owner = None if user["role"] == "admin" else user["id"]
    revoked = db.revoke_token(get_cursor(), token_id=token_id, user_id=owner)
    if revoked is None:
        raise ApiError(404, "Not Found", f"you have no live token {token_id}", "not-found")
    return jsonify(revoked)
