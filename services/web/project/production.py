"""Production settings: refuse placeholder secrets, trust the proxies in front.

With APP_ENV=production the app will not start on a database password that
is empty or a placeholder such as .env.prod's `change-me`, nor with
ALLOW_ANONYMOUS_WRITES on. With
TRUSTED_PROXIES=n (1 behind nginx) the app takes the client's address,
scheme and host from the X-Forwarded-* headers set by the last n proxies.
"""

import re

from psycopg2.extensions import parse_dsn
from werkzeug.middleware.proxy_fix import ProxyFix

PLACEHOLDERS = {"", "changeme", "password", "secret", "postgres"}  # lower case, no "-" or "_"


class ConfigError(RuntimeError):
    """A setting that production refuses to start with."""


def init_app(app):
    """Check the settings when APP_ENV is production; trust TRUSTED_PROXIES proxies."""
    if app.config["APP_ENV"] == "production":
        check_database_password(app.config["DATABASE_URL"])
        if app.config["ALLOW_ANONYMOUS_WRITES"]:
            raise ConfigError(
                "APP_ENV is production but ALLOW_ANONYMOUS_WRITES is on: every write must need a token"
            )
    hops = app.config["TRUSTED_PROXIES"]
    if hops:
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops, x_host=hops)


def check_database_password(url):
    """Raise ConfigError unless the URL (or key=value DSN) carries a real password."""
    if not url:
        raise ConfigError("APP_ENV is production but DATABASE_URL is not set")
    password = parse_dsn(url).get("password", "")
    if is_placeholder(password):
        shown = f"the placeholder {password!r}" if password else "empty"
        raise ConfigError(
            f"APP_ENV is production but the DATABASE_URL password is {shown}; "
            "set a real one (POSTGRES_PASSWORD and DATABASE_URL in .env.prod)"
        )


def is_placeholder(secret):
    """Tell whether `secret` is empty or a well-known stand-in, whatever its case, "-" or "_"."""
    return re.sub(r"[-_]", "", secret.lower()) in PLACEHOLDERS
