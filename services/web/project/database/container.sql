-- The statements behind /container/<id>, /containers and /freezer/<id>/containers.
-- Every statement answering a row adds its version (the ETag): a hash of the whole row.
-- A uuid or status of NULL (omitted) is generated for a new container (status: in_storage),
-- and kept by a replacement.

-- name: read^
-- Container %(id)s with its version, or none.
SELECT id, uuid, description, freezer_id, barcode, box_id, position, status, status_note,
       sample_type, quantity::float8 AS quantity, unit, initial_quantity::float8 AS initial_quantity,
       freeze_thaw_count, collected_at, expires_at, lineage, parent_ids, md5(container::text) AS version
  FROM container
 WHERE id = %(id)s;

-- name: place^
-- Where container %(id)s is, by name: its site, freezer, rack and box (each {id, name}, rack and
-- box null when it has none), its position, and the path to show; none if there is no such container.
SELECT c.id, json_build_object('id', s.id, 'name', s.name) AS site,
       json_build_object('id', f.id, 'name', f.name) AS freezer,
       CASE WHEN r.id IS NOT NULL THEN json_build_object('id', r.id, 'name', r.name) END AS rack,
       CASE WHEN b.id IS NOT NULL THEN json_build_object('id', b.id, 'name', b.name) END AS box,
       c.position, concat_ws(' › ', s.name, f.name, r.name, b.name, c.position) AS path
  FROM container c
  JOIN freezer f ON f.id = c.freezer_id
  JOIN site s ON s.id = f.site_id
  LEFT JOIN box b ON b.id = c.box_id
  LEFT JOIN rack r ON r.id = b.rack_id
 WHERE c.id = %(id)s;

-- name: exists$
-- Whether container %(id)s exists.
SELECT EXISTS (SELECT FROM container WHERE id = %(id)s);

-- name: list@
-- Every container, or with %(pattern)s (a LIKE pattern) those whose searched text matches it
-- (container_search_idx); paging.page filters, orders and cuts it.
SELECT id, uuid, description, freezer_id, barcode, box_id, position, status, status_note,
       sample_type, quantity::float8 AS quantity, unit, initial_quantity::float8 AS initial_quantity,
       freeze_thaw_count, collected_at, expires_at, lineage, parent_ids
  FROM container
 WHERE %(pattern)s::text IS NULL
    OR (uuid::text || E'\x1f' || coalesce(barcode, '') || E'\x1f' || coalesce(description, '') || E'\x1f'
        || coalesce(sample_type, '')) ILIKE %(pattern)s;

-- name: names*
-- The names beside the ids of a page of containers: its freezer's and box's. `page` is a row
-- of the page: paging.page joins this LATERAL to each row it cut, not to every row before them.
SELECT (SELECT f.name FROM freezer f WHERE f.id = page.freezer_id) AS freezer_name,
       (SELECT b.name FROM box b WHERE b.id = page.box_id) AS box_name;

-- name: create^
-- A new container with the next free id (see free_id in postgres_scripts/schema.sql); none if a concurrent
-- write took that id meanwhile (try again).
INSERT INTO container (id, uuid, description, freezer_id, barcode, box_id, position, status, status_note,
                       sample_type, quantity, unit, collected_at, expires_at)
VALUES (free_id('container'), coalesce(%(uuid)s, gen_random_uuid()), %(description)s, %(freezer_id)s, %(barcode)s, %(box_id)s,
        %(position)s, coalesce(%(status)s, 'in_storage'), %(status_note)s, %(sample_type)s, %(quantity)s,
        %(unit)s, %(collected_at)s, %(expires_at)s)
ON CONFLICT (id) DO NOTHING
RETURNING id, uuid, description, freezer_id, barcode, box_id, position, status, status_note,
          sample_type, quantity::float8 AS quantity, unit, initial_quantity::float8 AS initial_quantity,
          freeze_thaw_count, collected_at, expires_at, lineage, parent_ids, md5(container::text) AS version;

-- name: upsert^
-- Container %(id)s created, or all its columns replaced; `created` tells which.
INSERT INTO container (id, uuid, description, freezer_id, barcode, box_id, position, status, status_note,
                       sample_type, quantity, unit, collected_at, expires_at)
VALUES (%(id)s, coalesce(%(uuid)s, gen_random_uuid()), %(description)s, %(freezer_id)s, %(barcode)s, %(box_id)s,
        %(position)s, coalesce(%(status)s, 'in_storage'), %(status_note)s, %(sample_type)s, %(quantity)s,
        %(unit)s, %(collected_at)s, %(expires_at)s)
ON CONFLICT (id) DO UPDATE
   SET uuid = coalesce(%(uuid)s, container.uuid), description = EXCLUDED.description,
       freezer_id = EXCLUDED.freezer_id, barcode = EXCLUDED.barcode, box_id = EXCLUDED.box_id,
       position = EXCLUDED.position, status = coalesce(%(status)s, container.status),
       status_note = EXCLUDED.status_note, sample_type = EXCLUDED.sample_type, quantity = EXCLUDED.quantity,
       unit = EXCLUDED.unit, collected_at = EXCLUDED.collected_at, expires_at = EXCLUDED.expires_at
RETURNING id, uuid, description, freezer_id, barcode, box_id, position, status, status_note,
          sample_type, quantity::float8 AS quantity, unit, initial_quantity::float8 AS initial_quantity,
          freeze_thaw_count, collected_at, expires_at, lineage, parent_ids, md5(container::text) AS version, (xmax = 0) AS created;

-- name: insert^
-- Container %(id)s created, or none if it exists.
INSERT INTO container (id, uuid, description, freezer_id, barcode, box_id, position, status, status_note,
                       sample_type, quantity, unit, collected_at, expires_at)
VALUES (%(id)s, coalesce(%(uuid)s, gen_random_uuid()), %(description)s, %(freezer_id)s, %(barcode)s, %(box_id)s,
        %(position)s, coalesce(%(status)s, 'in_storage'), %(status_note)s, %(sample_type)s, %(quantity)s,
        %(unit)s, %(collected_at)s, %(expires_at)s)
ON CONFLICT (id) DO NOTHING
RETURNING id, uuid, description, freezer_id, barcode, box_id, position, status, status_note,
          sample_type, quantity::float8 AS quantity, unit, initial_quantity::float8 AS initial_quantity,
          freeze_thaw_count, collected_at, expires_at, lineage, parent_ids, md5(container::text) AS version;

-- name: update^
-- Container %(id)s with the columns in %(changes)s (a JSON object) changed, if its
-- version is one of %(versions)s (NULL: any); none if there is no such container or version.
UPDATE container
   SET (uuid, description, freezer_id, barcode, box_id, position, status, status_note, sample_type, quantity,
        unit, collected_at, expires_at) =
       (SELECT uuid, description, freezer_id, barcode, box_id, position, status, status_note, sample_type,
               quantity, unit, collected_at, expires_at
          FROM jsonb_populate_record(container, %(changes)s::jsonb))
 WHERE id = %(id)s AND (%(versions)s::text[] IS NULL OR md5(container::text) = ANY (%(versions)s::text[]))
RETURNING id, uuid, description, freezer_id, barcode, box_id, position, status, status_note,
          sample_type, quantity::float8 AS quantity, unit, initial_quantity::float8 AS initial_quantity,
          freeze_thaw_count, collected_at, expires_at, lineage, parent_ids, md5(container::text) AS version;

-- name: delete^
-- Container %(id)s deleted, if its version is one of %(versions)s (NULL: any); none if
-- not there.
DELETE FROM container
 WHERE id = %(id)s AND (%(versions)s::text[] IS NULL OR md5(container::text) = ANY (%(versions)s::text[]))
RETURNING id, uuid, description, freezer_id, barcode, box_id, position, status, status_note,
          sample_type, quantity::float8 AS quantity, unit, initial_quantity::float8 AS initial_quantity,
          freeze_thaw_count, collected_at, expires_at, lineage, parent_ids, md5(container::text) AS version;

-- name: transition^
-- Container %(id)s given %(status)s and %(note)s, if its status is one of %(sources)s (none
-- otherwise): disposed, it leaves its box; with %(move)s, it goes to box %(box_id)s at
-- %(position)s (a NULL box: out of any box, in its freezer), and to that box's freezer; with
-- %(thawed)s, one more freeze-thaw cycle.
UPDATE container c
   SET status = %(status)s, status_note = %(note)s,
       freeze_thaw_count = c.freeze_thaw_count + CASE WHEN %(thawed)s THEN 1 ELSE 0 END,
       box_id = CASE WHEN %(status)s = 'disposed' THEN NULL WHEN %(move)s THEN %(box_id)s ELSE c.box_id END,
       position = CASE WHEN %(status)s = 'disposed' THEN NULL WHEN %(move)s THEN %(position)s
                       ELSE c.position END,
       freezer_id = coalesce((SELECT b.freezer_id FROM box b WHERE %(move)s AND b.id = %(box_id)s), c.freezer_id)
 WHERE c.id = %(id)s AND c.status = ANY (%(sources)s::text[])
RETURNING id, uuid, description, freezer_id, barcode, box_id, position, status, status_note,
          sample_type, quantity::float8 AS quantity, unit, initial_quantity::float8 AS initial_quantity,
          freeze_thaw_count, collected_at, expires_at, lineage, parent_ids, md5(c::text) AS version;

-- name: move_problems*
-- Why moves of %(moves)s (a JSON array of {index, container_id, box_id, position}) cannot be
-- made, by index (none if all can): the rule each breaks, named as the constraint or trigger
-- that enforces it (api/errors.py MOVE_PROBLEMS says it in words), and what it is about. A
-- container that is missing, disposed or moved twice; a position without a box or a box without
-- one; a box that is missing or lacks the position (grid_has, as the trigger check_container_place
-- asks); a position taken by a container that stays (a checked-out one keeps its position) or by
-- another move (container_position_free; `holder` is the container there).
WITH m AS (
    SELECT *, count(*) OVER (PARTITION BY container_id) AS moves_of_container,
           count(*) OVER (PARTITION BY box_id, position) AS moves_to_position
      FROM jsonb_to_recordset(%(moves)s::jsonb) AS m (index integer, container_id integer, box_id integer, position text)
)
SELECT m.index, p.rule, p.subject, p.holder
  FROM m
  LEFT JOIN container c ON c.id = m.container_id
  LEFT JOIN box b ON b.id = m.box_id
  LEFT JOIN LATERAL (SELECT o.id FROM container o
                      WHERE o.box_id = m.box_id AND o.position = m.position AND o.status <> 'disposed'
                        AND o.id <> m.container_id
                        AND NOT EXISTS (SELECT FROM m away WHERE away.container_id = o.id)
                      LIMIT 1) AS o ON true
 CROSS JOIN LATERAL (VALUES
     (CASE WHEN c.id IS NULL THEN 'container_missing'
           WHEN c.status = 'disposed' THEN 'container_disposed_for_good'
           WHEN m.moves_of_container > 1 THEN 'container_moved_twice' END,
      format('container %%s', m.container_id), NULL::integer),
     (CASE WHEN (m.box_id IS NULL) <> (m.position IS NULL) THEN 'container_position_with_box' END,
      'position', NULL),
     (CASE WHEN m.box_id IS NOT NULL AND b.id IS NULL THEN 'container_box_id_fkey' END,
      format('box %%s', m.box_id), NULL),
     (CASE WHEN b.id IS NULL OR m.position IS NULL THEN NULL
           WHEN NOT grid_has(m.position, b.rows, b.cols) THEN 'container_position_in_grid'
           WHEN m.moves_to_position > 1 THEN 'container_position_targeted_twice'
           WHEN o.id IS NOT NULL THEN 'container_position_free' END,
      format('position %%s of box %%s', m.position, m.box_id), o.id)
 ) AS p (rule, subject, holder)
 WHERE p.rule IS NOT NULL
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
SELECT id, uuid, description, freezer_id, barcode, box_id, position, status, status_note,
       sample_type, quantity::float8 AS quantity, unit, initial_quantity::float8 AS initial_quantity,
       freeze_thaw_count, collected_at, expires_at, lineage, parent_ids
  FROM moved
 ORDER BY index;
