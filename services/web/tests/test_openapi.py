"""The OpenAPI document: valid, complete, and true of the live API (fuzzed with schemathesis)."""

import importlib
import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from openapi_spec_validator import validate

from project import create_app


@pytest.fixture
def document(client):
    return client.get("/openapi.json").json


def test_the_document_is_valid_openapi_3_1(document):
    assert document["openapi"] == "3.1.0"
    validate(document)


def canonical(path, method):
    """Return the documented (path, method) that an alias route stands for."""
    path = path.removesuffix("/") or "/"
    return path.removesuffix("/{offset}/{limit}"), method


def test_every_route_is_documented_once_under_its_canonical_path(app, document):
    documented = {
        (path, method.upper())
        for path, item in document["paths"].items()
        for method in item
        if method != "parameters"
    }
    routes = set()
    for rule in app.url_map.iter_rules():
        if rule.endpoint in ("static", "docs.show", "openapi.openapi"):
            continue
        path = re.sub(r"<(?:\w+(?:\([^)]*\))?:)?(\w+)>", r"{\1}", rule.rule)
        routes |= {canonical(path, method) for method in rule.methods - {"HEAD", "OPTIONS"}}
    assert routes == documented
    assert ("/sites", "GET") in documented and ("/sites/{offset}/{limit}", "GET") not in documented


def test_every_operation_has_a_unique_readable_id_and_a_tag(document):
    operations = [op for item in document["paths"].values() for m, op in item.items() if m != "parameters"]
    ids = [op["operationId"] for op in operations]
    assert len(ids) == len(set(ids))
    assert all(re.fullmatch(r"[a-z]+[A-Za-z]*", i) for i in ids)
    assert {"getSite", "listSites", "createSite", "upsertSite", "patchSite", "deleteSite", "postSite"} <= set(
        ids
    )
    assert {"listSiteComputers", "getSiteHistory", "listInstruments", "listHistory"} <= set(ids)
    assert all(len(op["tags"]) == 1 for op in operations)
    assert [t["name"] for t in document["tags"]][:3] == ["auth", "health", "labs"]


def test_shared_parts_are_components_and_the_document_is_small(client, document):
    assert len(client.get("/openapi.json").get_data()) < 380_000  # indented, as served
    # 7 resources (list rows naming their parents), storage, samples, labels, attachments, dashboard
    assert len(json.dumps(document, separators=(",", ":"))) <= 200_000
    put = document["paths"]["/site/{site_id}"]["put"]
    assert put["requestBody"]["content"]["application/json"]["schema"] == {
        "$ref": "#/components/schemas/SiteUpsert"
    }
    assert put["responses"]["412"] == {"$ref": "#/components/responses/Problem412"}
    listing = document["paths"]["/site/{site_id}/computers"]["get"]["parameters"]
    assert {"$ref": "#/components/parameters/Computer.mac"} in listing
    assert {"$ref": "#/components/parameters/Limit"} in listing


def test_request_bodies_are_the_schemas_validation_uses(document):
    from project.api.site import SITE

    body = document["components"]["schemas"]["SitePatch"]
    assert body["properties"]["postcode_or_zip"] == SITE.fields["postcode_or_zip"]
    assert body["additionalProperties"] is False


def test_the_docs_page_and_its_assets_are_served_here(client):
    page = client.get("/docs/")
    assert page.status_code == 200
    html = page.data.decode()
    assert "/openapi.json" in html
    assert "http://" not in html and "https://" not in html
    for asset in re.findall(r'(?:src|href)="(/docs/[^"]+)"', html):
        assert client.get(asset).status_code == 200, asset


@pytest.fixture
def app(database_url, pg_conn):
    """The app as in production: writes need a token (so schemathesis can check that they do)."""
    app = create_app({"TESTING": True, "DATABASE_URL": database_url, "RATELIMIT_ENABLED": False})
    yield app
    app.extensions["pg_pool"].closeall()


def test_the_live_api_keeps_to_its_document(live_url):
    """Fuzz every operation with schemathesis: no 5xx, statuses, headers and bodies as documented.

    positive_data_acceptance is left out: rows a body refers to must exist,
    cursors must come from a Link header and an id in a body must match the
    URL's, none of which a schema can say, so valid-looking requests may be
    refused (400/412/422) by design.
    """
    result = subprocess.run(
        [
            Path(sys.executable).parent / "st", "run", f"{live_url}/openapi.json",
            "--checks", "all", "--exclude-checks", "positive_data_acceptance",
            "--max-examples", "10", "--seed", "1", "--generation-database", "none",
            "--workers", "1",  # hypothesis parses source with ast, which is not thread-safe on 3.11
            "--header", "Authorization: Bearer labinv-demo-admin-token",
            "--exclude-operation-id", "revokeToken",  # it would revoke the token above (test_auth's)
            "--request-timeout", "60",  # not 10: 1,000 labels' QR codes take seconds under coverage
        ],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )  # fmt: skip
    assert result.returncode == 0, result.stdout[-20000:]
    assert " passed" in result.stdout
    assert "Authentication failed" not in result.stdout, result.stdout[-20000:]  # the token held


@pytest.fixture
def generated(tmp_path, client, monkeypatch):
    """Generate a Python client from the live document with openapi-python-client; import it."""
    spec = tmp_path / "openapi.json"
    spec.write_text(client.get("/openapi.json").get_data(as_text=True))
    bindir = Path(sys.executable).parent
    result = subprocess.run(
        [bindir / "openapi-python-client", "generate", "--path", spec, "--meta", "none",
         "--output-path", tmp_path / "labinv_client"],
        capture_output=True, text=True, timeout=120, check=False,
        env={**os.environ, "PATH": f"{bindir}:{os.environ['PATH']}"},  # its ruff post-hook
    )  # fmt: skip
    assert result.returncode == 0, result.stdout + result.stderr
    assert "Warning" not in result.stdout + result.stderr, result.stdout + result.stderr
    monkeypatch.syspath_prepend(tmp_path)
    yield importlib.import_module("labinv_client")
    for name in [m for m in sys.modules if m.split(".")[0] == "labinv_client"]:
        del sys.modules[name]


def test_a_generated_python_client_drives_the_api(generated, live_url):
    from labinv_client.api.sites import create_site, delete_site, get_site, list_sites, patch_site
    from labinv_client.models import Problem, Site, SiteNew, SitePatch

    api = generated.AuthenticatedClient(base_url=live_url, token="labinv-demo-admin-token")
    created = create_site.sync_detailed(client=api, body=SiteNew(name="Generated", lab_id=1))
    assert created.status_code == 201 and isinstance(created.parsed, Site)
    site_id = created.parsed.id
    assert created.headers["Location"] == f"/site/{site_id}"
    got = get_site.sync_detailed(site_id, client=api)
    assert (got.status_code, got.parsed.name, got.parsed.lab_id) == (200, "Generated", 1)
    page = list_sites.sync_detailed(client=api, limit=2)
    assert [s.id for s in page.parsed] == [1, 2]
    assert page.headers["X-Total-Count"] == "4" and 'rel="next"' in page.headers["Link"]
    etag = got.headers["ETag"]
    patched = patch_site.sync_detailed(site_id, client=api, body=SitePatch(contact="Ada"), if_match=etag)
    assert (patched.status_code, patched.parsed.contact) == (200, "Ada")
    stale = patch_site.sync_detailed(site_id, client=api, body=SitePatch(contact="Bob"), if_match=etag)
    assert stale.status_code == 412 and isinstance(stale.parsed, Problem)
    assert stale.parsed.type_ == "urn:lab-inventory:problem:precondition-failed"
    invalid = patch_site.sync_detailed(site_id, client=api, body=SitePatch(lab_id=99))
    assert invalid.status_code == 422 and invalid.parsed.errors.additional_properties == {
        "lab_id": "does not exist"
    }
    deleted = delete_site.sync_detailed(site_id, client=api)
    assert (deleted.status_code, deleted.parsed.contact) == (200, "Ada")
    assert get_site.sync_detailed(site_id, client=api).status_code == 404


TYPESCRIPT = Path(__file__).parent / "typescript"


def test_a_generated_typescript_client_type_checks(client, tmp_path):
    """openapi-typescript turns the document into types; tsc --strict checks a client written against them."""
    npm = shutil.which("npm")
    if npm is None:
        pytest.skip("npm is not installed (./scripts/bootstrap-test-tools installs it)")
    run = lambda *args, cwd=TYPESCRIPT: subprocess.run(  # noqa: E731
        args, cwd=cwd, capture_output=True, text=True, timeout=300, check=False
    )
    if not (TYPESCRIPT / "node_modules/.bin/tsc").exists():
        installed = run(npm, "ci", "--no-audit", "--no-fund", "--loglevel=error")
        assert installed.returncode == 0, installed.stderr
    (tmp_path / "openapi.json").write_text(client.get("/openapi.json").get_data(as_text=True))
    tools = TYPESCRIPT / "node_modules/.bin"
    generated = run(tools / "openapi-typescript", tmp_path / "openapi.json", "-o", tmp_path / "schema.d.ts")
    assert generated.returncode == 0, generated.stdout + generated.stderr
    shutil.copy(TYPESCRIPT / "client.ts", tmp_path)
    checked = run(tools / "tsc", "--strict", "--noEmit", "--target", "es2022", "--lib", "es2022,dom",
                  "--module", "esnext", "--moduleResolution", "bundler", tmp_path / "client.ts")  # fmt: skip
    assert checked.returncode == 0, checked.stdout + checked.stderr
