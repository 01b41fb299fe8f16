"""Lab inventory: a REST API over hand-written PostgreSQL."""

from datetime import datetime

from flask import Flask
from flask.json.provider import DefaultJSONProvider

from . import api, cli, db, production
from .config import Config


class JSONProvider(DefaultJSONProvider):
    """Indented JSON (readable with plain curl), times in ISO 8601."""

    compact = False

    @staticmethod
    def default(o):
        """Serialise what json cannot: times as ISO 8601, the rest as Flask does."""
        if isinstance(o, datetime):
            return o.isoformat()
        return DefaultJSONProvider.default(o)


def create_app(test_config=None):
    """Build the app: settings from the environment, overlaid by `test_config`."""
    app = Flask(__name__)
    app.config.from_object(Config)
    app.config.update(test_config or {})
    production.init_app(app)  # refuse placeholder secrets; trust the proxy in front
    app.json = JSONProvider(app)
    app.url_map.converters["id"] = api.IdConverter
    db.init_app(app)
    cli.init_app(app)
    api.init_app(app)
    return app
