"""Rate limits with flask-limiter: per user (by token) or per client address.

RATE_LIMIT applies to every request but the health probes; RATE_LIMIT_AUTH,
per client address, to POST /auth/tokens (password guessing). Over a limit
the answer is 429 problem+json with Retry-After. Storage is in memory by
default (per process); RATE_LIMIT_STORAGE_URI can name Redis or memcached.
"""

import math
import time

from flask import current_app, g, request
from flask_limiter import Limiter, RateLimitExceeded

from .errors import bp as errors_bp
from .errors import problem


def client_key():
    """Return who a limit counts against: the token's user, else the client address."""
    user = g.get("user")
    return f"user:{user['id']}" if user else f"address:{request.remote_addr}"


limiter = Limiter(client_key, application_limits=[lambda: current_app.config["RATE_LIMIT"]])


def auth_limit():
    """Return the limit of POST /auth/tokens."""
    return current_app.config["RATE_LIMIT_AUTH"]


def client_address():
    """Return the client address (a limit on password attempts must not depend on a token)."""
    return f"address:{request.remote_addr}"


@errors_bp.app_errorhandler(RateLimitExceeded)
def too_many_requests(e):
    """Answer 429 problem+json, with Retry-After: the seconds until the limit resets."""
    wait = max(1, math.ceil(limiter.current_limit.reset_at - time.time()))
    return problem(
        429,
        "Too Many Requests",
        f"more than {e.limit.limit} from you; retry in {wait} s",
        "rate-limited",
        {"Retry-After": str(wait)},
    )
