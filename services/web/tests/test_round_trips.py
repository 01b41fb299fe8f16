"""One SQL statement, so one round trip and one transaction, per request."""

import pytest

from project.database import SettingsCursor

REQUESTS = [
    ("get", "/site/1", None),
    ("get", "/sites/0/2", None),
    ("get", "/site/1/computers", None),
    ("get", "/site/1/instruments", None),
    ("get", "/instruments", None),
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


@pytest.fixture
def statements(monkeypatch):
    """Record every statement the app's cursors send."""
    sent = []
    execute = SettingsCursor.execute

    def counting(self, query, vars=None):
        sent.append(query)
        return execute(self, query, vars)

    monkeypatch.setattr(SettingsCursor, "execute", counting)
    return sent


@pytest.mark.parametrize(("method", "path", "body"), REQUESTS)
def test_each_request_sends_one_statement(client, statements, method, path, body):
    getattr(client, method)(path, json=body)
    assert len(statements) == 1


@pytest.mark.parametrize(("method", "path", "body"), REQUESTS[:6])
def test_a_request_with_a_token_sends_one_more_to_look_it_up(client, statements, method, path, body):
    getattr(client, method)(path, json=body, headers={"Authorization": "Bearer labinv-demo-admin-token"})
    assert len(statements) == 2
