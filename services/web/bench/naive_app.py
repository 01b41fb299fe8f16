"""The naive baseline of ./scripts/bench: Flask, a psycopg2 pool and hand-written SQL, nothing else.

What a plain hand-written app would do for the bench's endpoints: the same
statements as ours less the ETag, and no totals, auth, rate limits, access log
or validation; pages by LIMIT and OFFSET, the instruments view without ORDER
BY. Run only by the bench (gunicorn bench.naive_app:app); never imported by
`project`.
"""

import os

from flask import Flask, abort, request
from psycopg2.extras import RealDictCursor
from psycopg2.pool import ThreadedConnectionPool

app = Flask(__name__)
pool = ThreadedConnectionPool(1, 4, os.environ["DATABASE_URL"])


def fetch(statement, params):
    """Run one statement in its own transaction; return its rows."""
    conn = pool.getconn()
    try:
        with conn, conn.cursor(cursor_factory=RealDictCursor) as cur:
            cur.execute(statement, params)
            return cur.fetchall()
    finally:
        pool.putconn(conn)


def one(statement, params):
    """Return the single row a statement answers; 404 if there is none."""
    rows = fetch(statement, params)
    if not rows:
        abort(404)
    return rows[0]


@app.get("/site/<int:site_id>")
def get_site(site_id):
    """Return one site."""
    return one(
        """SELECT id, lab_id, name, contact, address, state_or_region, country, postcode_or_zip
             FROM site
            WHERE id = %(id)s""",
        {"id": site_id},
    )


@app.post("/site/<int:site_id>")
def upsert_site(site_id):
    """Create or replace one site."""
    body = request.get_json()
    columns = ("lab_id", "name", "contact", "address", "state_or_region", "country", "postcode_or_zip")
    return one(
        """INSERT INTO site (id, lab_id, name, contact, address, state_or_region, country, postcode_or_zip)
           VALUES (%(id)s, %(lab_id)s, %(name)s, %(contact)s, %(address)s, %(state_or_region)s,
                   %(country)s, %(postcode_or_zip)s)
           ON CONFLICT (id) DO UPDATE
              SET lab_id = EXCLUDED.lab_id, name = EXCLUDED.name, contact = EXCLUDED.contact,
                  address = EXCLUDED.address, state_or_region = EXCLUDED.state_or_region,
                  country = EXCLUDED.country, postcode_or_zip = EXCLUDED.postcode_or_zip
           RETURNING id, lab_id, name, contact, address, state_or_region, country, postcode_or_zip""",
        {**{name: body.get(name) for name in columns}, "id": site_id},
    )


@app.get("/sites/<int:offset>/<int:limit>")
def list_sites(offset, limit):
    """Return a page of sites."""
    return fetch(
        """SELECT id, lab_id, name, contact, address, state_or_region, country, postcode_or_zip
             FROM site
            ORDER BY id
            LIMIT %(limit)s OFFSET %(offset)s""",
        {"limit": limit, "offset": offset},
    )


@app.get("/instruments/<int:offset>/<int:limit>")
def list_instruments(offset, limit):
    """Return a page of instruments, in whatever order the view gives them."""
    return fetch(
        """SELECT site_id, site_name, computer_id, freezer_id, name
             FROM instruments
            LIMIT %(limit)s OFFSET %(offset)s""",
        {"limit": limit, "offset": offset},
    )


@app.get("/containers/<int:offset>/<int:limit>")
def list_containers(offset, limit):
    """Return a page of containers, only those matching ?q= if it is given."""
    return fetch(
        """SELECT id, uuid, description, freezer_id
             FROM container
            WHERE %(q)s IS NULL OR uuid::text ILIKE %(pattern)s OR description ILIKE %(pattern)s
            ORDER BY id
            LIMIT %(limit)s OFFSET %(offset)s""",
        {
            "q": request.args.get("q"),
            "pattern": f"%{request.args.get('q')}%",
            "limit": limit,
            "offset": offset,
        },
    )


@app.get("/freezer/<int:freezer_id>/containers/<int:offset>/<int:limit>")
def freezer_containers(freezer_id, offset, limit):
    """Return a page of one freezer's containers."""
    return fetch(
        """SELECT id, uuid, description, freezer_id
             FROM container
            WHERE freezer_id = %(freezer_id)s
            ORDER BY id
            LIMIT %(limit)s OFFSET %(offset)s""",
        {"freezer_id": freezer_id, "limit": limit, "offset": offset},
    )


@app.patch("/container/<int:container_id>")
def patch_container(container_id):
    """Change a container's description."""
    return one(
        """UPDATE container
              SET description = %(description)s
            WHERE id = %(id)s
           RETURNING id, uuid, description, freezer_id""",
        {"description": request.get_json()["description"], "id": container_id},
    )
