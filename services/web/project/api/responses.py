"""Answers the views share: a row with its ETag, 201 with Location, 404, 304, 412; If-Match read."""

from flask import Response, abort, jsonify, request, url_for

from .errors import ApiError


def answer(row, status=200, **headers):
    """Answer a row with its version as the strong ETag."""
    version = row.pop("version")
    response = jsonify(row)
    response.status_code = status
    response.set_etag(version)
    response.headers.update(headers)
    return response


def created(name, row):
    """Answer 201 with the new row, its ETag and Location (the URL of GET /<name>/<id>)."""
    location = url_for(f"{name}.get_{name}", **{f"{name}_id": row["id"]})
    return answer(row, 201, Location=location)


def not_modified(version):
    """Answer 304: If-None-Match names the current version."""
    response = Response(status=304)
    response.set_etag(version)
    return response


def missing(name, row_id):
    """Answer 404 for a row that does not exist."""
    abort(404, f"{name} {row_id} does not exist")


def precondition_failed(name, row_id, why="has changed (or does not exist): If-Match names another version"):
    """Return the 412 for a write whose precondition failed."""
    return ApiError(412, "Precondition Failed", f"{name} {row_id} {why}; GET it again", "precondition-failed")


def if_match():
    """Return (present, versions) of If-Match: versions None for `*` (any), else its tags.

    Weak tags count as strong: a version is a hash of the row, whatever the
    content coding, and nginx weakens ETags when it gzips a response.
    """
    if "If-Match" not in request.headers:
        return False, None
    header = request.if_match
    return True, None if header.star_tag else [
        tag for tag in header.as_set(include_weak=True) if tag and "\x00" not in tag
    ]  # an empty tag (W/"") is no version: it matches none
