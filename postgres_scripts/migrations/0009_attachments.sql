-- 0009: attachments. A file (consent form, photo, certificate, manifest) attached to one site,
-- freezer, rack, box or container. The bytes live under the app's MEDIA_ROOT, named by their
-- sha256 and stored once however many rows name them; this table holds what the app needs to
-- serve them and to tell who may: the owner (exactly one of five references, so a row with
-- attachments is not deleted while they are there), the name to show, the type found in the
-- content, size, sha256, a note, when and by whom. Editors attach and delete only within their
-- labs (the lab of the owner: lab_of below, check_lab_permission); history records each attach
-- and delete with its actor, as for every inventory table.

CREATE TABLE attachment (
    id integer GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    site_id integer REFERENCES site (id),
    freezer_id integer REFERENCES freezer (id),
    rack_id integer REFERENCES rack (id),
    box_id integer REFERENCES box (id),
    container_id integer REFERENCES container (id),
    filename text NOT NULL,
    content_type text NOT NULL,
    size bigint NOT NULL,
    sha256 text NOT NULL,
    note text,
    created_at timestamptz NOT NULL DEFAULT now(),
    actor text NOT NULL DEFAULT coalesce(nullif(current_setting('labinv.actor', true), ''), session_user),
    CONSTRAINT attachment_one_owner CHECK (num_nonnulls(site_id, freezer_id, rack_id, box_id, container_id) = 1),
    CONSTRAINT attachment_filename_length CHECK (length(filename) BETWEEN 1 AND 255),
    CONSTRAINT attachment_size_not_negative CHECK (size >= 0),
    CONSTRAINT attachment_sha256_hex CHECK (sha256 ~ '^[0-9a-f]{64}$'),
    CONSTRAINT attachment_note_length CHECK (length(note) <= 2000)
);

-- Each owner's attachments in id order (its list, and the foreign key's check on delete).
CREATE INDEX attachment_site_idx ON attachment (site_id, id) WHERE site_id IS NOT NULL;
CREATE INDEX attachment_freezer_idx ON attachment (freezer_id, id) WHERE freezer_id IS NOT NULL;
CREATE INDEX attachment_rack_idx ON attachment (rack_id, id) WHERE rack_id IS NOT NULL;
CREATE INDEX attachment_box_idx ON attachment (box_id, id) WHERE box_id IS NOT NULL;
CREATE INDEX attachment_container_idx ON attachment (container_id, id) WHERE container_id IS NOT NULL;
-- Whether any row still names a file (a delete's question, and media check's).
CREATE INDEX attachment_sha256_idx ON attachment (sha256);

-- The lab of an attachment is its owner's.
CREATE OR REPLACE FUNCTION lab_of(table_name text, r jsonb) RETURNS integer
LANGUAGE sql STABLE AS $$
    SELECT CASE
        WHEN table_name = 'lab' THEN (r ->> 'id')::integer
        WHEN table_name = 'site' THEN (r ->> 'lab_id')::integer
        WHEN table_name IN ('container', 'rack', 'box') THEN
            (SELECT s.lab_id FROM freezer f JOIN site s ON s.id = f.site_id WHERE f.id = (r ->> 'freezer_id')::integer)
        WHEN table_name = 'attachment' THEN
            (SELECT s.lab_id FROM site s
              WHERE s.id = coalesce((r ->> 'site_id')::integer,
                                    (SELECT f.site_id FROM freezer f
                                      WHERE f.id = coalesce((r ->> 'freezer_id')::integer,
                                                            (SELECT freezer_id FROM rack WHERE id = (r ->> 'rack_id')::integer),
                                                            (SELECT freezer_id FROM box WHERE id = (r ->> 'box_id')::integer),
                                                            (SELECT freezer_id FROM container WHERE id = (r ->> 'container_id')::integer)))))
        ELSE (SELECT lab_id FROM site WHERE id = (r ->> 'site_id')::integer)
    END
$$;

-- History (inserts per statement, deletes per row) and lab permissions, as for the other tables.
CREATE TRIGGER attachment_history AFTER UPDATE OR DELETE ON attachment
    FOR EACH ROW EXECUTE FUNCTION record_history();
CREATE TRIGGER attachment_insert_history AFTER INSERT ON attachment REFERENCING NEW TABLE AS inserted
    FOR EACH STATEMENT EXECUTE FUNCTION record_inserts();
CREATE TRIGGER attachment_permission BEFORE INSERT OR UPDATE OR DELETE ON attachment
    FOR EACH ROW EXECUTE FUNCTION check_lab_permission();
