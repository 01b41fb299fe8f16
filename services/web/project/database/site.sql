-- The statements behind /site/<id>, /sites and /lab/<id>/sites.
-- Every statement answering a row adds its version (the ETag): a hash of the whole row.

-- name: read^
-- Site %(id)s with its version, or none.
SELECT id, lab_id, name, contact, address, state_or_region, country, postcode_or_zip,
       md5(site::text) AS version
  FROM site
 WHERE id = %(id)s;

-- name: exists$
-- Whether site %(id)s exists.
SELECT EXISTS (SELECT FROM site WHERE id = %(id)s);

-- name: list@
-- Every site, or with %(pattern)s (a LIKE pattern) those whose searched text matches it
-- (site_search_idx); paging.page filters, orders and cuts it.
SELECT id, lab_id, name, contact, address, state_or_region, country, postcode_or_zip
  FROM site
 WHERE %(pattern)s::text IS NULL
    OR (name || E'\x1f' || coalesce(contact, '') || E'\x1f' || coalesce(address, '') || E'\x1f'
        || coalesce(state_or_region, '') || E'\x1f' || coalesce(country, '') || E'\x1f'
        || coalesce(postcode_or_zip, '')) ILIKE %(pattern)s;

-- name: names*
-- The names beside the ids of a page of sites: its lab's. `page` is a row
-- of the page: paging.page joins this LATERAL to each row it cut, not to every row before them.
SELECT (SELECT l.name FROM lab l WHERE l.id = page.lab_id) AS lab_name;

-- name: create^
-- A new site with the next free id (see free_id in postgres_scripts/schema.sql); none if a concurrent
-- write took that id meanwhile (try again).
INSERT INTO site (id, lab_id, name, contact, address, state_or_region, country, postcode_or_zip)
VALUES (free_id('site'), %(lab_id)s, %(name)s, %(contact)s, %(address)s, %(state_or_region)s, %(country)s,
        %(postcode_or_zip)s)
ON CONFLICT (id) DO NOTHING
RETURNING id, lab_id, name, contact, address, state_or_region, country, postcode_or_zip,
          md5(site::text) AS version;

-- name: upsert^
-- Site %(id)s created, or all its columns replaced; `created` tells which.
INSERT INTO site (id, lab_id, name, contact, address, state_or_region, country, postcode_or_zip)
VALUES (%(id)s, %(lab_id)s, %(name)s, %(contact)s, %(address)s, %(state_or_region)s, %(country)s,
        %(postcode_or_zip)s)
ON CONFLICT (id) DO UPDATE
   SET lab_id = EXCLUDED.lab_id, name = EXCLUDED.name, contact = EXCLUDED.contact,
       address = EXCLUDED.address, state_or_region = EXCLUDED.state_or_region,
       country = EXCLUDED.country, postcode_or_zip = EXCLUDED.postcode_or_zip
RETURNING id, lab_id, name, contact, address, state_or_region, country, postcode_or_zip,
          md5(site::text) AS version, (xmax = 0) AS created;

-- name: insert^
-- Site %(id)s created, or none if it exists.
INSERT INTO site (id, lab_id, name, contact, address, state_or_region, country, postcode_or_zip)
VALUES (%(id)s, %(lab_id)s, %(name)s, %(contact)s, %(address)s, %(state_or_region)s, %(country)s,
        %(postcode_or_zip)s)
ON CONFLICT (id) DO NOTHING
RETURNING id, lab_id, name, contact, address, state_or_region, country, postcode_or_zip,
          md5(site::text) AS version;

-- name: update^
-- Site %(id)s with the columns in %(changes)s (a JSON object) changed, if its version is one
-- of %(versions)s (NULL: any); none if there is no such site or version.
UPDATE site
   SET (lab_id, name, contact, address, state_or_region, country, postcode_or_zip) =
       (SELECT lab_id, name, contact, address, state_or_region, country, postcode_or_zip
          FROM jsonb_populate_record(site, %(changes)s::jsonb))
 WHERE id = %(id)s AND (%(versions)s::text[] IS NULL OR md5(site::text) = ANY (%(versions)s::text[]))
RETURNING id, lab_id, name, contact, address, state_or_region, country, postcode_or_zip,
          md5(site::text) AS version;

-- name: delete^
-- Site %(id)s deleted, if its version is one of %(versions)s (NULL: any); none if not there.
DELETE FROM site
 WHERE id = %(id)s AND (%(versions)s::text[] IS NULL OR md5(site::text) = ANY (%(versions)s::text[]))
RETURNING id, lab_id, name, contact, address, state_or_region, country, postcode_or_zip,
          md5(site::text) AS version;
