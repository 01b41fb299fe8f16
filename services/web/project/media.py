"""The attachments' files under MEDIA_ROOT: what they are, where they live, stored and removed durably.

A file lives at <sha256[:2]>/<sha256>: written to a temporary name under .tmp/ (the same file
system), synced and renamed into place before the row naming it commits; the same content is
stored once, and removed when the last row naming it is deleted. A session advisory lock on the
sha256 (database/attachment.sql) keeps an upload and a delete of the same content from crossing.
The type comes from the content (`sniff`), never from the client's name or header.
"""

import codecs
import contextlib
import hashlib
import os
import re
import time
import unicodedata
from pathlib import Path

from .database.queries import load

db = load("attachment")

TEMPORARY = ".tmp"  # uploads being written
SHA256 = re.compile("[0-9a-f]{64}")
MAX_NAME = 255

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
def locked(cur, sha256):
    """Hold the lock on file `sha256` for the block (a session lock: across the block's commits)."""
    db.lock(cur, sha256=sha256)
    try:
        yield
    finally:
        db.unlock(cur, sha256=sha256)


def check(cur, root, repair, say):
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
            with locked(cur, sha256):
                if not media_path(root, sha256).exists():
                    db.delete_naming(cur, sha256=sha256)
                    say(f"deleted attachments {ids}: their file {sha256} is missing")
        else:
            problems += 1
            say(f"missing file {sha256}, named by attachments {ids}")
    for sha256 in sorted(stored - named.keys()):
        if repair:
            with locked(cur, sha256):
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
