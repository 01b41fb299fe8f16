-- The statements behind /instruments and /site/<id>/instruments: the instruments view.
-- Besides the view's columns, each answers the keys of its total order (by site, computers
-- before freezers, each by id): is_freezer and instrument_id.

-- name: list#
-- Every instrument with its site.
SELECT site_id, site_name, computer_id, freezer_id, name,
       computer_id IS NULL AS is_freezer, coalesce(computer_id, freezer_id) AS instrument_id
  FROM instruments;

-- name: search#
-- The instruments whose name, or whose site's name, matches %(pattern)s (a LIKE pattern): two
-- parts, each found through its own trigram indexes (computer_name_search_idx,
-- freezer_search_idx; site_name_search_idx).
SELECT site_id, site_name, computer_id, freezer_id, name,
       computer_id IS NULL AS is_freezer, coalesce(computer_id, freezer_id) AS instrument_id
  FROM instruments
 WHERE name ILIKE %(pattern)s
UNION ALL
SELECT site_id, site_name, computer_id, freezer_id, name,
       computer_id IS NULL, coalesce(computer_id, freezer_id)
  FROM instruments
 WHERE site_name ILIKE %(pattern)s AND name NOT ILIKE %(pattern)s;
