"""Flask CLI commands: `flask --app project db init|seed` against DATABASE_URL."""

import click
from flask import current_app
from flask.cli import AppGroup

from .database import run_sql_file
from .db import get_db

db_cli = AppGroup("db", help="Create the schema and load example data.")


def run_script(name):
    """Run one file of the SQL scripts directory on the app's database."""
    path = current_app.config["POSTGRES_SCRIPTS"] / name
    run_sql_file(get_db(), path)
    click.echo(f"applied {path}")


@db_cli.command("init")
def init_command():
    """Create the tables, indexes and views (safe to run again)."""
    run_script("create_tables.sql")


@db_cli.command("seed")
def seed_command():
    """Load the example data (rows that exist are left alone)."""
    run_script("mock_data.sql")


def init_app(app):
    """Register the commands on `app`."""
    app.cli.add_command(db_cli)
