-- 0008: GET /events. The history triggers wake listeners, and say which history ids may still
-- appear, so a stream can read the history table in id order without skipping an id that
-- commits after a higher one.
--
-- * NOTIFY labinv_history, payload the new history id: per row for updates and deletes, per
--   statement for inserts (the statement's last id). PostgreSQL delivers it at commit, never
--   for a rolled-back change. It only wakes the listener, which then reads the table.
-- * Before a transaction's first history row, it takes a shared advisory lock, held until it
--   ends, on 2^62 + the history sequence's last value: no greater than any id the transaction
--   will get, and above every other advisory key of the app (migrations use 71503010). A
--   reader that first reads the sequence's last value M, then the lowest such lock held P,
--   knows every id up to min(M, P - 1) is final: committed or never to be.
-- * NOTIFY labinv_tokens, payload the token id, when a token is revoked, changed or deleted
--   (with its user): the streams of a token that is no longer live end.

CREATE FUNCTION mark_history_writer() RETURNS void
LANGUAGE plpgsql AS $$
BEGIN
    IF current_setting('labinv.history_writer', true) IS DISTINCT FROM 'yes' THEN
        PERFORM pg_advisory_xact_lock_shared(4611686018427387904 + (SELECT last_value FROM history_id_seq));
        PERFORM set_config('labinv.history_writer', 'yes', true);  -- until the transaction ends
    END IF;
END
$$;

CREATE OR REPLACE FUNCTION record_history() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
    new_id bigint;
BEGIN
    PERFORM mark_history_writer();
    INSERT INTO history (table_name, row_id, operation, old_row, new_row, actor)
    VALUES (TG_TABLE_NAME,
            CASE WHEN TG_OP = 'DELETE' THEN OLD.id ELSE NEW.id END,
            TG_OP,
            CASE WHEN TG_OP <> 'INSERT' THEN to_jsonb(OLD) END,
            CASE WHEN TG_OP <> 'DELETE' THEN to_jsonb(NEW) END,
            coalesce(nullif(current_setting('labinv.actor', true), ''), session_user))
    RETURNING id INTO new_id;
    PERFORM pg_notify('labinv_history', new_id::text);
    RETURN NULL;
END
$$;

CREATE OR REPLACE FUNCTION record_inserts() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
    last_id bigint;
BEGIN
    PERFORM mark_history_writer();
    WITH recorded AS (
        INSERT INTO history (table_name, row_id, operation, new_row, actor)
        SELECT TG_TABLE_NAME, r.id, 'INSERT', to_jsonb(r),
               coalesce(nullif(current_setting('labinv.actor', true), ''), session_user)
          FROM inserted r
        RETURNING id
    )
    SELECT max(id) INTO last_id FROM recorded;
    IF last_id IS NOT NULL THEN
        PERFORM pg_notify('labinv_history', last_id::text);
    END IF;
    RETURN NULL;
END
$$;

CREATE FUNCTION notify_token_change() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    PERFORM pg_notify('labinv_tokens', OLD.id::text);
    RETURN NULL;
END
$$;

CREATE TRIGGER api_token_notify AFTER UPDATE OR DELETE ON api_token
    FOR EACH ROW EXECUTE FUNCTION notify_token_change();
