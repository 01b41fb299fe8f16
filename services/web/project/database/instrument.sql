-- The statements behind /instruments and /site/<id>/instruments: the rows of the instruments
-- view, written out over its tables (every instrument has its site: site_id is a NOT NULL
-- foreign key), each a UNION ALL of parts that database/paging.py orders and cuts one by one, so
-- that each part is read in order through its own indexes (a join inside a UNION ALL, as in the
-- view, hides them: a page by site name sorted all 400,000 rows). Besides the view's columns,
-- each answers the keys of its total order (by site, computers before freezers, each by id):
-- is_freezer and instrument_id.

-- name: list#
-- Every instrument with its site: computers, then freezers.
SELECT c.site_id, s.name AS site_name, c.id AS computer_id, NULL::integer AS freezer_id, c.name,
       false AS is_freezer, c.id AS instrument_id
  FROM computer c JOIN site s ON s.id = c.site_id
UNION ALL
SELECT f.site_id, s.name AS site_name, NULL::integer AS computer_id, f.id AS freezer_id, f.name,
       true AS is_freezer, f.id AS instrument_id
  FROM freezer f JOIN site s ON s.id = f.site_id;

-- name: search#
-- The instruments whose name, or else whose site's name, matches %(pattern)s (a LIKE pattern):
-- computers and freezers by name, then by their site's name. A part with many matches reads its
-- rows in the page's order and keeps the first that match; one with few finds them through its
-- trigram index (computer_name_search_idx, freezer_search_idx; site_name_search_idx) and sorts them.
SELECT c.site_id, s.name AS site_name, c.id AS computer_id, NULL::integer AS freezer_id, c.name,
       false AS is_freezer, c.id AS instrument_id
  FROM computer c JOIN site s ON s.id = c.site_id
 WHERE c.name ILIKE %(pattern)s
UNION ALL
SELECT f.site_id, s.name AS site_name, NULL::integer AS computer_id, f.id AS freezer_id, f.name,
       true AS is_freezer, f.id AS instrument_id
  FROM freezer f JOIN site s ON s.id = f.site_id
 WHERE f.name ILIKE %(pattern)s
UNION ALL
SELECT c.site_id, s.name AS site_name, c.id AS computer_id, NULL::integer AS freezer_id, c.name,
       false AS is_freezer, c.id AS instrument_id
  FROM computer c JOIN site s ON s.id = c.site_id
 WHERE s.name ILIKE %(pattern)s AND c.name NOT ILIKE %(pattern)s
UNION ALL
SELECT f.site_id, s.name AS site_name, NULL::integer AS computer_id, f.id AS freezer_id, f.name,
       true AS is_freezer, f.id AS instrument_id
  FROM freezer f JOIN site s ON s.id = f.site_id
 WHERE s.name ILIKE %(pattern)s AND f.name NOT ILIKE %(pattern)s;
