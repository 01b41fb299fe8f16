"""The HTTP API: one blueprint per resource, plus errors, auth, health probes and the OpenAPI document."""

from flask_cors import CORS
from werkzeug.routing import IntegerConverter

from . import (
    auth,
    box,
    computer,
    container,
    errors,
    freezer,
    health,
    history,
    imports,
    instrument,
    lab,
    openapi,
    rack,
    site,
    storage,
)
from .limits import limiter
from .validation import MAX_ID


def init_app(app):
    """Register the blueprints; then, on each request: who asks, the rate limit, what they may do."""
    for blueprint in blueprints:
        app.register_blueprint(blueprint)  # auth.identify runs first, before every request
    limiter.init_app(app)
    limiter.exempt(health.bp)
    app.before_request(auth.authorize)
    origins = [o.strip() for o in app.config["CORS_ORIGINS"].split(",") if o.strip()]
    if origins:  # browsers on these origins may call the API, tokens and conditional requests included
        CORS(
            app,
            origins=origins,
            methods=["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE"],
            allow_headers=["Authorization", "Content-Type", "If-Match", "If-None-Match"],
            expose_headers=[
                *("ETag", "Link", "Location", "X-Total-Count", "X-Total-Count-Estimated", "Retry-After"),
                *("WWW-Authenticate", "RateLimit", "RateLimit-Policy", "X-Request-ID"),
            ],
            max_age=600,
        )


class IdConverter(IntegerConverter):
    """`<id:name>` in a route: a row id from 1 to 2**31 - 1; anything else is a 404."""

    def __init__(self, url_map):
        super().__init__(url_map, min=1, max=MAX_ID)


blueprints = [
    errors.bp,
    auth.bp,
    health.bp,
    *(resource.bp for resource in (lab, site, computer, freezer, rack, box, container)),
    storage.bp,
    imports.bp,
    instrument.bp,
    history.bp,
    openapi.bp,
    openapi.docs,
]
