"""What the views of every table resource share: read, upsert, patch, delete, create, lists.

Each api/<resource>.py declares its fields and routes; its views call these
with its `Table`, whose statements are those of database/<name>.sql:
`rows.read(SITE, 7)` runs `read` of database/site.sql and answers the row
with its ETag, or 304, or 404.
"""

import functools
from dataclasses import dataclass

from flask import g, jsonify, request

from .. import database
from ..database.queries import load
from ..db import get_cursor
from .errors import validation_error
from .listing import Completion, Listing, filter_schema, list_response, orders
from .openapi import row_operations
from .openapi_objects import ID
from .responses import answer, created, if_match, missing, not_modified, precondition_failed
from .validation import body_schema, check, json_object, replacement, required_fields, whole_row


@dataclass(frozen=True)
class Table:
    """A table resource: its name, its fields (every column but id), the text columns q searches,
    and the names its list rows carry beside their parents' ids (its `names` statement's columns)."""

    name: str
    fields: dict
    search: tuple
    names: tuple = ()

    @functools.cached_property
    def db(self):
        """The statements of database/<name>.sql."""
        return load(self.name)

    @functools.cached_property
    def whole(self):
        """The schema of a whole row (create, upsert)."""
        return body_schema(self.fields, required_fields(self.fields))

    @functools.cached_property
    def partial(self):
        """The schema of some fields (patch)."""
        return body_schema(self.fields)

    @functools.cached_property
    def listing(self):
        """The list of rows: a filter and an order by each field (then id), q over `search`."""
        row = {"id": ID, **self.fields}
        return Listing(
            (self.db.list,),
            row,
            filters={field: filter_schema(schema) for field, schema in self.fields.items()},
            orders=orders(row, ("id",)),
            default_order="id",
            search=self.search,
            completion=Completion(self.db.names, self.names) if self.names else None,
        )

    @functools.cached_property
    def docs(self):
        """The OpenAPI operations of its views, by name: get, put, post, patch, delete, create."""
        return row_operations(self.name, self.fields)


def checked_body(table, schema, row_id=None):
    """Return the checked body, also kept as g.body for error messages.

    An id in it (as id or <name>_id, as the original API sent) must match the URL's, or be absent.
    """
    values = json_object()
    for key in ("id", f"{table.name}_id"):
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


def read(table, row_id):
    """Answer one row, or 304 when If-None-Match names its version, or 404."""
    row = table.db.read(get_cursor(), id=row_id)
    if row is None:
        missing(table.name, row_id)
    if request.if_none_match.contains_weak(row["version"]):
        return not_modified(row["version"])
    return answer(row)


def upsert(table, row_id):
    """Create the row with this id, or replace all its fields; If-Match: that version only.

    With If-None-Match: * it only creates (412 if the row exists).
    """
    body = checked_body(table, table.whole, row_id)
    present, versions = if_match()
    if request.if_none_match.star_tag:
        row = table.db.insert(get_cursor(), id=row_id, **whole_row(table.fields, body))
        if row is None:
            raise precondition_failed(table.name, row_id, "exists already (If-None-Match: *)")
        return created(table.name, row)
    if present:
        changes = replacement(table.fields, body)
        row = table.db.update(get_cursor(), id=row_id, changes=changes, versions=versions)
        if row is None:
            raise precondition_failed(table.name, row_id)
        return answer(row)
    row = table.db.upsert(get_cursor(), id=row_id, **whole_row(table.fields, body))
    return created(table.name, row) if row.pop("created") else answer(row)


def patch(table, row_id):
    """Change the fields in the body (an empty one changes nothing: the row is read)."""
    changes = checked_body(table, table.partial, row_id)

    def write(versions):
        if not changes:
            row = table.db.read(get_cursor(), id=row_id)
            return row if row and (versions is None or row["version"] in versions) else None
        return table.db.update(get_cursor(), id=row_id, changes=changes, versions=versions)

    return answer(conditional(table, row_id, write))


def delete(table, row_id):
    """Delete the row and answer it."""
    row = conditional(
        table, row_id, lambda versions: table.db.delete(get_cursor(), id=row_id, versions=versions)
    )
    del row["version"]
    return jsonify(row)


def conditional(table, row_id, write):
    """Return `write(versions)`'s row; when there is none, answer 404, or 412 if If-Match failed."""
    present, versions = if_match()
    row = write(versions if present else None)
    if row is None:
        if present and table.db.exists(get_cursor(), id=row_id):
            raise precondition_failed(table.name, row_id)
        missing(table.name, row_id)
    return row


def create(table):
    """Create a row with a server-assigned id: 201 with Location."""
    body = checked_body(table, table.whole)
    return created(
        table.name, database.create(table.db.create, get_cursor(), **whole_row(table.fields, body))
    )


def page(table, offset, limit):
    """Answer a page of the table's rows."""
    return list_response(table.listing, offset, limit)


def children(listing, parent, parent_id, offset, limit):
    """Answer a page of `listing` whose <parent>_id is `parent_id`; 404 if there is no such `parent`."""
    return list_response(
        listing,
        offset,
        limit,
        parent=(f"{parent}_id", parent_id, load(parent).exists),
        missing=f"{parent} {parent_id} does not exist",
    )
