-- The statements behind /container/<id>, /containers and /freezer/<id>/containers.
-- Every statement answering a row adds its version (the ETag): a hash of the whole row.
-- A uuid or status of NULL (omitted) is generated for a new container (status: in_storage),
-- and kept by a replacement.

-- name: read^
-- Container %(id)s with its version, or none.
SELECT id, uuid, description, freezer_id, barcode, box_id, position, status, status_note,
       md5(container::text) AS version
  FROM container
 WHERE id = %(id)s;

-- name: exists$
-- Whether container %(id)s exists.
SELECT EXISTS (SELECT FROM container WHERE id = %(id)s);

-- name: list#
-- Every container, or with %(pattern)s (a LIKE pattern) those whose searched text matches it
-- (container_search_idx); paging.page filters, orders and cuts it.
SELECT id, uuid, description, freezer_id, barcode, box_id, position, status, status_note
  FROM container
 WHERE %(pattern)s::text IS NULL
    OR (uuid::text || E'\x1f' || coalesce(description, '')) ILIKE %(pattern)s;

-- name: create^
-- A new container with the next free id (see free_id in postgres_scripts/schema.sql); none if a concurrent
-- write took that id meanwhile (try again).
INSERT INTO container (id, uuid, description, freezer_id, barcode, box_id, position, status, status_note)
VALUES (free_id('container'), coalesce(%(uuid)s, gen_random_uuid()), %(description)s, %(freezer_id)s, %(barcode)s, %(box_id)s,
        %(position)s, coalesce(%(status)s, 'in_storage'), %(status_note)s)
ON CONFLICT (id) DO NOTHING
RETURNING id, uuid, description, freezer_id, barcode, box_id, position, status, status_note,
          md5(container::text) AS version;

-- name: upsert^
-- Container %(id)s created, or all its columns replaced; `created` tells which.
INSERT INTO container (id, uuid, description, freezer_id, barcode, box_id, position, status, status_note)
VALUES (%(id)s, coalesce(%(uuid)s, gen_random_uuid()), %(description)s, %(freezer_id)s, %(barcode)s, %(box_id)s,
        %(position)s, coalesce(%(status)s, 'in_storage'), %(status_note)s)
ON CONFLICT (id) DO UPDATE
   SET uuid = coalesce(%(uuid)s, container.uuid), description = EXCLUDED.description,
       freezer_id = EXCLUDED.freezer_id, barcode = EXCLUDED.barcode, box_id = EXCLUDED.box_id,
       position = EXCLUDED.position, status = coalesce(%(status)s, container.status),
       status_note = EXCLUDED.status_note
RETURNING id, uuid, description, freezer_id, barcode, box_id, position, status, status_note,
          md5(container::text) AS version, (xmax = 0) AS created;

-- name: insert^
-- Container %(id)s created, or none if it exists.
INSERT INTO container (id, uuid, description, freezer_id, barcode, box_id, position, status, status_note)
VALUES (%(id)s, coalesce(%(uuid)s, gen_random_uuid()), %(description)s, %(freezer_id)s, %(barcode)s, %(box_id)s,
        %(position)s, coalesce(%(status)s, 'in_storage'), %(status_note)s)
ON CONFLICT (id) DO NOTHING
RETURNING id, uuid, description, freezer_id, barcode, box_id, position, status, status_note,
          md5(container::text) AS version;

-- name: update^
-- Container %(id)s with the columns in %(changes)s (a JSON object) changed, if its
-- version is one of %(versions)s (NULL: any); none if there is no such container or version.
UPDATE container
   SET (uuid, description, freezer_id, barcode, box_id, position, status, status_note) =
       (SELECT uuid, description, freezer_id, barcode, box_id, position, status, status_note
          FROM jsonb_populate_record(container, %(changes)s::jsonb))
 WHERE id = %(id)s AND (%(versions)s::text[] IS NULL OR md5(container::text) = ANY (%(versions)s::text[]))
RETURNING id, uuid, description, freezer_id, barcode, box_id, position, status, status_note,
          md5(container::text) AS version;

-- name: delete^
-- Container %(id)s deleted, if its version is one of %(versions)s (NULL: any); none if
-- not there.
DELETE FROM container
 WHERE id = %(id)s AND (%(versions)s::text[] IS NULL OR md5(container::text) = ANY (%(versions)s::text[]))
RETURNING id, uuid, description, freezer_id, barcode, box_id, position, status, status_note,
          md5(container::text) AS version;

-- name: transition^
-- Container %(id)s given %(status)s and %(note)s, if its status is one of %(sources)s (none
-- otherwise): disposed, it leaves its box; with %(move)s, it goes to box %(box_id)s at
-- %(position)s (a NULL box: out of any box, in its freezer), and to that box's freezer.
UPDATE container c
   SET status = %(status)s, status_note = %(note)s,
       box_id = CASE WHEN %(status)s = 'disposed' THEN NULL WHEN %(move)s THEN %(box_id)s ELSE c.box_id END,
       position = CASE WHEN %(status)s = 'disposed' THEN NULL WHEN %(move)s THEN %(position)s
                       ELSE c.position END,
       freezer_id = coalesce((SELECT b.freezer_id FROM box b WHERE %(move)s AND b.id = %(box_id)s), c.freezer_id)
 WHERE c.id = %(id)s AND c.status = ANY (%(sources)s::text[])
RETURNING id, uuid, description, freezer_id, barcode, box_id, position, status, status_note,
          md5(c::text) AS version;

-- name: move_problems*
-- Why moves of %(moves)s (a JSON array of {index, container_id, box_id, position}) cannot be
-- made, by index (none if all can): a container that is missing, disposed or moved twice, a box
-- that is missing or lacks the position, a position taken by a container that stays (a
-- checked-out one keeps its position) or by another move.
WITH m AS (
    SELECT *, count(*) OVER (PARTITION BY container_id) AS moves_of_container,
           count(*) OVER (PARTITION BY box_id, position) AS moves_to_position
      FROM jsonb_to_recordset(%(moves)s::jsonb) AS m (index integer, container_id integer, box_id integer, position text)
)
SELECT m.index, p.problem
  FROM m
  LEFT JOIN container c ON c.id = m.container_id
  LEFT JOIN box b ON b.id = m.box_id
 CROSS JOIN LATERAL (VALUES
     (CASE WHEN c.id IS NULL THEN format('container %%s does not exist', m.container_id)
           WHEN c.status = 'disposed' THEN format('container %%s is disposed', c.id)
           WHEN m.moves_of_container > 1 THEN format('container %%s is moved more than once', c.id) END),
     (CASE WHEN (m.box_id IS NULL) <> (m.position IS NULL) THEN 'give a position with a box_id, and none without'
           WHEN m.box_id IS NULL THEN NULL
           WHEN b.id IS NULL THEN format('box %%s does not exist', m.box_id)
           WHEN NOT grid_has(m.position, b.rows, b.cols) THEN format('box %%s has no position %%s', b.id, m.position)
           WHEN m.moves_to_position > 1 THEN format('%%s of box %%s is the target of another move', m.position, b.id)
      END),
     ((SELECT format('%%s of box %%s holds container %%s (%%s)', m.position, b.id, o.id, o.status)
         FROM container o
        WHERE o.box_id = m.box_id AND o.position = m.position AND o.status <> 'disposed'
          AND o.id <> m.container_id AND NOT EXISTS (SELECT FROM m away WHERE away.container_id = o.id)
        LIMIT 1))
 ) AS p (problem)
 WHERE p.problem IS NOT NULL
 ORDER BY m.index;

-- name: move*
-- The moves of %(moves)s made, in one statement (so two containers can swap places): each
-- container to its box_id and position (a NULL box: out of any box), and to that box's freezer.
-- The moved containers, in the order of the moves.
WITH moved AS (
    UPDATE container c
       SET box_id = m.box_id, position = m.position, freezer_id = coalesce(b.freezer_id, c.freezer_id)
      FROM jsonb_to_recordset(%(moves)s::jsonb) AS m (index integer, container_id integer, box_id integer,
                                                       position text)
      LEFT JOIN box b ON b.id = m.box_id
     WHERE c.id = m.container_id
    RETURNING m.index, c.*
)
SELECT id, uuid, description, freezer_id, barcode, box_id, position, status, status_note
  FROM moved
 ORDER BY index;

-- name: import_start!
-- A temporary table for the rows of one import (all text, as sent), dropped when its
-- transaction ends; `line` numbers them as in the file, 2 being the first after the header.
CREATE TEMPORARY TABLE import_row (
    line        integer GENERATED ALWAYS AS IDENTITY (START WITH 2),
    uuid        text,
    barcode     text,
    description text,
    freezer_id  text,
    box_id      text,
    position    text,
    status      text
) ON COMMIT DROP;

-- name: import_time!
-- Let the statements of this import's transaction run for %(ms)s ms (the import is one
-- transaction, however many rows; other requests keep DB_STATEMENT_TIMEOUT_MS).
SELECT set_config('statement_timeout', %(ms)s, true);

-- name: import_copy!
-- The rows of a CSV file (sent with COPY, after a header row naming {columns}) into import_row.
COPY import_row ({columns}) FROM STDIN WITH (FORMAT csv, HEADER true);

-- name: import_problems*
-- What is wrong with the rows of import_row, by line and column, at most 100: values of the wrong
-- form, parents that do not exist, a box in another freezer or without the position, a uuid or
-- barcode or position already taken (by a container, or by an earlier line: a position only by
-- one not disposed).
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
                     THEN 'must be in_storage, checked_out or disposed' END)
 ) AS p ("column", message)
 WHERE p.message IS NOT NULL
 ORDER BY r.line, p.column
 LIMIT 100;

-- name: import_rows$
-- The rows of import_row (checked) inserted in one statement, in a box with its box's freezer;
-- how many. Ids are set-based: each line takes the sequence's next value, in line order; only
-- a value already taken (by a row given that id explicitly) is replaced by free_id(), which
-- draws past all the others, so no two lines share an id (free_id() on every line, dynamic SQL
-- each time, was most of an import's time).
WITH inserted AS (
    INSERT INTO container (id, uuid, description, freezer_id, barcode, box_id, position, status)
    SELECT CASE WHEN EXISTS (SELECT FROM container c WHERE c.id = r.id) THEN free_id('container') ELSE r.id END,
           coalesce(r.uuid::uuid, gen_random_uuid()), r.description,
           coalesce(r.freezer_id::integer, b.freezer_id), r.barcode, b.id, r.position,
           coalesce(r.status, 'in_storage')
      FROM (SELECT i.*, nextval('container_id_seq') AS id FROM import_row i ORDER BY i.line) r
      LEFT JOIN box b ON b.id = r.box_id::integer
     ORDER BY r.line
    RETURNING 1
)
SELECT count(*) FROM inserted;
