"""One SQL statement, so one round trip and one transaction, per request; sent as written."""

import pytest

from project.accounts import digest
from project.database import DictCursor
from project.database.queries import load

AUTH = load("auth")

REQUESTS = [
    ("get", "/site/1", None),
    ("get", "/sites/0/2", None),
    ("get", "/site/1/computers", None),
    ("get", "/site/1/instruments", None),
    ("get", "/instruments", None),
    ("get", "/dashboard", None),
    ("post", "/site/7", {"name": "Seven"}),
    ("put", "/site/7", {"name": "Seven", "lab_id": 1}),
    ("patch", "/site/7", {"contact": "Ada"}),
    ("delete", "/site/7", None),
    ("post", "/sites/", {"name": "Created"}),
    ("delete", "/site/1", None),
    ("post", "/computer/9", {"name": "c", "site_id": 99}),
    ("get", "/site/99", None),
    ("get", "/readyz", None),
]


READS = [request for request in REQUESTS if request[0] == "get"]
WRITES = [request for request in REQUESTS if request[0] != "get"]
WITH_TOKEN = [request for request in REQUESTS if request[1] != "/readyz"]  # a public route: no lookup
TOKEN = "labinv-demo-admin-token"
LOOKUP = AUTH.find_token_user.sql.replace("%(token_hash)s", f"'{digest(TOKEN)}'")
ACT_AS_ANONYMOUS = AUTH.act_as.sql.replace("%(actor)s", "'anonymous'")


@pytest.fixture
def statements(monkeypatch):
    """Record the text of every statement the app's cursors send, as PostgreSQL receives it."""
    sent = []
    execute = DictCursor.execute

    def recording(self, query, vars=None):
        try:
            return execute(self, query, vars)
        finally:
            sent.append(self.query.decode())

    monkeypatch.setattr(DictCursor, "execute", recording)
    return sent


@pytest.mark.parametrize(("method", "path", "body"), READS)
def test_each_read_sends_one_statement(client, statements, method, path, body):
    getattr(client, method)(path, json=body)
    assert len(statements) == 1


@pytest.mark.parametrize(("method", "path", "body"), WRITES)
def test_an_anonymous_write_first_acts_as_anonymous_in_auth_sqls_statement(
    client, statements, method, path, body
):
    getattr(client, method)(path, json=body)
    assert statements[0] == ACT_AS_ANONYMOUS
    assert len(statements) == 2
    assert "labinv." not in statements[1]  # sent as written, not rewritten


@pytest.mark.parametrize(("method", "path", "body"), WITH_TOKEN)
def test_a_request_with_a_token_sends_one_more_to_look_it_up_and_act_as_its_user(
    client, statements, method, path, body
):
    getattr(client, method)(path, json=body, headers={"Authorization": f"Bearer {TOKEN}"})
    assert statements[0] == LOOKUP
    assert len(statements) == 2
    assert "labinv." not in statements[1]  # sent as written, not rewritten
