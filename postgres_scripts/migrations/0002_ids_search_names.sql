-- 0002: ids that no explicit id can use up, search by trigram index, estimated
-- totals, lab names unique whatever their case, names that are not blank.

-- The id of a row the API creates: the sequence's next value, or, if a row
-- was given that id explicitly (PUT /site/7, or an INSERT with an id in
-- psql), the first free id after that run of taken ids, found in one index
-- scan, which the sequence then moves to. Explicit ids never move the
-- sequence, so no single write can use up the ids others get. (A plain
-- INSERT in psql takes the sequence's next value as it is; to skip taken
-- ids there too, give it id = free_id('site').)
CREATE OR REPLACE FUNCTION free_id(tbl regclass) RETURNS integer
LANGUAGE plpgsql AS $$
DECLARE
    seq regclass := pg_get_serial_sequence(tbl::text, 'id');
    candidate bigint := nextval(seq);
    taken boolean;
BEGIN
    EXECUTE format('SELECT EXISTS (SELECT FROM %s WHERE id = $1)', tbl) INTO taken USING candidate;
    IF taken THEN
        EXECUTE format('SELECT t.id::bigint + 1 FROM %1$s t WHERE t.id >= $1'
                       ' AND NOT EXISTS (SELECT FROM %1$s u WHERE u.id = t.id::bigint + 1)'
                       ' ORDER BY t.id LIMIT 1', tbl)
            INTO candidate USING candidate;
        IF candidate > 2147483647 THEN
            RAISE EXCEPTION 'no free id is left in %', tbl USING ERRCODE = 'sequence_generator_limit_exceeded';
        END IF;
        PERFORM setval(seq, candidate);
    END IF;
    RETURN candidate;
END
$$;
DROP FUNCTION bump_id_sequence() CASCADE;  -- its triggers moved the sequence past explicit ids

-- Where an explicit id had pushed a sequence to its maximum (the old trigger
-- did that for PUT /site/2147483647), move it back to just after the highest
-- id, in the table or its history, below the run of taken ids that ends at
-- the top: no id is used twice, and creates work again.
DO $$
DECLARE
    t text;
    seq regclass;
    run_start bigint;
BEGIN
    FOREACH t IN ARRAY ARRAY['lab', 'site', 'computer', 'freezer', 'container'] LOOP
        seq := pg_get_serial_sequence(t, 'id');
        IF pg_sequence_last_value(seq) = 2147483647 THEN
            EXECUTE format('SELECT min(t.id) FROM %1$I t WHERE NOT EXISTS (SELECT FROM %1$I u WHERE u.id > t.id'
                           ' AND NOT EXISTS (SELECT FROM %1$I v WHERE v.id = u.id - 1))', t) INTO run_start;
            EXECUTE format('SELECT setval(%L, greatest(1, (SELECT max(id) FROM %I WHERE id < $1),'
                           ' (SELECT max(row_id) FROM history WHERE table_name = %L AND row_id < $1)))',
                           seq, t, t) USING run_start;
        END IF;
    END LOOP;
END
$$;

-- The planner's estimate of how many rows a query returns: the total of a
-- list whose exact count would cost too much (see database/paging.py).
CREATE OR REPLACE FUNCTION count_estimate(query text) RETURNS bigint
LANGUAGE plpgsql AS $$
DECLARE
    plan json;
BEGIN
    EXECUTE 'EXPLAIN (FORMAT JSON) ' || query INTO plan;
    RETURN (plan -> 0 -> 'Plan' ->> 'Plan Rows')::numeric::bigint;
END
$$;

-- Lab names are unique whatever their case: "anon" and "ANON" are one lab.
-- Labs already named alike keep their names with their id appended: "ANON (7)".
UPDATE lab SET name = name || ' (' || id || ')'
 WHERE EXISTS (SELECT FROM lab first WHERE lower(first.name) = lower(lab.name) AND first.id < lab.id);
ALTER TABLE lab DROP CONSTRAINT lab_name_key;
CREATE UNIQUE INDEX lab_name_lower_key ON lab (lower(name));
CREATE INDEX lab_name_idx ON lab (name, id);

-- Search (?q=): each list's searched text has a trigram index, so a search
-- for a piece of three or more letters or digits reads only the rows that
-- hold it. The expressions are the very ones the list statements in
-- services/web/project/database/*.sql match (their columns joined by a
-- character no search holds, U+001F); their statistics are detailed enough
-- for the planner to tell rare pieces (read by the index) from common ones
-- (read in page order until the page is full).
CREATE EXTENSION IF NOT EXISTS pg_trgm;
CREATE INDEX lab_search_idx ON lab USING gin (name gin_trgm_ops);
CREATE INDEX site_search_idx ON site USING gin (
    (name || E'\x1f' || coalesce(contact, '') || E'\x1f' || coalesce(address, '') || E'\x1f'
        || coalesce(state_or_region, '') || E'\x1f' || coalesce(country, '') || E'\x1f'
        || coalesce(postcode_or_zip, '')) gin_trgm_ops);
CREATE INDEX computer_search_idx ON computer USING gin (
    (name || E'\x1f' || coalesce(mac::text, '')) gin_trgm_ops);
CREATE INDEX freezer_search_idx ON freezer USING gin (name gin_trgm_ops);
CREATE INDEX container_search_idx ON container USING gin (
    (uuid::text || E'\x1f' || coalesce(description, '')) gin_trgm_ops);
-- The instruments search names (computer and freezer) and site names.
CREATE INDEX computer_name_search_idx ON computer USING gin (name gin_trgm_ops);
CREATE INDEX site_name_search_idx ON site USING gin (name gin_trgm_ops);
ALTER INDEX site_search_idx ALTER COLUMN 1 SET STATISTICS 1000;
ALTER INDEX computer_search_idx ALTER COLUMN 1 SET STATISTICS 1000;
ALTER INDEX container_search_idx ALTER COLUMN 1 SET STATISTICS 1000;
ALTER TABLE lab ALTER COLUMN name SET STATISTICS 1000;
ALTER TABLE site ALTER COLUMN name SET STATISTICS 1000;
ALTER TABLE computer ALTER COLUMN name SET STATISTICS 1000;
ALTER TABLE freezer ALTER COLUMN name SET STATISTICS 1000;

-- Editors write only within their labs: the row before and after the change
-- must both belong to one of them (so nothing moves into or out of another
-- lab). Checked for every statement the app runs as an editor (labinv.role
-- and labinv.user_id set for it), in the statement's own transaction;
-- readers may not write at all. Admins, and psql sessions, are not limited.
CREATE OR REPLACE FUNCTION check_lab_permission() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
    role    text := current_setting('labinv.role', true);
    acting_user integer;
    row_lab integer;
BEGIN
    IF coalesce(role, '') IN ('', 'admin') THEN
        RETURN coalesce(NEW, OLD);
    END IF;
    IF role <> 'editor' THEN
        RAISE EXCEPTION 'a % may not change the inventory', role
            USING ERRCODE = 'insufficient_privilege', CONSTRAINT = 'lab_permission';
    END IF;
    acting_user := current_setting('labinv.user_id')::integer;
    FOR row_lab IN
        SELECT lab_of(TG_TABLE_NAME, r)
          FROM unnest(ARRAY[CASE WHEN TG_OP <> 'INSERT' THEN to_jsonb(OLD) END,
                            CASE WHEN TG_OP <> 'DELETE' THEN to_jsonb(NEW) END]) AS r
         WHERE r IS NOT NULL
    LOOP
        IF row_lab IS NULL OR NOT EXISTS (SELECT FROM lab_member m WHERE m.user_id = acting_user
                                                                      AND m.lab_id = row_lab) THEN
            RAISE EXCEPTION 'this % is not in a lab you are a member of', TG_TABLE_NAME
                USING ERRCODE = 'insufficient_privilege', CONSTRAINT = 'lab_permission';
        END IF;
    END LOOP;
    RETURN coalesce(NEW, OLD);
END
$$;

-- Names hold a non-space character and neither start nor end with white
-- space. (NOT VALID: rows written before this rule are kept as they are.)
ALTER TABLE lab ADD CONSTRAINT lab_name_trimmed CHECK (name ~ '^\S(.*\S)?$') NOT VALID;
ALTER TABLE site ADD CONSTRAINT site_name_trimmed CHECK (name ~ '^\S(.*\S)?$') NOT VALID;
ALTER TABLE computer ADD CONSTRAINT computer_name_trimmed CHECK (name ~ '^\S(.*\S)?$') NOT VALID;
ALTER TABLE freezer ADD CONSTRAINT freezer_name_trimmed CHECK (name ~ '^\S(.*\S)?$') NOT VALID;
