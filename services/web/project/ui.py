"""The web UI at /ui/: static files, served by the app in development (nginx serves them in production).

Mounted beside the API rather than in it, like nginx's `location /ui/`: the
page is no API route (not in /openapi.json, no token, no rate limit). The
UI's own modules live in a directory named by a hash of its contents
(scripts/ui-version), so they are cached for good; index.html never is.
"""

import re
from pathlib import Path

from werkzeug.exceptions import NotFound
from werkzeug.middleware.dispatcher import DispatcherMiddleware
from werkzeug.utils import redirect, send_from_directory
from werkzeug.wrappers import Request

ROOT = Path(__file__).parent / "static" / "ui"
VERSIONED = re.compile(r"[0-9a-f]{10}/")  # scripts/ui-version's directory names
# The same policy as nginx.conf's for /ui/: the page's own scripts and styles and the API, nothing else.
CSP = (
    "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; img-src 'self' data:; "
    "base-uri 'none'; form-action 'none'; frame-ancestors 'none'"
)
IMMUTABLE = "public, max-age=31536000, immutable"


@Request.application
def serve(request):
    """Answer one request under /ui: /ui redirects to /ui/, which is index.html."""
    path = request.environ.get("PATH_INFO", "")
    if not path:
        return redirect(request.script_root + "/", 308)
    name = path.lstrip("/") or "index.html"
    try:
        response = send_from_directory(ROOT, name, request.environ)
    except NotFound as e:
        return e
    response.headers["Cache-Control"] = IMMUTABLE if VERSIONED.match(name) else "no-cache"
    response.headers["Content-Security-Policy"] = CSP
    response.headers["X-Content-Type-Options"] = "nosniff"
    return response


def init_app(app):
    """Serve the UI at /ui, beside the app's own routes."""
    app.wsgi_app = DispatcherMiddleware(app.wsgi_app, {"/ui": serve})
