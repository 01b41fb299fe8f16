"""Every curl and psql example in README.md and docs/*.md, run verbatim; output as printed there.

A block marked ```console holds commands after `$ ` (with `\\`
continuations) each followed by its output. Each file's examples run in
order, in a test of their own, on fresh example data: curl against the live
app (via `requests`, for the curl options the examples use), psql against
the test database with the wheel's psql. Date and Server headers are not
compared, and `…` in a shown line stands for anything (a new token, a time).
"""

import os
import re
import shlex
import subprocess

import pytest
import requests

from devtools.localdb import default_bindir
from project.config import REPO

BASE = "http://localhost:5000"
IGNORED_HEADERS = ("date:", "server:", "connection:")
DOCUMENTS = [REPO / "README.md", *sorted((REPO / "docs").glob("*.md"))]
WITH_EXAMPLES = [document for document in DOCUMENTS if "```console" in document.read_text()]


def examples(text):
    """Yield (command, expected output) for each `$ ` command in console blocks."""
    for block in re.findall(r"```console\n(.*?)```", text, re.DOTALL):
        for chunk in re.split(r"^\$ ", block, flags=re.MULTILINE)[1:]:
            lines = chunk.split("\n")
            command = lines.pop(0)
            while command.endswith("\\"):
                command = command[:-1] + lines.pop(0)
            yield command, "\n".join(lines).rstrip("\n")


def curl(base, args):
    """Do what `curl ARGS` would and return what it would print."""
    method, headers, data, include, url = None, {}, None, False, None
    args = iter(args)
    for arg in args:
        if arg in ("-X", "--request"):
            method = next(args)
        elif arg in ("-H", "--header"):
            name, value = next(args).split(": ", 1)
            headers[name] = value
        elif arg in ("-d", "--data"):
            data = next(args)
            headers.setdefault("Content-Type", "application/x-www-form-urlencoded")
        elif arg == "--data-binary":  # @file: the file's bytes, its path from the repository
            data = (REPO / next(args).removeprefix("@")).read_bytes()
        elif arg == "-i":
            include = True
        elif arg != "-s":
            url = arg.replace(BASE, base)
    response = requests.request(
        method or ("POST" if data else "GET"), url, data=data, headers=headers, timeout=10
    )
    body = response.text
    if not include:
        return body
    head = [f"HTTP/1.1 {response.status_code} {response.reason}"]
    head += [f"{name}: {value}" for name, value in response.headers.items()]
    return "\n".join(head) + "\n\n" + body


def psql(database_url, args):
    """Run the wheel's psql with ARGS on the test database; return its output."""
    result = subprocess.run(
        [default_bindir() / "psql", database_url, *args],
        capture_output=True,
        text=True,
        check=True,
        env={**os.environ, "PAGER": ""},
    )
    return result.stdout


def comparable(output):
    """Drop headers that change from run to run, and trailing blanks."""
    lines = [line.rstrip() for line in output.strip("\n").split("\n")]
    return [line for line in lines if not line.lower().startswith(IGNORED_HEADERS)]


def run(command, base, database_url):
    """Run one example's command; return its output."""
    program, *args = shlex.split(command)
    if program == "curl":
        return curl(base, args)
    assert program == "./scripts/psql", f"example with no runner: {command}"
    return psql(database_url, args)


def matches(actual, expected):
    """Tell whether output lines match the shown ones, where `…` stands for anything."""
    patterns = [".*".join(map(re.escape, line.split("…"))) for line in expected]
    return len(actual) == len(expected) and all(
        re.fullmatch(p, a) for p, a in zip(patterns, actual, strict=True)
    )


def test_the_documents_hold_enough_examples_and_every_console_block_one_at_least():
    counts = {document: len(list(examples(document.read_text()))) for document in WITH_EXAMPLES}
    assert sum(counts.values()) >= 15
    assert REPO / "README.md" in counts
    assert [document.name for document, count in counts.items() if count == 0] == []


@pytest.mark.parametrize("document", WITH_EXAMPLES, ids=lambda path: str(path.relative_to(REPO)))
def test_every_example_prints_what_its_document_shows(document, live_url, database_url):
    for command, expected in examples(document.read_text()):
        actual = run(command, live_url, database_url)
        assert matches(comparable(actual), comparable(expected)), f"{command}\n{actual}"
