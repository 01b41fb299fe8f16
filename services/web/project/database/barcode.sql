-- The statements behind /lookup/<barcode>: barcodes are unique across racks, boxes and
-- containers (the table barcode, kept by triggers).

-- name: lookup^
-- What holds barcode %(barcode)s: its kind (rack, box or container) and the row; none if nothing.
SELECT b.kind,
       coalesce((SELECT to_jsonb(c) FROM container c WHERE b.kind = 'container' AND c.id = b.item_id),
                (SELECT to_jsonb(x) FROM box x WHERE b.kind = 'box' AND x.id = b.item_id),
                (SELECT to_jsonb(r) FROM rack r WHERE b.kind = 'rack' AND r.id = b.item_id)) AS item
  FROM barcode b
 WHERE b.barcode = %(barcode)s;
