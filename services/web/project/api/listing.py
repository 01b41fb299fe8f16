"""Lists: query parameters in; a page out as JSON or CSV, with its headers.

Every list takes `q` (search), equality filters, `order`, and pages either
by offset (the original /<offset>/<limit> in the path; a list without it is
its first page) or by keyset (`?limit=N`, then `?after=<cursor>` from the
previous page's Link). A page is a bare array (or CSV with a header row)
with X-Total-Count (the rows that pass the filters: exact up to
COUNT_EXACT_UP_TO, else the planner's estimate, flagged by
X-Total-Count-Estimated; `Prefer: count=exact|planned|estimated` chooses)
and a Link header: first/prev/next/last for offset pages, first/next for
keyset pages.
"""

import base64
import binascii
import csv
import io
import json
import re
from dataclasses import dataclass, field, replace
from datetime import datetime
from urllib.parse import urlencode

from flask import Response, abort, current_app, jsonify, request, url_for
from jsonschema import Draft202012Validator

from ..database import paging
from ..database.paging import Key, PageSpec
from ..db import get_cursor
from .errors import ApiError
from .validation import NO_NUL, body_schema, check, json_types

MAX_OFFSET = 2**31 - 1
MAX_Q = 200
COUNTS = ("exact", "planned", "estimated")
RESERVED = ("q", "order", "after", "limit", "format")
FORMATS = {"json": "application/json", "csv": "text/csv"}


@dataclass(frozen=True)
class Completion:
    """Columns that a list joins to its page's rows after the cut (paging.page's completion)."""

    query: object  # the statement adding `columns` to a row of the page, which it reads as `page`
    columns: tuple
    parts: tuple = ()  # the list's statements with those columns, for orders and filters by them


@dataclass(frozen=True)
class Listing:
    """What a list offers: the list statement, its columns, filters, orders and search."""

    parts: (
        tuple  # the list's statements (`@` queries), its rows their UNION ALL; they search, given a pattern
    )
    fields: dict  # column -> JSON Schema of its value (as in request bodies): what a page answers
    filters: dict  # parameter -> JSON Schema of its value
    orders: dict  # order name ("name", "-name", ...) -> tuple of paging.Keys
    default_order: str
    search: tuple = ()  # the columns q matches
    columns_of: dict = field(default_factory=dict)  # filter parameter -> column, where they differ
    minimums: frozenset = frozenset()  # filter parameters meaning "column >= value"
    befores: frozenset = frozenset()  # filter parameters meaning "column < value" (expires_before)
    key_schemas: dict = field(default_factory=dict)  # sort-key column that is no field -> its schema
    search_parts: tuple = ()  # statements of its own for searches, if the list has them
    completion: Completion | None = None  # columns that `parts` leave for after the cut

    @property
    def names(self):
        """The columns a page answers beside its fields: the completion's (parents' names), read-only."""
        return tuple(c for c in self.completion.columns if c not in self.fields) if self.completion else ()

    @property
    def columns(self):
        """The columns a page answers."""
        return (*self.fields, *self.names)

    def statements(self, spec):
        """Return the SQL of the statements whose UNION ALL is the list for `spec`, and of its completion.

        The completion is None where the parts carry every column: in a search
        with parts of its own, and where the order or a filter uses a completed column.
        """
        done = self.completion
        if spec.q and self.search_parts:
            return tuple(part.sql for part in self.search_parts), None
        if done is None:
            return tuple(part.sql for part in self.parts), None
        used = (
            {key.column for key in spec.keys}
            | spec.filters.keys()
            | spec.minimums.keys()
            | spec.befores.keys()
        )
        if used.intersection(done.columns):
            return tuple(part.sql for part in done.parts), None
        return tuple(part.sql for part in self.parts), done.query.sql


def orders(fields, position):
    """Return the order by each field, and its reverse ("-name"), all keys one way.

    `position` is the list's own total order, a tuple of column names (its
    first names an order itself); every other order is by its field, then by position.
    """
    result = {}
    for column in fields:
        keys = position if column == position[0] else (column, *position)
        for descending in (False, True):
            result[("-" if descending else "") + column] = tuple(
                Key(k, descending, k in fields and "null" in json_types(fields[k])) for k in keys
            )
    return result


def filter_schema(field):
    """Return the schema of an equality filter on a field: the field's, less null and minLength."""
    types = [t for t in json_types(field) if t != "null"]
    schema = {k: v for k, v in field.items() if k != "minLength"}
    schema["type"] = types[0] if len(types) == 1 else types
    return schema


def bad_parameters(errors, detail):
    """Return a 400 naming the query parameters at fault."""
    return ApiError(400, "Bad Request", detail, "invalid-parameter", errors=errors)


def bad_parameter(name, message, detail=None):
    """Return a 400 naming one query parameter."""
    return bad_parameters({name: message}, detail or f"{name} {message}")


def is_count(raw):
    """Tell whether `raw` is a plain decimal number of at most 10 digits."""
    return raw.isascii() and raw.isdigit() and len(raw) <= 10


def parse_count(raw, name, low, high):
    """Return `raw` as an int in low..high; raise a 400 naming `name` otherwise."""
    if not (is_count(raw) and low <= int(raw) <= high):
        message = f"must be an integer from {low} to {high}"
        raise bad_parameter(name, message, f"{name} {message}, not {raw!r}")
    return int(raw)


def filter_values(listing, args):
    """Return the filters in `args`, integers converted, checked against their schemas."""
    values = {}
    for name in listing.filters.keys() & args.keys():
        raw = args[name]
        types = json_types(listing.filters[name])
        values[name] = int(raw) if is_count(raw) and "integer" in types and "string" not in types else raw
    try:
        return check(body_schema(listing.filters), values)
    except ApiError as e:
        raise bad_parameters(e.extra["errors"], "a filter is not valid") from None


def is_text(value):
    """Tell whether PostgreSQL can take `value` as text (no NUL, no lone surrogate)."""
    return re.fullmatch(NO_NUL, value) is not None


def encode_cursor(order, keys):
    """Return the opaque cursor of the row with these key values in this order."""
    return base64.urlsafe_b64encode(json.dumps([order, keys]).encode()).decode().rstrip("=")


def key_schema(listing, column):
    """Return the JSON Schema a sort key's value must meet: its column's type and range, text without NUL."""
    field = listing.fields.get(column) or listing.key_schemas[column]
    return {"pattern": NO_NUL, **{k: v for k, v in field.items() if k in ("type", "minimum", "maximum")}}


def decode_cursor(raw, order, listing):
    """Return the key values in a cursor made for `order`; 400 if it is not one.

    Each value must have its key's type, so that PostgreSQL never sees one it cannot read.
    """
    keys = listing.orders[order]
    schema = {
        "type": "array",
        "prefixItems": [key_schema(listing, k.column) for k in keys],
        "minItems": len(keys),
        "maxItems": len(keys),
    }
    try:
        made_for, values = json.loads(base64.urlsafe_b64decode(raw + "=" * (-len(raw) % 4)))
        valid = made_for == order and Draft202012Validator(schema).is_valid(values)
    except (ValueError, TypeError, RecursionError, binascii.Error):
        valid = False
    if not valid:
        raise bad_parameter("after", f"must be a cursor from a Link header of this list with order={order}")
    return tuple(
        None if v is None else str(v) for v in values
    )  # text: PostgreSQL casts it to each key's type


def parse_query(listing, offset, limit, parent, fixed):
    """Return (order name, paging.PageSpec) for the request; 400 naming any bad parameter."""
    args = request.args
    known = {*RESERVED, *listing.filters} - (set() if listing.search else {"q"})
    unknown = [name for name in args if name not in known]
    if unknown:
        raise bad_parameters(
            {name: "is not a known parameter" for name in unknown}, "unknown parameter: " + ", ".join(unknown)
        )
    order = args.get("order", listing.default_order)
    if order not in listing.orders:
        raise bad_parameter("order", "must be one of " + ", ".join(listing.orders))
    q = args.get("q")
    if q is not None and not (0 < len(q) <= MAX_Q and is_text(q)):
        raise bad_parameter("q", f"must be 1 to {MAX_Q} characters, without NUL")
    keys = listing.orders[order]
    values = filter_values(listing, args)
    columns = {name: listing.columns_of.get(name, name) for name in values}
    spec = PageSpec(
        keys,
        0,
        filters={
            **{columns[n]: v for n, v in values.items() if n not in listing.minimums | listing.befores},
            **(fixed or {}),
        },
        minimums={columns[n]: v for n, v in values.items() if n in listing.minimums},
        befores={columns[n]: v for n, v in values.items() if n in listing.befores},
        q=q,
        parent=parent,
        count_limit=count_limit(),
    )
    max_limit = current_app.config["MAX_PAGE_SIZE"]
    if "after" in args or "limit" in args:
        if offset is not None:
            raise bad_parameter(
                "after" if "after" in args else "limit", "cannot be used with /<offset>/<limit> in the path"
            )
        limit = (
            parse_count(args["limit"], "limit", 1, max_limit)
            if "limit" in args
            else current_app.config["PAGE_SIZE"]
        )
        after = decode_cursor(args["after"], order, listing) if "after" in args else None
        return order, replace(spec, limit=limit, after=after)
    if offset is None:
        return order, replace(spec, limit=current_app.config["PAGE_SIZE"])
    offset = parse_count(offset, "offset", 0, MAX_OFFSET)
    return order, replace(spec, offset=offset, limit=parse_count(limit, "limit", 1, max_limit))


def count_preference():
    """Return how the client wants the total counted (Prefer: count=...), or None."""
    for preference in request.headers.get("Prefer", "").split(","):
        name, _, value = preference.strip().partition("=")
        if name.lower() == "count" and value.lower() in COUNTS:
            return value.lower()
    return None


def count_limit():
    """Return how many rows to count before estimating: None counts all, 0 only estimates."""
    preference = count_preference() or "estimated"
    return {"exact": None, "planned": 0}.get(preference, current_app.config["COUNT_EXACT_UP_TO"] + 1)


def wanted_format():
    """Return "json" or "csv", from ?format= or else the Accept header."""
    if "format" in request.args:
        if request.args["format"] not in FORMATS:
            raise bad_parameter("format", "must be json or csv")
        return request.args["format"]
    best = request.accept_mimetypes.best_match(list(FORMATS.values()), default="application/json")
    return "csv" if best == "text/csv" else "json"


def list_response(listing, offset=None, limit=None, *, parent=None, missing=None, fixed=None):
    """Answer one page: parse the URL, run the list statement, format what it returns.

    `parent` is (foreign-key column, parent id, the parent's `exists`
    statement): a missing parent is a 404 saying `missing`. `fixed` adds
    equality filters (column -> value) that the URL's path sets.
    """
    order, spec = parse_query(listing, offset, limit, parent, fixed)
    output = wanted_format()
    parts, completion = listing.statements(spec)
    page = paging.page(get_cursor(), parts, spec, completion=completion)
    if page is None:
        abort(404, missing)
    rows = [{c: row[c] for c in listing.columns} for row in page["rows"]]
    if output == "csv":
        response = Response(to_csv(listing.columns, rows), mimetype="text/csv")
    else:
        response = jsonify(rows)
    response.headers["X-Total-Count"] = str(page["total"])
    if page["estimated"]:
        response.headers["X-Total-Count-Estimated"] = "true"
    preference = count_preference()
    if preference:
        response.headers["Preference-Applied"] = f"count={preference}"
    response.vary.update(("Accept", "Prefer"))
    keyset = "after" in request.args or "limit" in request.args
    response.headers["Link"] = links(order, spec, page, keyset)
    return response


def to_csv(columns, rows):
    """Return rows as CSV text with a header row; JSON values as JSON, times in ISO 8601."""
    out = io.StringIO()
    writer = csv.DictWriter(out, columns, lineterminator="\r\n")
    writer.writeheader()
    writer.writerows({name: csv_value(value) for name, value in row.items()} for row in rows)
    return out.getvalue()


FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")  # what spreadsheets may run as a formula


def csv_value(value):
    """Return a value as CSV shows it; text a spreadsheet could run as a formula starts with '.

    (OWASP's advice against CSV injection: =HYPERLINK(...) is written '=HYPERLINK(...).)
    """
    if isinstance(value, (dict, list)):
        return json.dumps(value, sort_keys=True)
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def links(order, spec, page, keyset):
    """Return the Link header: first/next (keyset pages) or first/prev/next/last (offset pages)."""
    args = {k: v for k, v in request.args.items() if k not in ("after", "limit")}
    path_args = {k: v for k, v in request.view_args.items() if k not in ("offset", "limit")}

    def url(
        query=(), **path
    ):  # a filter may share its name with a path argument (/lab/<lab_id>/sites?lab_id=)
        query = urlencode({**args, **dict(query)})
        return url_for(request.endpoint, **path_args, **path) + (f"?{query}" if query else "")

    if keyset:
        urls = {"first": url({"limit": spec.limit})}
        if page["more"]:
            urls["next"] = url({"limit": spec.limit, "after": encode_cursor(order, page["last_keys"])})
    else:
        total, offset, limit = page["total"], spec.offset, spec.limit
        last = max(0, (total - 1) // limit * limit)
        targets = {"first": 0}
        if offset > 0:
            targets["prev"] = max(0, min(offset - limit, last))
        if offset + limit < total:
            targets["next"] = offset + limit
        targets["last"] = last
        urls = {rel: url(offset=at, limit=limit) for rel, at in targets.items()}
    return ", ".join(f'<{target}>; rel="{rel}"' for rel, target in urls.items())
