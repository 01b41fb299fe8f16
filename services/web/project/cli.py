"""Flask CLI commands against DATABASE_URL: the schema, users and API tokens.

flask --app project db upgrade | seed | reset
flask --app project lists sql [NAME] [--q TEXT] [--order NAME]
flask --app project users create NAME --role editor --lab 1 [--lab 2]
flask --app project tokens issue NAME [--name laptop] [--expires-in-days 90]
flask --app project tokens list [--user NAME]
flask --app project tokens revoke ID
flask --app project media check [--repair]

./scripts/flask runs these on ./scripts/server's database when DATABASE_URL is
unset. A database that cannot be reached is one line (and exit status 1), not a
traceback.
"""

import click
import psycopg2
from flask import current_app
from flask.cli import AppGroup
from psycopg2 import errors

from . import media
from .accounts import PASSWORD_RULE, digest, hash_password, new_token
from .api import LISTS
from .database import paging, run_sql_file, transaction
from .database.migrations import migrate
from .database.paging import PageSpec
from .database.queries import load
from .db import get_db

auth = load("auth")

db_cli = AppGroup("db", help="Create the schema and load example data.")
users_cli = AppGroup("users", help="Create users.")
tokens_cli = AppGroup("tokens", help="Issue, list and revoke API tokens.")
lists_cli = AppGroup("lists", help="Show the statement each list runs.")
media_cli = AppGroup("media", help="Check the attachments' files under MEDIA_ROOT.")


def database():
    """Return the app's connection.

    :raise click.ClickException: if the database cannot be reached, saying why in one line.
    """
    try:
        return get_db()
    except psycopg2.Error as e:  # what connecting raises: OperationalError, or a malformed URL
        reason = "; ".join(line.strip() for line in str(e).splitlines() if line.strip())
        raise click.ClickException(f"cannot connect to the database (DATABASE_URL): {reason}") from None


def run_script(name):
    """Run one file of the SQL scripts directory on the app's database."""
    path = current_app.config["POSTGRES_SCRIPTS"] / name
    run_sql_file(database(), path)
    click.echo(f"applied {path}")


@db_cli.command("upgrade")
def upgrade_command():
    """Apply the schema migrations the database lacks (safe to run again, and at once)."""
    applied = migrate(database(), current_app.config["POSTGRES_SCRIPTS"] / "migrations")
    click.echo(f"applied {', '.join(applied)}" if applied else "the schema is up to date")


@db_cli.command("seed")
def seed_command():
    """Load the example data and demo users (rows that exist are left alone)."""
    run_script("mock_data.sql")


@db_cli.command("reset")
@click.confirmation_option(prompt="Delete every row, user and token, then load the example data?")
def reset_command():
    """Development only: delete every row, user and token, then load the example data again."""
    if current_app.config["APP_ENV"] == "production":
        raise click.ClickException("db reset deletes everything: it is refused when APP_ENV=production")
    run_script("reset_example_data.sql")
    run_script("mock_data.sql")


@lists_cli.command("sql")
@click.argument("names", nargs=-1)
@click.option("--q", help="A search, as ?q= takes it.")
@click.option("--order", help="An order, as ?order= takes it (default: the list's).")
def list_sql_command(names, q, order):
    """Print the statement that answers the first page of each list named (default: every list)."""
    cur = database().cursor()
    for name in names or LISTS:
        if name not in LISTS:
            raise click.ClickException(f"no list {name}: one of {', '.join(LISTS)}")
        listing = LISTS[name]
        if (order or listing.default_order) not in listing.orders:
            raise click.ClickException(f"--order of {name} is one of {', '.join(listing.orders)}")
        keys = listing.orders[order or listing.default_order]
        count_limit = current_app.config["COUNT_EXACT_UP_TO"] + 1
        spec = PageSpec(keys, current_app.config["PAGE_SIZE"], q=q, count_limit=count_limit)
        parts, completion = listing.statements(spec)
        statement, params = paging.statement(cur, parts, spec, completion=completion)
        click.echo(f"-- GET /{name}" + (f"?q={q}" if q else ""))
        click.echo(cur.mogrify(statement, params).decode().strip() + ";\n")


@users_cli.command("create")
@click.argument("username")
@click.option("--role", type=click.Choice(["reader", "editor", "admin"]), required=True)
@click.option("--lab", "labs", type=int, multiple=True, help="A lab the user edits (editors); repeatable.")
@click.password_option(help=f"Asked for when not given (input hidden); {PASSWORD_RULE}.")
def create_user_command(username, role, labs, password):
    """Create a user with a (hashed) password."""
    try:
        password_hash = hash_password(password)
    except ValueError as e:
        raise click.ClickException(f"refused password: {e}") from None
    try:
        with transaction(database()) as cur:
            user = auth.create_user(
                cur, username=username, password_hash=password_hash, role=role, labs=list(labs)
            )
    except (errors.UniqueViolation, errors.ForeignKeyViolation) as e:
        raise click.ClickException(refusal(e, username, labs)) from None
    click.echo(f"created {user['role']} {user['username']} (id {user['id']}), labs: {list(user['labs'])}")


def refusal(e, username, labs):
    """Return why a user could not be created, from the constraint broken."""
    if e.diag.constraint_name == "app_user_username_key":
        return f"a user {username} exists already"
    return f"a --lab names no lab (given: {', '.join(map(str, labs))})"


@tokens_cli.command("issue")
@click.argument("username")
@click.option("--name", help="What the token is for.")
@click.option("--expires-in-days", type=click.IntRange(1, 3650), help="Default: never expires.")
def issue_token_command(username, name, expires_in_days):
    """Issue a token for a user and print it (it cannot be shown again)."""
    with transaction(database()) as cur:
        user = auth.read_user(cur, username=username)
        if user is None:
            raise click.ClickException(f"no user {username}")
        token = new_token()
        issued = auth.create_token(
            cur, user_id=user["id"], token_hash=digest(token), name=name, days=expires_in_days
        )
    click.echo(f"token {issued['id']} for {username}, expires {issued['expires_at'] or 'never'}:")
    click.echo(token)


@tokens_cli.command("list")
@click.option("--user", "username", help="Only this user's tokens.")
def list_tokens_command(username):
    """List tokens (never their values), newest first."""
    for t in auth.list_tokens(database().cursor(), username=username):
        state = f"revoked {t['revoked_at']:%Y-%m-%d}" if t["revoked_at"] else "live"
        click.echo(
            f"{t['id']}\t{t['username']}\t{t['name'] or ''}\t{state}\texpires {t['expires_at'] or 'never'}"
        )


@tokens_cli.command("revoke")
@click.argument("token_id", type=int)
def revoke_token_command(token_id):
    """Revoke a token at once."""
    if auth.revoke_token(database().cursor(), token_id=token_id, user_id=None) is None:
        raise click.ClickException(f"no live token {token_id}")
    click.echo(f"revoked token {token_id}")


@media_cli.command("check")
@click.option("--repair", is_flag=True, help="Delete rows without files, remove files without rows.")
def media_check_command(repair):
    """Report attachments whose file is missing and files no attachment names (--repair: fix them)."""
    problems = media.check(database().cursor(), current_app.config["MEDIA_ROOT"], repair, click.echo)
    if problems:
        raise SystemExit(1)


def init_app(app):
    """Register the commands on `app`."""
    for group in (db_cli, users_cli, tokens_cli, lists_cli, media_cli):
        app.cli.add_command(group)
