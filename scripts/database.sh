# Sourced by scripts/psql, flask, backup and restore: which database they work on.
# Sets root (this checkout) and url ($DATABASE_URL, or else the local database of
# ./scripts/server, which must be running), creating .venv when needed;
# pg_bindir prints the directory of PostgreSQL's client programs.
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
if [ -n "${LOCAL_PGDATA:-}" ]; then LOCAL_PGDATA=$(realpath -m "$LOCAL_PGDATA"); fi
"$root/scripts/bootstrap" >&2
url="${DATABASE_URL:-postgresql://postgres@/labinv?host=${LOCAL_PGDATA:-$root/.pgdata}}"

pg_bindir() {
  (cd "$root/services/web" && ../../.venv/bin/python -c 'from devtools.localdb import default_bindir; print(default_bindir())')
}
