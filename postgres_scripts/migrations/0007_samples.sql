-- 0007: samples, not just tubes. A container gains what it holds (sample_type), how much is left
-- (quantity in a unit; initial_quantity, set by the database), freeze-thaw cycles, when it was
-- collected and when it expires, and where it came from: lineage (primary, aliquot, derivative,
-- pool) and the direct parents' ids in the order given (parent_ids). Every rule is the
-- database's: a quantity never goes below zero and never exists without a unit; units convert
-- only within volume, mass or a count (convert_quantity); parents exist, are not disposed, and
-- are fixed once the child is made (so lineage has no cycles); a parent is not deleted while it
-- has children. History: the existing triggers record every change; `xact` tells which rows one
-- transaction wrote (an aliquot's parent and its children), for the events timeline.

-- The units a quantity may have: what each measures, and its size in the smallest unit there.
CREATE FUNCTION unit_dimension(unit text) RETURNS text
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $$
    SELECT CASE WHEN unit IN ('L', 'mL', 'uL') THEN 'volume'
                WHEN unit IN ('g', 'mg', 'ug', 'ng') THEN 'mass'
                WHEN unit IN ('cells', 'items') THEN unit END
$$;

CREATE FUNCTION unit_factor(unit text) RETURNS numeric
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $$
    SELECT CASE unit WHEN 'L' THEN 1000000 WHEN 'mL' THEN 1000 WHEN 'uL' THEN 1
                     WHEN 'g' THEN 1000000000 WHEN 'mg' THEN 1000000 WHEN 'ug' THEN 1000 WHEN 'ng' THEN 1
                     WHEN 'cells' THEN 1 WHEN 'items' THEN 1 END
$$;

-- A unit as stored: the micro sign (U+00B5) or Greek mu (U+03BC) spelled u (µL is uL).
CREATE FUNCTION canonical_unit(unit text) RETURNS text
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $$
    SELECT CASE WHEN unit IN (E'\u00b5L', E'\u03bcL') THEN 'uL'
                WHEN unit IN (E'\u00b5g', E'\u03bcg') THEN 'ug'
                ELSE unit END
$$;

-- `amount` of `from_unit` in `to_unit` (exact: the factors are powers of ten); an error naming
-- the rule quantity_units_convertible when they measure different things (mL into mg).
CREATE FUNCTION convert_quantity(amount numeric, from_unit text, to_unit text) RETURNS numeric
LANGUAGE plpgsql IMMUTABLE STRICT PARALLEL SAFE AS $$
BEGIN
    IF unit_dimension(canonical_unit(from_unit)) IS DISTINCT FROM unit_dimension(canonical_unit(to_unit))
       OR unit_dimension(canonical_unit(from_unit)) IS NULL THEN
        RAISE EXCEPTION '% cannot be converted into %', from_unit, to_unit
            USING ERRCODE = 'check_violation', CONSTRAINT = 'quantity_units_convertible';
    END IF;
    RETURN trim_scale(amount * unit_factor(canonical_unit(from_unit)) / unit_factor(canonical_unit(to_unit)));
END
$$;

-- Whether `value` is a valid `kind` ('timestamptz' or 'date'): the CSV import checks a line's times
-- before it inserts them (pg_input_is_valid is PostgreSQL 16's).
CREATE FUNCTION is_valid_time(value text, kind text) RETURNS boolean
LANGUAGE plpgsql STABLE STRICT AS $$
BEGIN
    IF kind = 'date' THEN
        PERFORM value::date;
    ELSE
        PERFORM value::timestamptz;
    END IF;
    RETURN true;
EXCEPTION WHEN data_exception THEN
    RETURN false;
END
$$;

-- Whether `from_unit` converts into `to_unit` (the question convert_quantity answers with an error).
CREATE FUNCTION units_convertible(from_unit text, to_unit text) RETURNS boolean
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $$
    SELECT unit_dimension(canonical_unit(from_unit)) = unit_dimension(canonical_unit(to_unit))
$$;

ALTER TABLE container
    ADD COLUMN sample_type text
        CONSTRAINT container_sample_type_trimmed CHECK (sample_type ~ '^\S(.*\S)?$' AND length(sample_type) <= 100),
    ADD COLUMN quantity numeric
        CONSTRAINT container_quantity_not_negative CHECK (quantity >= 0)
        CONSTRAINT container_quantity_range CHECK (quantity <= 1e15),
    ADD COLUMN unit text
        CONSTRAINT container_unit_known CHECK (unit IN ('L', 'mL', 'uL', 'g', 'mg', 'ug', 'ng', 'cells', 'items')),
    ADD COLUMN initial_quantity numeric CONSTRAINT container_initial_quantity_range CHECK (initial_quantity BETWEEN 0 AND 1e15),
    ADD COLUMN freeze_thaw_count integer NOT NULL DEFAULT 0
        CONSTRAINT container_freeze_thaw_count_not_negative CHECK (freeze_thaw_count >= 0),
    ADD COLUMN collected_at timestamptz,
    ADD COLUMN expires_at date,
    ADD COLUMN lineage text NOT NULL DEFAULT 'primary'
        CONSTRAINT container_lineage_known CHECK (lineage IN ('primary', 'aliquot', 'derivative', 'pool')),
    ADD COLUMN parent_ids integer[] NOT NULL DEFAULT '{}',
    ADD CONSTRAINT container_quantity_with_unit CHECK (quantity IS NULL OR unit IS NOT NULL),
    ADD CONSTRAINT container_initial_quantity_with_unit CHECK (initial_quantity IS NULL OR unit IS NOT NULL),
    ADD CONSTRAINT container_lineage_parents CHECK (
        array_position(parent_ids, NULL) IS NULL AND coalesce(array_ndims(parent_ids), 1) = 1
        AND CASE lineage WHEN 'primary' THEN cardinality(parent_ids) = 0
                         WHEN 'pool' THEN cardinality(parent_ids) BETWEEN 2 AND 100
                         ELSE cardinality(parent_ids) = 1 END);

-- A container's unit is stored in its canonical spelling; initial_quantity is the database's:
-- the quantity when first set, kept (converted) when the unit changes to a unit of the same kind,
-- and restarted when the unit changes kind. Parents exist (locked against deletion until the
-- transaction ends), are other containers, each once, not disposed; lineage and parents are fixed.
CREATE FUNCTION check_container_sample() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    NEW.unit := canonical_unit(NEW.unit);
    IF NEW.unit IS NULL THEN
        NEW.initial_quantity := NULL;
    ELSIF TG_OP = 'INSERT' OR OLD.initial_quantity IS NULL OR OLD.unit IS NULL THEN
        NEW.initial_quantity := NEW.quantity;
    ELSIF units_convertible(OLD.unit, NEW.unit) THEN
        NEW.initial_quantity := convert_quantity(OLD.initial_quantity, OLD.unit, NEW.unit);
    ELSE
        NEW.initial_quantity := NEW.quantity;
    END IF;
    IF TG_OP = 'UPDATE' THEN
        IF NEW.lineage IS DISTINCT FROM OLD.lineage OR NEW.parent_ids IS DISTINCT FROM OLD.parent_ids THEN
            RAISE EXCEPTION 'the lineage of container % is fixed', OLD.id
                USING ERRCODE = 'check_violation', CONSTRAINT = 'container_lineage_fixed', TABLE = 'container';
        END IF;
        RETURN NEW;
    END IF;
    IF cardinality(NEW.parent_ids) > 0 THEN
        IF NEW.id = ANY (NEW.parent_ids)
           OR (SELECT count(DISTINCT p) FROM unnest(NEW.parent_ids) AS p) <> cardinality(NEW.parent_ids) THEN
            RAISE EXCEPTION 'the parents of container % are not distinct other containers', NEW.id
                USING ERRCODE = 'check_violation', CONSTRAINT = 'container_lineage_parents', TABLE = 'container';
        END IF;
        IF (SELECT count(*) FROM (SELECT FROM container WHERE id = ANY (NEW.parent_ids) FOR KEY SHARE) AS p)
           <> cardinality(NEW.parent_ids) THEN
            RAISE EXCEPTION 'a parent of container % does not exist', NEW.id
                USING ERRCODE = 'foreign_key_violation', CONSTRAINT = 'container_parent_exists', TABLE = 'container';
        END IF;
        IF EXISTS (SELECT FROM container WHERE id = ANY (NEW.parent_ids) AND status = 'disposed') THEN
            RAISE EXCEPTION 'a parent of container % is disposed', NEW.id
                USING ERRCODE = 'check_violation', CONSTRAINT = 'container_parent_disposed', TABLE = 'container';
        END IF;
    END IF;
    RETURN NEW;
END
$$;

-- A container that is a parent is not deleted (its children name it). The row is locked before
-- this runs, and the query sees what committed meanwhile, so a concurrent aliquot is seen.
CREATE FUNCTION refuse_parent_delete() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    IF EXISTS (SELECT FROM container WHERE parent_ids @> ARRAY[OLD.id]) THEN
        RAISE EXCEPTION 'container % is the parent of other containers', OLD.id
            USING ERRCODE = 'foreign_key_violation', CONSTRAINT = 'container_is_a_parent', TABLE = 'container';
    END IF;
    RETURN OLD;
END
$$;

CREATE TRIGGER container_sample BEFORE INSERT OR UPDATE ON container
    FOR EACH ROW EXECUTE FUNCTION check_container_sample();
CREATE TRIGGER container_parent_delete BEFORE DELETE ON container
    FOR EACH ROW EXECUTE FUNCTION refuse_parent_delete();

-- Children by parent (lineage, events, the delete check); the list filters ?sample_type= and
-- ?expires_before=, each an index range in id order.
-- (fastupdate off: without it, rows inserted since the last vacuum sit in a pending list that every
-- lookup reads whole; a lineage of 1,000 descendants read it 1,000 times: 2.5 s instead of ms).
CREATE INDEX container_parent_ids_idx ON container USING gin (parent_ids) WITH (fastupdate = off);
CREATE INDEX container_sample_type_idx ON container (sample_type, id) WHERE sample_type IS NOT NULL;
CREATE INDEX container_expires_at_idx ON container (expires_at, id) WHERE expires_at IS NOT NULL;

-- q searches the sample type too (api/container.py declares uuid, barcode, description,
-- sample_type; the list statement in services/web/project/database/container.sql says the same).
DROP INDEX container_search_idx;
CREATE INDEX container_search_idx ON container USING gin (
    (uuid::text || E'\x1f' || coalesce(barcode, '') || E'\x1f' || coalesce(description, '') || E'\x1f'
        || coalesce(sample_type, '')) gin_trgm_ops);
ALTER INDEX container_search_idx ALTER COLUMN 1 SET STATISTICS 1000;

-- The number in a new container's barcode (BARCODE_PREFIX and six digits: S000123).
CREATE SEQUENCE container_barcode_seq OWNED BY container.barcode;  -- TRUNCATE ... RESTART IDENTITY restarts it

-- The transaction that wrote each history row (rows written before this migration: none), so the
-- events of one request are found together. A default set apart from ADD COLUMN rewrites nothing.
ALTER TABLE history ADD COLUMN xact xid8;
ALTER TABLE history ALTER COLUMN xact SET DEFAULT pg_current_xact_id();
