"""The rows of a CSV import sent to PostgreSQL with COPY, into container_import.sql's import_row."""

import io

from .queries import load

SQL = load("container_import")
COLUMNS = (  # COPY's order
    "uuid", "barcode", "description", "freezer_id", "box_id", "position", "status", "sample_type", "quantity",
    "unit", "collected_at", "expires_at", "freeze_thaw_count", "parent_barcode",
)  # fmt: skip
ESCAPES = str.maketrans({"\\": "\\\\", "\t": "\\t", "\n": "\\n", "\r": "\\r"})


def copy_rows(cur, rows):
    """COPY `rows` into import_row: dicts of their `line` and any of COLUMNS, each text or None."""
    text = "".join(copy_line(row) for row in rows)
    cur.copy_expert(SQL.copy.sql, io.BytesIO(text.encode()))


def copy_line(row):
    """Return one row as a line of COPY's text format: every column in order, tab-separated."""
    return "\t".join([str(row["line"]), *(copy_value(row.get(column)) for column in COLUMNS)]) + "\n"


def copy_value(value):
    """Return a value as COPY's text format writes it: None as \\N, backslash and line breaks escaped."""
    return r"\N" if value is None else value.translate(ESCAPES)
