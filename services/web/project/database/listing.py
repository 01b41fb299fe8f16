"""Pages of a table or view: filters, search, any total order, offset or keyset.

A page is one statement: the filtered count, the parent check and the rows.
The order is a list of `Key`s ending in a unique one, so it is total; a
keyset page starts after the key values of the previous page's last row
("seek"), which an index on the keys turns into a range scan however deep
the page. NULL sorts as the largest value, as in PostgreSQL's indexes.
"""

from dataclasses import dataclass

from psycopg2 import sql


@dataclass(frozen=True)
class Key:
    """One sort key: an SQL expression, its direction, and whether it can be NULL."""

    expression: sql.Composable
    descending: bool = False
    nullable: bool = False

    def order_by(self, expression=None):
        """Return this key as an ORDER BY item (on `expression` if given)."""
        direction = sql.SQL(" DESC" if self.descending else "")
        return sql.Composed([expression or self.expression, direction])


def column_key(name, descending=False, nullable=False):
    """Return a Key on a plain column."""
    return Key(sql.Identifier(name), descending, nullable)


@dataclass(frozen=True)
class Query:
    """What to list: equality filters, a search, an order, and where to start."""

    keys: tuple  # of Key, the last unique
    limit: int
    offset: int = 0
    after: tuple | None = None  # key values of the row to start after
    filters: dict | None = None  # column -> value: only rows where column = value
    minimums: dict | None = None  # column -> value: only rows where column >= value
    search: tuple = ()  # expressions to match `q` against
    q: str | None = None
    parent: tuple | None = None  # (parent table, foreign-key column, parent id)


PAGE = """
SELECT counted.total, {parent_found} AS parent_found, page.*
  FROM (SELECT count(*) AS total FROM {relation} WHERE {where}) AS counted
  LEFT JOIN (SELECT true AS on_page, {columns}, {keys}
               FROM {relation}
              WHERE {where} AND {seek}
              ORDER BY {order}
              LIMIT %(limit)s OFFSET %(offset)s) AS page ON true
 ORDER BY {page_order}
"""


def page(cur, relation, columns, query):
    """Return {"total", "rows", "more", "last_keys"} for one page, or None.

    `total` counts every row that passes the filters and search; `more`
    tells whether rows follow the page, and `last_keys` are the key values
    of its last row, to start the next page after. None means the parent in
    `query.parent` does not exist.
    """
    params = {"limit": query.limit + 1, "offset": query.offset}
    conditions = [compare(column, "=", value, params) for column, value in (query.filters or {}).items()]
    conditions += [compare(column, ">=", value, params) for column, value in (query.minimums or {}).items()]
    parent_found = sql.SQL("true")
    if query.parent:
        parent_table, column, params["parent_id"] = query.parent
        conditions.append(sql.SQL("{} = %(parent_id)s").format(sql.Identifier(column)))
        parent_found = sql.SQL("EXISTS (SELECT FROM {} WHERE id = %(parent_id)s)").format(
            sql.Identifier(parent_table)
        )
    if query.q:
        params["pattern"] = "%" + escape_like(query.q) + "%"
        conditions.append(
            sql.SQL("({})").format(
                sql.SQL(" OR ").join(sql.SQL("{} ILIKE %(pattern)s").format(e) for e in query.search)
            )
        )
    key_names = [sql.Identifier(f"_k{i}") for i in range(len(query.keys))]
    cur.execute(
        sql.SQL(PAGE).format(
            parent_found=parent_found,
            relation=sql.Identifier(relation),
            where=sql.SQL(" AND ").join(conditions) if conditions else sql.SQL("true"),
            columns=sql.SQL(", ").join(map(sql.Identifier, columns)),
            keys=sql.SQL(", ").join(
                sql.SQL("{} AS {}").format(k.expression, name)
                for k, name in zip(query.keys, key_names, strict=True)
            ),
            seek=seek(query.keys, query.after, params) if query.after else sql.SQL("true"),
            order=sql.SQL(", ").join(k.order_by() for k in query.keys),
            page_order=sql.SQL(", ").join(
                k.order_by(sql.SQL("page.{}").format(name))
                for k, name in zip(query.keys, key_names, strict=True)
            ),
        ),
        params,
    )
    result = cur.fetchall()
    if not result[0]["parent_found"]:
        return None
    on_page = [row for row in result if row["on_page"]]
    rows = on_page[: query.limit]
    return {
        "total": result[0]["total"],
        "rows": [{c: row[c] for c in columns} for row in rows],
        "more": len(on_page) > query.limit,
        "last_keys": [rows[-1][f"_k{i}"] for i in range(len(query.keys))] if rows else None,
    }


def compare(column, operator, value, params):
    """Return `column <operator> value`, the value a new named parameter in `params`."""
    name = f"f{len(params)}"
    params[name] = value
    return sql.SQL("{} {} {}").format(sql.Identifier(column), sql.SQL(operator), sql.Placeholder(name))


def escape_like(text):
    """Escape LIKE's wildcards and its escape character in user input."""
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def seek(keys, values, params):
    """Return the condition "the row comes after `values` in the order of `keys`".

    Lexicographic: after on the first key, or equal on it and after on the
    second, and so on. When the first key cannot be NULL, a plain bound on it
    comes first, for the planner to start an index scan there.
    """
    for i, value in enumerate(values):
        params[f"s{i}"] = value
    alternatives = []
    for i, key in enumerate(keys):
        equal = [same(keys[j], j, values[j]) for j in range(i)]
        beyond = after(key, i, values[i])
        if beyond is not None:
            alternatives.append(sql.SQL(" AND ").join([*equal, beyond]))
    condition = sql.SQL("({})").format(
        sql.SQL(" OR ").join(alternatives) if alternatives else sql.SQL("false")
    )
    first = keys[0]
    if first.nullable or values[0] is None:
        return condition
    bound = sql.SQL("{} <= %(s0)s" if first.descending else "{} >= %(s0)s").format(first.expression)
    return sql.SQL("{} AND {}").format(bound, condition)


def same(key, i, value):
    """Return "key equals the i-th seek value" (NULL equals NULL)."""
    if value is None:
        return sql.SQL("{} IS NULL").format(key.expression)
    return sql.SQL("{} = {}").format(key.expression, sql.Placeholder(f"s{i}"))


def after(key, i, value):
    """Return "key comes after the i-th seek value", or None if nothing can."""
    placeholder = sql.Placeholder(f"s{i}")
    if key.descending:
        if value is None:
            return sql.SQL("{} IS NOT NULL").format(key.expression)
        return sql.SQL("{} < {}").format(key.expression, placeholder)
    if value is None:
        return None
    if key.nullable:
        return sql.SQL("({0} > {1} OR {0} IS NULL)").format(key.expression, placeholder)
    return sql.SQL("{} > {}").format(key.expression, placeholder)
