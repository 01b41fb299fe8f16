"""The web UI at /ui/: static files, served by the app in development (nginx serves them in production).

Mounted beside the API rather than in it, like nginx's `location /ui/`: the
page is no API route (not in /openapi.json, no token, no rate limit). The
UI's source keeps stable names (static/ui/: index.html and its modules); its
modules are served under a version, a hash of their contents, so they are
cached for good, while index.html, which names that version, never is. In
development the version is computed as the page is asked for, so an edited
module gets a new one; the production image publishes the same layout once,
with publish() (Dockerfile.prod), into the files nginx serves.
"""

import hashlib
import re
import shutil
from pathlib import Path

from werkzeug.exceptions import NotFound
from werkzeug.middleware.dispatcher import DispatcherMiddleware
from werkzeug.utils import redirect, send_from_directory
from werkzeug.wrappers import Request, Response

ROOT = Path(__file__).parent / "static" / "ui"
PAGE = "index.html"
LOCAL = re.compile(r'\b(href|src)="([\w.-]+)"')  # index.html naming a module beside it: src="app.js"
# The same policy as nginx.conf's for /ui/: the page's own scripts and styles and the API, nothing else.
CSP = (
    "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; img-src 'self' data:; "
    "base-uri 'none'; form-action 'none'; frame-ancestors 'none'"
)
IMMUTABLE = "public, max-age=31536000, immutable"


def modules(source=ROOT):
    """Return the UI's files but index.html, in bytewise order of their names."""
    return sorted((path for path in source.iterdir() if path.is_file() and path.name != PAGE), key=str)


def version(source=ROOT):
    """Return the modules' version: 10 hex digits of the SHA-256 of what `sha256sum *` prints for them."""
    listing = "".join(
        f"{hashlib.sha256(path.read_bytes()).hexdigest()}  {path.name}\n" for path in modules(source)
    )
    return hashlib.sha256(listing.encode()).hexdigest()[:10]


def page(source, current):
    """Return index.html loading the modules of version `current`: src="<version>/app.js"."""
    return LOCAL.sub(rf'\1="{current}/\2"', (source / PAGE).read_text())


def publish(source, target):
    """Write the UI as it is served into `target`: index.html, and the modules in <version>/; return it."""
    current = version(source)
    (target / current).mkdir(parents=True)
    for path in modules(source):
        shutil.copy2(path, target / current / path.name)
    (target / PAGE).write_text(page(source, current))
    return current


@Request.application
def serve(request):
    """Answer one request under /ui: /ui redirects to /ui/, which is index.html; modules by version."""
    path = request.environ.get("PATH_INFO", "")
    if not path:
        return redirect(request.script_root + "/", 308)
    current = version()
    name = path.lstrip("/") or PAGE
    if name == PAGE:
        response = Response(page(ROOT, current), mimetype="text/html")
        response.headers["Cache-Control"] = "no-cache"
        response.add_etag()
        response.make_conditional(request)
    elif name.startswith(current + "/"):
        try:
            response = send_from_directory(ROOT, name.removeprefix(current + "/"), request.environ)
        except NotFound as e:
            return e
        response.headers["Cache-Control"] = IMMUTABLE
    else:
        return NotFound()
    response.headers["Content-Security-Policy"] = CSP
    response.headers["X-Content-Type-Options"] = "nosniff"
    del response.headers["Date"]  # the server sends one; send_file's or make_conditional's would be a second
    return response


def init_app(app):
    """Serve the UI at /ui, beside the app's own routes; not in production, where nginx serves it."""
    if app.config["APP_ENV"] != "production":
        app.wsgi_app = DispatcherMiddleware(app.wsgi_app, {"/ui": serve})
