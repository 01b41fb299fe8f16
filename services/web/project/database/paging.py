"""Pages of a list statement: filters, search, any total order, offset or keyset, a bounded count.

The one place where SQL is composed: a list's ORDER BY and its filters
vary per request. The list itself is a hand-written statement (an `@`
query of a .sql file) that does its own search, given %(pattern)s (a LIKE
pattern, or NULL); a page wraps it, with plain column names of its output,
in one statement that also counts the filtered rows and checks the list's
parent. Column names enter as identifiers, values as parameters.
`statement` returns that statement, for a reader to see
(`./scripts/flask lists sql sites`).

The order is a tuple of `Key`s ending in a unique one, so it is total; a
keyset page starts after the key values of the previous page's last row
("seek"), which an index on the keys turns into a range scan however deep
the page. NULL sorts as the largest value, as in PostgreSQL's indexes.

The count stops at `count_limit` rows, so its cost does not grow with the
table; past it, the total is the planner's estimate (count_estimate in
postgres_scripts/schema.sql), and says so.

A list may be the UNION ALL of several statements (its parts, each named
in its .sql file): each part is then counted, ordered and cut by itself
before the parts are merged (compose_parts). A list may also name a
completion: a statement that adds columns to each row of the page, which
it reads as `page`, joined LATERAL after the cut, so that a join the page
needs runs for its rows alone, not for every row before them.
"""

from dataclasses import dataclass, field

from psycopg2 import sql


@dataclass(frozen=True)
class Key:
    """One sort key: a column of the list, its direction, and whether it can be NULL."""

    column: str
    descending: bool = False
    nullable: bool = False


@dataclass(frozen=True)
class PageSpec:
    """Which page of a list: filters, a search, an order, and where to start."""

    keys: tuple  # of Key, the last unique
    limit: int
    offset: int = 0
    after: tuple | None = None  # key values of the row to start after
    filters: dict = field(default_factory=dict)  # column -> value: only rows where column = value
    minimums: dict = field(default_factory=dict)  # column -> value: only rows where column >= value
    befores: dict = field(default_factory=dict)  # column -> value: only rows where column < value
    q: str | None = None
    parent: tuple | None = None  # (column, parent id, the parent's `exists` query)
    count_limit: int | None = None  # count at most this many rows, then estimate; None: exact


PAGE = """
{with_parts}SELECT counted.total, counted.estimated, {parent_found} AS parent_found, page.*{completed}
  FROM (SELECT CASE WHEN exact THEN n ELSE greatest(count_estimate(%(count_query)s), n) END AS total,
               NOT exact AS estimated
          FROM (SELECT count(*) AS n, %(count_limit)s IS NULL OR count(*) < %(count_limit)s AS exact
                  FROM ({counted}) AS c) AS bounded) AS counted
  LEFT JOIN ({page}) AS page ON true{completion}
 ORDER BY {page_order}
"""

# The rows of a part that the count reads: at most count_limit.
COUNTED = """SELECT
                          FROM ({part}
                               ) AS r
                         WHERE {where}
                         LIMIT %(count_limit)s"""

# The rows of a part that the page is cut from, in order.
PART = """SELECT true AS on_page, r.*
               FROM ({part}
                    ) AS r
              WHERE {where} AND {seek}
              ORDER BY {order}
              LIMIT {cut}"""

# The page cut from the parts' first rows (each part's first offset + limit + 1).
MERGED = """SELECT *
               FROM ({parts}
                    ) AS parts
              ORDER BY {order}
              LIMIT %(limit)s OFFSET %(offset)s"""


def page(cur, parts, spec, params=None, completion=None):
    """Return {"total", "estimated", "rows", "more", "last_keys"} for one page of a list, or None.

    `parts` are the list's statements (its rows are their UNION ALL),
    `params` their parameters, `completion` the statement (or None) that
    adds columns to each row of the page. `total` counts the rows that pass the filters
    and search (`estimated` when past spec.count_limit); `more` tells
    whether rows follow the page, and `last_keys` are the key values of its
    last row, to start the next page after. None means the parent in
    `spec.parent` does not exist.
    """
    cur.execute(*statement(cur, parts, spec, params, completion))
    result = cur.fetchall()
    total, estimated, parent_found = (result[0][k] for k in ("total", "estimated", "parent_found"))
    if not parent_found:
        return None
    on_page = [row for row in result if row["on_page"]]
    found = on_page[: spec.limit]
    for row in found:
        del row["total"], row["estimated"], row["parent_found"], row["on_page"]
    return {
        "total": total,
        "estimated": estimated,
        "rows": found,
        "more": len(on_page) > spec.limit,
        "last_keys": [found[-1][k.column] for k in spec.keys] if found else None,
    }


def statement(cur, parts, spec, params=None, completion=None):
    """Return (the statement, its parameters) that answers one page of the list made of `parts`."""
    pattern = "%" + escape_like(spec.q) + "%" if spec.q else None
    params = {
        **(params or {}),
        "pattern": pattern,
        "limit": spec.limit + 1,
        "offset": spec.offset,
        "count_limit": spec.count_limit,
    }
    conditions = [compare(column, "=", value, params) for column, value in spec.filters.items()]
    conditions += [compare(column, ">=", value, params) for column, value in spec.minimums.items()]
    conditions += [compare(column, "<", value, params) for column, value in spec.befores.items()]
    parent_found = sql.SQL("true")
    if spec.parent:  # the parent's `exists` statement takes its id as %(id)s
        column, params["id"], exists = spec.parent
        conditions.append(sql.SQL("{} = %(id)s").format(sql.Identifier(column)))
        parent_found = sql.SQL("({})").format(sql.SQL(exists.sql))
    where = sql.SQL(" AND ").join(conditions) if conditions else sql.SQL("true")
    params["count_query"] = None  # exact counts need no estimate
    if spec.count_limit is not None:  # a whole statement for count_estimate to EXPLAIN, values quoted in
        rows = sql.SQL("\nUNION ALL\n").join(sql.SQL(part) for part in parts)
        count = sql.SQL("SELECT FROM ({rows}\n) AS r WHERE {where}").format(rows=rows, where=where)
        params["count_query"] = cur.mogrify(count, params).decode()
    composed = sql.SQL(PAGE).format(
        parent_found=parent_found,
        completed=sql.SQL(", completion.*" if completion else ""),
        completion=sql.SQL("\n  LEFT JOIN LATERAL ({}) AS completion ON true").format(sql.SQL(completion))
        if completion
        else sql.SQL(""),
        **compose_parts(parts, spec, where, params),
        page_order=order_by(spec.keys, "page"),
    )
    return composed, params


def compose_parts(parts, spec, where, params):
    """Return the WITH clause, the counted rows and the page's rows of a list made of `parts`.

    A list that is the UNION ALL of several statements is paged part by
    part: each part is counted, ordered and cut on its own, then the parts
    are merged. Planned alone (and materialized, so that
    it stays so), a part reads its rows in order through an index if it has
    many, or finds its few through another index and sorts them; the planner
    cannot see that through a join in a UNION ALL.
    """
    order = order_by(spec.keys)
    seeking = seek(spec.keys, spec.after, params) if spec.after else sql.SQL("true")

    def part_rows(part, cut):
        return sql.SQL(PART).format(
            part=sql.SQL(part), where=where, seek=seeking, order=order, cut=sql.SQL(cut)
        )

    counted = [sql.SQL(COUNTED).format(part=sql.SQL(part), where=where) for part in parts]
    if len(parts) == 1:
        return {
            "with_parts": sql.SQL(""),
            "counted": counted[0],
            "page": part_rows(parts[0], "%(limit)s OFFSET %(offset)s"),
        }
    params["reach"] = spec.offset + params["limit"]
    names = [sql.Identifier(f"part{i}") for i in range(len(parts))]
    return {
        "with_parts": sql.SQL("WITH {}\n").format(
            sql.SQL(",\n").join(
                sql.SQL("{} AS MATERIALIZED ({})").format(name, part_rows(part, "%(reach)s"))
                for name, part in zip(names, parts, strict=True)
            )
        ),
        "counted": sql.SQL("{} LIMIT %(count_limit)s").format(
            sql.SQL(" UNION ALL ").join(sql.SQL("({})").format(c) for c in counted)
        ),
        "page": sql.SQL(MERGED).format(
            parts=sql.SQL(" UNION ALL ").join(sql.SQL("SELECT * FROM {}").format(name) for name in names),
            order=order,
        ),
    }


def order_by(keys, relation=None):
    """Compose the ORDER BY list of `keys` (their columns of `relation`, if given)."""
    names = [(relation, k.column) if relation else (k.column,) for k in keys]
    return sql.SQL(", ").join(
        sql.SQL("{}{}").format(sql.Identifier(*name), sql.SQL(" DESC" if k.descending else ""))
        for name, k in zip(names, keys, strict=True)
    )


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
    bound = sql.SQL("{} <= %(s0)s" if first.descending else "{} >= %(s0)s").format(
        sql.Identifier(first.column)
    )
    return sql.SQL("{} AND {}").format(bound, condition)


def same(key, i, value):
    """Return "key equals the i-th seek value" (NULL equals NULL)."""
    if value is None:
        return sql.SQL("{} IS NULL").format(sql.Identifier(key.column))
    return sql.SQL("{} = {}").format(sql.Identifier(key.column), sql.Placeholder(f"s{i}"))


def after(key, i, value):
    """Return "key comes after the i-th seek value", or None if nothing can."""
    column, placeholder = sql.Identifier(key.column), sql.Placeholder(f"s{i}")
    if key.descending:
        if value is None:
            return sql.SQL("{} IS NOT NULL").format(column)
        return sql.SQL("{} < {}").format(column, placeholder)
    if value is None:
        return None
    if key.nullable:
        return sql.SQL("({0} > {1} OR {0} IS NULL)").format(column, placeholder)
    return sql.SQL("{} > {}").format(column, placeholder)
