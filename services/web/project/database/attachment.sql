-- The statements behind /<R>/<id>/attachments and /attachment/<id> (api/attachment.py), and
-- the files' bookkeeping (media.py, `flask media check`). A file under MEDIA_ROOT is named by its sha256; the advisory lock on that
-- sha256 (two 32-bit halves of its first 16 hex digits) orders whoever places, keeps or removes
-- that file: an upload holds it from placing the file to its row's commit, a delete from its
-- row's delete until the file is removed, so a file never goes while a row names it.

-- name: lock!
-- Wait for, then hold for the session, the lock on file %(sha256)s.
SELECT pg_advisory_lock(('x' || substr(%(sha256)s, 1, 8))::bit(32)::integer,
                        ('x' || substr(%(sha256)s, 9, 8))::bit(32)::integer);

-- name: unlock!
-- Release the session's lock on file %(sha256)s.
SELECT pg_advisory_unlock(('x' || substr(%(sha256)s, 1, 8))::bit(32)::integer,
                          ('x' || substr(%(sha256)s, 9, 8))::bit(32)::integer);

-- name: create^
-- A new attachment of one owner (the other four references null).
INSERT INTO attachment (site_id, freezer_id, rack_id, box_id, container_id, filename, content_type, size,
                        sha256, note)
VALUES (%(site_id)s, %(freezer_id)s, %(rack_id)s, %(box_id)s, %(container_id)s, %(filename)s,
        %(content_type)s, %(size)s, %(sha256)s, %(note)s)
RETURNING id, filename, content_type, size, sha256, note, created_at, actor, '/attachment/' || id AS url;

-- name: read^
-- Attachment %(id)s, or none.
SELECT id, site_id, freezer_id, rack_id, box_id, container_id, filename, content_type, size, sha256, note,
       created_at, actor, '/attachment/' || id AS url
  FROM attachment
 WHERE id = %(id)s;

-- name: exists$
-- Whether attachment %(id)s exists.
SELECT EXISTS (SELECT FROM attachment WHERE id = %(id)s);

-- name: list@
-- Every attachment, or with %(pattern)s those whose filename or note matches it; paging.page filters
-- (by owner), orders and cuts it.
SELECT id, site_id, freezer_id, rack_id, box_id, container_id, filename, content_type, size, sha256, note,
       created_at, actor, '/attachment/' || id AS url
  FROM attachment
 WHERE %(pattern)s::text IS NULL
    OR (filename || E'\x1f' || coalesce(note, '')) ILIKE %(pattern)s;

-- name: delete^
-- Delete attachment %(id)s; answer it, or none.
DELETE FROM attachment
 WHERE id = %(id)s
RETURNING id, filename, content_type, size, sha256, note, created_at, actor, '/attachment/' || id AS url;

-- name: named$
-- Whether any attachment names file %(sha256)s.
SELECT EXISTS (SELECT FROM attachment WHERE sha256 = %(sha256)s);

-- name: files*
-- Every file the attachments name, with the ids of the rows naming it.
SELECT sha256, array_agg(id ORDER BY id) AS ids
  FROM attachment
 GROUP BY sha256
 ORDER BY sha256;

-- name: delete_naming*
-- Delete the attachments that name file %(sha256)s (its file is lost); answer their ids.
DELETE FROM attachment
 WHERE sha256 = %(sha256)s
RETURNING id;
