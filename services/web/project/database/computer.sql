-- The statements behind /computer/<id>, /computers and /site/<id>/computers.
-- Every statement answering a row adds its version (the ETag): a hash of the whole row.

-- name: read^
-- Computer %(id)s with its version, or none.
SELECT id, name, mac, site_id,
       md5(computer::text) AS version
  FROM computer
 WHERE id = %(id)s;

-- name: exists$
-- Whether computer %(id)s exists.
SELECT EXISTS (SELECT FROM computer WHERE id = %(id)s);

-- name: list@
-- Every computer, or with %(pattern)s (a LIKE pattern) those whose searched text matches it
-- (computer_search_idx); paging.page filters, orders and cuts it.
SELECT id, name, mac, site_id
  FROM computer
 WHERE %(pattern)s::text IS NULL
    OR (name || E'\x1f' || coalesce(mac::text, '')) ILIKE %(pattern)s;

-- name: names*
-- The names beside the ids of a page of computers: its site's. `page` is a row
-- of the page: paging.page joins this LATERAL to each row it cut, not to every row before them.
SELECT (SELECT s.name FROM site s WHERE s.id = page.site_id) AS site_name;

-- name: create^
-- A new computer with the next free id (see free_id in postgres_scripts/schema.sql); none if a concurrent
-- write took that id meanwhile (try again).
INSERT INTO computer (id, name, mac, site_id)
VALUES (free_id('computer'), %(name)s, %(mac)s, %(site_id)s)
ON CONFLICT (id) DO NOTHING
RETURNING id, name, mac, site_id,
          md5(computer::text) AS version;

-- name: upsert^
-- Computer %(id)s created, or all its columns replaced; `created` tells which.
INSERT INTO computer (id, name, mac, site_id)
VALUES (%(id)s, %(name)s, %(mac)s, %(site_id)s)
ON CONFLICT (id) DO UPDATE
   SET name = EXCLUDED.name, mac = EXCLUDED.mac, site_id = EXCLUDED.site_id
RETURNING id, name, mac, site_id,
          md5(computer::text) AS version, (xmax = 0) AS created;

-- name: insert^
-- Computer %(id)s created, or none if it exists.
INSERT INTO computer (id, name, mac, site_id)
VALUES (%(id)s, %(name)s, %(mac)s, %(site_id)s)
ON CONFLICT (id) DO NOTHING
RETURNING id, name, mac, site_id,
          md5(computer::text) AS version;

-- name: update^
-- Computer %(id)s with the columns in %(changes)s (a JSON object) changed, if its
-- version is one of %(versions)s (NULL: any); none if there is no such computer or version.
UPDATE computer
   SET (name, mac, site_id) =
       (SELECT name, mac, site_id FROM jsonb_populate_record(computer, %(changes)s::jsonb))
 WHERE id = %(id)s AND (%(versions)s::text[] IS NULL OR md5(computer::text) = ANY (%(versions)s::text[]))
RETURNING id, name, mac, site_id,
          md5(computer::text) AS version;

-- name: delete^
-- Computer %(id)s deleted, if its version is one of %(versions)s (NULL: any); none if
-- not there.
DELETE FROM computer
 WHERE id = %(id)s AND (%(versions)s::text[] IS NULL OR md5(computer::text) = ANY (%(versions)s::text[]))
RETURNING id, name, mac, site_id,
          md5(computer::text) AS version;
