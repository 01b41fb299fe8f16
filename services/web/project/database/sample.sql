-- The statements behind a container's samples (api/container.py, helpers in api/samples.py):
-- aliquots, derivatives and pools, lineage and the events timeline. A new child is made in one
-- transaction of two statements: `lock` takes the parents (by id) and then the target box, so that
-- `make` reads, after the locks, the parents' quantities and the box's free positions as they are;
-- PostgreSQL's constraints and triggers (migration 0007) enforce every rule anyway.
-- %(sources)s is a JSON array of {index, container_id, quantity, unit, times}: take `times` x
-- quantity (of unit) from each source (no quantity: take nothing).

-- name: lock*
-- Lock the sources of %(sources)s, by id, then box %(box_id)s (if any); each source by index, as it
-- now is: found, status, quantity and unit, sample_type, what is asked (in the asked unit), whether
-- the asked unit converts into the source's (and into the first source's), whether it has enough
-- (null: it keeps no quantity, or nothing is asked), and whether the box exists.
WITH s AS (
    SELECT * FROM jsonb_to_recordset(%(sources)s::jsonb)
                  AS s ("index" integer, container_id integer, quantity numeric, unit text, times integer)
), locked AS MATERIALIZED (
    SELECT c.id, c.status, c.quantity, c.unit, c.sample_type
      FROM container c
     WHERE c.id IN (SELECT container_id FROM s)
     ORDER BY c.id
       FOR UPDATE
), target AS MATERIALIZED (
    SELECT b.id
      FROM box b
     WHERE b.id = %(box_id)s AND (SELECT count(*) FROM locked) >= 0  -- after the sources
       FOR UPDATE
), first AS (
    SELECT unit FROM s ORDER BY "index" LIMIT 1
)
SELECT s.index, s.container_id, c.id IS NOT NULL AS found, c.status, c.sample_type,
       c.quantity::float8 AS quantity, c.unit, (s.quantity * s.times)::float8 AS asked,
       canonical_unit(s.unit) AS asked_unit,
       s.quantity IS NULL OR c.quantity IS NULL OR coalesce(units_convertible(s.unit, c.unit), false)
           AS convertible,
       s.unit IS NULL OR coalesce(units_convertible(s.unit, (SELECT unit FROM first)), false) AS like_first,
       CASE WHEN s.quantity IS NOT NULL AND c.quantity IS NOT NULL AND units_convertible(s.unit, c.unit)
            THEN c.quantity >= convert_quantity(s.quantity * s.times, s.unit, c.unit) END AS enough,
       EXISTS (SELECT FROM target) AS box_found
  FROM s
  LEFT JOIN locked c ON c.id = s.container_id
 ORDER BY s.index;

-- name: make*
-- %(count)s new containers of %(lineage)s (aliquot, derivative or pool) whose parents are the
-- sources of %(sources)s, in their order, each source going down by what it gives (converted
-- into its unit). Each child is in box %(box_id)s at the next of %(positions)s, or with %(next)s at
-- the box's next free position (row by row: A1, A2, ..., B1; a checked-out container's is not
-- free), or without a box in the first source's freezer; its barcode the next of %(barcodes)s or
-- %(prefix)s and six digits of container_barcode_seq. A child has %(quantity)s of %(unit)s (a pool:
-- the sum of what was taken, in the first source's unit) and %(sample_type)s (else the first
-- source's); an aliquot keeps its parent's description, collected_at, expires_at and
-- freeze_thaw_count, a derivative its description and collected_at, a pool the earliest expires_at.
-- The children (with their versions) in position order, then by id; none, and nothing written, when the box has fewer
-- than %(count)s free positions.
WITH s AS (
    SELECT * FROM jsonb_to_recordset(%(sources)s::jsonb)
                  AS s ("index" integer, container_id integer, quantity numeric, unit text, times integer)
), first AS (
    SELECT c.*, s.unit AS asked_unit FROM s JOIN container c ON c.id = s.container_id ORDER BY s.index LIMIT 1
), pooled AS (
    SELECT trim_scale(sum(convert_quantity(s.quantity, s.unit, first.asked_unit))) AS total,
           canonical_unit(first.asked_unit) AS unit, min(c.expires_at) AS expires_at
      FROM s CROSS JOIN first JOIN container c ON c.id = s.container_id
     WHERE %(lineage)s = 'pool'
     GROUP BY first.asked_unit
), slots AS (
    SELECT p.ord, p.position
      FROM unnest(%(positions)s::text[]) WITH ORDINALITY AS p (position, ord)
     UNION ALL
    SELECT row_number() OVER (ORDER BY f.r, f.col), f.position
      FROM (SELECT g.r, g.col, g.position
              FROM box b
             CROSS JOIN LATERAL (SELECT r, col, chr(64 + r) || col AS position
                                   FROM generate_series(1, b.rows) AS r, generate_series(1, b.cols) AS col) AS g
             WHERE %(next)s AND b.id = %(box_id)s
               AND NOT EXISTS (SELECT FROM container o WHERE o.box_id = b.id AND o.position = g.position
                                                         AND o.status <> 'disposed')
             ORDER BY g.r, g.col
             LIMIT %(count)s) AS f
     UNION ALL
    SELECT g, NULL FROM generate_series(1, %(count)s) AS g WHERE %(box_id)s::integer IS NULL
), ready AS (
    SELECT count(*) = %(count)s AS ok FROM slots
), numbered AS (
    SELECT slots.ord, slots.position, nextval('container_id_seq') AS id
      FROM slots
     WHERE (SELECT ok FROM ready)
     ORDER BY slots.ord
), children AS (
    INSERT INTO container (id, uuid, description, freezer_id, barcode, box_id, position, status, sample_type,
                           quantity, unit, freeze_thaw_count, collected_at, expires_at, lineage, parent_ids)
    SELECT CASE WHEN EXISTS (SELECT FROM container c WHERE c.id = n.id) THEN free_id('container') ELSE n.id END,
           gen_random_uuid(), CASE WHEN %(lineage)s <> 'pool' THEN f.description END,
           coalesce(b.freezer_id, f.freezer_id),
           coalesce((%(barcodes)s::text[])[n.ord],
                    %(prefix)s || lpad(nextval('container_barcode_seq')::text, 6, '0')),
           b.id, n.position, 'in_storage', coalesce(%(sample_type)s, f.sample_type),
           CASE WHEN %(lineage)s = 'pool' THEN p.total ELSE %(quantity)s END,
           CASE WHEN %(lineage)s = 'pool' THEN p.unit ELSE %(unit)s END,
           CASE WHEN %(lineage)s = 'aliquot' THEN f.freeze_thaw_count ELSE 0 END,
           CASE WHEN %(lineage)s <> 'pool' THEN f.collected_at END,
           CASE %(lineage)s WHEN 'aliquot' THEN f.expires_at WHEN 'pool' THEN p.expires_at END,
           %(lineage)s, (SELECT array_agg(container_id ORDER BY "index") FROM s)
      FROM numbered n
     CROSS JOIN first f
      LEFT JOIN box b ON b.id = %(box_id)s
      LEFT JOIN pooled p ON true
     ORDER BY n.ord
    RETURNING *
), taken AS (
    UPDATE container c
       SET quantity = CASE WHEN c.quantity IS NULL OR s.quantity IS NULL THEN c.quantity
                           ELSE c.quantity - convert_quantity(s.quantity * s.times, s.unit, c.unit) END
      FROM s
     WHERE c.id = s.container_id AND (SELECT ok FROM ready)
    RETURNING c.id
)
SELECT id, uuid, description, freezer_id, barcode, box_id, position, status, status_note,
       sample_type, quantity::float8 AS quantity, unit, initial_quantity::float8 AS initial_quantity,
       freeze_thaw_count, collected_at, expires_at, lineage, parent_ids, md5(children::text) AS version
  FROM children
 ORDER BY ascii(position), substr(position, 2)::integer, id;

-- name: free_positions$
-- How many positions of box %(box_id)s are free (neither held nor reserved by a checked-out container).
SELECT b.rows * b.cols - (SELECT count(*) FROM container c WHERE c.box_id = b.id AND c.status <> 'disposed')
  FROM box b
 WHERE b.id = %(box_id)s;

-- name: lineage^
-- Container %(id)s with its ancestors and descendants, each with its depth (1: a direct parent
-- or child; the smallest, where a pool makes two ways), ordered by depth then id: at most
-- %(depth)s generations and %(limit)s containers each way, in one statement (the children of a
-- container are found by container_parent_ids_idx). None if there is no such container.
WITH RECURSIVE up (id, depth) AS (
    SELECT p.id, 1
      FROM container c CROSS JOIN LATERAL unnest(c.parent_ids) AS p (id)
     WHERE c.id = %(id)s
     UNION
    SELECT p.id, up.depth + 1
      FROM up
      JOIN container c ON c.id = up.id
     CROSS JOIN LATERAL unnest(c.parent_ids) AS p (id)
     WHERE up.depth < %(depth)s
), down (id, depth) AS (
    SELECT c.id, 1 FROM container c WHERE c.parent_ids @> ARRAY[%(id)s::integer]
     UNION
    SELECT k.id, down.depth + 1
      FROM down
     CROSS JOIN LATERAL (SELECT c.id FROM container c WHERE c.parent_ids @> ARRAY[down.id] OFFSET 0) AS k
     WHERE down.depth < %(depth)s
), related AS (
    SELECT 'up' AS way, id, min(depth) AS depth FROM up GROUP BY id
     UNION ALL
    SELECT 'down', id, min(depth) FROM down GROUP BY id
), entries AS (
    SELECT r.way, r.depth, c.id,
           jsonb_build_object('id', c.id, 'uuid', c.uuid, 'description', c.description, 'freezer_id', c.freezer_id,
                              'barcode', c.barcode, 'box_id', c.box_id, 'position', c.position,
                              'status', c.status, 'status_note', c.status_note, 'sample_type', c.sample_type,
                              'quantity', c.quantity::float8, 'unit', c.unit,
                              'initial_quantity', c.initial_quantity::float8,
                              'freeze_thaw_count', c.freeze_thaw_count, 'collected_at', c.collected_at,
                              'expires_at', c.expires_at, 'lineage', c.lineage, 'parent_ids', c.parent_ids,
                              'depth', r.depth) AS entry,
           row_number() OVER (PARTITION BY r.way ORDER BY r.depth, c.id) AS n
      FROM related r
      JOIN container c ON c.id = r.id
)
SELECT jsonb_build_object('id', c.id, 'uuid', c.uuid, 'description', c.description, 'freezer_id', c.freezer_id,
                          'barcode', c.barcode, 'box_id', c.box_id, 'position', c.position,
                          'status', c.status, 'status_note', c.status_note, 'sample_type', c.sample_type,
                          'quantity', c.quantity::float8, 'unit', c.unit,
                          'initial_quantity', c.initial_quantity::float8,
                          'freeze_thaw_count', c.freeze_thaw_count, 'collected_at', c.collected_at,
                          'expires_at', c.expires_at, 'lineage', c.lineage, 'parent_ids', c.parent_ids)
           AS container,
       coalesce((SELECT jsonb_agg(e.entry ORDER BY e.depth, e.id) FROM entries e
                  WHERE e.way = 'up' AND e.n <= %(limit)s), '[]') AS ancestors,
       coalesce((SELECT jsonb_agg(e.entry ORDER BY e.depth, e.id) FROM entries e
                  WHERE e.way = 'down' AND e.n <= %(limit)s), '[]') AS descendants
  FROM container c
 WHERE c.id = %(id)s;

-- name: events@
-- The timeline of container %(id)s, from its history (every change the triggers recorded): each
-- row an event, `id` the history row's. An insert is `created` (naming its lineage and parents);
-- a change of status is `checked_out`, `checked_in` or `disposed`; a change in a transaction that
-- made children of it, of its quantity alone, is `aliquoted`, `derived` or `pooled` (naming the
-- children and what was taken); a change of freezer, box or position is `moved`; a quantity that
-- went down, and nothing else, `used`;
-- anything else `changed` (each field from and to).
WITH mine AS MATERIALIZED (  -- its history rows: few, found by history_row_idx (not by reading history in id order)
    SELECT * FROM history WHERE table_name = 'container' AND row_id = %(id)s AND operation <> 'DELETE'
), kids AS (
    SELECT k.xact, jsonb_agg(c.id ORDER BY c.id) AS children, min(c.lineage) AS lineage
      FROM container c
      JOIN history k ON k.table_name = 'container' AND k.row_id = c.id AND k.operation = 'INSERT'
     WHERE c.parent_ids @> ARRAY[%(id)s::integer] AND k.xact IS NOT NULL
     GROUP BY k.xact
)
SELECT h.id, %(id)s::integer AS container_id, h.changed_at AS at, h.actor, e.event, e.detail
  FROM mine h
  LEFT JOIN kids ON h.operation = 'UPDATE' AND kids.xact = h.xact
 CROSS JOIN LATERAL (
     SELECT o.taken, CASE WHEN o.taken > 0 THEN jsonb_build_object('quantity', o.taken, 'unit', h.new_row -> 'unit') END
                         AS amount,
            h.new_row - 'quantity' - 'initial_quantity' = h.old_row - 'quantity' - 'initial_quantity' AS only_quantity
       FROM (SELECT ((h.old_row ->> 'quantity')::numeric - (h.new_row ->> 'quantity')::numeric)::float8 AS taken) AS o
 ) AS q
 CROSS JOIN LATERAL (
     SELECT CASE
              WHEN h.operation = 'INSERT' THEN 'created'
              WHEN h.new_row ->> 'status' IS DISTINCT FROM h.old_row ->> 'status' THEN
                  CASE h.new_row ->> 'status' WHEN 'checked_out' THEN 'checked_out' WHEN 'disposed' THEN 'disposed'
                                              ELSE 'checked_in' END
              WHEN kids.xact IS NOT NULL AND q.only_quantity THEN
                  CASE kids.lineage WHEN 'aliquot' THEN 'aliquoted' WHEN 'derivative' THEN 'derived' ELSE 'pooled' END
              WHEN (h.new_row -> 'freezer_id', h.new_row -> 'box_id', h.new_row -> 'position')
                   IS DISTINCT FROM (h.old_row -> 'freezer_id', h.old_row -> 'box_id', h.old_row -> 'position')
                  THEN 'moved'
              WHEN q.taken > 0 AND q.only_quantity THEN 'used'
              ELSE 'changed'
            END AS event
 ) AS kind
 CROSS JOIN LATERAL (
     SELECT kind.event, CASE kind.event
              WHEN 'created' THEN jsonb_build_object(
                  'lineage', h.new_row -> 'lineage', 'parent_ids', coalesce(h.new_row -> 'parent_ids', '[]'),
                  'sample_type', h.new_row -> 'sample_type',
                  'quantity', to_jsonb((h.new_row ->> 'quantity')::float8), 'unit', h.new_row -> 'unit',
                  'freezer_id', h.new_row -> 'freezer_id', 'box_id', h.new_row -> 'box_id',
                  'position', h.new_row -> 'position')
              WHEN 'checked_out' THEN jsonb_build_object('note', h.new_row -> 'status_note')
              WHEN 'checked_in' THEN jsonb_build_object(
                  'box_id', h.new_row -> 'box_id', 'position', h.new_row -> 'position',
                  'freeze_thaw_count', h.new_row -> 'freeze_thaw_count')
              WHEN 'disposed' THEN jsonb_build_object('reason', h.new_row -> 'status_note')
              WHEN 'moved' THEN jsonb_build_object(
                  'from', jsonb_build_object('freezer_id', h.old_row -> 'freezer_id', 'box_id', h.old_row -> 'box_id',
                                             'position', h.old_row -> 'position'),
                  'to', jsonb_build_object('freezer_id', h.new_row -> 'freezer_id', 'box_id', h.new_row -> 'box_id',
                                           'position', h.new_row -> 'position'))
              WHEN 'used' THEN jsonb_build_object('taken', q.amount)
              WHEN 'changed' THEN (
                  SELECT coalesce(jsonb_object_agg(n.key, jsonb_build_object('from', o.value, 'to', n.value)), '{}')
                    FROM jsonb_each(h.new_row) AS n
                    JOIN jsonb_each(h.old_row) AS o USING (key)
                   WHERE n.value IS DISTINCT FROM o.value)
              ELSE jsonb_build_object('children', kids.children, 'taken', q.amount)
            END AS detail
 ) AS e;
