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
ON CONFLICT DO NOTHING;
