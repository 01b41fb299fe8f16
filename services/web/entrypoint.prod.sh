#!/bin/sh
# Start of the production web container: publish the static files to the volume
# nginx serves them from, apply the schema migrations the database lacks (each
# once; replicas starting at once take turns; the app refuses to start here
# with a placeholder password), then run the command (gunicorn).
set -eu

if [ -n "${STATIC_ROOT:-}" ]; then
    cp -R project/static/. "$STATIC_ROOT/"
fi
flask --app project db upgrade
exec "$@"
