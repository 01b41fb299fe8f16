"""Gunicorn settings of the production image (Dockerfile.prod), read from the environment.

GUNICORN_BIND        where to listen (the image sets 0.0.0.0:8000; default 127.0.0.1:8000)
WEB_CONCURRENCY      worker processes (default 2 * usable cores + 1)
FORWARDED_ALLOW_IPS  addresses or networks of the proxy whose X-Forwarded-Proto gunicorn trusts
"""

import os

wsgi_app = "project:create_app()"
bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8000")
workers = int(os.environ.get("WEB_CONCURRENCY", 2 * len(os.sched_getaffinity(0)) + 1))
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1,::1")

# The database cancels a statement after 30 s (DB_STATEMENT_TIMEOUT_MS), gunicorn
# kills a silent worker after 45 s, nginx gives up on gunicorn after 50 s.
timeout = 45
graceful_timeout = 20

# Access log on stdout. %(h)s is REMOTE_ADDR after the app ran, so behind nginx
# (TRUSTED_PROXIES=1) it is the client's address as the app saw it.
accesslog = "-"
access_log_format = '%(h)s %(t)s "%(r)s" %(s)s %(b)s %(M)sms "%(a)s" forwarded-for="%({x-forwarded-for}i)s"'

control_socket_disable = True  # no gunicornc socket in $HOME: docker manages the process
