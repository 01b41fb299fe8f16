"""docker-compose.yml (dev) and docker-compose.prod.yml: valid, and wired as docs/production.md says.

`docker-compose config` validates without a Docker engine; the rest reads the YAML.
"""

import shutil
import subprocess

import pytest
import yaml
from psycopg2.extensions import parse_dsn

from project import create_app
from project.config import REPO, Config
from project.production import ConfigError

COMPOSE = shutil.which("docker-compose")
NO_COMPOSE = "docker-compose is not installed (./scripts/test installs it with apt-get when run as root)"
DEV, PROD = "docker-compose.yml", "docker-compose.prod.yml"


def services(name):
    """Return the services of a compose file, anchors and merge keys resolved."""
    return yaml.safe_load((REPO / name).read_text())["services"]


def read_env(name):
    """Return the variables of an env file."""
    lines = (REPO / name).read_text().splitlines()
    return dict(line.split("=", 1) for line in lines if line and not line.startswith("#"))


@pytest.mark.skipif(COMPOSE is None, reason=NO_COMPOSE)
@pytest.mark.parametrize("name", [DEV, PROD])
def test_docker_compose_accepts_the_file(name):
    command = [COMPOSE, "-f", name, "config", "--quiet"]
    result = subprocess.run(command, check=False, cwd=REPO, capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr


@pytest.mark.parametrize("name", [DEV, PROD])
def test_services_start_once_their_dependencies_are_healthy(name):
    found = services(name)
    conditions = [
        condition for service in found.values() for condition in service.get("depends_on", {}).values()
    ]
    assert conditions and all(condition == {"condition": "service_healthy"} for condition in conditions)
    db = found["db"]  # web's healthcheck is in its Dockerfile
    assert int(db["image"].removeprefix("postgres:")) >= 15
    assert db["healthcheck"]["test"][1].startswith("pg_isready -h 127.0.0.1 ")  # not during init


def test_dev_serves_the_mounted_source_on_port_5000_after_migrations_and_example_data():
    web, db = services(DEV)["web"], services(DEV)["db"]
    assert web["ports"] == ["127.0.0.1:5000:5000"]
    assert "./services/web:/usr/src/app" in web["volumes"]
    assert "./postgres_scripts:/usr/src/postgres_scripts:ro" in web["volumes"]
    steps = web["command"] if isinstance(web["command"], str) else " ".join(web["command"])
    assert steps.index("db upgrade") < steps.index("db seed") < steps.index("flask --app project run")
    assert not any("docker-entrypoint-initdb.d" in volume for volume in db["volumes"])


def test_dev_credentials_are_the_original_ones_and_agree():
    settings = read_env(".env.dev")
    url = parse_dsn(settings["DATABASE_URL"])
    assert (settings["POSTGRES_USER"], settings["POSTGRES_DB"]) == ("mock_dev_user", "postgres_dev")
    assert (url["user"], url["password"], url["dbname"], url["host"]) == (
        settings["POSTGRES_USER"],
        settings["POSTGRES_PASSWORD"],
        settings["POSTGRES_DB"],
        "db",
    )


def test_prod_publishes_only_nginx_on_port_1337():
    assert {name: service.get("ports") for name, service in services(PROD).items()} == {
        "nginx": ["1337:80"],
        "web": None,
        "redis": None,
        "events": None,
        "db": None,
    }


def test_prod_counts_rate_limits_in_redis_on_the_backend_network_and_dev_in_memory():
    prod = services(PROD)
    web, redis = prod["web"], prod["redis"]
    assert web["environment"]["RATE_LIMIT_STORAGE_URI"] == "redis://redis:6379/0"
    assert web["depends_on"]["redis"] == {"condition": "service_healthy"}
    assert redis["networks"] == ["backend"] and "backend" in web["networks"]
    assert "PONG" in redis["healthcheck"]["test"][1]
    assert "redis" not in services(DEV)
    assert "RATE_LIMIT_STORAGE_URI" not in read_env(".env.dev")


def test_prod_nginx_and_the_app_agree_on_the_body_limit_and_who_the_proxy_is():
    config = yaml.safe_load((REPO / PROD).read_text())
    nginx, web = config["services"]["nginx"], config["services"]["web"]
    assert nginx["environment"]["MAX_CONTENT_LENGTH"] == web["environment"]["MAX_CONTENT_LENGTH"]
    assert web["environment"]["MAX_CONTENT_LENGTH"] == str(Config.MAX_CONTENT_LENGTH)
    assert nginx["networks"] == ["proxy"]
    assert [net["subnet"] for net in config["networks"]["proxy"]["ipam"]["config"]] == [
        web["environment"]["FORWARDED_ALLOW_IPS"]
    ]
    assert config["services"]["db"]["networks"] == ["backend"]


def test_env_prod_holds_placeholders_the_app_refuses():
    settings = read_env(".env.prod")
    assert parse_dsn(settings["DATABASE_URL"])["password"] == settings["POSTGRES_PASSWORD"] == "change-me"
    with pytest.raises(ConfigError):
        create_app({"APP_ENV": "production", "DATABASE_URL": settings["DATABASE_URL"]})


@pytest.mark.parametrize(
    ("password", "refused"),
    [
        ("", True),
        ("change-me", True),
        ("changeme", True),
        ("password", True),
        ("postgres", True),
        ("x7Rq-2vLp", False),
    ],
)
def test_prod_db_refuses_to_start_with_a_placeholder_password(tmp_path, password, refused):
    entrypoint = services(PROD)["db"]["entrypoint"]
    script = entrypoint[-1].replace("$$", "$")  # as docker-compose unescapes it
    fake = tmp_path / "docker-entrypoint.sh"  # stands in for the postgres image's
    fake.write_text('#!/bin/sh\necho "starting $*"\n')
    fake.chmod(0o755)
    result = subprocess.run(
        [*entrypoint[:-1], script],
        check=False,
        env={"PATH": f"{tmp_path}:/usr/bin:/bin", "POSTGRES_PASSWORD": password},
        capture_output=True,
        text=True,
        timeout=10,
    )
    if refused:
        assert (result.returncode, result.stdout) == (1, "")
        assert "set a real one in .env.prod" in result.stderr
    else:
        assert (result.returncode, result.stdout) == (0, "starting postgres\n")
