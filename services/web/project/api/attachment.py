"""/attachment routes, and what /<R>/<id>/attachments share: upload, list, download, delete.

A file's bytes live under MEDIA_ROOT as <sha256[:2]>/<sha256>, written to a temporary name,
synced and renamed before the row naming them commits; the same content is stored once, and
removed when the last row naming it is deleted. The advisory lock on the sha256
(database/attachment.sql) keeps an upload and a delete of the same content from crossing. The
type comes from the content (`sniff`), never from the client's name or header. In production
(MEDIA_ACCEL_REDIRECT) nginx sends the bytes: the app answers the headers and X-Accel-Redirect.
"""

import codecs
import contextlib
import hashlib
import os
import re
import tempfile
import time
import unicodedata
from pathlib import Path
from urllib.parse import quote

import click
from flask import Blueprint, Response, abort, current_app, jsonify, request, send_file
from flask.cli import AppGroup
from werkzeug.formparser import FormDataParser

from ..database.queries import load
from ..db import get_cursor, get_db, transaction
from . import history
from .errors import ApiError, validation_error
from .listing import Listing, list_response, orders
from .openapi import documented, list_operation
from .openapi_objects import ANYONE, ID, header, responses, writes
from .responses import missing, not_modified
from .validation import body_schema, check, text

db = load("attachment")
bp = Blueprint("attachment", __name__)
# flask media check, added to the app by api/__init__.py
media_cli = AppGroup("media", help="Check the attachments' files under MEDIA_ROOT.")

OWNERS = ("site", "freezer", "rack", "box", "container")
ACCEL_PREFIX = "/.media/"  # nginx.conf's internal location over MEDIA_ROOT
TEMPORARY = ".tmp"  # uploads being written, under MEDIA_ROOT (the same file system: rename is atomic)
SHA256 = re.compile("[0-9a-f]{64}")
MAX_NAME = 255
NOTE = body_schema({"note": text(2000)})

# What the content starts with -> its type; a text is told by the whole file (`sniff`).
MAGIC = (
    (b"%PDF-", "application/pdf"),
    (b"\x89PNG\r\n\x1a\n", "image/png"),
    (b"\xff\xd8\xff", "image/jpeg"),
    (b"GIF87a", "image/gif"),
    (b"GIF89a", "image/gif"),
    (b"II*\x00", "image/tiff"),
    (b"MM\x00*", "image/tiff"),
)
KNOWN = ("application/pdf", "image/png", "image/jpeg", "image/gif", "image/webp", "image/tiff")
KNOWN += ("text/plain", "text/csv")
REFUSED = (  # what some refused content starts with -> what to call it
    (b"MZ", "a Windows executable"),
    (b"\x7fELF", "an ELF executable"),
    (b"\xcf\xfa\xed\xfe", "a Mach-O executable"),
    (b"\xce\xfa\xed\xfe", "a Mach-O executable"),
    (b"\xca\xfe\xba\xbe", "a Mach-O or Java executable"),
    (b"PK\x03\x04", "a ZIP archive"),
    (b"#!", "a script"),
)
# Text: UTF-8 without control characters but tab, line feed, form feed and carriage return.
NOT_TEXT = re.compile("[\x00-\x08\x0b\x0e-\x1f\x7f]")
# Markup a browser would render (HTML, SVG, XML): starting with "<", or naming one of these
# where browsers sniff (the first 1024 bytes).
MARKUP = re.compile(rb"<(!doctype|html|head|body|script|svg|iframe|object|embed|\?xml)\b", re.IGNORECASE)
UNSAFE_IN_NAME = re.compile("[\x00-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069\ud800-\udfff]")

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


def sniff(head, is_text, filename=""):  # noqa: PLR0911 (one answer per kind of content)
    """Return (content type, None) of a file from its first bytes, or (None, what it is) if refused.

    `is_text` tells whether the whole file is UTF-8 text (`examine`); `filename` only tells CSV
    from plain text, both text. Markup (HTML, SVG, XML), executables and scripts are refused.
    """
    for magic, kind in MAGIC:
        if head.startswith(magic):
            return kind, None
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return "image/webp", None
    for magic, what in REFUSED:
        if head.startswith(magic):
            return None, what
    if not head:
        return None, "empty"
    if not is_text:
        return None, "of a type that is not accepted"
    start = head.removeprefix(codecs.BOM_UTF8).lstrip()
    if start.startswith(b"<") or MARKUP.search(head[:1024]):
        return None, "HTML, SVG or XML"
    csv = filename.lower().endswith(".csv")
    return ("text/csv" if csv else "text/plain") + "; charset=utf-8", None


def examine(file, filename):
    """Return (sha256, size, content type or None, what it is) of an open file, read once."""
    digest, size, head = hashlib.sha256(), 0, b""
    decoder, is_text = codecs.getincrementaldecoder("utf-8")(), True
    file.seek(0)
    while chunk := file.read(1 << 20):
        head = head or chunk[:4096]
        digest.update(chunk)
        size += len(chunk)
        if is_text:
            try:
                is_text = not NOT_TEXT.search(decoder.decode(chunk))
            except UnicodeDecodeError:
                is_text = False
    if is_text:
        try:
            decoder.decode(b"", final=True)
        except UnicodeDecodeError:
            is_text = False
    kind, what = sniff(head, is_text, filename)
    return digest.hexdigest(), size, kind, what


def display_name(raw):
    """Return a filename fit to show: no path, no control or bidi characters, at most 255 characters."""
    name = unicodedata.normalize("NFC", raw or "")
    name = re.split(r"[/\\]", name)[-1]
    name = UNSAFE_IN_NAME.sub("", name).strip().strip(".").strip()
    if len(name) > MAX_NAME:
        _, dot, extension = name.rpartition(".")
        keep = dot + extension if dot and 0 < len(extension) <= 16 else ""
        name = name[: MAX_NAME - len(keep)].rstrip() + keep
    return name or "attachment"


def disposition(filename):
    """Return Content-Disposition: attachment, the name in UTF-8 (RFC 6266, RFC 8187)."""
    return "attachment; filename*=UTF-8''" + quote(filename, safe="!#$&+-.^_`|~")


def media_root():
    """Return MEDIA_ROOT as a Path."""
    return Path(current_app.config["MEDIA_ROOT"])


def media_path(root, sha256):
    """Return where the file with this sha256 lives under `root`."""
    return Path(root) / sha256[:2] / sha256


def sync_directory(path):
    """Make a rename or unlink in directory `path` durable."""
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def place(temporary, final):
    """Move a synced temporary file to `final`, unless it is there already (the same bytes); tell which."""
    if final.exists():
        return False
    final.parent.mkdir(mode=0o755, exist_ok=True)
    os.chmod(temporary, 0o644)  # nginx's workers read it
    os.replace(temporary, final)
    sync_directory(final.parent)
    return True


def remove_file(final):
    """Remove a stored file, durably."""
    with contextlib.suppress(FileNotFoundError):
        final.unlink()
        sync_directory(final.parent)


@contextlib.contextmanager
def locked(sha256):
    """Hold the lock on file `sha256` for the block (a session lock: across the block's commits)."""
    db.lock(get_cursor(), sha256=sha256)
    try:
        yield
    finally:
        db.unlock(get_cursor(), sha256=sha256)


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
    try:
        _, form, files = parser.parse(
            request.stream, request.mimetype, request.content_length, request.mimetype_params
        )
        unknown = [name for name in (*form, *files) if name not in ("file", "note")]
        if unknown:
            raise validation_error({name: "is not a known part" for name in unknown})
        if len(files.getlist("file")) != 1 or "file" in form:
            raise validation_error({"file": "is required, once, as a file part (with a filename)"})
        if len(form.getlist("note")) > 1:
            raise validation_error({"note": "must be sent once"})
        note = check(NOTE, {"note": form.get("note") or None})["note"]
        upload = files["file"]
        upload.stream.flush()
        os.fsync(upload.stream.fileno())
        return Path(upload.stream.name), upload.filename, note
    except BaseException:
        for file in opened:
            Path(file.name).unlink(missing_ok=True)
        raise
    finally:
        for file in opened:
            file.close()


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
        with locked(sha256):
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
    with locked(row["sha256"]):
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


def check_media(cur, root, repair, say):
    """Compare the attachments' rows with MEDIA_ROOT; `repair` fixes both; return the problems left.

    A row whose file is missing is deleted (with --repair; its history keeps it); a file no row
    names is removed; a temporary file over an hour old is removed. Each under the file's lock.
    """
    root = Path(root)
    named = {row["sha256"]: row["ids"] for row in db.files(cur)}
    stored = {p.name for p in root.glob("??/*") if SHA256.fullmatch(p.name) and p.parent.name == p.name[:2]}
    problems = 0
    for sha256 in sorted(named.keys() - stored):
        ids = ", ".join(map(str, named[sha256]))
        if repair:
            with locked(sha256):
                if not media_path(root, sha256).exists():
                    db.delete_naming(cur, sha256=sha256)
                    say(f"deleted attachments {ids}: their file {sha256} is missing")
        else:
            problems += 1
            say(f"missing file {sha256}, named by attachments {ids}")
    for sha256 in sorted(stored - named.keys()):
        if repair:
            with locked(sha256):
                if not db.named(cur, sha256=sha256):
                    remove_file(media_path(root, sha256))
                    say(f"removed {sha256}: no attachment names it")
        else:
            problems += 1
            say(f"file without attachment: {media_path(root, sha256)}")
    for path in sorted((root / TEMPORARY).glob("*")):
        if time.time() - path.stat().st_mtime > 3600:
            if repair:
                path.unlink(missing_ok=True)
                say(f"removed {path}: an upload that never finished")
            else:
                problems += 1
                say(f"unfinished upload: {path}")
    say(f"{len(named)} files named by attachments, {len(stored)} stored, {problems} problems")
    return problems


@media_cli.command("check")
@click.option("--repair", is_flag=True, help="Delete rows without files, remove files without rows.")
def media_check_command(repair):
    """Report attachments whose file is missing and files no attachment names (--repair: fix them)."""
    problems = check_media(get_db().cursor(), current_app.config["MEDIA_ROOT"], repair, click.echo)
    if problems:
        raise SystemExit(1)
