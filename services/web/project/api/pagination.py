"""Offset pagination: page arguments in, bare JSON array with headers out.

Lists answer a bare JSON array (the original shape); the total goes in
X-Total-Count and first/prev/next/last links in an RFC 8288 Link header.
"""

from flask import abort, current_app, jsonify, request, url_for

from .errors import ApiError

MAX_OFFSET = 2**31 - 1


def parse_count(raw, name, low, high):
    """Return `raw` as an int in low..high; raise a 400 naming `name` otherwise."""
    if not (raw.isascii() and raw.isdigit() and low <= int(raw) <= high):
        raise ApiError(
            400,
            "Bad Request",
            f"{name} must be an integer from {low} to {high}, not {raw!r}",
            "invalid-page",
            errors={name: f"must be an integer from {low} to {high}"},
        )
    return int(raw)


def page_args(offset=None, limit=None):
    """Return (offset, limit) from URL segments; a missing pair means the first page."""
    if offset is None:
        return 0, current_app.config["PAGE_SIZE"]
    return (
        parse_count(offset, "offset", 0, MAX_OFFSET),
        parse_count(limit, "limit", 1, current_app.config["MAX_PAGE_SIZE"]),
    )


def page_links(total, offset, limit):
    """Return the Link header value for the page at `offset` of `total` rows."""
    last = max(0, (total - 1) // limit * limit)
    targets = {"first": 0}
    if offset > 0:
        targets["prev"] = max(0, min(offset - limit, last))
    if offset + limit < total:
        targets["next"] = offset + limit
    targets["last"] = last
    args = dict(request.view_args)
    args.pop("offset", None)
    args.pop("limit", None)
    return ", ".join(
        f'<{url_for(request.endpoint, **args, offset=at, limit=limit)}>; rel="{rel}"'
        for rel, at in targets.items()
    )


def page_response(page, offset, limit, missing_parent=None):
    """Answer one page: a JSON array with X-Total-Count and Link headers.

    A page of None means its parent does not exist: 404 with `missing_parent`.
    """
    if page is None:
        abort(404, missing_parent)
    response = jsonify(page["rows"])
    response.headers["X-Total-Count"] = str(page["total"])
    response.headers["Link"] = page_links(page["total"], offset, limit)
    return response
