-- The statements behind labels: GET /container/<id>/label, /box/<id>/label, /rack/<id>/label and
-- POST /labels (api/labels.py). A request reads every row it prints in one statement.

-- name: items*
-- What the labels of containers %(container_ids)s, boxes %(box_ids)s and racks %(rack_ids)s say
-- (arrays of ids, an id maybe more than once): a row per id, in the order given, containers first,
-- then boxes, then racks; `found` is false for an id that names no row. A tube's sample_type and
-- collected_at are read through to_jsonb, so that the statement runs both before and after the
-- samples migration adds those columns (null before).
SELECT kind, id, found, barcode, name, description, sample_type, collected_at
  FROM (SELECT 1 AS part, i.n, 'container' AS kind, i.id, c.id IS NOT NULL AS found, c.barcode,
               NULL::text AS name, c.description, to_jsonb(c) ->> 'sample_type' AS sample_type,
               (to_jsonb(c) ->> 'collected_at')::timestamptz AS collected_at
          FROM unnest(%(container_ids)s::integer[]) WITH ORDINALITY AS i (id, n)
          LEFT JOIN container c ON c.id = i.id
        UNION ALL
        SELECT 2, i.n, 'box', i.id, b.id IS NOT NULL, b.barcode, b.name, NULL, NULL, NULL
          FROM unnest(%(box_ids)s::integer[]) WITH ORDINALITY AS i (id, n)
          LEFT JOIN box b ON b.id = i.id
        UNION ALL
        SELECT 3, i.n, 'rack', i.id, r.id IS NOT NULL, r.barcode, r.name, NULL, NULL, NULL
          FROM unnest(%(rack_ids)s::integer[]) WITH ORDINALITY AS i (id, n)
          LEFT JOIN rack r ON r.id = i.id) AS item
 ORDER BY part, n;

-- name: assign_missing$
-- Each of containers %(container_ids)s, boxes %(box_ids)s and racks %(rack_ids)s that has no barcode
-- given a new one: %(prefix)s and six digits of container_barcode_seq (the samples' sequence;
-- barcodes are unique across the three tables). How many were given one.
WITH c AS (UPDATE container SET barcode = %(prefix)s || lpad(nextval('container_barcode_seq')::text, 6, '0')
            WHERE id = ANY (%(container_ids)s::integer[]) AND barcode IS NULL RETURNING id),
     b AS (UPDATE box SET barcode = %(prefix)s || lpad(nextval('container_barcode_seq')::text, 6, '0')
            WHERE id = ANY (%(box_ids)s::integer[]) AND barcode IS NULL RETURNING id),
     r AS (UPDATE rack SET barcode = %(prefix)s || lpad(nextval('container_barcode_seq')::text, 6, '0')
            WHERE id = ANY (%(rack_ids)s::integer[]) AND barcode IS NULL RETURNING id)
SELECT (SELECT count(*) FROM c) + (SELECT count(*) FROM b) + (SELECT count(*) FROM r);
