"""Gunicorn settings of the production image (Dockerfile.prod), read from the environment.

GUNICORN_BIND        where to listen (the image sets 0.0.0.0:8000; default 127.0.0.1:8000)
WEB_CONCURRENCY      worker processes (default 2 * usable cores + 1)
GUNICORN_THREADS     threads per worker, each serving one request at a time (default 4)
FORWARDED_ALLOW_IPS  addresses or networks of the proxy whose X-Forwarded-Proto gunicorn trusts
"""

import json
import os

from gunicorn import util

wsgi_app = "project:create_app()"
bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8000")
workers = int(os.environ.get("WEB_CONCURRENCY", 2 * len(os.sched_getaffinity(0)) + 1))
# Threaded workers keep a client's connection open between requests (a sync worker closes
# it after each answer) and go on serving while one request waits on the database.
worker_class = "gthread"
threads = int(os.environ.get("GUNICORN_THREADS", "4"))
keepalive = 75  # nginx keeps its connections open for 60 s (nginx.conf, upstream app), and closes first
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1,::1")

# The database cancels a statement after 5 s (DB_STATEMENT_TIMEOUT_MS), gunicorn
# kills a silent worker after 45 s, nginx gives up on gunicorn after 50 s.
timeout = 45
graceful_timeout = 20

# nginx refuses a request line or a header line over 8 KB (414, 431) and headers over
# 32 KB in all (431), as problem+json. gunicorn's limits are set so that nothing nginx
# passes on meets them: the longest request line nginx passes is 8190 bytes; a header
# line grows when nginx appends to X-Forwarded-For; 32768 fields is gunicorn's maximum.
limit_request_line = 8190
limit_request_field_size = 16384
limit_request_fields = 32768

# Logs on stderr, in LOG_FORMAT (project/logs.py): gunicorn's own lines too. The app logs
# each request itself, with its request id and the client's address as it saw it behind
# nginx (TRUSTED_PROXIES=1), so gunicorn's access log is left out.
logconfig_dict = {
    "root": {"level": "INFO", "handlers": []},  # the app adds its handler
    "loggers": {
        "gunicorn.error": {"level": "INFO", "handlers": ["stderr"], "propagate": False},
        "gunicorn.access": {"level": "WARNING", "handlers": [], "propagate": False},
    },
    "handlers": {"stderr": {"class": "logging.StreamHandler", "formatter": "app"}},
    "formatters": {"app": {"()": "project.logs.formatter"}},
}

control_socket_disable = True  # no gunicornc socket in $HOME: docker manages the process


def write_problem(sock, status, reason, detail):
    """Answer a request gunicorn refuses before the app sees it as problem+json, not HTML.

    gunicorn's workers call util.write_error for requests they cannot parse (a header
    value with control characters, a repeated Content-Type, ...) and for a crash outside
    the app; nginx passes such answers on as they are.
    """
    body = json.dumps({"type": "about:blank", "title": reason, "status": status, "detail": detail})
    head = (
        f"HTTP/1.1 {status} {reason}\r\nConnection: close\r\n"
        f"Content-Type: application/problem+json\r\nContent-Length: {len(body)}\r\n\r\n"
    )
    util.write_nonblock(sock, (head + body).encode("latin-1"))


util.write_error = write_problem
