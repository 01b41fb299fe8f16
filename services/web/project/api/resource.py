"""The routes every table resource shares, built from its table and fields.

For a resource R (lab, site, computer, freezer, container) with plural Rs:
  GET /R/<id>                    one row with its ETag, or 404 (304 if If-None-Match matches)
  POST|PUT /R/<id>               upsert: create (201) or replace all fields (200);
                                 with If-Match, replace only that version (412 otherwise)
  PATCH /R/<id>                  change some fields (404 if missing; 412 if If-Match fails)
  DELETE /R/<id>                 delete and answer the row (404, 409 with children, 412)
  GET /Rs, /Rs/, /Rs/<off>/<lim> a page (see listing.py)
  POST /Rs, /Rs/                 create with a server-assigned id (201 + Location)
  GET /P/<id>/Rs[/<off>/<lim>]   a page of one parent's rows (404 if no such parent)
"""

from dataclasses import dataclass

from flask import Blueprint, Response, abort, jsonify, request, url_for
from flask.views import MethodView

from ..database import crud
from ..db import get_cursor
from .errors import ApiError, validation_error
from .listing import Listing, filter_schema, list_response
from .validation import body_schema, check, json_object


@dataclass(frozen=True)
class Resource:
    """A table exposed over HTTP: its database table and its fields' JSON Schemas."""

    table: crud.Table
    fields: dict
    required: tuple

    @property
    def listing(self):
        """What the resource's lists offer: filters on every field, order by any column."""
        orders = {}
        for column in self.table.all_columns:
            orders[column] = crud.order_keys(self.table, column)
            orders["-" + column] = crud.order_keys(self.table, column, descending=True)
        return Listing(
            columns=self.table.all_columns,
            fields=self.fields,
            filters={name: filter_schema(schema) for name, schema in self.fields.items()},
            orders=orders,
            default_order="id",
            search=crud.search_expressions(self.table),
            searched=self.table.search,
        )


def etag(row):
    """Pop the row's version and return it as a strong ETag value."""
    return row.pop("version")


def answer(row, status=200, **headers):
    """Answer a row with its ETag."""
    version = etag(row)
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


def checked_body(table, schema, row_id=None):
    """Return the checked body; an id in it (as id or <table>_id) must match the URL's, or be absent."""
    values = json_object()
    for key in ("id", f"{table.name}_id"):  # the original API sent site_id for a site
        if key in values:
            sent = values.pop(key)
            if row_id is None:
                raise validation_error({key: "is assigned by the server"})
            if sent != row_id or isinstance(sent, bool):
                raise validation_error({key: f"must equal the id in the URL ({row_id})"})
    return check(schema, values)


def missing(table, row_id):
    """Answer 404 for a row that does not exist."""
    abort(404, f"{table.name} {row_id} does not exist")


def conditional(table, row_id, write):
    """Return `write(versions)`'s row; when there is none, answer 404, or 412 if If-Match failed."""
    present, versions = if_match()
    row = write(versions if present else None)
    if row is None:
        if present and crud.read(get_cursor(), table, row_id) is not None:
            raise precondition_failed(table.name, row_id)
        missing(table, row_id)
    return row


class Item(MethodView):
    """/<name>/<id>: one row, for every method (one route, so a bad id is 404 whatever the method)."""

    def __init__(self, resource):
        self.table = resource.table
        self.full = body_schema(resource.fields, resource.required)
        self.partial = body_schema(resource.fields)

    def get(self, row_id):
        """Return one row, or 304 when If-None-Match names its version."""
        row = crud.read(get_cursor(), self.table, row_id)
        if row is None:
            missing(self.table, row_id)
        if request.if_none_match.contains_weak(row["version"]):
            response = Response(status=304)
            response.set_etag(etag(row))
            return response
        return answer(row)

    def put(self, row_id):
        """Create the row with this id, or replace all its fields; If-Match: replace that version only."""
        table = self.table
        values = checked_body(table, self.full, row_id)
        present, versions = if_match()
        if request.if_none_match.star_tag:  # create only: never replace a row
            row = crud.insert(get_cursor(), table, row_id, values)
            if row is None:
                raise precondition_failed(table.name, row_id, "exists already (If-None-Match: *)")
            return created(table, row)
        if present:
            row = crud.patch(get_cursor(), table, row_id, crud.replacement(table, values), versions)
            if row is None:
                raise precondition_failed(table.name, row_id)
            return answer(row)
        row, is_new = crud.upsert(get_cursor(), table, row_id, values)
        return created(table, row) if is_new else answer(row)

    post = put

    def patch(self, row_id):
        """Change the fields in the body."""
        values = checked_body(self.table, self.partial, row_id)
        return answer(
            conditional(self.table, row_id, lambda v: crud.patch(get_cursor(), self.table, row_id, values, v))
        )

    def delete(self, row_id):
        """Delete the row and answer it."""
        row = conditional(self.table, row_id, lambda v: crud.delete(get_cursor(), self.table, row_id, v))
        etag(row)
        return jsonify(row)


class Rows(MethodView):
    """/<plural> and /<parent>/<id>/<plural>: pages of rows; POST creates (top-level lists only)."""

    def __init__(self, resource, parent=None):
        self.table, self.listing = resource.table, resource.listing
        self.full = body_schema(resource.fields, resource.required)
        self.parent = parent  # (foreign-key column, parent table)

    def get(self, parent_id=None, offset=None, limit=None):
        """Return a page of rows (of one parent, if this list has one)."""
        table = self.table
        options = {}
        if self.parent:
            column, parent = self.parent
            options = {
                "parent": (parent, column, parent_id),
                "missing": f"{parent} {parent_id} does not exist",
            }
        return list_response(
            self.listing, lambda cur, query: crud.page(cur, table, query), offset, limit, **options
        )

    def post(self):
        """Create a row with a server-assigned id."""
        return created(self.table, crud.create(get_cursor(), self.table, checked_body(self.table, self.full)))


def created(table, row):
    """Answer 201 with the new row, its ETag and Location."""
    return answer(row, 201, Location=url_for(f"{table.name}.item", row_id=row["id"]))


def resource_blueprint(resource):
    """Return the blueprint of `resource`: its item, its lists and its lists by parent."""
    table = resource.table
    bp = Blueprint(table.name, __name__)
    bp.add_url_rule(f"/{table.name}/<id:row_id>", view_func=Item.as_view("item", resource))
    rows = Rows.as_view("rows", resource)
    for path in (f"/{table.plural}", f"/{table.plural}/"):
        bp.add_url_rule(path, view_func=rows, methods=["GET", "POST"])
    bp.add_url_rule(f"/{table.plural}/<offset>/<limit>", view_func=rows, methods=["GET"])
    for column, parent in table.parents.items():
        children = Rows.as_view(f"{parent}_children", resource, (column, parent))
        path = f"/{parent}/<id:parent_id>/{table.plural}"
        bp.add_url_rule(path, view_func=children, methods=["GET"])
        bp.add_url_rule(path + "/<offset>/<limit>", view_func=children, methods=["GET"])
    return bp
