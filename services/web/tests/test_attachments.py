"""Attachments: files on sites, freezers, racks, boxes and containers, stored once under MEDIA_ROOT."""

import hashlib
import io
import os
import threading
import time
from urllib.parse import quote

import pytest
from conftest import query

from project import create_app
from project.config import Config
from project.media import display_name, media_path, sniff

PNG = b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 4
PDF = b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<<>>\nendobj\ntrailer\n<<>>\n%%EOF\n"
OWNERS = [("site", 1), ("freezer", 1), ("rack", 1), ("box", 1), ("container", 1)]


@pytest.fixture
def media(tmp_path):
    """Return an empty MEDIA_ROOT."""
    root = tmp_path / "media"
    root.mkdir()
    return root


@pytest.fixture
def app(database_url, pg_conn, media):
    """Return the app on the test database, its files in `media`."""
    app = create_app(
        {
            "TESTING": True,
            "DATABASE_URL": database_url,
            "ALLOW_ANONYMOUS_WRITES": True,
            "RATELIMIT_ENABLED": False,
            "MEDIA_ROOT": media,
        }
    )
    yield app
    app.extensions["pg_pool"].closeall()


def attach(client, path, data, filename="file.bin", note=None, **kwargs):
    """POST a file as multipart to `path`; return the response."""
    form = {"file": (io.BytesIO(data), filename)}
    if note is not None:
        form["note"] = note
    return client.post(path, data=form, content_type="multipart/form-data", **kwargs)


def stored(media):
    """Return the names of the files under MEDIA_ROOT, temporary ones left out."""
    return sorted(p.name for p in media.glob("??/*"))


# The sniffer, alone.


@pytest.mark.parametrize(
    ("head", "kind"),
    [
        (PDF, "application/pdf"),
        (PNG, "image/png"),
        (b"\xff\xd8\xff\xe0\x00\x10JFIF", "image/jpeg"),
        (b"GIF89a\x01\x00", "image/gif"),
        (b"RIFF\x10\x00\x00\x00WEBPVP8 ", "image/webp"),
        (b"II*\x00\x08\x00\x00\x00", "image/tiff"),
        (b"MM\x00*\x00\x00\x00\x08", "image/tiff"),
        (b"id,name\n1,plasma\n", "text/plain; charset=utf-8"),
    ],
)
def test_the_sniffer_names_each_accepted_type_by_its_first_bytes(head, kind):
    assert sniff(head, is_text=kind.startswith("text/")) == (kind, None)


def test_text_named_csv_is_csv_and_the_name_decides_nothing_else():
    assert sniff(b"a,b\n1,2\n", True, "rows.CSV") == ("text/csv; charset=utf-8", None)
    assert sniff(PNG, False, "rows.csv") == ("image/png", None)


@pytest.mark.parametrize(
    ("head", "what"),
    [
        (b"<!DOCTYPE html><title>x</title>", "HTML, SVG or XML"),
        (b"\xef\xbb\xbf  \n<html>", "HTML, SVG or XML"),
        (b'<svg xmlns="http://www.w3.org/2000/svg"/>', "HTML, SVG or XML"),
        (b"<?xml version='1.0'?><a/>", "HTML, SVG or XML"),
        (b"harmless start\n<script>alert(1)</script>", "HTML, SVG or XML"),
        (b"MZ\x90\x00\x03", "a Windows executable"),
        (b"\x7fELF\x02\x01\x01", "an ELF executable"),
        (b"#!/bin/sh\nrm -rf /\n", "a script"),
        (b"PK\x03\x04\x14\x00", "a ZIP archive"),
    ],
)
def test_the_sniffer_refuses_markup_executables_and_archives(head, what):
    assert sniff(head, is_text=True) == (None, what)


def test_binary_that_is_no_known_type_is_refused():
    assert sniff(b"\x00\x01\x02garbage", is_text=False) == (None, "of a type that is not accepted")


@pytest.mark.parametrize(
    ("raw", "shown"),
    [
        ("../../etc/passwd", "passwd"),
        ("C:\\Users\\ann\\consent form.pdf", "consent form.pdf"),
        ("evil\u202egnp.exe", "evilgnp.exe"),
        ("line\r\nbreak\x00.txt", "linebreak.txt"),
        ("..", "attachment"),
        ("", "attachment"),
        ("x" * 300 + ".pdf", "x" * 251 + ".pdf"),
        ("Probenübersicht 2026.csv", "Probenübersicht 2026.csv"),
    ],
)
def test_filenames_are_kept_for_display_only(raw, shown):
    assert display_name(raw) == shown


# Over HTTP.


@pytest.mark.parametrize(("owner", "owner_id"), OWNERS)
def test_a_file_round_trips_byte_exact_on_every_kind_of_row(client, media, owner, owner_id):
    data = PNG + os.urandom(100_000)
    made = attach(client, f"/{owner}/{owner_id}/attachments", data, "photo.png", note="front")
    assert made.status_code == 201, made.json
    body = made.json
    sha = hashlib.sha256(data).hexdigest()
    assert made.headers["Location"] == body["url"] == f"/attachment/{body['id']}"
    assert {k: body[k] for k in ("filename", "content_type", "size", "sha256", "note", "actor")} == {
        "filename": "photo.png",
        "content_type": "image/png",
        "size": len(data),
        "sha256": sha,
        "note": "front",
        "actor": "anonymous",
    }
    got = client.get(body["url"])
    assert got.status_code == 200
    assert hashlib.sha256(got.data).hexdigest() == sha
    assert got.headers["Content-Type"] == "image/png"
    assert got.headers["Content-Length"] == str(len(data))
    assert got.headers["ETag"] == f'"{sha}"'
    assert got.headers["Content-Disposition"] == "attachment; filename*=UTF-8''photo.png"
    assert got.headers["X-Content-Type-Options"] == "nosniff"
    assert client.get(body["url"], headers={"If-None-Match": f'"{sha}"'}).status_code == 304
    listed = client.get(f"/{owner}/{owner_id}/attachments")
    assert listed.status_code == 200
    assert listed.json == [{**body}]
    assert listed.headers["X-Total-Count"] == "1"
    assert stored(media) == [sha]
    assert not list((media / ".tmp").iterdir())  # no temporary file left


def test_the_same_content_twice_is_stored_once_and_a_delete_keeps_the_other_reference(client, media):
    first = attach(client, "/site/1/attachments", PDF, "a.pdf").json
    second = attach(client, "/box/1/attachments", PDF, "a.pdf").json  # same name too: fine
    assert first["id"] != second["id"] and first["sha256"] == second["sha256"]
    assert stored(media) == [first["sha256"]]
    deleted = client.delete(first["url"])
    assert deleted.status_code == 200 and deleted.json == first
    assert stored(media) == [first["sha256"]]  # the box's still names it
    assert client.get(second["url"]).data == PDF
    assert client.get(first["url"]).status_code == 404
    assert client.delete(second["url"]).status_code == 200
    assert stored(media) == []


def test_lists_page_like_other_lists(client):
    for n in range(3):
        attach(client, "/freezer/1/attachments", f"line {n}\n".encode(), f"n{n}.txt")
    page = client.get("/freezer/1/attachments/1/1")
    assert [row["filename"] for row in page.json] == ["n1.txt"]
    assert page.headers["X-Total-Count"] == "3"
    assert 'rel="next"' in page.headers["Link"]
    assert [r["filename"] for r in client.get("/freezer/1/attachments?order=-id").json] == [
        "n2.txt",
        "n1.txt",
        "n0.txt",
    ]
    assert client.get("/freezer/1/attachments?content_type=image/png").json == []
    assert client.get("/freezer/999/attachments").status_code == 404
    assert client.get("/site/2/attachments").json == []


@pytest.mark.parametrize(
    ("data", "filename"),
    [
        (b"<html><script>alert(document.cookie)</script></html>", "photo.png"),  # disguised HTML
        (b'<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"/>', "logo.svg"),
        (b"MZ\x90\x00" + bytes(200), "report.pdf"),
        (b"\x00\x01\x02\x03", "data.bin"),
    ],
)
def test_refused_content_is_a_415_whatever_its_name_and_nothing_is_stored(client, media, data, filename):
    refused = attach(client, "/site/1/attachments", data, filename)
    assert refused.status_code == 415
    assert refused.json["type"] == "urn:lab-inventory:problem:unsupported-file-type"
    assert "accepted: application/pdf" in refused.json["detail"]
    assert stored(media) == [] and not list((media / ".tmp").iterdir())


def test_a_setting_narrows_the_accepted_types(app, client):
    app.config["ATTACHMENT_TYPES"] = "application/pdf"
    assert attach(client, "/site/1/attachments", PNG, "p.png").status_code == 415
    assert attach(client, "/site/1/attachments", PDF, "p.pdf").status_code == 201


def test_hostile_filenames_are_cleaned_and_served_encoded(client):
    made = attach(client, "/site/1/attachments", b"ok\n", "../../x\u202e\x07 Größe (1);.txt").json
    assert made["filename"] == "x Größe (1);.txt"
    got = client.get(made["url"])
    assert got.headers["Content-Disposition"] == "attachment; filename*=UTF-8''" + quote(
        "x Größe (1);.txt", safe="!#$&+-.^_`|~"
    )
    assert got.headers["Content-Type"] == "text/plain; charset=utf-8"


def test_uploads_over_the_limit_are_413_before_the_body_is_read(app, client, media):
    app.config["ATTACHMENT_MAX_BYTES"] = 1000
    refused = attach(client, "/site/1/attachments", PNG + bytes(2000), "big.png")
    assert refused.status_code == 413
    assert refused.json["status"] == 413
    assert stored(media) == []


def test_a_chunked_upload_over_the_limit_is_413_too(app, live_url, media):
    import http.client

    app.config["ATTACHMENT_MAX_BYTES"] = 10_000
    boundary = "b0undary"
    head = (
        f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="x.png"\r\n'
        "Content-Type: image/png\r\n\r\n"
    ).encode()
    body = head + PNG + bytes(50_000) + f"\r\n--{boundary}--\r\n".encode()
    host, port = live_url.removeprefix("http://").split(":")
    conn = http.client.HTTPConnection(host, int(port), timeout=10)
    conn.putrequest("POST", "/site/1/attachments")
    conn.putheader("Content-Type", f"multipart/form-data; boundary={boundary}")
    conn.putheader("Transfer-Encoding", "chunked")
    conn.endheaders()
    try:
        for start in range(0, len(body), 4096):
            chunk = body[start : start + 4096]
            conn.send(f"{len(chunk):x}\r\n".encode() + chunk + b"\r\n")
        conn.send(b"0\r\n\r\n")
    except (BrokenPipeError, ConnectionResetError):
        pass
    assert conn.getresponse().status == 413
    conn.close()
    assert stored(media) == []


@pytest.mark.parametrize(
    ("form", "field"),
    [
        ({"note": "no file"}, "file"),
        ({"file": (io.BytesIO(PDF), "a.pdf"), "other": "x"}, "other"),
        ({"file": (io.BytesIO(b""), "empty.txt")}, "file"),
        ({"file": (io.BytesIO(PDF), "a.pdf"), "note": "bell \x07"}, "note"),
        ({"file": (io.BytesIO(PDF), "a.pdf"), "note": (io.BytesIO(PDF * 1000), "note.pdf")}, "note"),
    ],
)
def test_bad_forms_are_400_naming_the_part_and_leave_no_file(client, media, form, field):
    refused = client.post("/site/1/attachments", data=form, content_type="multipart/form-data")
    assert refused.status_code == 400
    assert field in refused.json["errors"]
    assert stored(media) == [] and list((media / ".tmp").iterdir()) == []


def test_a_json_body_is_415_a_multipart_without_boundary_400_and_a_missing_owner_404(client):
    assert client.post("/site/1/attachments", json={"file": "x"}).status_code == 415
    unbounded = client.post("/site/1/attachments", data=b"--x\r\n", content_type="multipart/form-data")
    assert unbounded.status_code == 400
    assert unbounded.json["detail"] == "the Content-Type multipart/form-data needs its boundary parameter"
    assert attach(client, "/box/999/attachments", PDF).status_code == 404
    assert client.get("/attachment/999").status_code == 404
    assert client.delete("/attachment/999").status_code == 404


def test_a_row_with_attachments_is_not_deleted_while_they_are_there(client):
    assert attach(client, "/container/3/attachments", PDF).status_code == 201
    refused = client.delete("/container/3")
    assert refused.status_code == 409
    assert refused.json["detail"] == "container 3 still has attachments; delete or move them first"


def test_each_attach_and_delete_is_in_history_with_its_actor(client, pg_conn):
    made = attach(client, "/rack/1/attachments", PDF, "cert.pdf").json
    client.delete(made["url"])
    rows = query(
        pg_conn,
        "SELECT operation, actor, coalesce(new_row, old_row) ->> 'rack_id' FROM history"
        " WHERE table_name = 'attachment' AND row_id = %s ORDER BY id",
        (made["id"],),
    )
    assert rows == [("INSERT", "anonymous", "1"), ("DELETE", "anonymous", "1")]


@pytest.fixture
def editors(client, pg_conn):
    """Return tokens of an editor of lab 1 and of an editor of another lab only."""
    from project import accounts

    tokens = {}
    (other_lab,) = query(pg_conn, "INSERT INTO lab (name) VALUES ('Other Lab') RETURNING id")[0]
    for name, lab in (("ann", 1), ("bob", other_lab)):
        (user_id,) = query(
            pg_conn,
            "INSERT INTO app_user (username, password_hash, role) VALUES (%s, %s, 'editor') RETURNING id",
            (name, accounts.hash_password("pw-long-enough")),
        )[0]
        query(pg_conn, "INSERT INTO lab_member (user_id, lab_id) VALUES (%s, %s)", (user_id, lab))
        token = accounts.new_token()
        query(
            pg_conn,
            "INSERT INTO api_token (user_id, token_hash, name) VALUES (%s, %s, 't')",
            (user_id, accounts.digest(token)),
        )
        tokens[name] = {"Authorization": f"Bearer {token}"}
    return tokens


def test_an_editor_of_another_lab_may_neither_attach_nor_delete(app, client, editors, media):
    app.config["ALLOW_ANONYMOUS_WRITES"] = False
    assert attach(client, "/site/1/attachments", PDF).status_code == 401
    refused = attach(client, "/box/1/attachments", PDF, headers=editors["bob"])
    assert refused.status_code == 403
    assert stored(media) == []  # the file placed for the refused row is gone again
    made = attach(client, "/box/1/attachments", PDF, headers=editors["ann"])
    assert made.status_code == 201
    assert made.json["actor"] == "ann"
    assert client.delete(made.json["url"], headers=editors["bob"]).status_code == 403
    assert stored(media) == [made.json["sha256"]]
    assert client.get(made.json["url"]).data == PDF  # whoever may read the row
    assert client.delete(made.json["url"], headers=editors["ann"]).status_code == 200


def test_production_answers_x_accel_redirect_and_no_body(app, client, media):
    app.config["MEDIA_ACCEL_REDIRECT"] = True
    made = attach(client, "/site/1/attachments", PDF, "m.pdf").json
    got = client.get(made["url"])
    assert got.status_code == 200
    assert got.data == b""
    sha = made["sha256"]
    assert got.headers["X-Accel-Redirect"] == f"/.media/{sha[:2]}/{sha}"
    assert got.headers["Content-Type"] == "application/pdf"
    assert got.headers["ETag"] == f'"{sha}"'


def test_a_delete_racing_an_upload_of_the_same_content_never_loses_the_file(app, media):
    """Uploads and deletes of one content in threads: every row left has its file."""
    data = PDF + b"race"
    errors = []

    def work(n):
        client = app.test_client()
        try:
            for _ in range(n):
                made = attach(client, "/site/1/attachments", data, "r.pdf")
                assert made.status_code == 201, made.json
                assert client.delete(made.json["url"]).status_code == 200
        except AssertionError as e:  # pragma: no cover (reported below)
            errors.append(e)

    keeper = attach(app.test_client(), "/freezer/1/attachments", PDF + b"other", "k.pdf")
    assert keeper.status_code == 201
    threads = [threading.Thread(target=work, args=(15,)) for _ in range(4)]
    survivor = threading.Thread(
        target=lambda: errors.extend(
            []
            if attach(app.test_client(), "/box/1/attachments", data, "s.pdf").status_code == 201
            else ["no"]
        )
    )
    for thread in (*threads, survivor):
        thread.start()
    for thread in (*threads, survivor):
        thread.join(60)
    assert errors == []
    sha = hashlib.sha256(data).hexdigest()
    assert media_path(media, sha).read_bytes() == data  # the box's attachment still has its file


def test_media_check_finds_and_repairs_a_planted_orphan_and_a_missing_file(app, client, media, pg_conn):
    kept = attach(client, "/site/1/attachments", PDF).json
    lost = attach(client, "/site/1/attachments", PNG).json
    media_path(media, lost["sha256"]).unlink()
    orphan = hashlib.sha256(b"orphan").hexdigest()
    media_path(media, orphan).parent.mkdir(exist_ok=True)
    media_path(media, orphan).write_bytes(b"orphan")
    stale = media / ".tmp" / "upload-stale"
    stale.write_bytes(b"half")
    os.utime(stale, (time.time() - 7200,) * 2)
    runner = app.test_cli_runner()
    found = runner.invoke(args=["media", "check"])
    assert found.exit_code == 1
    assert f"missing file {lost['sha256']}, named by attachments {lost['id']}" in found.output
    assert f"file without attachment: {media_path(media, orphan)}" in found.output
    assert "unfinished upload" in found.output
    repaired = runner.invoke(args=["media", "check", "--repair"])
    assert repaired.exit_code == 0, repaired.output
    assert runner.invoke(args=["media", "check"]).exit_code == 0
    assert stored(media) == [kept["sha256"]]
    assert client.get(lost["url"]).status_code == 404
    assert client.get(kept["url"]).data == PDF


def test_defaults():
    assert Config.ATTACHMENT_MAX_BYTES == 25 * 1024 * 1024
    assert Config.MEDIA_ACCEL_REDIRECT is False
