-- The statements behind /instruments and /site/<id>/instruments: the instruments view.

-- name: list#
-- Every instrument with its site. Besides the view's columns, the keys of its total order
-- (by site, computers before freezers, each by id): is_freezer and instrument_id.
SELECT site_id, site_name, computer_id, freezer_id, name,
       computer_id IS NULL AS is_freezer, coalesce(computer_id, freezer_id) AS instrument_id
  FROM instruments;
