"""The ceiling of ./scripts/bench: a hello-world Flask app, no database (gunicorn bench.hello_app:app)."""

from flask import Flask

app = Flask(__name__)


@app.get("/")
def hello():
    """Say hello in JSON."""
    return {"hello": "world"}
