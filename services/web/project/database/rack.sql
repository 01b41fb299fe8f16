-- The statements behind /rack/<id>, /racks and /freezer/<id>/racks.
-- Every statement answering a row adds its version (the ETag): a hash of the whole row.

-- name: read^
-- Rack %(id)s with its version, or none.
SELECT id, freezer_id, name, barcode,
       md5(rack::text) AS version
  FROM rack
 WHERE id = %(id)s;

-- name: exists$
-- Whether rack %(id)s exists.
SELECT EXISTS (SELECT FROM rack WHERE id = %(id)s);

-- name: list@
-- Every rack, or with %(pattern)s (a LIKE pattern) those whose searched text matches it
-- (rack_search_idx); paging.page filters, orders and cuts it.
SELECT id, freezer_id, name, barcode
  FROM rack
 WHERE %(pattern)s::text IS NULL
    OR (name || E'\x1f' || coalesce(barcode, '')) ILIKE %(pattern)s;

-- name: names*
-- The names beside the ids of a page of racks: its freezer's. `page` is a row
-- of the page: paging.page joins this LATERAL to each row it cut, not to every row before them.
SELECT (SELECT f.name FROM freezer f WHERE f.id = page.freezer_id) AS freezer_name;

-- name: create^
-- A new rack with the next free id (see free_id in postgres_scripts/schema.sql); none if a concurrent
-- write took that id meanwhile (try again).
INSERT INTO rack (id, freezer_id, name, barcode)
VALUES (free_id('rack'), %(freezer_id)s, %(name)s, %(barcode)s)
ON CONFLICT (id) DO NOTHING
RETURNING id, freezer_id, name, barcode,
          md5(rack::text) AS version;

-- name: upsert^
-- Rack %(id)s created, or all its columns replaced; `created` tells which.
INSERT INTO rack (id, freezer_id, name, barcode)
VALUES (%(id)s, %(freezer_id)s, %(name)s, %(barcode)s)
ON CONFLICT (id) DO UPDATE
   SET freezer_id = EXCLUDED.freezer_id, name = EXCLUDED.name, barcode = EXCLUDED.barcode
RETURNING id, freezer_id, name, barcode,
          md5(rack::text) AS version, (xmax = 0) AS created;

-- name: insert^
-- Rack %(id)s created, or none if it exists.
INSERT INTO rack (id, freezer_id, name, barcode)
VALUES (%(id)s, %(freezer_id)s, %(name)s, %(barcode)s)
ON CONFLICT (id) DO NOTHING
RETURNING id, freezer_id, name, barcode,
          md5(rack::text) AS version;

-- name: update^
-- Rack %(id)s with the columns in %(changes)s (a JSON object) changed, if its
-- version is one of %(versions)s (NULL: any); none if there is no such rack or version.
UPDATE rack
   SET (freezer_id, name, barcode) =
       (SELECT freezer_id, name, barcode FROM jsonb_populate_record(rack, %(changes)s::jsonb))
 WHERE id = %(id)s AND (%(versions)s::text[] IS NULL OR md5(rack::text) = ANY (%(versions)s::text[]))
RETURNING id, freezer_id, name, barcode,
          md5(rack::text) AS version;

-- name: delete^
-- Rack %(id)s deleted, if its version is one of %(versions)s (NULL: any); none if
-- not there.
DELETE FROM rack
 WHERE id = %(id)s AND (%(versions)s::text[] IS NULL OR md5(rack::text) = ANY (%(versions)s::text[]))
RETURNING id, freezer_id, name, barcode,
          md5(rack::text) AS version;
