-- The statements behind /box/<id>, /boxes, /freezer/<id>/boxes and /rack/<id>/boxes.
-- rows and cols of NULL (omitted) are 9 for a new box, and kept by a replacement.
-- Every statement answering a row adds its version (the ETag): a hash of the whole row.

-- name: read^
-- Box %(id)s with its version, or none.
SELECT id, freezer_id, rack_id, name, barcode, rows, cols,
       md5(box::text) AS version
  FROM box
 WHERE id = %(id)s;

-- name: exists$
-- Whether box %(id)s exists.
SELECT EXISTS (SELECT FROM box WHERE id = %(id)s);

-- name: list@
-- Every box, or with %(pattern)s (a LIKE pattern) those whose searched text matches it
-- (box_search_idx); paging.page filters, orders and cuts it.
SELECT id, freezer_id, rack_id, name, barcode, rows, cols
  FROM box
 WHERE %(pattern)s::text IS NULL
    OR (name || E'\x1f' || coalesce(barcode, '')) ILIKE %(pattern)s;

-- name: names*
-- The names beside the ids of a page of boxes: its freezer's and rack's. `page` is a row
-- of the page: paging.page joins this LATERAL to each row it cut, not to every row before them.
SELECT (SELECT f.name FROM freezer f WHERE f.id = page.freezer_id) AS freezer_name,
       (SELECT r.name FROM rack r WHERE r.id = page.rack_id) AS rack_name;

-- name: create^
-- A new box with the next free id (see free_id in postgres_scripts/schema.sql); none if a concurrent
-- write took that id meanwhile (try again).
INSERT INTO box (id, freezer_id, rack_id, name, barcode, rows, cols)
VALUES (free_id('box'), %(freezer_id)s, %(rack_id)s, %(name)s, %(barcode)s, coalesce(%(rows)s, 9),
        coalesce(%(cols)s, 9))
ON CONFLICT (id) DO NOTHING
RETURNING id, freezer_id, rack_id, name, barcode, rows, cols,
          md5(box::text) AS version;

-- name: upsert^
-- Box %(id)s created, or all its columns replaced; `created` tells which.
INSERT INTO box (id, freezer_id, rack_id, name, barcode, rows, cols)
VALUES (%(id)s, %(freezer_id)s, %(rack_id)s, %(name)s, %(barcode)s, coalesce(%(rows)s, 9),
        coalesce(%(cols)s, 9))
ON CONFLICT (id) DO UPDATE
   SET freezer_id = EXCLUDED.freezer_id, rack_id = EXCLUDED.rack_id, name = EXCLUDED.name,
       barcode = EXCLUDED.barcode, rows = coalesce(%(rows)s, box.rows), cols = coalesce(%(cols)s, box.cols)
RETURNING id, freezer_id, rack_id, name, barcode, rows, cols,
          md5(box::text) AS version, (xmax = 0) AS created;

-- name: insert^
-- Box %(id)s created, or none if it exists.
INSERT INTO box (id, freezer_id, rack_id, name, barcode, rows, cols)
VALUES (%(id)s, %(freezer_id)s, %(rack_id)s, %(name)s, %(barcode)s, coalesce(%(rows)s, 9),
        coalesce(%(cols)s, 9))
ON CONFLICT (id) DO NOTHING
RETURNING id, freezer_id, rack_id, name, barcode, rows, cols,
          md5(box::text) AS version;

-- name: update^
-- Box %(id)s with the columns in %(changes)s (a JSON object) changed, if its
-- version is one of %(versions)s (NULL: any); none if there is no such box or version.
UPDATE box
   SET (freezer_id, rack_id, name, barcode, rows, cols) =
       (SELECT freezer_id, rack_id, name, barcode, rows, cols FROM jsonb_populate_record(box, %(changes)s::jsonb))
 WHERE id = %(id)s AND (%(versions)s::text[] IS NULL OR md5(box::text) = ANY (%(versions)s::text[]))
RETURNING id, freezer_id, rack_id, name, barcode, rows, cols,
          md5(box::text) AS version;

-- name: delete^
-- Box %(id)s deleted, if its version is one of %(versions)s (NULL: any); none if
-- not there.
DELETE FROM box
 WHERE id = %(id)s AND (%(versions)s::text[] IS NULL OR md5(box::text) = ANY (%(versions)s::text[]))
RETURNING id, freezer_id, rack_id, name, barcode, rows, cols,
          md5(box::text) AS version;

-- name: grid^
-- Box %(id)s with its grid: every position, row by row (A1, A2, ...), with the container that
-- holds it or keeps it reserved (checked out), or null; none if there is no such box.
SELECT to_jsonb(b) AS box, b.rows, b.cols, count(c.id) AS filled, b.rows * b.cols - count(c.id) AS empty,
       jsonb_agg(jsonb_build_object('position', p.position, 'container', to_jsonb(c)) ORDER BY p.r, p.col)
           AS positions
  FROM box b
 CROSS JOIN LATERAL (SELECT r, col, chr(64 + r) || col AS position
                       FROM generate_series(1, b.rows) AS r, generate_series(1, b.cols) AS col) AS p
  LEFT JOIN container c ON c.box_id = b.id AND c.position = p.position AND c.status <> 'disposed'
 WHERE b.id = %(id)s
 GROUP BY b.id;
