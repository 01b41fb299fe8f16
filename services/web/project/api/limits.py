"""Rate limits with flask-limiter: per user (by token) or per client address.

Four policies, each named in the RateLimit headers: "default" (RATE_LIMIT)
for every request but the health probes; "password-address" and
"password-username" (RATE_LIMIT_AUTH each) for POST /auth/tokens, counted per
client address and per username, so guessing one user's password from many
addresses meets a limit too; "labels" (RATE_LIMIT_LABELS) for POST /labels,
where each label counts (drawing one costs milliseconds). Over a limit the
answer is 429 problem+json with Retry-After. Every limited answer carries the
IETF RateLimit-Policy and RateLimit headers (draft-ietf-httpapi-ratelimit-headers), e.g.
`RateLimit-Policy: "default";q=600;w=60` and `RateLimit: "default";r=599;t=42`.

Counts are kept in memory by default, each process its own;
RATE_LIMIT_STORAGE_URI=redis://... shares them between all workers and
replicas, and while Redis is unreachable each process counts alone.
"""

import math
import time

from flask import current_app, g, request
from flask_limiter import ApplicationLimit, Limiter, RateLimitExceeded

from .errors import bp as errors_bp
from .errors import problem

PASSWORDS_BY_ADDRESS, PASSWORDS_BY_USERNAME = "password-address", "password-username"  # POST /auth/tokens
LABELS_PRINTED = "labels"  # POST /labels: each label counts, not each request
WHAT = {  # policy -> what it counts, for the 429's detail
    "default": "requests from you",
    PASSWORDS_BY_ADDRESS: "password attempts from your address",
    PASSWORDS_BY_USERNAME: "password attempts for this username",
    LABELS_PRINTED: "labels printed for you",
}


def client_key():
    """Return who a limit counts against: the token's user, else the client address."""
    user = g.get("user")
    return f"user:{user['id']}" if user else f"address:{request.remote_addr}"


limiter = Limiter(
    client_key,
    application_limits=[ApplicationLimit(lambda: current_app.config["RATE_LIMIT"], scope="default")],
)


def auth_limit():
    """Return the limit of POST /auth/tokens."""
    return current_app.config["RATE_LIMIT_AUTH"]


def labels_limit():
    """Return the limit of labels printed by POST /labels."""
    return current_app.config["RATE_LIMIT_LABELS"]


def labels_asked():
    """Return how many labels a POST /labels asks for (ids times copies, 1 to 1,000): what it costs."""
    body = request_json()
    if not isinstance(body, dict):
        return 1
    ids = sum(len(v) for k in ("container_ids", "box_ids", "rack_ids") if isinstance(v := body.get(k), list))
    copies = body.get("copies", 1)
    return max(1, min(ids * (copies if isinstance(copies, int) and 0 < copies <= 1000 else 1), 1000))


def request_json():
    """Return the request's JSON body, None if there is none or it cannot be parsed (the view says why)."""
    try:
        return request.get_json(silent=True)
    except RecursionError:
        return None


def client_address():
    """Return the client address (a limit on password attempts must not depend on a token)."""
    return f"address:{request.remote_addr}"


def username():
    """Return the username a password attempt is for; the client address for a body without one.

    A body nested too deep to parse has no username here (the view answers it 400).
    """
    body = request_json()
    name = body.get("username") if isinstance(body, dict) else None
    return f"username:{name}" if isinstance(name, str) else client_address()


def seconds_until(moment):
    """Return the whole seconds from now until `moment` (a Unix time), at least 1."""
    return max(1, math.ceil(moment - time.time()))


@errors_bp.after_app_request
def rate_limit_headers(response):
    """Tell the client each limit its request counted against, and what is left of it."""
    policies, states = [], []
    for limit in limiter.current_limits:
        name = f'"{limit.request_args[-1]}"'  # the policy's name is the limit's scope
        policies.append(f"{name};q={limit.limit.amount};w={limit.limit.get_expiry()}")
        states.append(f"{name};r={limit.remaining};t={seconds_until(limit.window.reset_time)}")
    if policies:
        response.headers["RateLimit-Policy"] = ", ".join(policies)
        response.headers["RateLimit"] = ", ".join(states)
    return response


@errors_bp.app_errorhandler(RateLimitExceeded)
def too_many_requests(e):
    """Answer 429 problem+json, with Retry-After: the seconds until the limit resets."""
    wait = seconds_until(limiter.current_limit.window.reset_time)
    return problem(
        429,
        "Too Many Requests",
        f"{WHAT[e.limit.scope]}: more than {e.limit.limit}; retry in {wait} s",
        "rate-limited",
        {"Retry-After": str(wait)},
    )
