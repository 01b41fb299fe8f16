-- 0011: for the dashboard. Since when each checked-out container has been out ("checked out for
-- more than 7 days"): a row of `checkout` stands for a container whose status is checked_out;
-- container_checkout keeps it so on every path (the API, an import, psql), so that the
-- oldest checkouts are read through an index instead of from the history. A table of its own
-- rather than a column of container: a container's row, its history and its ETag stay as they were.

CREATE TABLE checkout (
    container_id integer PRIMARY KEY REFERENCES container (id) ON DELETE CASCADE,
    since timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX checkout_since_idx ON checkout (since, container_id);

CREATE FUNCTION keep_checkout() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    IF NEW.status = 'checked_out' AND (TG_OP = 'INSERT' OR OLD.status <> 'checked_out') THEN
        INSERT INTO checkout (container_id) VALUES (NEW.id)
            ON CONFLICT (container_id) DO UPDATE SET since = now();
    ELSIF TG_OP = 'UPDATE' AND OLD.status = 'checked_out' AND NEW.status <> 'checked_out' THEN
        DELETE FROM checkout WHERE container_id = NEW.id;
    END IF;
    RETURN NULL;
END
$$;

CREATE TRIGGER container_checkout AFTER INSERT OR UPDATE OF status ON container
    FOR EACH ROW EXECUTE FUNCTION keep_checkout();

-- Containers out already: since their latest change to checked_out in the history, else now.
INSERT INTO checkout (container_id, since)
SELECT c.id,
       coalesce((SELECT max(h.changed_at)
                   FROM history h
                  WHERE h.table_name = 'container' AND h.row_id = c.id
                    AND h.new_row ->> 'status' = 'checked_out'
                    AND (h.old_row ->> 'status') IS DISTINCT FROM 'checked_out'), now())
  FROM container c
 WHERE c.status = 'checked_out';

-- The dashboard's samples expiring soon: those not disposed, soonest first, read through an index
-- that holds no disposed container (they accumulate; the soonest would sit behind them).
CREATE INDEX container_expiring_idx ON container (expires_at, id)
    WHERE expires_at IS NOT NULL AND status <> 'disposed';
