"""/attachment routes, and what /<R>/<id>/attachments share: upload, list, download, delete.

The files themselves are project/media.py's. In production (MEDIA_ACCEL_REDIRECT) nginx sends
the bytes: the app answers the headers and X-Accel-Redirect.
"""

import os
import tempfile
from pathlib import Path
from urllib.parse import quote

from flask import Blueprint, Response, abort, current_app, jsonify, request, send_file
from werkzeug.formparser import FormDataParser

from ..database.queries import load
from ..db import get_cursor, transaction
from ..media import KNOWN, TEMPORARY, db, display_name, examine, locked, media_path, place, remove_file
from . import history
from .errors import ApiError, validation_error
from .listing import Listing, list_response, orders
from .openapi import documented, list_operation
from .openapi_objects import ANYONE, ID, header, responses, writes
from .responses import missing, not_modified
from .validation import body_schema, check, text

bp = Blueprint("attachment", __name__)

OWNERS = ("site", "freezer", "rack", "box", "container")
ACCEL_PREFIX = "/.media/"  # nginx.conf's internal location over MEDIA_ROOT
NOTE = body_schema({"note": text(2000)})

FIELDS = {
    "id": ID,
    "filename": {"type": "string"},
    "content_type": {"type": "string"},
    "size": {"type": "integer"},
    "sha256": {"type": "string"},
    "note": {"type": ["string", "null"]},
    "created_at": {"type": "string", "format": "date-time"},
    "actor": {"type": "string"},
    "url": {"type": "string"},
}
LISTING = Listing(
    (db.list,),
    FIELDS,
    filters={"content_type": {"type": "string", "maxLength": 200, "pattern": "^[^\\u0000]*$"}},
    orders=orders({k: FIELDS[k] for k in ("id", "filename", "size", "created_at")}, ("id",)),
    default_order="id",
)


def disposition(filename):
    """Return Content-Disposition: attachment, the name in UTF-8 (RFC 6266, RFC 8187)."""
    return "attachment; filename*=UTF-8''" + quote(filename, safe="!#$&+-.^_`|~")


def media_root():
    """Return MEDIA_ROOT as a Path."""
    return Path(current_app.config["MEDIA_ROOT"])


def received_file():
    """Parse the multipart body into (temporary file, name sent, note); 413, 415 or 400 if it is not one.

    The file part goes straight to a temporary file under MEDIA_ROOT, never into memory.
    """
    limit = current_app.config["ATTACHMENT_MAX_BYTES"]
    if request.mimetype != "multipart/form-data":
        abort(415, "send the file as multipart/form-data: a part named file, and optionally note")
    if not request.mimetype_params.get("boundary"):
        abort(400, "the Content-Type multipart/form-data needs its boundary parameter")
    if request.content_length is not None and request.content_length > limit:
        abort(413, f"an upload may be at most {limit} bytes (ATTACHMENT_MAX_BYTES)")
    request.max_content_length = limit
    temporary = media_root() / TEMPORARY
    temporary.mkdir(parents=True, exist_ok=True)
    opened = []

    def stream_factory(*_args, **_kwargs):
        opened.append(tempfile.NamedTemporaryFile(dir=temporary, prefix="upload-", delete=False))  # noqa: SIM115
        return opened[-1]

    # max_form_memory_size: the note part, and the parser's buffer of 64 KiB reads (not the file)
    parser = FormDataParser(stream_factory, max_form_memory_size=1 << 20, max_form_parts=64, silent=False)
    kept = None  # the file part's temporary file, once the form is good: every other one is removed
    try:
        _, form, files = parser.parse(
            request.stream, request.mimetype, request.content_length, request.mimetype_params
        )
        unknown = [name for name in (*form, *files) if name not in ("file", "note")]
        if unknown:
            raise validation_error({name: "is not a known part" for name in unknown})
        if len(files.getlist("file")) != 1 or "file" in form:
            raise validation_error({"file": "is required, once, as a file part (with a filename)"})
        if len(form.getlist("note")) > 1 or "note" in files:
            raise validation_error({"note": "must be sent once, as text"})
        note = check(NOTE, {"note": form.get("note") or None})["note"]
        upload = files["file"]
        upload.stream.flush()
        os.fsync(upload.stream.fileno())
        kept = Path(upload.stream.name)
        return kept, upload.filename, note
    finally:
        for file in opened:
            file.close()
            if Path(file.name) != kept:
                Path(file.name).unlink(missing_ok=True)


def upload(owner, owner_id):
    """Store the request's file and attach it to `owner` `owner_id`: 201 with the attachment and Location."""
    if not load(owner).exists(get_cursor(), id=owner_id):
        missing(owner, owner_id)
    temporary, sent_name, note = received_file()
    try:
        filename = display_name(sent_name)
        with open(temporary, "rb") as file:
            sha256, size, content_type, what = examine(file, filename)
        if size > current_app.config["ATTACHMENT_MAX_BYTES"]:
            abort(413, f"a file may be at most {current_app.config['ATTACHMENT_MAX_BYTES']} bytes")
        if what == "empty":
            raise validation_error({"file": "is empty"})
        allowed = accepted_types()
        if content_type is None or content_type.split(";")[0] not in allowed:
            detail = f"the file's content is {what or content_type}; accepted: {', '.join(allowed)}"
            raise ApiError(415, "Unsupported Media Type", detail, "unsupported-file-type")
        final = media_path(media_root(), sha256)
        owners = {f"{name}_id": owner_id if name == owner else None for name in OWNERS}
        with locked(get_cursor(), sha256):
            placed = False
            try:
                with transaction() as cur:
                    row = db.create(
                        cur,
                        **owners,
                        filename=filename,
                        content_type=content_type,
                        size=size,
                        sha256=sha256,
                        note=note,
                    )
                    placed = place(temporary, final)
            except BaseException:
                if placed and not db.named(get_cursor(), sha256=sha256):
                    remove_file(final)
                raise
    finally:
        temporary.unlink(missing_ok=True)
    response = jsonify(row)
    response.status_code = 201
    response.headers["Location"] = row["url"]
    return response


def accepted_types():
    """Return the content types ATTACHMENT_TYPES accepts (all that `sniff` knows when it is empty)."""
    setting = current_app.config["ATTACHMENT_TYPES"]
    chosen = [t.strip() for t in setting.split(",") if t.strip()]
    return [t for t in KNOWN if t in chosen] if chosen else list(KNOWN)


def listed(owner, owner_id, offset, limit):
    """Answer a page of `owner` `owner_id`'s attachments; 404 if there is no such owner."""
    return list_response(
        LISTING,
        offset,
        limit,
        parent=(f"{owner}_id", owner_id, load(owner).exists),
        missing=f"{owner} {owner_id} does not exist",
    )


@bp.get("/attachment/<id:attachment_id>")
@documented(
    {
        "operationId": "getAttachment",
        "tags": ["attachments"],
        "summary": "The bytes of an attachment, as stored, with its type and name",
        "security": ANYONE,
        "responses": responses(
            {
                "200": {
                    "description": "the file; ETag is its sha256",
                    "headers": {
                        "ETag": header("ETag"),
                        "Content-Disposition": {
                            "description": "attachment; filename*=UTF-8''…",
                            "schema": {"type": "string"},
                        },
                    },
                    "content": {kind: {"schema": {"type": "string", "format": "binary"}} for kind in KNOWN},
                },
                "304": {"description": "If-None-Match names the file's sha256"},
            },
            404,
        ),
    }
)
def get_attachment(attachment_id):
    """The file: sent by nginx (X-Accel-Redirect) in production, by the app in development."""
    row = db.read(get_cursor(), id=attachment_id)
    if row is None:
        missing("attachment", attachment_id)
    if request.if_none_match.contains_weak(row["sha256"]):
        return not_modified(row["sha256"])
    headers = {
        "Content-Disposition": disposition(row["filename"]),
        "X-Content-Type-Options": "nosniff",
        "Content-Security-Policy": "default-src 'none'; sandbox",
        "Cache-Control": "private, no-cache",
    }
    sha256 = row["sha256"]
    if current_app.config["MEDIA_ACCEL_REDIRECT"]:
        response = Response(status=200, mimetype=None, content_type=row["content_type"], headers=headers)
        response.headers["X-Accel-Redirect"] = f"{ACCEL_PREFIX}{sha256[:2]}/{sha256}"
        response.set_etag(sha256)
        return response
    path = media_path(media_root(), sha256)
    if not path.exists():
        raise ApiError(
            500,
            "Internal Server Error",
            f"the file of attachment {attachment_id} is missing; ./scripts/flask media check says which",
            "media-missing",
        )
    response = send_file(path, mimetype=row["content_type"], etag=sha256, conditional=True, max_age=None)
    response.headers.update(headers, **{"Content-Type": row["content_type"]})  # as stored, charset once
    return response


@bp.delete("/attachment/<id:attachment_id>")
@documented(
    writes(
        {
            "operationId": "deleteAttachment",
            "tags": ["attachments"],
            "summary": "Delete an attachment (its file goes when no other attachment names it)",
            "responses": responses(
                {
                    "200": {
                        "description": "the deleted attachment",
                        "content": {
                            "application/json": {"schema": {"$ref": "#/components/schemas/Attachment"}}
                        },
                    }
                },
                404,
            ),
        }
    )
)
def delete_attachment(attachment_id):
    """Delete an attachment; remove its file if no other attachment names it."""
    row = db.read(get_cursor(), id=attachment_id)
    if row is None:
        missing("attachment", attachment_id)
    with locked(get_cursor(), row["sha256"]):
        with transaction() as cur:
            deleted = db.delete(cur, id=attachment_id)
        if deleted is None:
            missing("attachment", attachment_id)
        if not db.named(get_cursor(), sha256=row["sha256"]):
            remove_file(media_path(media_root(), row["sha256"]))
    return jsonify(deleted)


@bp.get("/attachment/<id:attachment_id>/history")
@bp.get("/attachment/<id:attachment_id>/history/<offset>/<limit>")
@documented(history.row_operation("attachment"))
def attachment_history(attachment_id, offset=None, limit=None):
    """A page of one attachment's changes, newest first."""
    return history.of_row("attachment", attachment_id, offset, limit)


UPLOAD_BODY = {
    "required": True,
    "content": {
        "multipart/form-data": {
            "schema": {
                "type": "object",
                "properties": {
                    "file": {
                        "type": "string",
                        "format": "binary",
                        "description": "the file; its type is"
                        " read from its content: PDF, PNG, JPEG, GIF, WebP, TIFF, UTF-8 text or CSV",
                    },
                    "note": {"type": "string", "maxLength": 2000},
                },
                "required": ["file"],
            },
            "encoding": {"file": {"contentType": "application/octet-stream"}},
        }
    },
}


def upload_operation(owner):
    """Return the operation of POST /<owner>/<id>/attachments."""
    return writes(
        {
            "operationId": f"attachTo{owner.capitalize()}",
            "tags": ["attachments"],
            "summary": f"Attach a file to a {owner} (at most ATTACHMENT_MAX_BYTES, the whole request)",
            "requestBody": UPLOAD_BODY,
            "responses": responses(
                {
                    "201": {
                        "description": "the attachment; Location is its URL",
                        "headers": {"Location": header("Location")},
                        "content": {
                            "application/json": {"schema": {"$ref": "#/components/schemas/Attachment"}}
                        },
                    }
                },
                *(400, 404, 413, 415, 422),
            ),
        }
    )


def list_operation_of(owner):
    """Return the operation of GET /<owner>/<id>/attachments."""
    return list_operation(
        LISTING,
        f"A page of one {owner}'s attachments",
        "Attachment",
        f"list{owner.capitalize()}Attachments",
        "attachments",
    )
