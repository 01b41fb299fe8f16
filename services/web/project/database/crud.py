"""Queries every table shares: read, page, upsert, insert, create, patch and delete.

Table and column names come only from the `Table` definitions of this package
and enter SQL through psycopg2.sql.Identifier; every value is a bound
parameter. Each function sends a single statement (create may try again
with the next id): one round trip, one transaction on the pool's autocommit
connections.
"""

from dataclasses import dataclass, field

from psycopg2 import sql

from . import listing

CREATE_ATTEMPTS = 3


class NoFreeId(Exception):
    """Every id the sequence handed out during a create was already taken."""


@dataclass(frozen=True)
class Table:
    """A table with an integer `id` key and the columns clients may write."""

    name: str
    columns: tuple
    parents: dict = field(default_factory=dict)  # foreign-key column -> parent table
    defaults: frozenset = frozenset()  # columns the database fills when omitted
    not_null: frozenset = frozenset()  # columns that are never NULL (besides id)
    search: tuple = ()  # columns that `q` searches, as text

    @property
    def plural(self):
        """The name of the table's lists, as in /sites."""
        return self.name + "s"

    @property
    def all_columns(self):
        """`id` followed by the writable columns."""
        return ("id", *self.columns)


def identifiers(names):
    """Compose column names as a comma-separated identifier list."""
    return sql.SQL(", ").join(map(sql.Identifier, names))


def version(table):
    """Compose the row's version: a hash of its whole content, so any change changes it."""
    return sql.SQL("md5({}::text)").format(sql.Identifier(table.name))


def returning(table):
    """Compose the columns a write or read answers: the row and its version."""
    return sql.SQL("{}, {} AS version").format(identifiers(table.all_columns), version(table))


def version_check(table, versions):
    """Compose the condition "the row's version is one of `versions`" (None: any)."""
    if versions is None:
        return sql.SQL("true")
    return sql.SQL("{} = ANY(%(versions)s)").format(version(table))


def read(cur, table, row_id):
    """Return row `row_id` of `table` as a dict with its "version", or None."""
    cur.execute(
        sql.SQL("SELECT {columns} FROM {table} WHERE id = %(id)s").format(
            columns=returning(table), table=sql.Identifier(table.name)
        ),
        {"id": row_id},
    )
    return cur.fetchone()


def page(cur, table, query):
    """Return one page of `table`; see listing.page."""
    return listing.page(cur, table.name, table.all_columns, query)


def order_keys(table, column, descending=False):
    """Return the total order "by `column`, then by id", both in one direction."""
    keys = (listing.column_key("id", descending),)
    if column != "id":
        keys = (listing.column_key(column, descending, column not in table.not_null), *keys)
    return keys


def search_expressions(table):
    """Return the expressions `q` is matched against: the search columns as text."""
    return tuple(sql.SQL("{}::text").format(sql.Identifier(c)) for c in table.search)


def create(cur, table, values):
    """Insert a row with a server-assigned id and return it.

    An id the sequence hands out may already be taken by a concurrent
    explicit-id upsert; the insert then skips that id and tries the next one.
    """
    columns = [c for c in table.columns if c in values]
    query = sql.SQL(
        "INSERT INTO {table} ({columns}) VALUES ({values}) ON CONFLICT (id) DO NOTHING RETURNING {returning}"
    ).format(
        table=sql.Identifier(table.name),
        columns=identifiers(columns),
        values=sql.SQL(", ").join(map(sql.Placeholder, columns)),
        returning=returning(table),
    )
    for _ in range(CREATE_ATTEMPTS):
        cur.execute(query, values)
        row = cur.fetchone()
        if row is not None:
            return row
    raise NoFreeId(f"no free id for a new {table.name} after {CREATE_ATTEMPTS} attempts")


def replacement(table, values):
    """Return the columns a full replacement writes: all but omitted defaulted ones, None if omitted."""
    return {c: values.get(c) for c in table.columns if c in values or c not in table.defaults}


def insert_with_id(table, columns, on_conflict, also=""):
    """Compose INSERT of row %(id)s with `columns`, ON CONFLICT (id) `on_conflict`, returning the row."""
    return sql.SQL(
        "INSERT INTO {table} (id, {columns}) VALUES (%(id)s, {values})"
        " ON CONFLICT (id) {on_conflict} RETURNING {returning}{also}"
    ).format(
        table=sql.Identifier(table.name),
        columns=identifiers(columns),
        values=sql.SQL(", ").join(map(sql.Placeholder, columns)),
        on_conflict=on_conflict,
        returning=returning(table),
        also=sql.SQL(also),
    )


def upsert(cur, table, row_id, values):
    """Create row `row_id` or replace all its columns; return (row, created).

    Omitted columns become NULL, except those the database defaults: a new
    row gets the default, an existing row keeps its value.
    """
    columns = replacement(table, values)
    update = sql.SQL("DO UPDATE SET {}").format(
        sql.SQL(", ").join(sql.SQL("{0} = EXCLUDED.{0}").format(sql.Identifier(c)) for c in columns)
    )
    cur.execute(insert_with_id(table, columns, update, ", (xmax = 0) AS created"), {**columns, "id": row_id})
    row = cur.fetchone()
    return row, row.pop("created")


def insert(cur, table, row_id, values):
    """Create row `row_id` unless it exists; return the new row, or None."""
    columns = replacement(table, values)
    cur.execute(insert_with_id(table, columns, sql.SQL("DO NOTHING")), {**columns, "id": row_id})
    return cur.fetchone()


def patch(cur, table, row_id, values, versions=None):
    """Change the given columns of row `row_id` if its version is in `versions`.

    Return the row, or None if there is no such row (or it has another version).
    """
    columns = [c for c in table.columns if c in values]
    if not columns:
        row = read(cur, table, row_id)
        return row if row and (versions is None or row["version"] in versions) else None
    cur.execute(
        sql.SQL(
            "UPDATE {table} SET {assignments} WHERE id = %(id)s AND {check} RETURNING {returning}"
        ).format(
            table=sql.Identifier(table.name),
            assignments=sql.SQL(", ").join(
                sql.SQL("{} = {}").format(sql.Identifier(c), sql.Placeholder(c)) for c in columns
            ),
            check=version_check(table, versions),
            returning=returning(table),
        ),
        {**values, "id": row_id, "versions": versions},
    )
    return cur.fetchone()


def delete(cur, table, row_id, versions=None):
    """Delete row `row_id` if its version is in `versions`; return it, or None."""
    cur.execute(
        sql.SQL("DELETE FROM {table} WHERE id = %(id)s AND {check} RETURNING {returning}").format(
            table=sql.Identifier(table.name), check=version_check(table, versions), returning=returning(table)
        ),
        {"id": row_id, "versions": versions},
    )
    return cur.fetchone()
