-- The statements behind /instruments and /site/<id>/instruments: the rows of the view
-- instruments (postgres_scripts), written out over its tables in parts, one statement a part.
-- A list's page is the UNION ALL of its parts, each counted, ordered and cut by itself
-- (database/paging.py compose_parts), so that each is read in order through its own indexes: the
-- view's join inside a UNION ALL hides them (a page by site name sorted all 400,000 rows).
-- Besides the view's columns, each part answers the keys of the list's total order (by site,
-- computers before freezers, each by id): is_freezer and instrument_id. Every instrument has its
-- site (site_id is a NOT NULL foreign key), so the inner joins lose no row, and a page that neither
-- orders nor filters by site_name reads computers and freezers alone and joins site to the page's
-- rows only (site_name), not to every row before them.

-- name: computers@
-- Every computer, without its site's name (site_name adds it to a page's rows).
SELECT c.site_id, c.id AS computer_id, NULL::integer AS freezer_id, c.name,
       false AS is_freezer, c.id AS instrument_id
  FROM computer c;

-- name: freezers@
-- Every freezer, without its site's name (site_name adds it to a page's rows).
SELECT f.site_id, NULL::integer AS computer_id, f.id AS freezer_id, f.name,
       true AS is_freezer, f.id AS instrument_id
  FROM freezer f;

-- name: site_name*
-- The site's name of `page`, a row of a page cut from computers and freezers (paging.py joins it
-- LATERAL to each row of the page).
SELECT s.name AS site_name
  FROM site s
 WHERE s.id = page.site_id;

-- name: computers_with_site_name@
-- Every computer with its site's name: for a page ordered or filtered by it.
SELECT c.site_id, s.name AS site_name, c.id AS computer_id, NULL::integer AS freezer_id, c.name,
       false AS is_freezer, c.id AS instrument_id
  FROM computer c JOIN site s ON s.id = c.site_id;

-- name: freezers_with_site_name@
-- Every freezer with its site's name: for a page ordered or filtered by it.
SELECT f.site_id, s.name AS site_name, NULL::integer AS computer_id, f.id AS freezer_id, f.name,
       true AS is_freezer, f.id AS instrument_id
  FROM freezer f JOIN site s ON s.id = f.site_id;

-- The parts of a search (q): instruments whose name, or else whose site's name, matches
-- %(pattern)s (a LIKE pattern). A part with many matches reads its rows in the page's order and
-- keeps the first that match; one with few finds them through its trigram index
-- (computer_name_search_idx, freezer_search_idx; site_name_search_idx) and sorts them.

-- name: computers_named@
-- The computers whose name matches %(pattern)s.
SELECT c.site_id, s.name AS site_name, c.id AS computer_id, NULL::integer AS freezer_id, c.name,
       false AS is_freezer, c.id AS instrument_id
  FROM computer c JOIN site s ON s.id = c.site_id
 WHERE c.name ILIKE %(pattern)s;

-- name: freezers_named@
-- The freezers whose name matches %(pattern)s.
SELECT f.site_id, s.name AS site_name, NULL::integer AS computer_id, f.id AS freezer_id, f.name,
       true AS is_freezer, f.id AS instrument_id
  FROM freezer f JOIN site s ON s.id = f.site_id
 WHERE f.name ILIKE %(pattern)s;

-- name: computers_at_site_named@
-- The computers whose name does not match %(pattern)s, but whose site's name does.
SELECT c.site_id, s.name AS site_name, c.id AS computer_id, NULL::integer AS freezer_id, c.name,
       false AS is_freezer, c.id AS instrument_id
  FROM computer c JOIN site s ON s.id = c.site_id
 WHERE s.name ILIKE %(pattern)s AND c.name NOT ILIKE %(pattern)s;

-- name: freezers_at_site_named@
-- The freezers whose name does not match %(pattern)s, but whose site's name does.
SELECT f.site_id, s.name AS site_name, NULL::integer AS computer_id, f.id AS freezer_id, f.name,
       true AS is_freezer, f.id AS instrument_id
  FROM freezer f JOIN site s ON s.id = f.site_id
 WHERE s.name ILIKE %(pattern)s AND f.name NOT ILIKE %(pattern)s;
