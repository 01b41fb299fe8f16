-- 0010: an editor's new container names parents only in the editor's labs. An aliquot,
-- derivative or pool made through the API takes from each parent (an UPDATE, which
-- check_lab_permission checks); an aliquot imported with parent_barcode takes nothing, so its
-- parent was never checked: an editor could make a tube of theirs the child of another lab's
-- tube, which that lab could then no longer delete (container_is_a_parent).

CREATE FUNCTION check_parent_labs() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
    foreign_parent integer;
BEGIN
    IF coalesce(current_setting('labinv.role', true), '') <> 'editor' THEN
        RETURN NEW;  -- an admin, or no user (development, migrations); a reader writes nothing at all
    END IF;
    SELECT p.id INTO foreign_parent
      FROM container p
     WHERE p.id = ANY (NEW.parent_ids)
       AND NOT EXISTS (SELECT FROM lab_member m
                        WHERE m.user_id = current_setting('labinv.user_id')::integer
                          AND m.lab_id = lab_of('container', to_jsonb(p)))
     ORDER BY p.id
     LIMIT 1;
    IF foreign_parent IS NOT NULL THEN
        RAISE EXCEPTION 'container % (a parent) is not in a lab you are a member of', foreign_parent
            USING ERRCODE = 'insufficient_privilege', CONSTRAINT = 'lab_permission';
    END IF;
    RETURN NEW;
END
$$;

CREATE TRIGGER container_parent_labs BEFORE INSERT ON container
    FOR EACH ROW WHEN (cardinality(NEW.parent_ids) > 0) EXECUTE FUNCTION check_parent_labs();
