"""Error reports to Sentry, opt-in with SENTRY_DSN: unhandled errors and every 5xx.

A report carries the request id (tag `request_id`), the method and the URL,
never a body, a cookie, a token or a password: sentry-sdk is told to collect
no user, client address, cookie, body or local variable, and scrub() removes
from each event what could still hold a secret.
"""

import sentry_sdk
from flask import request
from sentry_sdk.integrations.flask import FlaskIntegration
from sentry_sdk.integrations.logging import ignore_logger

from .logs import log as request_log
from .logs import request_id

SECRET_HEADERS = {"authorization", "proxy-authorization", "cookie"}


def init_app(app):
    """Report errors to SENTRY_DSN, if it is set."""
    if not app.config["SENTRY_DSN"]:
        return
    sentry_sdk.init(
        dsn=app.config["SENTRY_DSN"],
        environment=app.config["APP_ENV"],
        integrations=[FlaskIntegration()],
        data_collection={  # what send_default_pii=False sends, less bodies and local variables
            "user_info": False,
            "cookies": {"mode": "off"},
            "http_headers": {"request": {"mode": "denylist", "terms": ["forwarded", "-ip", "remote-"]}},
            "http_bodies": [],
            "stack_frame_variables": False,
        },
        before_send=scrub,
    )
    ignore_logger(request_log.name)  # a 5xx is reported by report(), once
    app.before_request(tag)
    app.after_request(report)


def tag():
    """Tag whatever this request reports with its id."""
    sentry_sdk.set_tag("request_id", request_id())


def report(response):
    """Report a 5xx answer, unless an error logged while answering it was reported already."""
    if response.status_code >= 500 and sentry_sdk.last_event_id() is None:
        sentry_sdk.capture_message(f"{response.status_code} {request.method} {request.path}", "error")
    return response


def scrub(event, hint):
    """Return the event without what could hold a secret: the body, cookies, Authorization."""
    sent = event.get("request")
    if sent:
        sent.pop("data", None)
        sent.pop("cookies", None)
        headers = sent.get("headers", {})
        sent["headers"] = {
            name: value for name, value in headers.items() if name.lower() not in SECRET_HEADERS
        }
    return event
