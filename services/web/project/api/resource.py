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
    """Return (present, versions) of If-Match: versions None for `*` (any), else its strong tags."""
    if "If-Match" not in request.headers:
        return False, None
    header = request.if_match
    return True, None if header.star_tag else list(header.as_set())


def precondition_failed(name, row_id):
    """Return the 412 for a write whose If-Match names another version."""
    return ApiError(
        412,
        "Precondition Failed",
        f"{name} {row_id} has changed (or does not exist): If-Match names another version; GET it again",
        "precondition-failed",
    )


def checked_body(table, schema, row_id=None):
    """Return the checked body; an id in it (as id or <table>_id) must match the URL's, or be absent."""
    values = json_object()
    for key in ("id", f"{table.name}_id"):  # the original API sent site_id for a site
        if key in values:
            sent = values.pop(key)
            if row_id is None:
                raise validation_error({key: "is assigned by the server"})
            if sent != row_id:
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


def resource_blueprint(resource):
    """Return the blueprint of `resource`."""
    table, listing = resource.table, resource.listing
    bp = Blueprint(table.name, __name__)
    full, partial = body_schema(resource.fields, resource.required), body_schema(resource.fields)
    item, plural = f"/{table.name}/<id:row_id>", f"/{table.plural}"

    def created(row):
        """Answer 201 with the new row, its ETag and Location."""
        return answer(row, 201, Location=url_for(f"{table.name}.get", row_id=row["id"]))

    @bp.get(item)
    def get(row_id):
        """Return one row, or 304 when If-None-Match names its version."""
        row = crud.read(get_cursor(), table, row_id)
        if row is None:
            missing(table, row_id)
        if request.if_none_match.contains_weak(row["version"]):
            response = Response(status=304)
            response.set_etag(etag(row))
            return response
        return answer(row)

    @bp.route(item, methods=["POST", "PUT"])
    def put(row_id):
        """Create the row with this id, or replace all its fields; If-Match: replace that version only."""
        values = checked_body(table, full, row_id)
        present, versions = if_match()
        if present:
            row = crud.patch(get_cursor(), table, row_id, crud.replacement(table, values), versions)
            if row is None:
                raise precondition_failed(table.name, row_id)
            return answer(row)
        row, is_new = crud.upsert(get_cursor(), table, row_id, values)
        return created(row) if is_new else answer(row)

    @bp.patch(item)
    def patch(row_id):
        """Change the fields in the body."""
        values = checked_body(table, partial, row_id)
        return answer(
            conditional(table, row_id, lambda v: crud.patch(get_cursor(), table, row_id, values, v))
        )

    @bp.delete(item)
    def delete(row_id):
        """Delete the row and answer it."""
        row = conditional(table, row_id, lambda v: crud.delete(get_cursor(), table, row_id, v))
        etag(row)
        return jsonify(row)

    @bp.get(plural)
    @bp.get(plural + "/")
    @bp.get(plural + "/<offset>/<limit>")
    def list_rows(offset=None, limit=None):
        """Return a page of rows."""
        return list_response(listing, lambda cur, query: crud.page(cur, table, query), offset, limit)

    @bp.post(plural)
    @bp.post(plural + "/")
    def create():
        """Create a row with a server-assigned id."""
        return created(crud.create(get_cursor(), table, checked_body(table, full)))

    for column, parent in table.parents.items():
        add_children_route(bp, table, listing, column, parent)
    return bp


def add_children_route(bp, table, listing, column, parent):
    """Add GET /<parent>/<id>/<plural>[/<offset>/<limit>] listing one parent's rows."""
    path = f"/{parent}/<id:parent_id>/{table.plural}"

    def list_children(parent_id, offset=None, limit=None):
        """Return a page of one parent's rows."""
        return list_response(
            listing,
            lambda cur, query: crud.page(cur, table, query),
            offset,
            limit,
            parent=(parent, column, parent_id),
            missing=f"{parent} {parent_id} does not exist",
        )

    endpoint = f"{parent}_children"
    bp.add_url_rule(path, endpoint, list_children)
    bp.add_url_rule(path + "/<offset>/<limit>", endpoint, list_children)
