"""Gunicorn settings of the events process (GET /events): gunicorn.conf.py's, with gevent workers.

An open stream waits almost all the time; under gevent it is a greenlet (a few tens of KB)
waiting on a queue, where a gthread worker would hold a thread, and gunicorn would kill a
worker whose request lasts past `timeout`. One worker serves thousands of streams.

EVENTS_BIND          where to listen (the image's events service sets 0.0.0.0:8001; default 127.0.0.1:8001)
EVENTS_WORKERS       worker processes (default 1), each with its own LISTEN connection
EVENTS_CONNECTIONS   open connections per worker (default 4096)
"""

import os
import runpy
from pathlib import Path

globals().update(
    {
        k: v
        for k, v in runpy.run_path(str(Path(__file__).with_name("gunicorn.conf.py"))).items()
        if not k.startswith("__")
    }
)

wsgi_app = "project.events:create_events_app()"
bind = os.environ.get("EVENTS_BIND", "127.0.0.1:8001")
workers = int(os.environ.get("EVENTS_WORKERS", "1"))
worker_class = "gevent"
worker_connections = int(os.environ.get("EVENTS_CONNECTIONS", "4096"))
threads = 1
