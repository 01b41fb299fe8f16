-- The statements of POST /containers/import (api/imports.py), in the order it runs them, in one
-- transaction: the CSV, parsed and checked line by line in Python, is sent with COPY into a
-- temporary table, checked there set-based, and inserted by one statement.

-- name: time!
-- Let the statements of this import's transaction run for %(ms)s ms (the import is one
-- transaction, however many rows; other requests keep DB_STATEMENT_TIMEOUT_MS).
SELECT set_config('statement_timeout', %(ms)s, true);

-- name: start!
-- A temporary table for the rows of one import (all text, as sent), dropped when its
-- transaction ends; `line` is where the row starts in the file, 2 being the first after the header.
CREATE TEMPORARY TABLE import_row (
    line        integer NOT NULL,
    uuid        text,
    barcode     text,
    description text,
    freezer_id  text,
    box_id      text,
    position    text,
    status      text,
    sample_type text,
    quantity    text,
    unit        text,
    collected_at text,
    expires_at  text,
    freeze_thaw_count text,
    parent_barcode text
) ON COMMIT DROP;

-- name: copy!
-- The rows into import_row, sent with COPY in its text format: every column, in this order, a
-- missing value as \N (container_import.copy_rows writes them; not run by cur.execute).
COPY import_row (line, uuid, barcode, description, freezer_id, box_id, position, status, sample_type, quantity, unit,
                 collected_at, expires_at, freeze_thaw_count, parent_barcode) FROM STDIN;

-- name: problems*
-- What is wrong with the rows of import_row, by line and column, at most 100: values of the wrong
-- form, parents that do not exist, a box in another freezer or without the position, a uuid or
-- barcode or position already taken (by a container, or by an earlier line: a position only by
-- one not disposed); sample fields of the wrong form, a quantity without a unit, a parent_barcode
-- that is no container's (the line is an aliquot of it; nothing is taken from it).
WITH r AS (
    SELECT i.*,
           CASE WHEN i.freezer_id ~ '^[0-9]{1,9}$' THEN i.freezer_id::integer END AS freezer,
           CASE WHEN i.box_id ~ '^[0-9]{1,9}$' THEN i.box_id::integer END AS box,
           min(i.line) OVER (PARTITION BY lower(replace(i.uuid, '-', ''))) AS uuid_line,
           min(i.line) OVER (PARTITION BY i.barcode) AS barcode_line,
           min(i.line) OVER (PARTITION BY i.box_id, i.position, i.status IS DISTINCT FROM 'disposed')
               AS position_line
      FROM import_row i
)
SELECT r.line, p.column, p.message
  FROM r
  LEFT JOIN freezer f ON f.id = r.freezer
  LEFT JOIN box b ON b.id = r.box
 CROSS JOIN LATERAL (VALUES
     ('uuid', CASE WHEN r.uuid IS NULL THEN NULL
                   WHEN r.uuid !~* '^[0-9a-f]{8}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{12}$'
                       THEN 'must be a UUID'
                   WHEN r.uuid_line < r.line THEN format('is also on line %%s', r.uuid_line)
                   WHEN EXISTS (SELECT FROM container c WHERE c.uuid = r.uuid::uuid) THEN 'is already taken' END),
     ('barcode', CASE WHEN r.barcode IS NULL THEN NULL
                      WHEN r.barcode !~ '^\S(.*\S)?$' OR length(r.barcode) > 200
                          THEN 'must be at most 200 characters, not starting or ending with spaces'
                      WHEN r.barcode_line < r.line THEN format('is also on line %%s', r.barcode_line)
                      WHEN EXISTS (SELECT FROM barcode c WHERE c.barcode = r.barcode) THEN 'is already taken' END),
     ('description', CASE WHEN length(r.description) > 2000 THEN 'must be at most 2000 characters' END),
     ('freezer_id', CASE WHEN r.freezer_id IS NULL AND r.box_id IS NULL THEN 'is required without a box_id'
                         WHEN r.freezer_id IS NULL THEN NULL
                         WHEN f.id IS NULL THEN format('freezer %%s does not exist', r.freezer_id)
                         WHEN b.freezer_id <> f.id THEN format('box %%s is in freezer %%s', b.id, b.freezer_id)
                    END),
     ('box_id', CASE WHEN r.box_id IS NOT NULL AND b.id IS NULL THEN format('box %%s does not exist', r.box_id) END),
     ('position', CASE WHEN (r.box_id IS NULL) <> (r.position IS NULL)
                           THEN 'give a position with a box_id, and none without'
                       WHEN b.id IS NULL THEN NULL
                       WHEN NOT grid_has(r.position, b.rows, b.cols)
                           THEN format('box %%s has no position %%s', b.id, r.position)
                       WHEN r.status = 'disposed' THEN NULL
                       WHEN r.position_line < r.line THEN format('is also on line %%s', r.position_line)
                       WHEN EXISTS (SELECT FROM container c WHERE c.box_id = b.id AND c.position = r.position
                                                              AND c.status <> 'disposed')
                           THEN format('%%s of box %%s is taken', r.position, b.id) END),
     ('status', CASE WHEN r.status NOT IN ('in_storage', 'checked_out', 'disposed')
                     THEN 'must be in_storage, checked_out or disposed' END),
     ('sample_type', CASE WHEN r.sample_type !~ '^\S(.*\S)?$' OR length(r.sample_type) > 100
                          THEN 'must be at most 100 characters, not starting or ending with spaces' END),
     ('quantity', CASE WHEN r.quantity IS NULL THEN NULL
                       WHEN r.quantity !~ '^[0-9]{1,15}(\.[0-9]{1,15})?$'
                           THEN 'must be a number of at least 0, such as 12.5'
                       WHEN r.unit IS NULL THEN 'needs a unit' END),
     ('unit', CASE WHEN canonical_unit(r.unit) NOT IN ('L', 'mL', 'uL', 'g', 'mg', 'ug', 'ng', 'cells', 'items')
                   THEN 'must be one of L, mL, uL, g, mg, ug, ng, cells, items' END),
     ('collected_at', CASE WHEN NOT is_valid_time(r.collected_at, 'timestamptz')
                           THEN 'must be a time such as 2026-11-22T10:00:00Z' END),
     ('expires_at', CASE WHEN NOT is_valid_time(r.expires_at, 'date') THEN 'must be a date such as 2026-11-22' END),
     ('freeze_thaw_count', CASE WHEN r.freeze_thaw_count !~ '^[0-9]{1,9}$'
                                THEN 'must be a whole number of at least 0' END),
     ('parent_barcode', CASE WHEN r.parent_barcode IS NULL THEN NULL
                             WHEN NOT EXISTS (SELECT FROM barcode c WHERE c.barcode = r.parent_barcode
                                                                      AND c.kind = 'container')
                                 THEN 'is no container''s barcode'
                             WHEN EXISTS (SELECT FROM barcode c JOIN container p ON p.id = c.item_id
                                           WHERE c.barcode = r.parent_barcode AND c.kind = 'container'
                                             AND p.status = 'disposed')
                                 THEN 'is a disposed container''s barcode' END)
 ) AS p ("column", message)
 WHERE p.message IS NOT NULL
 ORDER BY r.line, p.column
 LIMIT 100;

-- name: insert$
-- The rows of import_row (checked) inserted in one statement, in a box with its box's freezer, an
-- aliquot of the container with its parent_barcode;
-- how many. Ids are set-based: each line takes the sequence's next value, in line order; only
-- a value already taken (by a row given that id explicitly) is replaced by free_id(), which
-- draws past all the others, so no two lines share an id (free_id() on every line, dynamic SQL
-- each time, was most of an import's time).
WITH inserted AS (
    INSERT INTO container (id, uuid, description, freezer_id, barcode, box_id, position, status, sample_type,
                           quantity, unit, collected_at, expires_at, freeze_thaw_count, lineage, parent_ids)
    SELECT CASE WHEN EXISTS (SELECT FROM container c WHERE c.id = r.id) THEN free_id('container') ELSE r.id END,
           coalesce(r.uuid::uuid, gen_random_uuid()), r.description,
           coalesce(r.freezer_id::integer, b.freezer_id), r.barcode, b.id, r.position,
           coalesce(r.status, 'in_storage'), r.sample_type, r.quantity::numeric, r.unit,
           r.collected_at::timestamptz, r.expires_at::date, coalesce(r.freeze_thaw_count::integer, 0),
           CASE WHEN p.item_id IS NULL THEN 'primary' ELSE 'aliquot' END,
           CASE WHEN p.item_id IS NULL THEN '{}' ELSE ARRAY[p.item_id] END
      FROM (SELECT i.*, nextval('container_id_seq') AS id FROM import_row i ORDER BY i.line) r
      LEFT JOIN box b ON b.id = r.box_id::integer
      LEFT JOIN barcode p ON p.barcode = r.parent_barcode AND p.kind = 'container'
     ORDER BY r.line
    RETURNING 1
)
SELECT count(*) FROM inserted;
