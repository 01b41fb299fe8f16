"""The HTTP API: one blueprint per resource, plus errors, auth, health probes and the OpenAPI document."""

from flask import request
from flask_cors import CORS
from werkzeug.exceptions import NotFound
from werkzeug.routing import BaseConverter

from . import (
    attachment,
    auth,
    box,
    computer,
    container,
    dashboard,
    errors,
    freezer,
    health,
    history,
    imports,
    instrument,
    lab,
    labels,
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
    app.after_request(options_answer)
    origins = [o.strip() for o in app.config["CORS_ORIGINS"].split(",") if o.strip()]
    if origins:  # browsers on these origins may call the API, tokens and conditional requests included
        CORS(
            app,
            origins=origins,
            methods=["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE"],
            allow_headers=[
                "Authorization",
                "Content-Type",
                "If-Match",
                "If-None-Match",
                "X-Consistency-Token",
            ],
            expose_headers=[
                *("ETag", "Link", "Location", "X-Total-Count", "X-Total-Count-Estimated", "Retry-After"),
                *("WWW-Authenticate", "RateLimit", "RateLimit-Policy", "X-Request-ID", "X-Consistency-Token"),
            ],
            max_age=600,
        )


class IdConverter(BaseConverter):
    """`<id:name>` in a route: a row id from 1 to 2**31 - 1; anything else is a 404 that says so."""

    def to_python(self, value):
        """Return the id as an int; 404 saying what an id is if it is not one."""
        if value.isascii() and value.isdigit() and len(value) <= 10 and 1 <= int(value) <= MAX_ID:
            return int(value)
        raise NotFound(f"{value!r} is not an id: ids are whole numbers from 1 to {MAX_ID}")

    def to_url(self, value):
        """Return the id as the URL writes it."""
        return str(int(value))


def options_answer(response):
    """Answer OPTIONS (Flask's own answer: the Allow header) as 204, with no body and no type."""
    if request.method == "OPTIONS" and response.status_code == 200 and not response.get_data():
        response.status_code = 204
        del response.headers["Content-Type"]
    return response


LISTS = {  # each list by its URL's name, for `flask lists sql`
    "labs": lab.LAB.listing,
    "sites": site.SITE.listing,
    "computers": computer.COMPUTER.listing,
    "freezers": freezer.FREEZER.listing,
    "racks": rack.RACK.listing,
    "boxes": box.BOX.listing,
    "containers": container.CONTAINER.listing,
    "instruments": instrument.LISTING,
    "history": history.LISTING,
}

blueprints = [
    errors.bp,
    auth.bp,
    health.bp,
    *(resource.bp for resource in (lab, site, computer, freezer, rack, box, container)),
    storage.bp,
    dashboard.bp,
    imports.bp,
    instrument.bp,
    labels.bp,
    attachment.bp,
    history.bp,
    openapi.bp,
    openapi.docs,
]
