"""Named SQL statements, loaded aiosql-style from the .sql file of each resource.

A file holds statements, each headed by `-- name: <name><suffix>` and a
comment saying what it does. The suffix says what a call returns:

    ^  one row as a dict, or None        *  every row, as a list of dicts
    $  the first value of the first row  @  a page of the rows: filtered, searched,
    !  nothing                              ordered and cut by paging.page

These are aiosql's suffixes, but for `@` (aiosql has no page; its `#` means
a script, which we do not use).
A statement is called with a cursor and its named parameters:
`site.read(cur, id=7)` runs `SELECT ... FROM site WHERE id = %(id)s`.
"""

import functools
import re
from dataclasses import dataclass
from pathlib import Path
from types import SimpleNamespace

from . import paging

HEADER = re.compile(r"^-- name: (?P<name>\w+)(?P<kind>[\^*$@!])\s*$", re.MULTILINE)
HERE = Path(__file__).parent


@dataclass(frozen=True)
class Query:
    """One named statement of a .sql file."""

    name: str
    kind: str
    sql: str
    doc: str

    def __call__(self, cur, *spec, **params):
        """Run the statement with `params`; an `@` statement takes a paging.PageSpec first."""
        if self.kind == "@":
            return paging.page(cur, (self.sql,), *spec, params)
        cur.execute(self.sql, params)
        if self.kind == "!":
            return None
        if self.kind == "^":
            return cur.fetchone()
        if self.kind == "*":
            return cur.fetchall()
        row = cur.fetchone()  # "$"
        return None if row is None else next(iter(row.values()))


def parse(text):
    """Return the queries of a .sql file's text, by name."""
    queries = {}
    parts = HEADER.split(text)
    for name, kind, body in zip(parts[1::3], parts[2::3], parts[3::3], strict=True):
        lines = body.strip().splitlines()
        comment = 0
        while comment < len(lines) and lines[comment].startswith("--"):
            comment += 1
        end = len(lines)
        while end > comment and (lines[end - 1].startswith("--") or not lines[end - 1].strip()):
            end -= 1  # a comment after the statement is about the next ones
        doc = " ".join(line.removeprefix("--").strip() for line in lines[:comment])
        queries[name] = Query(name, kind, "\n".join(lines[comment:end]).strip().rstrip(";"), doc)
    return queries


@functools.cache
def load(resource):
    """Return the statements of `<resource>.sql` beside this module, as attributes."""
    return SimpleNamespace(name=resource, **parse((HERE / f"{resource}.sql").read_text(encoding="utf-8")))
