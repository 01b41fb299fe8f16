"""The Dockerfiles, parsed: known instructions, FROM first, files that exist, a lean non-root prod image.

No Docker engine runs here, so this stands in for `docker build` (hadolint cannot be installed).
"""

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import topology_servers as servers

from project import ui
from project.config import REPO, Config

WEB = REPO / "services" / "web"
NGINX = REPO / "services" / "nginx"
CONTEXTS = {  # Dockerfile: its build context, as docker-compose*.yml build it
    WEB / "Dockerfile": REPO,
    WEB / "Dockerfile.prod": REPO,
    NGINX / "Dockerfile": NGINX,
}
WEB_IMAGES = [WEB / "Dockerfile", WEB / "Dockerfile.prod"]
DEVTOOLS = {path.name for path in (WEB / "devtools").glob("*.py")} - {"__init__.py"}
KEYWORDS = {
    "ADD", "ARG", "CMD", "COPY", "ENTRYPOINT", "ENV", "EXPOSE", "FROM", "HEALTHCHECK",
    "LABEL", "ONBUILD", "RUN", "SHELL", "STOPSIGNAL", "USER", "VOLUME", "WORKDIR",
}  # fmt: skip


def instructions(dockerfile):
    """Return the (KEYWORD, arguments) pairs of a Dockerfile, continued lines joined."""
    text = re.sub(r"\\\n", " ", dockerfile.read_text())
    lines = (line.strip() for line in text.splitlines())
    return [tuple(line.split(None, 1)) for line in lines if line and not line.startswith("#")]


def final_stage(dockerfile):
    """Return the instructions from the last FROM on."""
    steps = instructions(dockerfile)
    last_from = max(i for i, (keyword, _) in enumerate(steps) if keyword == "FROM")
    return steps[last_from:]


def env(dockerfile):
    """Return the variables that ENV sets (in the final stage)."""
    return dict(
        item.split("=", 1)
        for keyword, args in final_stage(dockerfile)
        if keyword == "ENV"
        for item in args.split()
    )


@pytest.mark.parametrize("dockerfile", CONTEXTS, ids=lambda path: str(path.relative_to(REPO)))
def test_every_instruction_is_a_known_upper_case_keyword_and_from_comes_first(dockerfile):
    steps = instructions(dockerfile)
    assert [keyword for keyword, _ in steps if keyword not in KEYWORDS] == []
    assert steps[0][0] == "FROM"


@pytest.mark.parametrize("dockerfile", CONTEXTS, ids=lambda path: str(path.relative_to(REPO)))
def test_what_copy_takes_is_in_the_build_context_or_an_earlier_stage(dockerfile):
    context, stages = CONTEXTS[dockerfile], set()
    sent = [
        line[1:].rstrip("/") for line in (REPO / ".dockerignore").read_text().splitlines() if line[:1] == "!"
    ]
    for keyword, args in instructions(dockerfile):
        words = args.split()
        if keyword == "FROM" and len(words) == 3:
            stages.add(words[2])  # FROM image AS name
        if keyword == "COPY":
            stage = next((word.split("=", 1)[1] for word in words if word.startswith("--from=")), None)
            if stage:
                assert stage in stages
                continue
            for source in words[:-1]:
                assert (context / source).exists(), f"{source} is not in {context}"
                if context == REPO:
                    assert any(source.startswith(path) for path in sent), f".dockerignore keeps {source} out"


@pytest.mark.parametrize("dockerfile", WEB_IMAGES, ids=lambda path: str(path.relative_to(REPO)))
def test_the_web_images_have_a_healthcheck_on_readyz_and_a_command(dockerfile):
    steps = dict(final_stage(dockerfile))
    assert "/readyz" in steps["HEALTHCHECK"]
    assert steps["CMD"].startswith("[")  # exec form: the server gets the signals


def test_the_production_image_runs_gunicorn_as_a_non_root_user():
    steps = final_stage(WEB / "Dockerfile.prod")
    users = [args for keyword, args in steps if keyword == "USER"]
    assert users and users[-1] not in {"root", "0"}
    assert dict(steps)["CMD"] == '["gunicorn", "--config", "gunicorn.conf.py"]'
    assert env(WEB / "Dockerfile.prod")["APP_ENV"] == "production"


def test_the_production_image_copies_the_app_but_no_development_tools():
    sources = [
        REPO / source
        for keyword, args in final_stage(WEB / "Dockerfile.prod")
        if keyword == "COPY" and not args.startswith("--from=")
        for source in args.split()[:-1]
    ]
    devtools = WEB / "devtools"
    assert WEB / "project" in sources
    assert [path for path in sources if devtools.is_relative_to(path) or path.is_relative_to(devtools)] == []
    assert [path.name for path in (WEB / "project").rglob("*.py") if path.name in DEVTOOLS] == []
    importers = [
        path.relative_to(WEB)
        for path in (WEB / "project").rglob("*.py")
        if re.search(r"^\s*(from|import) devtools\b", path.read_text(), re.MULTILINE)
    ]
    assert importers == []  # the app must run without them


def test_the_nginx_image_sets_every_variable_of_the_template():
    template = servers.NGINX_TEMPLATE.read_text()
    values = env(NGINX / "Dockerfile")
    servers.render(template, values)  # KeyError names a variable the image leaves unset
    assert values["NGINX_ENVSUBST_OUTPUT_DIR"] == "/etc/nginx"  # renders nginx.conf itself
    assert values["MAX_CONTENT_LENGTH"] == str(Config.MAX_CONTENT_LENGTH)


def test_the_production_image_publishes_the_ui_with_its_modules_named_by_their_hash(tmp_path):
    steps = final_stage(WEB / "Dockerfile.prod")
    [publishing] = [index for index, (keyword, args) in enumerate(steps) if "publish(" in args]
    assert steps[publishing - 1] == ("COPY", "services/web/project ./project")
    shutil.copytree(WEB / "project", tmp_path / "project", ignore=shutil.ignore_patterns("__pycache__"))
    path = f"{Path(sys.executable).parent}:{os.environ['PATH']}"
    run = subprocess.run(
        ["sh", "-c", steps[publishing][1]], cwd=tmp_path, env={**os.environ, "PATH": path}, check=False
    )
    assert run.returncode == 0
    published = tmp_path / "project" / "static" / "ui"
    assert sorted(path.name for path in published.iterdir()) == [ui.version(), "index.html"]
    assert f'src="{ui.version()}/app.js"' in (published / "index.html").read_text()
