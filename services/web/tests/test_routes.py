"""Every URL is written out in api/<resource>.py; ids, OPTIONS and odd paths get clear answers."""

import inspect
import re
from pathlib import Path

import pytest

API = Path(__file__).parents[1] / "project" / "api"


def test_every_route_is_a_literal_path_in_the_module_of_its_first_segment(app):
    for rule in app.url_map.iter_rules():
        if rule.endpoint in ("static", "ui.files") or rule.endpoint.startswith("docs."):
            continue
        view = inspect.unwrap(app.view_functions[rule.endpoint])
        source = Path(view.__code__.co_filename)
        assert source.parent == API, rule
        assert f'"{rule.rule}"' in source.read_text(encoding="utf-8"), (rule.rule, source.name)
        segments = rule.rule.strip("/").split("/")
        if len(segments) > 1 and not segments[1].startswith("<"):
            continue  # such as /containers/import, a resource of its own (api/imports.py)
        first = segments[0]
        singular = re.sub("(es|s)$", "", first) if first not in ("moves", "history", "lookup") else first
        owner = {"boxes": "box", "instruments": "instrument", "moves": "storage", "lookup": "storage"}.get(
            first, singular
        )
        if (API / f"{owner}.py").exists():
            assert source.name == f"{owner}.py", (rule.rule, source.name)


@pytest.mark.parametrize("path", ["/site/0", "/site/-1", "/site/2147483648", "/site/abc", "/box/1x/grid"])
def test_a_path_without_an_id_where_one_belongs_says_what_an_id_is(client, path):
    response = client.get(path)
    assert response.status_code == 404
    assert response.mimetype == "application/problem+json"
    assert "ids are whole numbers from 1 to 2147483647" in response.json["detail"]


def test_options_answers_204_with_allow_and_no_body(client):
    response = client.options("/site/1")
    assert response.status_code == 204
    assert set(response.headers["Allow"].split(", ")) >= {"GET", "PUT", "PATCH", "DELETE", "POST"}
    assert response.data == b"" and "Content-Type" not in response.headers


@pytest.mark.parametrize("path", ["/lookup/%00", "/lookup/a%00b"])
def test_a_barcode_with_nul_is_not_found_not_an_error(client, path):
    response = client.get(path)
    assert response.status_code == 404
    assert response.mimetype == "application/problem+json"
