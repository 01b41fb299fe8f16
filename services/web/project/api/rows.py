"""The routes of a table resource, made from its fields and its own statements.

`table_blueprint("site", FIELDS, load("site"))`
adds the routes of /site/<id>, /sites and /lab/<id>/sites. Each view below
calls the statements of database/site.sql by name (read, upsert, insert,
update, delete, list, create; `exists` of the parent's), and carries its
OpenAPI operation, from which openapi.py builds the document.
"""

from flask import Blueprint, Response, abort, g, jsonify, request, url_for

from .. import database
from ..database.queries import load
from ..db import get_cursor
from . import history
from .errors import FOREIGN_KEYS, ApiError, plural, validation_error
from .listing import Listing, filter_schema, list_response, orders
from .openapi import documented, list_operation, row_operations
from .openapi_objects import ID
from .validation import body_schema, check, json_object, json_types, replacement, required_fields, whole_row

STATEMENTS = ("read", "exists", "list", "create", "upsert", "insert", "update", "delete")


def answer(row, status=200, **headers):
    """Answer a row with its version as the strong ETag."""
    version = row.pop("version")
    response = jsonify(row)
    response.status_code = status
    response.set_etag(version)
    response.headers.update(headers)
    return response


def if_match():
    """Return (present, versions) of If-Match: versions None for `*` (any), else its tags.

    Weak tags count as strong: a version is a hash of the row, whatever the
    content coding, and nginx weakens ETags when it gzips a response.
    """
    if "If-Match" not in request.headers:
        return False, None
    header = request.if_match
    return True, None if header.star_tag else [
        tag for tag in header.as_set(include_weak=True) if "\x00" not in tag
    ]


def precondition_failed(name, row_id, why="has changed (or does not exist): If-Match names another version"):
    """Return the 412 for a write whose precondition failed."""
    return ApiError(412, "Precondition Failed", f"{name} {row_id} {why}; GET it again", "precondition-failed")


def checked_body(name, schema, row_id=None):
    """Return the checked body, also kept as g.body for error messages.

    An id in it (as id or <name>_id, as the original API sent) must match the URL's, or be absent.
    """
    values = json_object()
    for key in ("id", f"{name}_id"):
        if key in values:
            sent = values.pop(key)
            if row_id is None:
                raise validation_error({key: "is assigned by the server"})
            if sent != row_id or isinstance(sent, bool):
                raise validation_error({key: f"must equal the id in the URL ({row_id})"})
    return checked(schema, values)


def checked(schema, body):
    """Return `body` checked against `schema`, also kept as g.body for error messages."""
    g.body = check(schema, body)
    return g.body


def missing(name, row_id):
    """Answer 404 for a row that does not exist."""
    abort(404, f"{name} {row_id} does not exist")


def created(name, row):
    """Answer 201 with the new row, its ETag and Location."""
    return answer(row, 201, Location=url_for(f"{name}.item", row_id=row["id"]))


def conditional(name, db, row_id, write):
    """Return `write(versions)`'s row; when there is none, answer 404, or 412 if If-Match failed."""
    present, versions = if_match()
    row = write(versions if present else None)
    if row is None:
        if present and db.read(get_cursor(), id=row_id) is not None:
            raise precondition_failed(name, row_id)
        missing(name, row_id)
    return row


def table_blueprint(name, fields, db):
    """Return the blueprint of table resource `name`: its item, its lists, its lists by parent.

    `fields` maps each column but id to its JSON Schema (a foreign key's
    names the table it references); `db` holds the statements of
    database/<name>.sql. Each foreign key's constraint (PostgreSQL's name
    for it) is registered for errors.py.
    """
    missing_statements = set(STATEMENTS) - vars(db).keys()
    if missing_statements:
        raise LookupError(f"database/{name}.sql lacks {', '.join(sorted(missing_statements))}")
    bp = Blueprint(name, __name__)
    docs = row_operations(name, fields)
    add_item_routes(bp, name, fields, db, docs)
    listing = add_list_routes(bp, name, fields, db, docs)
    for column, schema in fields.items():
        if "x-references" in schema:
            FOREIGN_KEYS[f"{name}_{column}_fkey"] = (column, schema["x-references"])
            add_children_routes(bp, listing, name, column, schema["x-references"])
    history.add_row_history_routes(bp, name)
    return bp


def add_item_routes(bp, name, fields, db, docs):
    """Add GET, PUT (and POST), PATCH and DELETE /<name>/<id>."""
    whole, partial = body_schema(fields, required_fields(fields)), body_schema(fields)

    def read(row_id):
        """Return one row, or 304 when If-None-Match names its version."""
        row = db.read(get_cursor(), id=row_id)
        if row is None:
            missing(name, row_id)
        if request.if_none_match.contains_weak(row["version"]):
            response = Response(status=304)
            response.set_etag(row["version"])
            return response
        return answer(row)

    def upsert(row_id):
        """Create the row with this id, or replace all its fields; If-Match: replace that version only."""
        body = checked_body(name, whole, row_id)
        present, versions = if_match()
        if request.if_none_match.star_tag:  # create only: never replace a row
            row = db.insert(get_cursor(), id=row_id, **whole_row(fields, body))
            if row is None:
                raise precondition_failed(name, row_id, "exists already (If-None-Match: *)")
            return created(name, row)
        if present:
            row = db.update(get_cursor(), id=row_id, changes=replacement(fields, body), versions=versions)
            if row is None:
                raise precondition_failed(name, row_id)
            return answer(row)
        row = db.upsert(get_cursor(), id=row_id, **whole_row(fields, body))
        return created(name, row) if row.pop("created") else answer(row)

    def update(row_id):
        """Change the fields in the body (an empty one changes nothing: the row is read)."""
        changes = checked_body(name, partial, row_id)

        def write(versions):
            if not changes:
                row = db.read(get_cursor(), id=row_id)
                return row if row and (versions is None or row["version"] in versions) else None
            return db.update(get_cursor(), id=row_id, changes=changes, versions=versions)

        return answer(conditional(name, db, row_id, write))

    def delete(row_id):
        """Delete the row and answer it."""
        row = conditional(name, db, row_id, lambda v: db.delete(get_cursor(), id=row_id, versions=v))
        del row["version"]
        return jsonify(row)

    views = {"GET": read, "HEAD": read, "PUT": upsert, "POST": upsert, "PATCH": update, "DELETE": delete}

    @documented(
        GET=docs["get"], PUT=docs["put"], POST=docs["post"], PATCH=docs["patch"], DELETE=docs["delete"]
    )
    def item(row_id):
        """Serve /<name>/<id> by method (one route, so a bad id is a 404 whatever the method)."""
        return views[request.method](row_id)

    bp.add_url_rule(f"/{name}/<id:row_id>", "item", item, methods=list(views))


def add_list_routes(bp, name, fields, db, docs):
    """Add GET and POST /<name>s and GET /<name>s/<offset>/<limit>; return the list's Listing."""
    names, schema = plural(name), name.capitalize()
    row = {"id": ID, **fields}
    listing = Listing(
        db.list,
        row,
        filters={field: filter_schema(schema) for field, schema in fields.items()},
        orders=orders(row, ("id",)),
        default_order="id",
        search=tuple(field for field, schema in fields.items() if "string" in json_types(schema)),
    )
    whole = body_schema(fields, required_fields(fields))

    @documented(list_operation(listing, f"A page of {names}", schema, f"list{names.capitalize()}", names))
    def list_rows(offset=None, limit=None):
        """Return a page of rows."""
        return list_response(listing, offset, limit)

    @documented(docs["create"])
    def create():
        """Create a row with a server-assigned id."""
        body = checked_body(name, whole)
        return created(name, database.create(db.create, get_cursor(), **whole_row(fields, body)))

    for path in (f"/{names}", f"/{names}/"):
        bp.add_url_rule(path, "list", list_rows, methods=["GET"])
        bp.add_url_rule(path, "create", create, methods=["POST"])
    bp.add_url_rule(f"/{names}/<offset>/<limit>", "list", list_rows, methods=["GET"])
    return listing


def add_children_routes(bp, listing, name, column, parent):
    """Add GET /<parent>/<id>/<name>s[/<offset>/<limit>]: the rows whose `column` is that parent."""
    names, exists = plural(name), load(parent).exists

    operation_id = f"list{parent.capitalize()}{names.capitalize()}"
    summary = f"A page of one {parent}'s {names}"

    @documented(list_operation(listing, summary, name.capitalize(), operation_id, names))
    def children(parent_id, offset=None, limit=None):
        """Return a page of one parent's rows."""
        return list_response(
            listing,
            offset,
            limit,
            parent=(column, parent_id, exists),
            missing=f"{parent} {parent_id} does not exist",
        )

    path = f"/{parent}/<id:parent_id>/{names}"
    bp.add_url_rule(path, f"{parent}_{names}", children)
    bp.add_url_rule(path + "/<offset>/<limit>", f"{parent}_{names}", children)
