"""Queries every table shares: read, page, upsert, create, patch and delete.

Table and column names come only from the `Table` definitions of this package
and enter SQL through psycopg2.sql.Identifier; every value is a bound
parameter. Each function is a single statement: one round trip, one
transaction on the pool's autocommit connections.
"""

from dataclasses import dataclass, field

from psycopg2 import sql

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


def read(cur, table, row_id):
    """Return row `row_id` of `table` as a dict, or None."""
    cur.execute(
        sql.SQL("SELECT {columns} FROM {table} WHERE id = %(id)s").format(
            columns=identifiers(table.all_columns), table=sql.Identifier(table.name)
        ),
        {"id": row_id},
    )
    return cur.fetchone()


PAGE = """
SELECT counted.total, {parent_found} AS parent_found, page.*
  FROM (SELECT count(*) AS total FROM {relation} WHERE {where}) AS counted
  LEFT JOIN (SELECT true AS on_page, {columns}
               FROM {relation}
              WHERE {where}
              ORDER BY {order}
              LIMIT %(limit)s OFFSET %(offset)s) AS page ON true
"""


def page(cur, relation, columns, order, *, offset, limit, parent=None):
    """Return {"total", "rows"} for one page of a table or view, or None.

    `order` is a composed ORDER BY list that must be total. `parent` is an
    optional (parent table, foreign-key column, parent id): only rows of that
    parent are listed, and None is returned when the parent does not exist.
    The count, the page and the parent check share one statement.
    """
    params = {"limit": limit, "offset": offset}
    where, parent_found = sql.SQL("true"), sql.SQL("true")
    if parent is not None:
        parent_table, column, params["parent_id"] = parent
        where = sql.SQL("{} = %(parent_id)s").format(sql.Identifier(column))
        parent_found = sql.SQL("EXISTS (SELECT FROM {} WHERE id = %(parent_id)s)").format(
            sql.Identifier(parent_table)
        )
    cur.execute(
        sql.SQL(PAGE).format(
            parent_found=parent_found,
            relation=sql.Identifier(relation),
            where=where,
            columns=identifiers(columns),
            order=order,
        ),
        params,
    )
    result = cur.fetchall()
    if not result[0]["parent_found"]:
        return None
    rows = [{name: row[name] for name in columns} for row in result if row["on_page"]]
    return {"total": result[0]["total"], "rows": rows}


def page_table(cur, table, offset, limit, parent=None):
    """Return one page of `table` in id order; see `page`."""
    return page(cur, table.name, table.all_columns, sql.SQL("id"), offset=offset, limit=limit, parent=parent)


def upsert(cur, table, row_id, values):
    """Create row `row_id` or replace all its columns; return (row, created).

    Omitted columns become NULL, except those the database defaults: a new
    row gets the default, an existing row keeps its value.
    """
    columns = [c for c in table.columns if c in values or c not in table.defaults]
    cur.execute(
        sql.SQL(
            "INSERT INTO {table} (id, {columns}) VALUES (%(id)s, {values})"
            " ON CONFLICT (id) DO UPDATE SET {assignments}"
            " RETURNING {returning}, (xmax = 0) AS created"
        ).format(
            table=sql.Identifier(table.name),
            columns=identifiers(columns),
            values=sql.SQL(", ").join(map(sql.Placeholder, columns)),
            assignments=sql.SQL(", ").join(
                sql.SQL("{0} = EXCLUDED.{0}").format(sql.Identifier(c)) for c in columns
            ),
            returning=identifiers(table.all_columns),
        ),
        {**{c: values.get(c) for c in columns}, "id": row_id},
    )
    row = cur.fetchone()
    return row, row.pop("created")


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
        returning=identifiers(table.all_columns),
    )
    for _ in range(CREATE_ATTEMPTS):
        cur.execute(query, values)
        row = cur.fetchone()
        if row is not None:
            return row
    raise NoFreeId(f"no free id for a new {table.name} after {CREATE_ATTEMPTS} attempts")


def patch(cur, table, row_id, values):
    """Change the given columns of row `row_id`; return the row, or None."""
    columns = [c for c in table.columns if c in values]
    if not columns:
        return read(cur, table, row_id)
    cur.execute(
        sql.SQL("UPDATE {table} SET {assignments} WHERE id = %(id)s RETURNING {returning}").format(
            table=sql.Identifier(table.name),
            assignments=sql.SQL(", ").join(
                sql.SQL("{} = {}").format(sql.Identifier(c), sql.Placeholder(c)) for c in columns
            ),
            returning=identifiers(table.all_columns),
        ),
        {**values, "id": row_id},
    )
    return cur.fetchone()


def delete(cur, table, row_id):
    """Delete row `row_id` and return it, or None if there was none."""
    cur.execute(
        sql.SQL("DELETE FROM {table} WHERE id = %(id)s RETURNING {returning}").format(
            table=sql.Identifier(table.name), returning=identifiers(table.all_columns)
        ),
        {"id": row_id},
    )
    return cur.fetchone()
