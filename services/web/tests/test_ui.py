"""The web UI at /ui/, in a real browser: Playwright for Python driving Debian's Chromium.

The app runs as in production (every write needs a token) on the test
database; each test signs in through the page, as a person would, and finds
what it clicks by role and accessible name, the UI's contract (issue 13).
"""

import contextlib
import datetime
import hashlib
import http.client
import os
import re
import shutil
import time
from pathlib import Path

import pytest
import requests
import topology_servers as servers
from conftest import query, serving
from flask import Flask
from test_storage import place_path

from devtools.devserver import EventsProxy
from project import create_app, ui

CHROMIUM = Path("/usr/bin/chromium")
DOCS = Path(__file__).resolve().parents[3] / "docs"
ADMIN = {"Authorization": "Bearer labinv-demo-admin-token"}
FIRST_LIST_MS = 300
TRIES = 10  # at most, each in a new browser context
OWN_FILES_BYTES = 100_000


def screenshot(target, name):
    """Take a screenshot; save it over docs/`name` only when UPDATE_SCREENSHOTS=1 asks for it."""
    if os.environ.get("UPDATE_SCREENSHOTS") == "1":
        target.screenshot(path=DOCS / name)
    else:
        target.screenshot()


def content_hash(directory):
    """Return the SHA-256 of what `sha256sum *` prints in `directory` (but for index.html), 10 digits."""
    listing = "".join(
        f"{hashlib.sha256(path.read_bytes()).hexdigest()}  {path.name}\n"
        for path in sorted(directory.iterdir())
        if path.name != "index.html"
    )
    return hashlib.sha256(listing.encode()).hexdigest()[:10]


def test_the_ui_source_keeps_stable_names_and_index_html_names_modules_beside_it():
    assert not [path for path in ui.ROOT.iterdir() if path.is_dir()]
    named = re.findall(r'(?:src|href)="([^":]+)"', (ui.ROOT / "index.html").read_text())
    assert "app.js" in named
    assert all((ui.ROOT / name).is_file() for name in named)


def test_the_version_is_the_hash_of_the_modules_and_changes_with_them(tmp_path):
    assert ui.version() == content_hash(ui.ROOT)
    source = tmp_path / "source"
    shutil.copytree(ui.ROOT, source)
    with (source / "app.js").open("a") as app:
        app.write("// changed\n")
    assert ui.version(source) == content_hash(source) != ui.version()


def test_publishing_lays_out_the_ui_as_nginx_serves_it(tmp_path):
    current = ui.publish(ui.ROOT, tmp_path)
    assert current == ui.version()
    assert sorted(path.name for path in tmp_path.iterdir()) == [current, "index.html"]
    assert sorted(path.name for path in (tmp_path / current).iterdir()) == [
        path.name for path in ui.modules()
    ]
    page = (tmp_path / "index.html").read_text()
    assert f'<script type="module" src="{current}/app.js"></script>' in page
    assert f'href="{current}/style.css"' in page and 'href="data:,"' in page


def test_our_own_javascript_and_css_are_small():
    size = sum(path.stat().st_size for path in ui.modules() if path.suffix in (".js", ".css"))
    print(f"\nthe UI's own JS+CSS: {size} bytes ({size / 1000:.1f} KB) uncompressed")
    assert size < OWN_FILES_BYTES


def test_the_app_serves_the_ui_with_cache_headers_and_its_policy(client):
    assert client.get("/ui").status_code == 308
    assert client.get("/ui").headers["Location"].endswith("/ui/")
    page = client.get("/ui/")
    assert page.status_code == 200
    assert page.headers["Cache-Control"] == "no-cache"
    assert f'src="{ui.version()}/app.js"' in page.text
    assert client.get("/ui/", headers={"If-None-Match": page.headers["ETag"]}).status_code == 304
    policy = dict(
        (name, sources)
        for name, *sources in (part.split() for part in page.headers["Content-Security-Policy"].split(";"))
    )
    assert "'unsafe-inline'" not in page.headers["Content-Security-Policy"]
    assert policy["default-src"] == ["'none'"]  # what no directive allows, nothing may load
    for directive in ("script-src", "style-src", "connect-src"):
        assert policy[directive] == ["'self'"]
    assert policy["frame-ancestors"] == policy["base-uri"] == policy["form-action"] == ["'none'"]
    module = client.get(f"/ui/{ui.version()}/app.js")
    assert module.status_code == 200
    assert module.headers["Cache-Control"] == "public, max-age=31536000, immutable"
    assert module.mimetype == "text/javascript"
    for missing in ("nothing.js", "app.js", "0123456789/app.js", f"{ui.version()}/nothing.js"):
        assert client.get(f"/ui/{missing}").status_code == 404, missing


def test_the_development_server_sends_one_date_header(live_url):
    for path in ("/ui/", f"/ui/{ui.version()}/app.js"):
        host, port = live_url.removeprefix("http://").split(":")
        connection = http.client.HTTPConnection(host, int(port), timeout=5)
        connection.request("GET", path)
        reply = connection.getresponse()
        assert reply.status == 200
        assert len([name for name, _ in reply.getheaders() if name.lower() == "date"]) == 1, path
        connection.close()


def test_the_production_app_leaves_the_ui_to_nginx():
    app = Flask(__name__)
    app.config["APP_ENV"] = "production"
    served = app.wsgi_app
    ui.init_app(app)
    assert app.wsgi_app == served  # not wrapped


def test_the_ui_is_no_api_route(app, client):
    assert not [rule for rule in app.url_map.iter_rules() if rule.rule.startswith("/ui")]
    assert not [path for path in client.get("/openapi.json").json["paths"] if path.startswith("/ui")]


@pytest.fixture(scope="module")
def browser():
    """Start Chromium once for the module."""
    if not CHROMIUM.exists():
        pytest.skip(f"{CHROMIUM} is missing (./scripts/test installs chromium with apt-get when run as root)")
    sync_api = pytest.importorskip("playwright.sync_api")
    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=str(CHROMIUM),
            args=[
                *("--no-sandbox", "--disable-gpu", "--disable-background-networking"),
                *("--disable-component-update", "--disable-sync", "--no-first-run"),
            ],
        )
        yield browser
        browser.close()


@contextlib.contextmanager
def served(database_url, events_port=None, **settings):
    """Serve an app as in production (writes need a token), with `settings`, over HTTP; yield its URL.

    With `events_port`, /events goes to the events process there, as nginx and ./scripts/server send it.
    """
    app = create_app({"TESTING": True, "DATABASE_URL": database_url, "RATELIMIT_ENABLED": False, **settings})
    if events_port:
        app.wsgi_app = EventsProxy(app.wsgi_app, events_port)
    try:
        with serving(app) as url:
            yield url
    finally:
        app.extensions["pg_pool"].closeall()


@pytest.fixture
def secure_url(database_url, pg_conn):
    """Return the base URL of the app as in production, served over HTTP."""
    with served(database_url) as url:
        yield url


@contextlib.contextmanager
def opened(browser, url):
    """Yield a new page (its own sessionStorage) of a 1000x700 window; `page.ui` is the UI's URL.

    `page.errors` holds what the console logged as errors; none may be a refusal by the
    Content Security Policy.
    """
    context = browser.new_context(viewport={"width": 1000, "height": 700})
    try:
        page = context.new_page()
        page.set_default_timeout(5000)
        page.ui = f"{url}/ui/"
        page.errors = []
        page.on("console", lambda message: message.type == "error" and page.errors.append(message.text))
        yield page
        assert not [error for error in page.errors if "Content Security Policy" in error]
    finally:
        context.close()


@pytest.fixture
def page(browser, secure_url):
    """Return a new page of the UI served by the app as in production."""
    with opened(browser, secure_url) as page:
        yield page


def sign_in(page, username, password=None):
    """Sign in as a demo user through the sign-in form (with another `password`: try to)."""
    page.goto(page.ui + "#/signin")
    page.get_by_label("Username", exact=True).fill(username)
    page.get_by_label("Password", exact=True).fill(password or f"demo-{username}-password")
    page.get_by_role("button", name="Sign in").click()
    if password is None:
        page.get_by_role("button", name="Sign out").wait_for()


def session(page):
    """Return the UI's session (id, token, username, role) from sessionStorage, or None."""
    return page.evaluate("JSON.parse(sessionStorage.getItem('labinv.session'))")


def expect(locator):
    """Return Playwright's assertions on `locator` (imported late: the module may be missing)."""
    from playwright.sync_api import expect as playwright_expect

    return playwright_expect(locator)


def expect_names(page, expected):
    """Wait until the list shows these sites, by name (its second column), in this order."""
    expect(page.locator("tbody tr td:nth-child(2)")).to_have_text(expected)


def test_sign_in_then_sign_out_revokes_the_token(page, secure_url, pg_conn):
    page.goto(page.ui.removesuffix("/"))  # /ui redirects to /ui/, which shows the labs
    expect(page.get_by_role("link", name="Sign in")).to_be_visible()
    sign_in(page, "editor")
    expect(page.get_by_text("editor (editor)")).to_be_visible()
    mine = {"Authorization": f"Bearer {session(page)['token']}"}
    assert requests.get(f"{secure_url}/site/1", headers=mine, timeout=5).status_code == 200
    (expires,) = query(
        pg_conn, "SELECT expires_at - created_at FROM api_token WHERE id = %s", (session(page)["id"],)
    )[0]
    assert expires == datetime.timedelta(days=1)
    page.get_by_role("button", name="Sign out").click()
    expect(page.get_by_role("link", name="Sign in")).to_be_visible()
    assert session(page) is None
    assert requests.get(f"{secure_url}/site/1", headers=mine, timeout=5).status_code == 401


def test_a_token_revoked_elsewhere_signs_the_page_out(page, secure_url):
    sign_in(page, "editor")
    signed_in = session(page)
    revoked = requests.delete(
        f"{secure_url}/auth/tokens/{signed_in['id']}",
        headers={"Authorization": f"Bearer {signed_in['token']}"},
        timeout=5,
    )
    assert revoked.status_code == 200
    page.goto(page.ui + "#/site/1")
    expect(page.get_by_role("alert")).to_contain_text("the token is not valid")
    expect(page.get_by_role("link", name="Sign in")).to_be_visible()
    expect(page.get_by_role("button", name="Sign out")).to_have_count(0)
    for name in ("Save", "Delete"):
        expect(page.get_by_role("button", name=name, exact=True)).to_have_count(0)
    assert session(page) is None


def test_a_wrong_password_is_an_alert(page):
    sign_in(page, "editor", "guess")
    expect(page.get_by_role("alert")).to_contain_text("wrong username or password")


@pytest.fixture
def benches(pg_conn):
    """Sites 4 to 10, Bench 01 to Bench 07: ten sites in all."""
    query(
        pg_conn,
        "INSERT INTO site (name) SELECT format('Bench %s', to_char(n, 'FM00')) FROM generate_series(1, 7) n",
    )


def first_list_ms(browser, url):
    """Open the sites in a new context (nothing cached); return when the list was rendered, in ms from navigation."""
    with opened(browser, url) as page:
        page.goto(page.ui + "#/sites")
        expect(page.locator("tbody tr").first).to_be_visible()
        return page.evaluate("performance.getEntriesByName('list-rendered')[0].startTime")


def test_the_first_list_renders_within_300_ms_of_navigation(browser, secure_url):
    assert requests.get(f"{secure_url}/readyz", timeout=5).ok  # a running server: its pool connected
    times = []
    while len(times) < TRIES and min(times, default=FIRST_LIST_MS) >= FIRST_LIST_MS:
        times.append(first_list_ms(browser, secure_url))
    print(
        f"\nfirst list rendered in {min(times):.0f} ms from navigation (tries: {[round(t) for t in times]})"
    )
    assert min(times) < FIRST_LIST_MS  # on one try at least: the UI's time, not a busy machine's


GRID_MS = 200


def test_a_box_of_384_positions_is_drawn_within_200_ms_of_navigation(page, pg_conn):
    query(
        pg_conn,
        """
        INSERT INTO box (id, freezer_id, name, rows, cols) VALUES (50, 1, 'Plate', 16, 24);
        INSERT INTO container (freezer_id, box_id, position, barcode, sample_type, quantity, unit)
        SELECT 1, 50, chr(64 + r) || c, format('P-%s%s', chr(64 + r), c), 'serum', 20, 'uL'
          FROM generate_series(1, 16) AS r, generate_series(1, 24) AS c;
        """,
    )
    page.goto(page.ui + "#/labs")
    expect(page.get_by_role("heading", level=1)).to_have_text("Labs")
    times = []
    for _ in range(5):  # the box from a list, by its link: the grid's request, then 384 buttons drawn
        page.goto(page.ui + "#/labs")
        expect(page.get_by_role("heading", level=1)).to_have_text("Labs")
        started = page.evaluate("performance.now()")
        page.evaluate("location.hash = '#/box/50'")
        expect(page.get_by_role("button", name="P24 P-P24", exact=True)).to_be_visible()
        drawn = page.evaluate(
            f"performance.getEntriesByName('grid-drawn').find((e) => e.startTime > {started})"
        )
        times.append(drawn["startTime"] - started)
    print(f"\na 384-position box drawn in {min(times):.0f} ms (tries: {[round(t) for t in times]})")
    assert min(times) < GRID_MS


def test_a_list_searches_sorts_and_pages(page, benches):
    page.goto(page.ui + "#/sites")
    expect(page.get_by_text("Total: 10")).to_be_visible()

    page.get_by_label("Search", exact=True).fill("bench 0")
    page.get_by_label("Search", exact=True).press("Enter")
    expect(page.get_by_text("Total: 7")).to_be_visible()
    page.get_by_role("button", name="Name", exact=True).click()
    expect(page.locator("th[aria-sort=ascending]")).to_have_text("Name ▲")
    page.get_by_role("button", name="Name", exact=True).click()
    expect(page.locator("th[aria-sort=descending]")).to_have_text("Name ▼")
    assert "q=bench+0" in page.url and "order=-name" in page.url
    expect_names(page, [f"Bench 0{n}" for n in range(7, 0, -1)])

    page.goto(page.ui + "#/sites?order=name&limit=3")
    expect_names(page, ["Bench 01", "Bench 02", "Bench 03"])
    expect(page.get_by_role("button", name="Previous page")).to_be_disabled()
    page.get_by_role("button", name="Next page").click()
    expect_names(page, ["Bench 04", "Bench 05", "Bench 06"])
    page.get_by_role("button", name="Next page").click()
    expect_names(page, ["Bench 07", "Site 1", "Site 2"])
    page.get_by_role("button", name="Next page").click()
    expect_names(page, ["Site 3"])
    expect(page.get_by_role("button", name="Next page")).to_be_disabled()
    page.get_by_role("button", name="Previous page").click()
    expect_names(page, ["Bench 07", "Site 1", "Site 2"])
    page.get_by_role("button", name="Previous page").click()
    expect_names(page, ["Bench 04", "Bench 05", "Bench 06"])
    expect(page.get_by_text("Total: 10")).to_be_visible()
    sign_in(page, "editor")
    page.goto(page.ui + "#/sites?order=name&limit=5")
    expect(page.locator("tbody tr")).to_have_count(5)
    screenshot(page, "ui-list.png")


def test_when_reads_need_a_token_a_list_says_so_until_signed_in(browser, database_url, pg_conn):
    with served(database_url, READS_REQUIRE_AUTH=True) as url, opened(browser, url) as page:
        page.goto(page.ui + "#/sites")
        expect(page.get_by_role("alert")).to_contain_text("reading needs a token")
        sign_in(page, "reader")
        page.get_by_role("link", name="Sites").click()
        expect(page.locator("tbody tr")).to_have_count(3)


def test_a_search_of_two_letters_finds_what_holds_them(page):
    page.goto(page.ui + "#/sites?q=MI")
    expect(page.get_by_role("table")).to_contain_text("Site 1")  # state_or_region MI
    expect(page.get_by_role("alert")).to_have_count(0)


def test_saving_over_a_concurrent_change_is_refused_with_a_reload(page, secure_url, pg_conn):
    sign_in(page, "editor")
    page.goto(page.ui + "#/site/1")
    contact = page.get_by_label("Contact", exact=True)
    expect(contact).to_have_value("John Smith")
    contact.fill("Ada Lovelace")
    meanwhile = requests.patch(
        f"{secure_url}/site/1", json={"contact": "Grace Hopper"}, headers=ADMIN, timeout=5
    )
    assert meanwhile.status_code == 200
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_role("alert")).to_contain_text("changed by someone else")
    assert query(pg_conn, "SELECT contact FROM site WHERE id = 1") == [("Grace Hopper",)]
    page.get_by_role("button", name="Reload").click()
    expect(contact).to_have_value("Grace Hopper")
    contact.fill("Ada Lovelace")
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_role("status")).to_have_text("Saved site 1.")
    assert query(pg_conn, "SELECT contact FROM site WHERE id = 1") == [("Ada Lovelace",)]
    expect(page.get_by_role("region", name="History")).to_contain_text("contact: Grace Hopper → Ada Lovelace")


def test_create_then_delete_and_a_refused_delete(page, pg_conn):
    sign_in(page, "admin")
    page.goto(page.ui + "#/labs")
    page.get_by_role("link", name="New lab").click()
    page.get_by_label("Name", exact=True).fill("Boston Lab")
    page.get_by_role("button", name="Create").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("lab 2: Boston Lab")
    assert query(pg_conn, "SELECT name FROM lab WHERE id = 2") == [("Boston Lab",)]
    page.get_by_role("button", name="Delete").click()
    page.get_by_role("dialog").get_by_role("button", name="Delete").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Labs")
    assert query(pg_conn, "SELECT count(*) FROM lab WHERE id = 2") == [(0,)]

    page.goto(page.ui + "#/lab/1")
    page.get_by_role("button", name="Delete").click()
    page.get_by_role("dialog").get_by_role("button", name="Delete").click()
    expect(page.get_by_role("alert")).to_have_text("lab 1 still has sites; delete or move them first")
    expect(page.get_by_role("button", name="Reload")).to_have_count(0)
    assert query(pg_conn, "SELECT count(*) FROM lab WHERE id = 1") == [(1,)]


def test_deleting_over_a_concurrent_change_is_refused_with_a_reload(page, secure_url, pg_conn):
    sign_in(page, "admin")
    page.goto(page.ui + "#/site/3")
    expect(page.get_by_label("Name", exact=True)).to_have_value("Site 3")
    meanwhile = requests.patch(
        f"{secure_url}/site/3", json={"contact": "Grace Hopper"}, headers=ADMIN, timeout=5
    )
    assert meanwhile.status_code == 200
    page.get_by_role("button", name="Delete").click()
    page.get_by_role("dialog").get_by_role("button", name="Delete").click()
    expect(page.get_by_role("alert")).to_contain_text("This site was changed by someone else")
    assert query(pg_conn, "SELECT count(*) FROM site WHERE id = 3") == [(1,)]
    page.get_by_role("button", name="Reload").click()
    expect(page.get_by_label("Contact", exact=True)).to_have_value("Grace Hopper")
    page.get_by_role("button", name="Delete").click()
    page.get_by_role("dialog").get_by_role("button", name="Delete").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Sites")
    assert query(pg_conn, "SELECT count(*) FROM site WHERE id = 3") == [(0,)]


def test_a_field_error_names_the_field(page):
    sign_in(page, "admin")
    page.goto(page.ui + "#/lab/new")
    page.get_by_role("button", name="Create").click()
    expect(page.get_by_role("alert")).to_contain_text("name: ")


def test_move_a_tube_in_the_grid_then_check_it_out_and_in(page, pg_conn):
    sign_in(page, "editor")
    page.goto(page.ui + "#/box/1")
    grid = page.get_by_role("region", name="Grid")
    expect(grid.get_by_role("table").get_by_role("button")).to_have_count(81)  # a 9x9 box
    expect(grid.get_by_role("list", name="Sample types").get_by_role("listitem")).to_have_text(["plasma (1)"])
    tube = grid.get_by_role("button", name="A1 T-0001", exact=True)
    expect(tube).to_have_class(re.compile(r"\btype-0\b"))  # the legend's first colour
    expect(tube).to_have_attribute("title", "plasma: Plasma aliquots, box A")
    grid.get_by_role("button", name="A1 T-0001", exact=True).click()
    grid.get_by_role("button", name="C3", exact=True).click()
    grid.get_by_role("button", name="Move").click()
    expect(grid.get_by_role("button", name="C3 T-0001", exact=True)).to_be_visible()
    expect(grid.get_by_role("button", name="A1", exact=True)).to_be_visible()
    assert query(pg_conn, "SELECT box_id, position FROM container WHERE id = 1") == [(1, "C3")]

    grid.get_by_label("Note", exact=True).fill("to the bench")
    grid.get_by_role("button", name="Check out").click()
    expect(grid.get_by_role("button", name="C3 T-0001 (checked out)")).to_be_visible()
    assert query(pg_conn, "SELECT status, status_note FROM container WHERE id = 1") == [
        ("checked_out", "to the bench")
    ]
    screenshot(grid, "ui-box.png")
    grid.get_by_role("button", name="Check in").click()
    expect(grid.get_by_role("button", name="C3 T-0001", exact=True)).to_be_visible()
    assert query(pg_conn, "SELECT status, position FROM container WHERE id = 1") == [("in_storage", "C3")]

    grid.get_by_label("Reason", exact=True).fill("thawed twice")
    grid.get_by_role("button", name="Dispose").click()
    page.get_by_role("dialog").get_by_role("button", name="Dispose").click()
    expect(grid.get_by_role("button", name="C3", exact=True)).to_be_visible()
    assert query(pg_conn, "SELECT status, box_id FROM container WHERE id = 1") == [("disposed", None)]


def test_the_freezer_page_shows_its_racks_and_boxes_with_fill_counts(page):
    page.goto(page.ui + "#/freezer/1")
    contents = page.get_by_role("region", name="Contents")
    expect(contents).to_contain_text("Box A 1 filled, 80 empty")
    contents.get_by_role("link", name="Box B").click()
    expect(page.get_by_role("button", name="A1 T-0002", exact=True)).to_be_visible()


def test_a_barcode_opens_what_it_labels(page):
    page.goto(page.ui)
    page.get_by_label("Find barcode", exact=True).fill("R-0001")
    page.get_by_role("button", name="Find").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("rack 1: Rack 1")


def test_an_import_dry_run_shows_the_lines_at_fault(page, pg_conn):
    before = query(pg_conn, "SELECT count(*) FROM container")
    sign_in(page, "editor")
    page.goto(page.ui + "#/import")
    csv = page.get_by_label("CSV", exact=True)
    csv.fill("barcode,freezer_id,box_id,position\nT-0001,1,1,B1\nT-0100,1,1,Z9\n")
    page.get_by_role("button", name="Dry run").click()
    alert = page.get_by_role("alert")
    expect(alert).to_contain_text("line 2, barcode: is already taken")
    expect(alert).to_contain_text("line 3, position:")
    csv.fill("barcode,freezer_id,box_id,position\nT-0100,1,1,B1\n")
    page.get_by_role("button", name="Dry run").click()
    expect(page.get_by_role("status")).to_have_text("Dry run: 1 containers would be imported.")
    assert query(pg_conn, "SELECT count(*) FROM container") == before  # a dry run writes nothing


@pytest.mark.parametrize("username", [None, "reader"])
def test_a_reader_or_no_one_sees_no_edit_controls(page, username):
    if username:
        sign_in(page, username)
    pages = {
        "#/sites": "Sites",
        "#/site/1": "site 1: Site 1",
        "#/box/1": "box 1: Box A",
        "#/import": "Import containers",
        "#/lab/new": "New lab",
    }
    for where, title in pages.items():
        page.goto(page.ui + where)
        expect(page.get_by_role("heading", level=1)).to_have_text(title)
        if where == "#/box/1":
            page.get_by_role("button", name="A1 T-0001").click()
            expect(page.get_by_text("Plasma aliquots, box A")).to_be_visible()
        elif where == "#/site/1":  # the row, read-only
            expect(page.get_by_role("definition").filter(has_text="John Smith")).to_be_visible()
            expect(page.get_by_role("banner")).not_to_contain_text("Anyone may edit")
        else:
            page.wait_for_load_state("networkidle")
        controls = (
            "Save",
            "Delete",
            "Create",
            "Move",
            "Check out",
            "Check in",
            "Dispose",
            "Dry run",
            "Import",
        )
        for name in controls:
            expect(page.get_by_role("button", name=name, exact=True)).to_have_count(0)
        expect(page.get_by_role("textbox", name="name", exact=True)).to_have_count(0)
        expect(page.get_by_role("link", name=re.compile("^New "))).to_have_count(0)


def test_lists_show_parents_by_name_linked_and_headings_in_words(page, pg_conn):
    query(pg_conn, "INSERT INTO rack (id, freezer_id, name) VALUES (7, 2, 'Rack 7')")
    query(pg_conn, "INSERT INTO box (id, freezer_id, rack_id, name) VALUES (7, 2, 7, 'Box 7')")
    page.goto(page.ui + "#/boxes?order=-id&limit=1")
    expect(page.locator("table thead th")).to_have_text(
        ["ID ▼", "Name", "Freezer", "Rack", "Barcode", "Rows", "Cols"]
    )
    row = page.locator("tbody tr").first
    expect(row.get_by_role("link", name="-40C", exact=True)).to_have_attribute("href", "#/freezer/2")
    expect(row.get_by_role("link", name="Rack 7", exact=True)).to_have_attribute("href", "#/rack/7")
    page.goto(page.ui + "#/containers?box_id=1&limit=1")
    expect(page.locator("table thead th").nth(3)).to_have_text("Freezer")
    expect(page.locator("tbody tr").first.get_by_role("link", name="Box A", exact=True)).to_have_attribute(
        "href", "#/box/1"
    )
    expect(page.locator("table thead")).to_contain_text("Sample type")
    expect(page.locator("table thead")).not_to_contain_text("Unit")  # beside the quantity instead
    tube = page.locator("tbody tr").first
    expect(tube.get_by_title("0b6e1c4e-6f1d-4b8e-9a51-2f7d3c8e5a01")).to_have_text("0b6e1c4e…")
    expect(tube.get_by_role("cell", name="500 uL", exact=True)).to_be_visible()
    page.goto(page.ui + "#/sites?order=id&limit=1")
    expect(page.locator("tbody tr").first.get_by_role("link", name="Ann Arbor Lab")).to_have_attribute(
        "href", "#/lab/1"
    )
    page.goto(page.ui + "#/instruments")
    page.get_by_role("button", name="Site", exact=True).click()  # shown by name, sorted by name
    expect(page.locator("th[aria-sort=ascending]")).to_have_text("Site ▲")
    assert "order=site_name" in page.url
    assert page.errors == []


def test_a_parent_is_picked_by_typing_part_of_its_name(page, pg_conn):
    sign_in(page, "admin")
    page.goto(page.ui + "#/site/2")
    lab = page.get_by_role("combobox", name="Lab")
    expect(lab).to_have_value("")  # site 2 has no lab
    lab.fill("arbor")
    expect(page.get_by_role("option", name="Ann Arbor Lab (lab 1)")).to_be_visible()
    page.get_by_role("button", name="Save").click()  # typed, not picked: the form is not sent
    assert lab.evaluate("(input) => input.validationMessage") == "Pick a lab from the list, or type its id."
    expect(page.get_by_role("status")).to_have_count(0)
    lab.fill("")
    lab.fill("arbor")
    lab.press("ArrowDown")  # at once, its matches maybe not come yet: they open with the first highlighted
    option = page.get_by_role("option", name="Ann Arbor Lab (lab 1)")
    expect(option).to_have_attribute("aria-selected", "true")
    lab.press("Enter")  # picks
    expect(lab).to_have_value("Ann Arbor Lab")
    expect(page.get_by_role("listbox")).to_be_hidden()
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_text("Saved site 2.")).to_be_visible()
    assert query(pg_conn, "SELECT lab_id FROM site WHERE id = 2") == [(1,)]
    page.goto(page.ui + "#/box/new?freezer_id=1")
    expect(page.get_by_role("combobox", name="Freezer")).to_have_value("-20C")  # named, not "1"
    page.get_by_role("combobox", name="Rack").fill("R-00")  # a rack's barcode finds it too
    expect(page.get_by_role("option", name="Rack 1 (rack 1)")).to_be_visible()
    page.goto(page.ui + "#/rack/new")
    page.get_by_role("combobox", name="Freezer").fill("-4")
    page.get_by_role("option", name="-40C (freezer 2)").click()
    page.get_by_label("Name", exact=True).fill("Rack P")
    page.get_by_role("button", name="Create").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(re.compile("Rack P"))
    assert query(pg_conn, "SELECT freezer_id FROM rack WHERE name = 'Rack P'") == [(2,)]
    page.goto(page.ui + "#/site/1")
    lab = page.get_by_role("combobox", name="Lab")
    expect(lab).to_have_value("Ann Arbor Lab")
    lab.fill("")  # cleared: no lab
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_text("Saved site 1.")).to_be_visible()
    assert query(pg_conn, "SELECT lab_id FROM site WHERE id = 1") == [(None,)]
    assert page.errors == []


def test_home_is_a_dashboard_of_the_api_s_figures(page, pg_conn, secure_url):
    query(
        pg_conn,
        """
        UPDATE container SET status = 'checked_out', status_note = 'to the bench' WHERE id = 2;
        UPDATE checkout SET since = now() - interval '9 days';
        UPDATE container SET expires_at = current_date + 5 WHERE id = 4;
        UPDATE container SET expires_at = current_date - 2 WHERE id = 5;
        """,
    )
    figures = requests.get(f"{secure_url}/dashboard", timeout=5).json()
    page.goto(page.ui)
    expect(page.get_by_role("heading", level=1)).to_have_text("Lab inventory")
    freezers = page.get_by_role("region", name="Freezers")
    expect(freezers.get_by_role("row")).to_have_count(1 + len(figures["freezers"]["rows"]))
    first = figures["freezers"]["rows"][0]
    expect(freezers.get_by_role("row").nth(1).get_by_role("cell")).to_have_text(
        ["-20C", "Site 1", f"{first['filled']} of {first['positions']}"]
    )
    expect(freezers.get_by_role("meter", name="-20C filled")).to_have_attribute("value", str(first["filled"]))
    out = page.get_by_role("region", name=re.compile("^Checked out"))
    expect(out.get_by_role("heading")).to_have_text(
        f"Checked out for more than 7 days: {figures['checked_out']['total']}"
    )
    expect(out.get_by_role("listitem")).to_have_count(1)
    expect(out.get_by_role("listitem")).to_contain_text("(to the bench)")
    expect(out.get_by_role("link", name="T-0002")).to_have_attribute("href", "#/container/2")
    expiring = page.get_by_role("region", name=re.compile("^Expiring"))
    expect(expiring.get_by_role("heading")).to_have_text(
        f"Expiring within 30 days: {figures['expiring']['total']}"
    )
    expect(expiring.get_by_role("listitem")).to_have_count(2)
    expect(expiring.get_by_role("listitem").first).to_contain_text(re.compile(r"S000002 plasma expired"))
    expect(expiring.get_by_role("listitem").nth(1)).to_contain_text(re.compile(r"S000001 plasma expires"))
    latest = page.get_by_role("region", name="Latest changes")
    expect(latest.get_by_role("row")).to_have_count(1 + len(figures["latest"]))
    newest = figures["latest"][0]
    expect(latest.get_by_role("row").nth(1)).to_contain_text(
        f"{newest['operation'].lower()} {newest['table_name']} {newest['row_id']}"
    )
    screenshot(page, "ui-dashboard.png")
    freezers.get_by_role("link", name="-20C").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("freezer 1: -20C")
    page.get_by_role("navigation").get_by_role("link", name="Home").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Lab inventory")
    assert page.errors == []


def test_a_tube_s_page_shows_its_lineage_and_timeline(page, secure_url):
    page.goto(page.ui + "#/container/1")
    lineage = page.get_by_role("region", name="Lineage")
    expect(lineage.get_by_role("listitem")).to_have_text(
        ["S000001 (aliquot)", "S000002 (aliquot)", "S000003 (derivative)"]
    )
    expect(lineage.get_by_role("link", name="S000003")).to_have_attribute("href", "#/container/6")
    events = requests.get(f"{secure_url}/container/1/events", timeout=5).json()
    timeline = page.get_by_role("region", name="Timeline")
    expect(timeline.get_by_role("row")).to_have_count(1 + len(events))
    expect(timeline.get_by_role("row").last).to_contain_text("created")
    page.goto(page.ui + "#/container/4")
    expect(page.get_by_role("region", name="Lineage").get_by_role("listitem")).to_have_text(
        ["T-0001 (primary)"]
    )
    created = page.get_by_role("region", name="Timeline").get_by_role("row").last
    expect(created).to_contain_text("created as aliquot of container 1")
    expect(created.get_by_role("link", name="container 1")).to_have_attribute("href", "#/container/1")
    assert page.errors == []


def test_each_navigation_link_opens_its_list(page):
    page.goto(page.ui)
    for name in ("Labs", "Sites", "Instruments", "Freezers", "Racks", "Boxes", "Containers"):
        page.get_by_role("navigation").get_by_role("link", name=name, exact=True).click()
        expect(page.get_by_role("heading", level=1)).to_have_text(name)
        expect(page.locator("table thead th").first).to_have_text("ID" if name != "Instruments" else "Name")
        expect(page.locator("table tbody tr").first).to_be_visible()
    page.get_by_role("navigation").get_by_role("link", name="Instruments").click()
    expect(page.locator("table thead th")).to_have_text(["Name", "Site"])
    page.get_by_role("link", name="Computer 1").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("computer 1: Computer 1")
    assert page.errors == []


@pytest.mark.parametrize("where", ["#/nothing", "#/constructor", "#/toString/1", "#/hasOwnProperty/new"])
def test_an_unknown_page_says_so(page, where):
    page.goto(page.ui + where)
    expect(page.get_by_role("alert")).to_have_text("There is no such page.")


def test_a_page_whose_module_fails_to_load_says_so(page):
    page.route(re.compile(r".*/detail\.js$"), lambda route: route.abort())
    page.goto(page.ui + "#/site/1")
    expect(page.get_by_role("alert")).to_contain_text("This page failed to load: check your connection")


def test_a_move_that_cannot_be_made_says_why_in_one_alert(page, secure_url):
    sign_in(page, "editor")
    page.goto(page.ui + "#/box/1")
    grid = page.get_by_role("region", name="Grid")
    grid.get_by_role("button", name="A1 T-0001", exact=True).click()
    grid.get_by_role("button", name="C3", exact=True).click()
    meanwhile = requests.post(
        f"{secure_url}/moves",
        json={"moves": [{"container_id": 2, "box_id": 1, "position": "C3"}]},
        headers=ADMIN,
        timeout=5,
    )
    assert meanwhile.status_code == 200
    for _ in range(2):  # the second failure's alert replaces the first's
        with page.expect_response(re.compile(r".*/moves$")):
            grid.get_by_role("button", name="Move").click()
        expect(grid.get_by_role("alert")).to_have_count(1)
        expect(grid.get_by_role("alert")).to_contain_text(
            "move 1: position C3 of box 1 holds another container (or is reserved for one): container 2"
        )


def test_the_page_sends_back_the_consistency_token_of_its_last_write(page):
    """With replicas a write's answer carries X-Consistency-Token (test_replicas); here one is added."""
    token = "lsn:0/1A2B3C4D"

    def with_token(route):
        answer = route.fetch()
        extra = {"x-consistency-token": token} if route.request.method == "PUT" else {}
        route.fulfill(response=answer, headers={**answer.headers, **extra})

    sign_in(page, "editor")
    page.route("**/site/1", with_token)
    with page.expect_request(re.compile(r"/site/1$")) as first:
        page.goto(page.ui + "#/site/1")
    assert "x-consistency-token" not in first.value.headers
    page.get_by_label("Contact", exact=True).fill("Ada Lovelace")
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_role("status")).to_have_text("Saved site 1.")
    with page.expect_request(re.compile(r"/sites\b")) as later:
        page.goto(page.ui + "#/sites")
    assert later.value.headers.get("x-consistency-token") == token


def test_saving_a_tube_keeps_what_is_in_it(page, pg_conn):
    sign_in(page, "editor")
    page.goto(page.ui + "#/container/1")
    expect(page.get_by_label("Sample type", exact=True)).to_have_value("plasma")
    page.get_by_label("Description", exact=True).fill("Plasma, first draw")
    page.get_by_label("Quantity", exact=True).fill("750.5")
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_role("status")).to_have_text("Saved container 1.")
    assert query(
        pg_conn,
        "SELECT description, sample_type, quantity, unit, expires_at IS NOT NULL FROM container WHERE id = 1",
    ) == [("Plasma, first draw", "plasma", 750.5, "uL", True)]


def downloaded(page, click):
    """Click; return the name and the bytes of the file the page downloads."""
    with page.expect_download() as download:
        click()
    return download.value.suggested_filename, Path(download.value.path()).read_bytes()


def test_labels_download_as_a_pdf_from_a_tube_a_box_and_its_grid(page):
    page.goto(page.ui + "#/container/1")
    name, pdf = downloaded(page, page.get_by_role("button", name="Print label").click)
    assert (name, pdf[:5]) == ("container-1.pdf", b"%PDF-")
    page.goto(page.ui + "#/box/1")
    assert downloaded(page, page.get_by_role("button", name="Print label").click)[0] == "box-1.pdf"
    name, pdf = downloaded(page, page.get_by_role("button", name="Print the tubes' labels").click)
    assert (name, pdf[:5]) == ("labels.pdf", b"%PDF-")


def test_a_label_that_cannot_be_made_says_why(page, pg_conn):
    query(pg_conn, "UPDATE container SET barcode = NULL WHERE id = 1")
    page.goto(page.ui + "#/container/1")
    page.get_by_role("button", name="Print label").click()
    expect(page.get_by_role("alert")).to_contain_text("container 1 has no barcode")


def test_where_anyone_may_write_the_page_offers_edits_without_signing_in(browser, database_url, pg_conn):
    with served(database_url, ALLOW_ANONYMOUS_WRITES=True) as url, opened(browser, url) as page:
        page.goto(page.ui + "#/site/2")
        expect(page.get_by_role("banner")).to_contain_text("Anyone may edit here (development)")
        page.get_by_label("Contact", exact=True).fill("Ada Lovelace")
        page.get_by_role("button", name="Save").click()
        expect(page.get_by_role("status")).to_have_text("Saved site 2.")
        assert query(
            pg_conn,
            "SELECT contact, (SELECT actor FROM history ORDER BY id DESC LIMIT 1) FROM site WHERE id = 2",
        ) == [("Ada Lovelace", "anonymous")]
        sign_in(page, "reader")  # a reader's token may not write, wherever anyone may
        page.goto(page.ui + "#/site/2")
        expect(page.get_by_label("Contact", exact=True)).to_have_count(0)


@pytest.mark.parametrize("username", [None, "editor"])  # signed in, the stream takes a ticket
def test_a_box_page_shows_a_move_made_elsewhere_within_2_s(
    browser, database_url, pg_conn, tmp_path, username
):
    with (
        servers.events(database_url, tmp_path, RATE_LIMIT_ENABLED="false") as events_url,
        served(database_url, events_port=int(events_url.rpartition(":")[2])) as url,
        opened(browser, url) as page,
    ):
        if username:
            sign_in(page, username)
        with page.expect_response(lambda r: "/events?box_id=1" in r.url) as stream:
            page.goto(page.ui + "#/box/1")
        assert stream.value.status == 200 and ("ticket=" in stream.value.url) == bool(username)
        expect(page.get_by_role("button", name="A1 T-0001", exact=True)).to_be_visible()
        scan = page.get_by_label("Scan", exact=True)
        expect(scan).to_be_focused()
        page.keyboard.type("T-00")  # a scan half typed when the change comes: the redraw keeps it
        typing = page.get_by_label("Name", exact=True) if username else scan  # the box's own form
        if username:
            typing.fill("Box A, top shelf")
        started = time.monotonic()
        moved = requests.post(
            f"{url}/moves",
            json={"moves": [{"container_id": 1, "box_id": 1, "position": "B2"}]},
            headers=ADMIN,
        )
        assert moved.status_code == 200, moved.text
        expect(page.get_by_role("button", name="B2 T-0001", exact=True)).to_be_visible(timeout=2000)
        print(f"\na move made elsewhere shown on the box page after {time.monotonic() - started:.2f} s")
        expect(page.get_by_text("admin changed container 1 (")).to_be_visible()
        expect(page.get_by_role("button", name="A1", exact=True)).to_be_visible()
        expect(scan).to_have_value("T-00")
        expect(typing).to_be_focused()  # the focus stays where it was, in the grid or not


def test_a_tube_shows_its_place_by_name_each_part_a_link(page):
    page.goto(page.ui + "#/container/1")
    place = page.get_by_role("navigation", name="Place")
    expect(place).to_have_text(place_path("Site 1", "-20C", "Rack 1", "Box A", "A1"))
    place.get_by_role("link", name="Box A").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("box 1: Box A")
    page.goto(page.ui + "#/container/4")  # in a freezer, in no box
    expect(page.get_by_role("navigation", name="Place")).to_have_text(place_path("Site 1", "-40C"))


def test_aliquots_made_from_the_grid_fill_its_next_free_positions(page, pg_conn):
    sign_in(page, "editor")
    page.goto(page.ui + "#/box/1")
    grid = page.get_by_role("region", name="Grid")
    grid.get_by_role("button", name="A1 T-0001", exact=True).click()
    expect(grid).to_contain_text("plasma, 500 uL left")
    expect(grid.get_by_label("Unit", exact=True)).to_have_value("uL")
    grid.get_by_label("Count", exact=True).fill("2")
    grid.get_by_label("Quantity", exact=True).fill("50")
    grid.get_by_role("button", name="Aliquot").click()
    expect(grid.get_by_role("status")).to_contain_text("Made 2 aliquots: A2 S")
    made = query(
        pg_conn, "SELECT position, barcode FROM container WHERE parent_ids = '{1}' AND box_id = 1 ORDER BY id"
    )
    assert [position for position, _ in made] == ["A2", "A3"]
    for position, barcode in made:
        expect(grid.get_by_role("button", name=f"{position} {barcode}", exact=True)).to_be_visible()
    expect(grid).to_contain_text("plasma, 400 uL left")
    assert query(pg_conn, "SELECT quantity FROM container WHERE id = 1") == [(400,)]


def test_scan_a_tube_then_a_position_then_enter_moves_it_here_even_from_another_box(page, pg_conn):
    sign_in(page, "editor")
    page.goto(page.ui + "#/box/1")
    grid = page.get_by_role("region", name="Grid")
    scan = grid.get_by_label("Scan", exact=True)
    expect(scan).to_be_focused()
    for text in ("T-0001", "c3", ""):  # the tube, where it goes, Enter: as a scanner types them
        page.keyboard.type(text)
        page.keyboard.press("Enter")
        if text == "c3":
            expect(grid).to_contain_text("Move to C3:")
    expect(grid.get_by_role("button", name="C3 T-0001", exact=True)).to_be_visible()
    assert query(pg_conn, "SELECT box_id, position FROM container WHERE id = 1") == [(1, "C3")]
    expect(scan).to_be_focused()
    page.keyboard.type("T-0002")  # in box 2
    page.keyboard.press("Enter")
    expect(grid.get_by_role("status")).to_have_text(
        f"T-0002 is in {place_path('Site 1', '-20C', 'Rack 1', 'Box B', 'A1')}."
    )
    page.keyboard.type("D4")
    page.keyboard.press("Enter")
    page.keyboard.press("Enter")
    expect(grid.get_by_role("button", name="D4 T-0002", exact=True)).to_be_visible()
    assert query(pg_conn, "SELECT box_id, position FROM container WHERE id = 2") == [(1, "D4")]
    page.keyboard.type("BX-0002")
    page.keyboard.press("Enter")
    expect(grid.get_by_role("alert")).to_contain_text("BX-0002 labels a box, not a tube.")
    page.keyboard.type("nothing")
    page.keyboard.press("Enter")
    expect(grid.get_by_role("alert")).to_contain_text("nothing")


AXE = Path(__file__).parent / "vendor" / "axe.min.js"
AXE_PAGES = {
    "#/": "Lab inventory",  # what to check, and what shows once it is drawn
    "#/labs": "Labs",
    "#/sites?q=Site": "Sites",
    "#/site/1": "site 1: Site 1",
    "#/site/new": "New site",
    "#/freezer/1": "freezer 1: -20C",
    "#/box/1": "box 1: Box A",
    "#/container/1": "container 1",
    "#/import": "Import containers",
    "#/signin": "Sign in",
}


@pytest.mark.parametrize("username", [None, "editor"])
def test_axe_finds_no_serious_or_critical_violation_on_any_page(page, pg_conn, username):
    query(pg_conn, "INSERT INTO container (id, freezer_id, box_id, position) VALUES (7, 1, 1, 'B1')")
    if username:
        sign_in(page, username)
    found = {}
    for where, heading in AXE_PAGES.items():
        page.goto(page.ui + where)
        expect(page.get_by_role("heading", level=1)).to_contain_text(heading)
        if where == "#/box/1":
            expect(page.get_by_role("button", name="B1 #7 (container 7)", exact=True)).to_be_visible()
            page.get_by_role("button", name="A1 T-0001", exact=True).click()  # the tube's panel too
        if where == "#/site/new" and username:  # the lab picker, open
            page.get_by_role("combobox", name="Lab").fill("Ann")
            expect(
                page.get_by_role("option", name="Ann Arbor Lab (lab 1)")
            ).to_be_visible()  # the matches came
            page.get_by_role("combobox", name="Lab").press("ArrowDown")
            expect(page.get_by_role("option", name="Ann Arbor Lab (lab 1)")).to_have_attribute(
                "aria-selected", "true"
            )
        page.wait_for_load_state("networkidle")
        page.evaluate(AXE.read_text())  # by the DevTools protocol: the page's CSP does not apply
        violations = page.evaluate(
            "axe.run(document).then((r) => r.violations.map((v) => [v.id, v.impact, v.nodes.map((n) => n.html)]))"
        )
        found[where] = [v for v in violations if v[1] in ("serious", "critical")]
        print(f"\naxe on {where}: {len(violations)} violations ({violations})")
    assert found == {where: [] for where in AXE_PAGES}
