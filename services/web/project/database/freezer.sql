-- The statements behind /freezer/<id>, /freezers and /site/<id>/freezers.
-- Every statement answering a row adds its version (the ETag): a hash of the whole row.

-- name: read^
-- Freezer %(id)s with its version, or none.
SELECT id, name, site_id,
       md5(freezer::text) AS version
  FROM freezer
 WHERE id = %(id)s;

-- name: exists$
-- Whether freezer %(id)s exists.
SELECT EXISTS (SELECT FROM freezer WHERE id = %(id)s);

-- name: list@
-- Every freezer, or with %(pattern)s (a LIKE pattern) those whose searched text matches it
-- (freezer_search_idx); paging.page filters, orders and cuts it.
SELECT id, name, site_id
  FROM freezer
 WHERE %(pattern)s::text IS NULL
    OR name ILIKE %(pattern)s;

-- name: names*
-- The names beside the ids of a page of freezers: its site's. `page` is a row
-- of the page: paging.page joins this LATERAL to each row it cut, not to every row before them.
SELECT (SELECT s.name FROM site s WHERE s.id = page.site_id) AS site_name;

-- name: create^
-- A new freezer with the next free id (see free_id in postgres_scripts/schema.sql); none if a concurrent
-- write took that id meanwhile (try again).
INSERT INTO freezer (id, name, site_id)
VALUES (free_id('freezer'), %(name)s, %(site_id)s)
ON CONFLICT (id) DO NOTHING
RETURNING id, name, site_id,
          md5(freezer::text) AS version;

-- name: upsert^
-- Freezer %(id)s created, or all its columns replaced; `created` tells which.
INSERT INTO freezer (id, name, site_id)
VALUES (%(id)s, %(name)s, %(site_id)s)
ON CONFLICT (id) DO UPDATE
   SET name = EXCLUDED.name, site_id = EXCLUDED.site_id
RETURNING id, name, site_id,
          md5(freezer::text) AS version, (xmax = 0) AS created;

-- name: insert^
-- Freezer %(id)s created, or none if it exists.
INSERT INTO freezer (id, name, site_id)
VALUES (%(id)s, %(name)s, %(site_id)s)
ON CONFLICT (id) DO NOTHING
RETURNING id, name, site_id,
          md5(freezer::text) AS version;

-- name: update^
-- Freezer %(id)s with the columns in %(changes)s (a JSON object) changed, if its
-- version is one of %(versions)s (NULL: any); none if there is no such freezer or version.
UPDATE freezer
   SET (name, site_id) =
       (SELECT name, site_id FROM jsonb_populate_record(freezer, %(changes)s::jsonb))
 WHERE id = %(id)s AND (%(versions)s::text[] IS NULL OR md5(freezer::text) = ANY (%(versions)s::text[]))
RETURNING id, name, site_id,
          md5(freezer::text) AS version;

-- name: delete^
-- Freezer %(id)s deleted, if its version is one of %(versions)s (NULL: any); none if
-- not there.
DELETE FROM freezer
 WHERE id = %(id)s AND (%(versions)s::text[] IS NULL OR md5(freezer::text) = ANY (%(versions)s::text[]))
RETURNING id, name, site_id,
          md5(freezer::text) AS version;

-- name: tree^
-- Freezer %(id)s, its racks each with their boxes, and its boxes in no rack; each box with
-- how many positions are filled (or reserved) and empty. None if there is no such freezer.
WITH boxes AS (
    SELECT b.id, b.rack_id,
           to_jsonb(b) || jsonb_build_object('filled', count(c.id), 'empty', b.rows * b.cols - count(c.id)) AS box
      FROM box b
      LEFT JOIN container c ON c.box_id = b.id AND c.status <> 'disposed'
     WHERE b.freezer_id = %(id)s
     GROUP BY b.id
)
SELECT to_jsonb(f) AS freezer,
       (SELECT coalesce(jsonb_agg(to_jsonb(r) || jsonb_build_object(
                   'boxes', (SELECT coalesce(jsonb_agg(box ORDER BY id), '[]') FROM boxes WHERE rack_id = r.id))
               ORDER BY r.id), '[]')
          FROM rack r WHERE r.freezer_id = f.id) AS racks,
       (SELECT coalesce(jsonb_agg(box ORDER BY id), '[]') FROM boxes WHERE rack_id IS NULL) AS boxes
  FROM freezer f
 WHERE f.id = %(id)s;
