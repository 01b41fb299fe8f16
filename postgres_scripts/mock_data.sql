-- Example data from the original README, plus a lab and a few containers.
-- Idempotent: rows that already exist are left as they are.

INSERT INTO lab (id, name) VALUES
    (1, 'Ann Arbor Lab')
ON CONFLICT DO NOTHING;

INSERT INTO site (id, lab_id, name, contact, address, state_or_region, country, postcode_or_zip) VALUES
    (1, 1, 'Site 1', 'John Smith', '123 Muffin Lane, Ann Arbor', 'MI', 'USA', '48103'),
    (2, NULL, 'Site 2', NULL, NULL, NULL, NULL, NULL),
    (3, NULL, 'Site 3', NULL, NULL, NULL, NULL, NULL)
ON CONFLICT DO NOTHING;

INSERT INTO computer (id, name, mac, site_id) VALUES
    (1, 'Computer 1', NULL, 1),
    (2, 'Computer 2', NULL, 1)
ON CONFLICT DO NOTHING;

INSERT INTO freezer (id, name, site_id) VALUES
    (1, '-20C', 1),
    (2, '-40C', 1)
ON CONFLICT DO NOTHING;

INSERT INTO container (id, uuid, description, freezer_id) VALUES
    (1, '0b6e1c4e-6f1d-4b8e-9a51-2f7d3c8e5a01', 'Plasma aliquots, box A', 1),
    (2, '5d2f7a90-3c4b-4e61-8f0a-9b1c2d3e4f02', 'DNA extracts, box B', 1),
    (3, 'c8a4e2b6-1d3f-4a5c-b7e9-0f2a4c6e8d03', 'Reagent backups', 2)
ON CONFLICT (id) DO NOTHING;  -- (id): a deferrable constraint (a box position, 0003) cannot be an arbiter

-- Demo users, for development only (production never loads this file):
-- admin, editor (of lab 1) and reader; password demo-<name>-password, API
-- token labinv-demo-<name>-token (stored as its SHA-256 digest).
INSERT INTO app_user (username, password_hash, role) VALUES
    ('admin', 'scrypt:32768:8:1$baF6JDKCgjEAe9qY$e562e9e6a3e02eb0f57eee5c467770d875c4636865028d24c0b2fd7214fbec195e0775af9a985e415eb3bb92ed6017e769aee9949bb93595077b4d6cdfd67f27', 'admin'),
    ('editor', 'scrypt:32768:8:1$8IDpNZYq0MDNd69D$5a7efe748545a50cb47ed682ea29b4a44c278dce4a19e42799cdb1e3009caed77bdd702249045c294f06c372438cb8f407cbd79e778698cd5519b77afa2442e0', 'editor'),
    ('reader', 'scrypt:32768:8:1$5KlFjGTPm2qWwiKV$5dc81ab37f6c7ed479ba8bb651dfa59ae7b6af348876bcec5563fa36e691ba70a530eff9fa4702bd6cb0bedbbaa757cd4992f14a5d9fb70a2acc516c14961fdd', 'reader')
ON CONFLICT DO NOTHING;

INSERT INTO lab_member (user_id, lab_id)
    SELECT id, 1 FROM app_user WHERE username = 'editor'
ON CONFLICT DO NOTHING;

INSERT INTO api_token (user_id, token_hash, name)
    SELECT u.id, t.token_hash, 'demo'
      FROM (VALUES ('admin', '484d62b75905f79392e213ad878e824674de5599ca168a2a052e1ac49723d9cd'),
                   ('editor', '001df9701f7f5f3f48d457d8b84449f05b051f88458da16030d3c21acfad847e'),
                   ('reader', 'eb29240ce713cc1f95cfe90a7b627b7513607c9c5b0d3821cc0a737b88741193')) AS t (username, token_hash)
      JOIN app_user u USING (username)
ON CONFLICT DO NOTHING;

-- The rows above have explicit ids: move each id sequence past them (never
-- back), so that a plain INSERT in psql does not collide with them.
SELECT setval(pg_get_serial_sequence(t, 'id'), seeded)
  FROM (VALUES ('lab', 1), ('site', 3), ('computer', 2), ('freezer', 2), ('container', 3)) AS s (t, seeded)
 WHERE coalesce(pg_sequence_last_value(pg_get_serial_sequence(t, 'id')::regclass), 0) < seeded;

-- Freezer storage (migration 0003): a rack in freezer 1 holding two 9x9 boxes, and
-- containers 1 and 2 placed in them (unless placed or barcoded already). (tests/test_migrations.py
-- loads this file up to here into a database made before migrations.)
INSERT INTO rack (id, freezer_id, name, barcode) VALUES
    (1, 1, 'Rack 1', 'R-0001')
ON CONFLICT DO NOTHING;

INSERT INTO box (id, freezer_id, rack_id, name, barcode, rows, cols) VALUES
    (1, 1, 1, 'Box A', 'BX-0001', 9, 9),
    (2, 1, 1, 'Box B', 'BX-0002', 9, 9)
ON CONFLICT DO NOTHING;

UPDATE container c
   SET barcode = p.barcode, box_id = p.box_id, position = p.position
  FROM (VALUES (1, 'T-0001', 1, 'A1'), (2, 'T-0002', 2, 'A1')) AS p (id, barcode, box_id, position)
 WHERE c.id = p.id AND c.freezer_id = 1 AND c.box_id IS NULL AND c.barcode IS NULL;

SELECT setval(pg_get_serial_sequence(t, 'id'), seeded)
  FROM (VALUES ('rack', 1), ('box', 2)) AS s (t, seeded)
 WHERE coalesce(pg_sequence_last_value(pg_get_serial_sequence(t, 'id')::regclass), 0) < seeded;

-- Samples (migration 0007): container 1 held 1000 uL of plasma; two 100 uL aliquots (containers
-- 4 and 5) and 200 uL extracted into 40 ug of DNA (container 6) were taken from it: 500 uL left.
-- The children are in freezer 2, in no box.
UPDATE container
   SET sample_type = 'plasma', quantity = 1000, unit = 'uL', collected_at = '2026-03-02 09:30:00+00',
       expires_at = '2031-03-02'
 WHERE id = 1 AND sample_type IS NULL AND quantity IS NULL;

INSERT INTO container (id, uuid, description, freezer_id, barcode, sample_type, quantity, unit, collected_at,
                       expires_at, lineage, parent_ids) VALUES
    (4, '7e3b1a52-9c0d-4f6e-8a21-3b5c7d9e1f04', 'Plasma aliquots, box A', 2, 'S000001', 'plasma', 100, 'uL',
     '2026-03-02 09:30:00+00', '2031-03-02', 'aliquot', '{1}'),
    (5, 'a1c3e5f7-2b4d-4c6e-9f80-1a2b3c4d5e05', 'Plasma aliquots, box A', 2, 'S000002', 'plasma', 100, 'uL',
     '2026-03-02 09:30:00+00', '2031-03-02', 'aliquot', '{1}'),
    (6, 'd4e6f8a0-5b7c-4d9e-8f12-3c4d5e6f7a06', 'DNA extracted from container 1', 2, 'S000003', 'DNA', 40, 'ug',
     '2026-03-02 09:30:00+00', NULL, 'derivative', '{1}')
ON CONFLICT (id) DO NOTHING;

UPDATE container SET quantity = 500
 WHERE id = 1 AND quantity = 1000 AND unit = 'uL'
   AND (SELECT count(*) FROM container WHERE parent_ids = '{1}' AND id IN (4, 5, 6)) = 3;

SELECT setval(pg_get_serial_sequence(t, 'id'), seeded)
  FROM (VALUES ('container', 6)) AS s (t, seeded)
 WHERE coalesce(pg_sequence_last_value(pg_get_serial_sequence(t, 'id')::regclass), 0) < seeded;
SELECT setval('container_barcode_seq', 3)
 WHERE coalesce(pg_sequence_last_value('container_barcode_seq'), 0) < 3;
