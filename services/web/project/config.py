"""Settings, read once from the environment with typed defaults."""

import os
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent.parent.parent  # services/web/project/..


def env_int(name, default):
    """Return the integer in environment variable `name`, or `default`."""
    raw = os.environ.get(name, "")
    if raw == "":
        return default
    try:
        return int(raw)
    except ValueError:
        raise ValueError(f"{name} must be an integer, not {raw!r}") from None


def env_float(name, default):
    """Return the number in environment variable `name`, or `default`."""
    raw = os.environ.get(name, "")
    if raw == "":
        return default
    try:
        return float(raw)
    except ValueError:
        raise ValueError(f"{name} must be a number, not {raw!r}") from None


def env_bool(name, default):
    """Return the boolean in environment variable `name` (true/false, 1/0, yes/no), or `default`."""
    raw = os.environ.get(name, "").strip().lower()
    if raw == "":
        return default
    if raw not in ("true", "false", "1", "0", "yes", "no"):
        raise ValueError(f"{name} must be true or false, not {raw!r}")
    return raw in ("true", "1", "yes")


class Config:
    """Settings of one app; `create_app(test_config)` may override any of them."""

    DATABASE_URL = os.environ.get("DATABASE_URL", "")
    DATABASE_REPLICA_URLS = os.environ.get("DATABASE_REPLICA_URLS", "")  # comma-separated; GETs read there
    REPLICA_MAX_LAG_S = env_float("REPLICA_MAX_LAG_S", 10.0)  # a replica further behind serves no reads
    DB_POOL_SIZE = env_int("DB_POOL_SIZE", 10)
    DB_POOL_TIMEOUT = env_int("DB_POOL_TIMEOUT", 5)
    DB_CONNECT_TIMEOUT = env_int("DB_CONNECT_TIMEOUT", 5)
    DB_STATEMENT_TIMEOUT_MS = env_int("DB_STATEMENT_TIMEOUT_MS", 5_000)
    PAGE_SIZE = env_int("PAGE_SIZE", 100)
    MAX_PAGE_SIZE = env_int("MAX_PAGE_SIZE", 1000)
    COUNT_EXACT_UP_TO = env_int("COUNT_EXACT_UP_TO", 1000)  # X-Total-Count past it: an estimate
    MAX_CONTENT_LENGTH = env_int("MAX_CONTENT_LENGTH", 64 * 1024)
    MAX_IMPORT_BYTES = env_int("MAX_IMPORT_BYTES", 20 * 1024 * 1024)  # POST /containers/import only
    IMPORT_STATEMENT_TIMEOUT_MS = env_int("IMPORT_STATEMENT_TIMEOUT_MS", 120_000)  # its statements, too
    MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", REPO / ".media"))  # attachments' files, by sha256
    ATTACHMENT_MAX_BYTES = env_int("ATTACHMENT_MAX_BYTES", 25 * 1024 * 1024)  # an upload's whole body
    ATTACHMENT_TYPES = os.environ.get("ATTACHMENT_TYPES", "")  # comma-separated; empty: every known type
    MEDIA_ACCEL_REDIRECT = env_bool("MEDIA_ACCEL_REDIRECT", False)  # nginx in front sends the files
    BARCODE_PREFIX = os.environ.get("BARCODE_PREFIX", "S")  # a new aliquot's barcode: S000123
    POSTGRES_SCRIPTS = Path(os.environ.get("POSTGRES_SCRIPTS", REPO / "postgres_scripts"))
    APP_ENV = os.environ.get("APP_ENV", "development")  # "production" refuses placeholder secrets
    TRUSTED_PROXIES = env_int("TRUSTED_PROXIES", 0)  # proxies in front whose X-Forwarded-* to trust
    ALLOW_ANONYMOUS_WRITES = env_bool("ALLOW_ANONYMOUS_WRITES", False)  # development only
    READS_REQUIRE_AUTH = env_bool("READS_REQUIRE_AUTH", False)
    RATELIMIT_ENABLED = env_bool("RATE_LIMIT_ENABLED", True)
    RATE_LIMIT = os.environ.get("RATE_LIMIT", "600 per minute")  # per token, or per client address
    RATE_LIMIT_AUTH = os.environ.get(
        "RATE_LIMIT_AUTH", "10 per minute"
    )  # POST /auth/tokens, per client address and per username
    RATE_LIMIT_LABELS = os.environ.get("RATE_LIMIT_LABELS", "2000 per minute")  # labels, per token or address
    RATELIMIT_STORAGE_URI = os.environ.get("RATE_LIMIT_STORAGE_URI", "memory://")
    RATELIMIT_IN_MEMORY_FALLBACK_ENABLED = True  # Redis unreachable: each process counts alone meanwhile
    EVENTS_HEARTBEAT_S = env_float("EVENTS_HEARTBEAT_S", 15.0)  # GET /events: a ": ping" line this often
    CORS_ORIGINS = os.environ.get("CORS_ORIGINS", "")  # comma-separated origins; empty: no CORS
    LOG_FORMAT = os.environ.get("LOG_FORMAT") or ("json" if APP_ENV == "production" else "text")
    SENTRY_DSN = os.environ.get("SENTRY_DSN", "")  # empty: no error reports
    LABEL_QR_URL = os.environ.get("LABEL_QR_URL", "")  # QR codes: this URL with {barcode}; empty: the barcode
