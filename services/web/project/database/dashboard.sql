-- The statement behind /dashboard: the home page's figures, in one round trip. Each part reads
-- a bounded number of rows through an index, however large the tables: the first freezers (by
-- site, then id) and their boxes; checkouts oldest first (checkout_since_idx); samples expiring
-- soonest first (container_expiring_idx); the newest changes (history's primary key). Counts
-- stop at %(count_limit)s rows.

-- name: summary$
-- The first %(freezers)s freezers with their positions and how many hold a container not
-- disposed (as freezer.sql's tree counts them), and whether more freezers follow; the containers
-- checked out more than %(out_days)s days ago and those not disposed that expire within
-- %(expiring_days)s days (or have expired), each the first %(shown)s with a total; and the latest
-- %(shown)s changes.
WITH first_freezers AS (
    SELECT f.id, f.name, f.site_id
      FROM freezer f
     ORDER BY f.site_id, f.id
     LIMIT %(freezers)s + 1
), out_long AS NOT MATERIALIZED (
    SELECT o.container_id, o.since
      FROM checkout o
     WHERE o.since < now() - make_interval(days => %(out_days)s)
), expiring AS NOT MATERIALIZED (
    SELECT c.id, c.barcode, c.sample_type, c.status, c.expires_at
      FROM container c
     WHERE c.expires_at <= current_date + %(expiring_days)s AND c.status <> 'disposed'
)
SELECT jsonb_build_object(
    'freezers', jsonb_build_object(
        'rows', (SELECT coalesce(jsonb_agg(jsonb_build_object(
                            'id', f.id, 'name', f.name, 'site_id', f.site_id, 'site_name', s.name,
                            'positions', p.positions, 'filled', p.filled) ORDER BY f.site_id, f.id), '[]')
                   FROM (SELECT * FROM first_freezers ORDER BY site_id, id LIMIT %(freezers)s) f
                   JOIN site s ON s.id = f.site_id
                  CROSS JOIN LATERAL (
                        SELECT coalesce(sum(b.rows * b.cols), 0) AS positions,
                               coalesce(sum((SELECT count(*)
                                               FROM container c
                                              WHERE c.box_id = b.id AND c.status <> 'disposed')), 0) AS filled
                          FROM box b
                         WHERE b.freezer_id = f.id) p),
        'more', (SELECT count(*) > %(freezers)s FROM first_freezers)),
    'checked_out', jsonb_build_object(
        'days', %(out_days)s,
        'total', (SELECT count(*) FROM (SELECT FROM out_long LIMIT %(count_limit)s) n),
        'rows', (SELECT coalesce(jsonb_agg(jsonb_build_object(
                            'id', c.id, 'barcode', c.barcode, 'sample_type', c.sample_type,
                            'status_note', c.status_note, 'since', o.since) ORDER BY o.since, o.container_id), '[]')
                   FROM (SELECT * FROM out_long ORDER BY since, container_id LIMIT %(shown)s) o
                   JOIN container c ON c.id = o.container_id)),
    'expiring', jsonb_build_object(
        'days', %(expiring_days)s,
        'total', (SELECT count(*) FROM (SELECT FROM expiring LIMIT %(count_limit)s) n),
        'rows', (SELECT coalesce(jsonb_agg(to_jsonb(e) ORDER BY e.expires_at, e.id), '[]')
                   FROM (SELECT * FROM expiring ORDER BY expires_at, id LIMIT %(shown)s) e)),
    'latest', (SELECT coalesce(jsonb_agg(to_jsonb(h) ORDER BY h.id DESC), '[]')
                 FROM (SELECT id, table_name, row_id, operation, actor, changed_at
                         FROM history
                        ORDER BY id DESC
                        LIMIT %(shown)s) h));
