-- The statements behind /lab/<id> and /labs.
-- Every statement answering a row adds its version (the ETag): a hash of the whole row.

-- name: read^
-- Lab %(id)s with its version, or none.
SELECT id, name,
       md5(lab::text) AS version
  FROM lab
 WHERE id = %(id)s;

-- name: exists$
-- Whether lab %(id)s exists.
SELECT EXISTS (SELECT FROM lab WHERE id = %(id)s);

-- name: list@
-- Every lab, or with %(pattern)s (a LIKE pattern) those whose searched text matches it
-- (lab_search_idx); paging.page filters, orders and cuts it.
SELECT id, name
  FROM lab
 WHERE %(pattern)s::text IS NULL
    OR name ILIKE %(pattern)s;

-- name: create^
-- A new lab with the next free id (see free_id in postgres_scripts/schema.sql); none if a concurrent
-- write took that id meanwhile (try again).
INSERT INTO lab (id, name)
VALUES (free_id('lab'), %(name)s)
ON CONFLICT (id) DO NOTHING
RETURNING id, name,
          md5(lab::text) AS version;

-- name: upsert^
-- Lab %(id)s created, or all its columns replaced; `created` tells which.
INSERT INTO lab (id, name)
VALUES (%(id)s, %(name)s)
ON CONFLICT (id) DO UPDATE
   SET name = EXCLUDED.name
RETURNING id, name,
          md5(lab::text) AS version, (xmax = 0) AS created;

-- name: insert^
-- Lab %(id)s created, or none if it exists.
INSERT INTO lab (id, name)
VALUES (%(id)s, %(name)s)
ON CONFLICT (id) DO NOTHING
RETURNING id, name,
          md5(lab::text) AS version;

-- name: update^
-- Lab %(id)s with the columns in %(changes)s (a JSON object) changed, if its
-- version is one of %(versions)s (NULL: any); none if there is no such lab or version.
UPDATE lab
   SET (name) =
       (SELECT name FROM jsonb_populate_record(lab, %(changes)s::jsonb))
 WHERE id = %(id)s AND (%(versions)s::text[] IS NULL OR md5(lab::text) = ANY (%(versions)s::text[]))
RETURNING id, name,
          md5(lab::text) AS version;

-- name: delete^
-- Lab %(id)s deleted, if its version is one of %(versions)s (NULL: any); none if
-- not there.
DELETE FROM lab
 WHERE id = %(id)s AND (%(versions)s::text[] IS NULL OR md5(lab::text) = ANY (%(versions)s::text[]))
RETURNING id, name,
          md5(lab::text) AS version;
