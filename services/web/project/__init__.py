"""Lab inventory: a REST API over hand-written PostgreSQL."""

import json

import orjson
from flask import Flask
from flask.json.provider import DefaultJSONProvider

from . import api, cli, db, logs, production, reporting, ui
from .config import Config


class JSONProvider(DefaultJSONProvider):
    """Indented JSON with sorted keys (readable with plain curl), times in ISO 8601, by orjson."""

    def dumps(self, obj, **kwargs):
        """Return `obj` as JSON text (by the standard library for integers past 64 bits, as in schemas)."""
        try:
            return orjson.dumps(obj, option=orjson.OPT_INDENT_2 | orjson.OPT_SORT_KEYS).decode()
        except TypeError:
            return json.dumps(obj, indent=2, sort_keys=True, ensure_ascii=False, default=self.default)


def create_app(test_config=None):
    """Build the app: settings from the environment, overlaid by `test_config`."""
    app = Flask(__name__)
    app.config.from_object(Config)
    app.config.update(test_config or {})
    production.init_app(app)  # refuse placeholder secrets; trust the proxy in front
    app.json = JSONProvider(app)
    logs.init_app(app)  # first: every request gets its id before anything can fail
    reporting.init_app(app)
    app.url_map.converters["id"] = api.IdConverter
    db.init_app(app)
    cli.init_app(app)
    api.init_app(app)
    ui.init_app(app)  # /ui/: the web UI's static files (nginx serves them in production)
    return app
