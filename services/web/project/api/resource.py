"""The routes every table resource shares, built from its table and fields.

For a resource R (lab, site, computer, freezer, container) with plural Rs:
  GET /R/<id>                    one row, or 404
  POST|PUT /R/<id>               upsert: create (201) or fully replace (200)
  PATCH /R/<id>                  change some fields (404 if missing)
  DELETE /R/<id>                 delete and answer the row (404, or 409 with children)
  GET /Rs, /Rs/, /Rs/<off>/<lim> a page in id order
  POST /Rs, /Rs/                 create with a server-assigned id (201 + Location)
  GET /P/<id>/Rs[/<off>/<lim>]   a page of one parent's rows (404 if no such parent)
"""

from flask import Blueprint, abort, jsonify, url_for

from ..database import crud
from ..db import get_cursor
from .errors import validation_error
from .pagination import page_args, page_response
from .validation import body_schema, check, json_object


def resource_blueprint(table, fields, required):
    """Return the blueprint of `table`, whose body fields are `fields` (JSON Schemas)."""
    bp = Blueprint(table.name, __name__)
    full, partial = body_schema(fields, required), body_schema(fields)
    id_keys = ("id", f"{table.name}_id")  # the original API sent site_id for a site
    item, plural = f"/{table.name}/<id:row_id>", f"/{table.plural}"

    def body(schema, row_id=None):
        """Return the checked body; an id in it must match the URL's (or be absent)."""
        values = json_object()
        for key in id_keys:
            if key in values:
                sent = values.pop(key)
                if row_id is None:
                    raise validation_error({key: "is assigned by the server"})
                if sent != row_id:
                    raise validation_error({key: f"must equal the id in the URL ({row_id})"})
        return check(schema, values)

    def found(row, row_id):
        """Return `row`, or answer 404."""
        if row is None:
            abort(404, f"{table.name} {row_id} does not exist")
        return row

    def created(row):
        """Answer 201 with the row and its Location."""
        location = url_for(f"{table.name}.get", row_id=row["id"])
        return jsonify(row), 201, {"Location": location}

    @bp.get(item)
    def get(row_id):
        """Return one row."""
        return jsonify(found(crud.read(get_cursor(), table, row_id), row_id))

    @bp.route(item, methods=["POST", "PUT"])
    def put(row_id):
        """Create the row with this id, or replace all its fields."""
        row, is_new = crud.upsert(get_cursor(), table, row_id, body(full, row_id))
        return created(row) if is_new else jsonify(row)

    @bp.patch(item)
    def patch(row_id):
        """Change the fields in the body."""
        return jsonify(found(crud.patch(get_cursor(), table, row_id, body(partial, row_id)), row_id))

    @bp.delete(item)
    def delete(row_id):
        """Delete the row and answer it."""
        return jsonify(found(crud.delete(get_cursor(), table, row_id), row_id))

    @bp.get(plural)
    @bp.get(plural + "/")
    @bp.get(plural + "/<offset>/<limit>")
    def list_rows(offset=None, limit=None):
        """Return a page of rows in id order."""
        offset, limit = page_args(offset, limit)
        return page_response(crud.page_table(get_cursor(), table, offset, limit), offset, limit)

    @bp.post(plural)
    @bp.post(plural + "/")
    def create():
        """Create a row with a server-assigned id."""
        return created(crud.create(get_cursor(), table, body(full)))

    for column, parent in table.parents.items():
        add_children_route(bp, table, column, parent)
    return bp


def add_children_route(bp, table, column, parent):
    """Add GET /<parent>/<id>/<plural>[/<offset>/<limit>] listing one parent's rows."""
    path = f"/{parent}/<id:parent_id>/{table.plural}"

    def list_children(parent_id, offset=None, limit=None):
        """Return a page of one parent's rows in id order."""
        offset, limit = page_args(offset, limit)
        page = crud.page_table(get_cursor(), table, offset, limit, (parent, column, parent_id))
        return page_response(page, offset, limit, f"{parent} {parent_id} does not exist")

    endpoint = f"{parent}_children"
    bp.add_url_rule(path, endpoint, list_children)
    bp.add_url_rule(path + "/<offset>/<limit>", endpoint, list_children)
