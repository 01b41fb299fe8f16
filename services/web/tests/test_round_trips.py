"""One SQL statement, so one round trip and one transaction, per request."""

import pytest
from psycopg2.extras import RealDictCursor

from project.database import Pool

STATEMENTS = []


class CountingCursor(RealDictCursor):
    """A cursor that records each statement it sends."""

    def execute(self, query, vars=None):
        STATEMENTS.append(query)
        return super().execute(query, vars)


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


@pytest.mark.parametrize(("method", "path", "body"), REQUESTS)
def test_each_request_sends_one_statement(app, database_url, method, path, body):
    app.extensions["pg_pool"] = Pool(database_url, cursor_factory=CountingCursor)
    STATEMENTS.clear()
    getattr(app.test_client(), method)(path, json=body)
    assert len(STATEMENTS) == 1
    app.extensions["pg_pool"].closeall()
