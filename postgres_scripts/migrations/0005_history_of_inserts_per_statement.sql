-- 0005: the history of an INSERT is written once per statement, from the statement's
-- transition table of inserted rows: one INSERT of 100,000 rows (a CSV import) writes their
-- 100,000 history rows with one INSERT ... SELECT instead of running a trigger function
-- 100,000 times. The rows are those the per-row trigger wrote, in the same order; updates
-- and deletes keep their per-row trigger (record_history).

CREATE FUNCTION record_inserts() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO history (table_name, row_id, operation, new_row, actor)
    SELECT TG_TABLE_NAME, r.id, 'INSERT', to_jsonb(r),
           coalesce(nullif(current_setting('labinv.actor', true), ''), session_user)
      FROM inserted r;
    RETURN NULL;
END
$$;

DO $$
DECLARE
    t text;
BEGIN
    FOREACH t IN ARRAY ARRAY['lab', 'site', 'computer', 'freezer', 'container', 'rack', 'box'] LOOP
        EXECUTE format('DROP TRIGGER %I ON %I', t || '_history', t);
        EXECUTE format('CREATE TRIGGER %I AFTER UPDATE OR DELETE ON %I'
                       ' FOR EACH ROW EXECUTE FUNCTION record_history()', t || '_history', t);
        EXECUTE format('CREATE TRIGGER %I AFTER INSERT ON %I REFERENCING NEW TABLE AS inserted'
                       ' FOR EACH STATEMENT EXECUTE FUNCTION record_inserts()', t || '_insert_history', t);
    END LOOP;
END
$$;
