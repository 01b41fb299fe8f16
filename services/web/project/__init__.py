"""Lab inventory: a REST API over hand-written PostgreSQL."""

from flask import Flask

from . import api, cli, db, production
from .config import Config


def create_app(test_config=None):
    """Build the app: settings from the environment, overlaid by `test_config`."""
    app = Flask(__name__)
    app.config.from_object(Config)
    app.config.update(test_config or {})
    production.init_app(app)  # refuse placeholder secrets; trust the proxy in front
    app.json.compact = False  # indented JSON, readable with plain curl
    app.url_map.converters["id"] = api.IdConverter
    db.init_app(app)
    cli.init_app(app)
    for blueprint in api.blueprints:
        app.register_blueprint(blueprint)
    return app
