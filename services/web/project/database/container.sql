-- The statements behind /container/<id>, /containers and /freezer/<id>/containers.
-- Every statement answering a row adds its version (the ETag): a hash of the whole row.
-- A uuid of NULL (omitted) is generated for a new container, and kept by a replacement.

-- name: read^
-- Container %(id)s with its version, or none.
SELECT id, uuid, description, freezer_id,
       md5(container::text) AS version
  FROM container
 WHERE id = %(id)s;

-- name: exists$
-- Whether container %(id)s exists.
SELECT EXISTS (SELECT FROM container WHERE id = %(id)s);

-- name: list#
-- Every container, or with %(pattern)s (a LIKE pattern) those whose searched text matches it
-- (container_search_idx); paging.page filters, orders and cuts it.
SELECT id, uuid, description, freezer_id
  FROM container
 WHERE %(pattern)s::text IS NULL
    OR (uuid::text || E'\x1f' || coalesce(description, '')) ILIKE %(pattern)s;

-- name: create^
-- A new container with the next free id (see free_id in postgres_scripts/schema.sql); none if a concurrent
-- write took that id meanwhile (try again).
INSERT INTO container (id, uuid, description, freezer_id)
VALUES (free_id('container'), coalesce(%(uuid)s, gen_random_uuid()), %(description)s, %(freezer_id)s)
ON CONFLICT (id) DO NOTHING
RETURNING id, uuid, description, freezer_id,
          md5(container::text) AS version;

-- name: upsert^
-- Container %(id)s created, or all its columns replaced; `created` tells which.
INSERT INTO container (id, uuid, description, freezer_id)
VALUES (%(id)s, coalesce(%(uuid)s, gen_random_uuid()), %(description)s, %(freezer_id)s)
ON CONFLICT (id) DO UPDATE
   SET uuid = coalesce(%(uuid)s, container.uuid), description = EXCLUDED.description,
       freezer_id = EXCLUDED.freezer_id
RETURNING id, uuid, description, freezer_id,
          md5(container::text) AS version, (xmax = 0) AS created;

-- name: insert^
-- Container %(id)s created, or none if it exists.
INSERT INTO container (id, uuid, description, freezer_id)
VALUES (%(id)s, coalesce(%(uuid)s, gen_random_uuid()), %(description)s, %(freezer_id)s)
ON CONFLICT (id) DO NOTHING
RETURNING id, uuid, description, freezer_id,
          md5(container::text) AS version;

-- name: update^
-- Container %(id)s with the columns in %(changes)s (a JSON object) changed, if its
-- version is one of %(versions)s (NULL: any); none if there is no such container or version.
UPDATE container
   SET (uuid, description, freezer_id) =
       (SELECT uuid, description, freezer_id FROM jsonb_populate_record(container, %(changes)s::jsonb))
 WHERE id = %(id)s AND (%(versions)s::text[] IS NULL OR md5(container::text) = ANY (%(versions)s::text[]))
RETURNING id, uuid, description, freezer_id,
          md5(container::text) AS version;

-- name: delete^
-- Container %(id)s deleted, if its version is one of %(versions)s (NULL: any); none if
-- not there.
DELETE FROM container
 WHERE id = %(id)s AND (%(versions)s::text[] IS NULL OR md5(container::text) = ANY (%(versions)s::text[]))
RETURNING id, uuid, description, freezer_id,
          md5(container::text) AS version;
