-- The statements behind /history and /<resource>/<id>/history: every change, read-only.

-- name: list@
-- Every change to the inventory, with the row before and after it and who made it.
SELECT id, table_name, row_id, operation, old_row, new_row, changed_at, actor
  FROM history;
