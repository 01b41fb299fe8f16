-- The current schema, to read: what postgres_scripts/migrations/ make, as pg_dump shows it.
-- Generated, never edited (UPDATE_SCHEMA_SQL=1 ./scripts/test tests/test_migrations.py);
-- tests/test_migrations.py checks that it is current. To change the schema, add a migration.

CREATE EXTENSION IF NOT EXISTS pg_trgm WITH SCHEMA public;

COMMENT ON EXTENSION pg_trgm IS 'text similarity measurement and index searching based on trigrams';

CREATE FUNCTION public.canonical_unit(unit text) RETURNS text
    LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
    AS $$
    SELECT CASE WHEN unit IN (E'\u00b5L', E'\u03bcL') THEN 'uL'
                WHEN unit IN (E'\u00b5g', E'\u03bcg') THEN 'ug'
                ELSE unit END
$$;

CREATE FUNCTION public.carry_contents() RETURNS trigger
    LANGUAGE plpgsql
    AS $$
BEGIN
    IF TG_TABLE_NAME = 'rack' THEN
        UPDATE box SET freezer_id = NEW.freezer_id WHERE rack_id = NEW.id AND freezer_id <> NEW.freezer_id;
    ELSE
        UPDATE container SET freezer_id = NEW.freezer_id WHERE box_id = NEW.id AND freezer_id <> NEW.freezer_id;
    END IF;
    RETURN NULL;
END
$$;

CREATE FUNCTION public.check_box_place() RETURNS trigger
    LANGUAGE plpgsql
    AS $$
DECLARE
    rack_freezer integer;
BEGIN
    IF NEW.rack_id IS NOT NULL THEN
        SELECT freezer_id INTO rack_freezer FROM rack WHERE id = NEW.rack_id FOR SHARE;
        IF rack_freezer <> NEW.freezer_id THEN
            RAISE EXCEPTION 'rack % is in freezer %, not %', NEW.rack_id, rack_freezer, NEW.freezer_id
                USING ERRCODE = 'check_violation', CONSTRAINT = 'box_rack_in_freezer', TABLE = 'box';
        END IF;
    END IF;
    IF TG_OP = 'UPDATE' AND EXISTS (SELECT FROM container WHERE box_id = NEW.id AND status <> 'disposed'
                                                           AND NOT grid_has(position, NEW.rows, NEW.cols)) THEN
        RAISE EXCEPTION 'box % holds containers outside %x%', NEW.id, NEW.rows, NEW.cols
            USING ERRCODE = 'check_violation', CONSTRAINT = 'box_grid_holds_containers', TABLE = 'box';
    END IF;
    RETURN NEW;
END
$$;

CREATE FUNCTION public.check_container_place() RETURNS trigger
    LANGUAGE plpgsql
    AS $$
DECLARE
    b record;
BEGIN
    IF TG_OP = 'UPDATE' AND OLD.status = 'disposed' AND NEW.status <> 'disposed' THEN
        RAISE EXCEPTION 'container % is disposed', NEW.id
            USING ERRCODE = 'check_violation', CONSTRAINT = 'container_disposed_for_good', TABLE = 'container';
    END IF;
    IF NEW.box_id IS NULL THEN
        RETURN NEW;
    END IF;
    SELECT freezer_id, rows, cols INTO b FROM box WHERE id = NEW.box_id FOR SHARE;
    IF NOT FOUND THEN
        RETURN NEW;  -- the foreign key refuses it
    END IF;
    IF b.freezer_id <> NEW.freezer_id THEN
        RAISE EXCEPTION 'box % is in freezer %, not %', NEW.box_id, b.freezer_id, NEW.freezer_id
            USING ERRCODE = 'check_violation', CONSTRAINT = 'container_box_in_freezer', TABLE = 'container';
    END IF;
    IF NEW.position IS NOT NULL AND NOT grid_has(NEW.position, b.rows, b.cols) THEN
        RAISE EXCEPTION 'box % has no position %', NEW.box_id, NEW.position
            USING ERRCODE = 'check_violation', CONSTRAINT = 'container_position_in_grid', TABLE = 'container';
    END IF;
    RETURN NEW;
END
$$;

CREATE FUNCTION public.check_container_sample() RETURNS trigger
    LANGUAGE plpgsql
    AS $$
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

CREATE FUNCTION public.check_lab_permission() RETURNS trigger
    LANGUAGE plpgsql
    AS $$
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

CREATE FUNCTION public.check_parent_labs() RETURNS trigger
    LANGUAGE plpgsql
    AS $$
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

CREATE FUNCTION public.claim_barcode() RETURNS trigger
    LANGUAGE plpgsql
    AS $$
BEGIN
    IF TG_OP <> 'INSERT' AND OLD.barcode IS NOT NULL
       AND (TG_OP = 'DELETE' OR OLD.barcode IS DISTINCT FROM NEW.barcode) THEN
        DELETE FROM barcode WHERE barcode = OLD.barcode;
    END IF;
    IF TG_OP <> 'DELETE' AND NEW.barcode IS NOT NULL
       AND (TG_OP = 'INSERT' OR OLD.barcode IS DISTINCT FROM NEW.barcode) THEN
        INSERT INTO barcode (barcode, kind, item_id) VALUES (NEW.barcode, TG_TABLE_NAME, NEW.id)
        ON CONFLICT DO NOTHING;
        IF NOT FOUND THEN
            RAISE EXCEPTION 'barcode % is taken', NEW.barcode
                USING ERRCODE = 'unique_violation', CONSTRAINT = 'barcode_taken', TABLE = TG_TABLE_NAME;
        END IF;
    END IF;
    RETURN NULL;
END
$$;

CREATE FUNCTION public.convert_quantity(amount numeric, from_unit text, to_unit text) RETURNS numeric
    LANGUAGE plpgsql IMMUTABLE STRICT PARALLEL SAFE
    AS $$
BEGIN
    IF unit_dimension(canonical_unit(from_unit)) IS DISTINCT FROM unit_dimension(canonical_unit(to_unit))
       OR unit_dimension(canonical_unit(from_unit)) IS NULL THEN
        RAISE EXCEPTION '% cannot be converted into %', from_unit, to_unit
            USING ERRCODE = 'check_violation', CONSTRAINT = 'quantity_units_convertible';
    END IF;
    RETURN trim_scale(amount * unit_factor(canonical_unit(from_unit)) / unit_factor(canonical_unit(to_unit)));
END
$$;

CREATE FUNCTION public.count_estimate(query text) RETURNS bigint
    LANGUAGE plpgsql
    AS $$
DECLARE
    plan json;
BEGIN
    EXECUTE 'EXPLAIN (FORMAT JSON) ' || query INTO plan;
    RETURN (plan -> 0 -> 'Plan' ->> 'Plan Rows')::numeric::bigint;
END
$$;

CREATE FUNCTION public.free_id(tbl regclass) RETURNS integer
    LANGUAGE plpgsql
    AS $_$
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
$_$;

CREATE FUNCTION public.grid_has(place text, rows integer, cols integer) RETURNS boolean
    LANGUAGE sql IMMUTABLE
    AS $_$
    SELECT CASE WHEN place ~ '^[A-Z][1-9][0-9]?$'
                THEN ascii(place) - 64 <= rows AND substr(place, 2)::integer <= cols
                ELSE false END
$_$;

CREATE FUNCTION public.is_valid_time(value text, kind text) RETURNS boolean
    LANGUAGE plpgsql STABLE STRICT
    AS $$
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

CREATE FUNCTION public.keep_checkout() RETURNS trigger
    LANGUAGE plpgsql
    AS $$
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

CREATE FUNCTION public.lab_of(table_name text, r jsonb) RETURNS integer
    LANGUAGE sql STABLE
    AS $$
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

CREATE FUNCTION public.mark_history_writer() RETURNS void
    LANGUAGE plpgsql
    AS $$
BEGIN
    IF current_setting('labinv.history_writer', true) IS DISTINCT FROM 'yes' THEN
        PERFORM pg_advisory_xact_lock_shared(4611686018427387904 + (SELECT last_value FROM history_id_seq));
        PERFORM set_config('labinv.history_writer', 'yes', true);  -- until the transaction ends
    END IF;
END
$$;

CREATE FUNCTION public.notify_token_change() RETURNS trigger
    LANGUAGE plpgsql
    AS $$
BEGIN
    PERFORM pg_notify('labinv_tokens', OLD.id::text);
    RETURN NULL;
END
$$;

CREATE FUNCTION public.record_history() RETURNS trigger
    LANGUAGE plpgsql
    AS $$
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

CREATE FUNCTION public.record_inserts() RETURNS trigger
    LANGUAGE plpgsql
    AS $$
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

CREATE FUNCTION public.refuse_history_change() RETURNS trigger
    LANGUAGE plpgsql
    AS $$
BEGIN
    RAISE EXCEPTION 'history is append-only' USING ERRCODE = 'insufficient_privilege';
END
$$;

CREATE FUNCTION public.refuse_parent_delete() RETURNS trigger
    LANGUAGE plpgsql
    AS $$
BEGIN
    IF EXISTS (SELECT FROM container WHERE parent_ids @> ARRAY[OLD.id]) THEN
        RAISE EXCEPTION 'container % is the parent of other containers', OLD.id
            USING ERRCODE = 'foreign_key_violation', CONSTRAINT = 'container_is_a_parent', TABLE = 'container';
    END IF;
    RETURN OLD;
END
$$;

CREATE FUNCTION public.unit_dimension(unit text) RETURNS text
    LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
    AS $$
    SELECT CASE WHEN unit IN ('L', 'mL', 'uL') THEN 'volume'
                WHEN unit IN ('g', 'mg', 'ug', 'ng') THEN 'mass'
                WHEN unit IN ('cells', 'items') THEN unit END
$$;

CREATE FUNCTION public.unit_factor(unit text) RETURNS numeric
    LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
    AS $$
    SELECT CASE unit WHEN 'L' THEN 1000000 WHEN 'mL' THEN 1000 WHEN 'uL' THEN 1
                     WHEN 'g' THEN 1000000000 WHEN 'mg' THEN 1000000 WHEN 'ug' THEN 1000 WHEN 'ng' THEN 1
                     WHEN 'cells' THEN 1 WHEN 'items' THEN 1 END
$$;

CREATE FUNCTION public.units_convertible(from_unit text, to_unit text) RETURNS boolean
    LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
    AS $$
    SELECT unit_dimension(canonical_unit(from_unit)) = unit_dimension(canonical_unit(to_unit))
$$;

CREATE TABLE public.api_token (
    id integer NOT NULL,
    user_id integer NOT NULL,
    token_hash text NOT NULL,
    name text,
    created_at timestamp with time zone DEFAULT now() NOT NULL,
    expires_at timestamp with time zone,
    revoked_at timestamp with time zone
);

ALTER TABLE public.api_token ALTER COLUMN id ADD GENERATED ALWAYS AS IDENTITY (
    SEQUENCE NAME public.api_token_id_seq
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1
);

CREATE TABLE public.app_user (
    id integer NOT NULL,
    username text NOT NULL,
    password_hash text NOT NULL,
    role text NOT NULL,
    created_at timestamp with time zone DEFAULT now() NOT NULL,
    CONSTRAINT app_user_role_check CHECK ((role = ANY (ARRAY['reader'::text, 'editor'::text, 'admin'::text])))
);

ALTER TABLE public.app_user ALTER COLUMN id ADD GENERATED ALWAYS AS IDENTITY (
    SEQUENCE NAME public.app_user_id_seq
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1
);

CREATE TABLE public.attachment (
    id integer NOT NULL,
    site_id integer,
    freezer_id integer,
    rack_id integer,
    box_id integer,
    container_id integer,
    filename text NOT NULL,
    content_type text NOT NULL,
    size bigint NOT NULL,
    sha256 text NOT NULL,
    note text,
    created_at timestamp with time zone DEFAULT now() NOT NULL,
    actor text DEFAULT COALESCE(NULLIF(current_setting('labinv.actor'::text, true), ''::text), (SESSION_USER)::text) NOT NULL,
    CONSTRAINT attachment_filename_length CHECK (((length(filename) >= 1) AND (length(filename) <= 255))),
    CONSTRAINT attachment_note_length CHECK ((length(note) <= 2000)),
    CONSTRAINT attachment_one_owner CHECK ((num_nonnulls(site_id, freezer_id, rack_id, box_id, container_id) = 1)),
    CONSTRAINT attachment_sha256_hex CHECK ((sha256 ~ '^[0-9a-f]{64}$'::text)),
    CONSTRAINT attachment_size_not_negative CHECK ((size >= 0))
);

ALTER TABLE public.attachment ALTER COLUMN id ADD GENERATED ALWAYS AS IDENTITY (
    SEQUENCE NAME public.attachment_id_seq
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1
);

CREATE TABLE public.barcode (
    barcode text NOT NULL,
    kind text NOT NULL,
    item_id integer NOT NULL,
    CONSTRAINT barcode_kind_check CHECK ((kind = ANY (ARRAY['rack'::text, 'box'::text, 'container'::text])))
);

CREATE TABLE public.box (
    id integer NOT NULL,
    freezer_id integer NOT NULL,
    rack_id integer,
    name text NOT NULL,
    barcode text,
    rows integer DEFAULT 9 NOT NULL,
    cols integer DEFAULT 9 NOT NULL,
    CONSTRAINT box_barcode_trimmed CHECK ((barcode ~ '^\S(.*\S)?$'::text)),
    CONSTRAINT box_cols_range CHECK (((cols >= 1) AND (cols <= 99))),
    CONSTRAINT box_name_trimmed CHECK ((name ~ '^\S(.*\S)?$'::text)),
    CONSTRAINT box_rows_range CHECK (((rows >= 1) AND (rows <= 26)))
);

ALTER TABLE public.box ALTER COLUMN id ADD GENERATED BY DEFAULT AS IDENTITY (
    SEQUENCE NAME public.box_id_seq
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1
);

CREATE TABLE public.checkout (
    container_id integer NOT NULL,
    since timestamp with time zone DEFAULT now() NOT NULL
);

CREATE TABLE public.computer (
    id integer NOT NULL,
    name text NOT NULL,
    mac macaddr,
    site_id integer NOT NULL
);
ALTER TABLE ONLY public.computer ALTER COLUMN name SET STATISTICS 1000;

ALTER TABLE public.computer ALTER COLUMN id ADD GENERATED BY DEFAULT AS IDENTITY (
    SEQUENCE NAME public.computer_id_seq
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1
);

CREATE TABLE public.container (
    id integer NOT NULL,
    uuid uuid DEFAULT gen_random_uuid() NOT NULL,
    description text,
    freezer_id integer NOT NULL,
    barcode text,
    box_id integer,
    "position" text,
    status text DEFAULT 'in_storage'::text NOT NULL,
    status_note text,
    sample_type text,
    quantity numeric,
    unit text,
    initial_quantity numeric,
    freeze_thaw_count integer DEFAULT 0 NOT NULL,
    collected_at timestamp with time zone,
    expires_at date,
    lineage text DEFAULT 'primary'::text NOT NULL,
    parent_ids integer[] DEFAULT '{}'::integer[] NOT NULL,
    CONSTRAINT container_barcode_trimmed CHECK ((barcode ~ '^\S(.*\S)?$'::text)),
    CONSTRAINT container_freeze_thaw_count_not_negative CHECK ((freeze_thaw_count >= 0)),
    CONSTRAINT container_initial_quantity_range CHECK (((initial_quantity >= (0)::numeric) AND (initial_quantity <= '1000000000000000'::numeric))),
    CONSTRAINT container_initial_quantity_with_unit CHECK (((initial_quantity IS NULL) OR (unit IS NOT NULL))),
    CONSTRAINT container_lineage_known CHECK ((lineage = ANY (ARRAY['primary'::text, 'aliquot'::text, 'derivative'::text, 'pool'::text]))),
    CONSTRAINT container_lineage_parents CHECK (((array_position(parent_ids, NULL::integer) IS NULL) AND (COALESCE(array_ndims(parent_ids), 1) = 1) AND
CASE lineage
    WHEN 'primary'::text THEN (cardinality(parent_ids) = 0)
    WHEN 'pool'::text THEN ((cardinality(parent_ids) >= 2) AND (cardinality(parent_ids) <= 100))
    ELSE (cardinality(parent_ids) = 1)
END)),
    CONSTRAINT container_position_format CHECK (("position" ~ '^[A-Z][1-9][0-9]?$'::text)),
    CONSTRAINT container_position_with_box CHECK (((box_id IS NULL) = ("position" IS NULL))),
    CONSTRAINT container_quantity_not_negative CHECK ((quantity >= (0)::numeric)),
    CONSTRAINT container_quantity_range CHECK ((quantity <= '1000000000000000'::numeric)),
    CONSTRAINT container_quantity_with_unit CHECK (((quantity IS NULL) OR (unit IS NOT NULL))),
    CONSTRAINT container_sample_type_trimmed CHECK (((sample_type ~ '^\S(.*\S)?$'::text) AND (length(sample_type) <= 100))),
    CONSTRAINT container_status_known CHECK ((status = ANY (ARRAY['in_storage'::text, 'checked_out'::text, 'disposed'::text]))),
    CONSTRAINT container_unit_known CHECK ((unit = ANY (ARRAY['L'::text, 'mL'::text, 'uL'::text, 'g'::text, 'mg'::text, 'ug'::text, 'ng'::text, 'cells'::text, 'items'::text])))
);

CREATE SEQUENCE public.container_barcode_seq
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1;

ALTER SEQUENCE public.container_barcode_seq OWNED BY public.container.barcode;

ALTER TABLE public.container ALTER COLUMN id ADD GENERATED BY DEFAULT AS IDENTITY (
    SEQUENCE NAME public.container_id_seq
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1
);

CREATE TABLE public.freezer (
    id integer NOT NULL,
    name text NOT NULL,
    site_id integer NOT NULL
);
ALTER TABLE ONLY public.freezer ALTER COLUMN name SET STATISTICS 1000;

ALTER TABLE public.freezer ALTER COLUMN id ADD GENERATED BY DEFAULT AS IDENTITY (
    SEQUENCE NAME public.freezer_id_seq
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1
);

CREATE TABLE public.history (
    id bigint NOT NULL,
    table_name text NOT NULL,
    row_id integer NOT NULL,
    operation text NOT NULL,
    old_row jsonb,
    new_row jsonb,
    changed_at timestamp with time zone DEFAULT now() NOT NULL,
    actor text NOT NULL,
    xact xid8 DEFAULT pg_current_xact_id(),
    CONSTRAINT history_operation_check CHECK ((operation = ANY (ARRAY['INSERT'::text, 'UPDATE'::text, 'DELETE'::text])))
);

ALTER TABLE public.history ALTER COLUMN id ADD GENERATED ALWAYS AS IDENTITY (
    SEQUENCE NAME public.history_id_seq
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1
);

CREATE TABLE public.site (
    id integer NOT NULL,
    lab_id integer,
    name text NOT NULL,
    contact text,
    address text,
    state_or_region text,
    country text,
    postcode_or_zip text
);
ALTER TABLE ONLY public.site ALTER COLUMN name SET STATISTICS 1000;

CREATE VIEW public.instruments AS
 SELECT i.site_id,
    s.name AS site_name,
    i.computer_id,
    i.freezer_id,
    i.name
   FROM (( SELECT computer.site_id,
            computer.id AS computer_id,
            NULL::integer AS freezer_id,
            computer.name
           FROM public.computer
        UNION ALL
         SELECT freezer.site_id,
            NULL::integer AS int4,
            freezer.id,
            freezer.name
           FROM public.freezer) i
     LEFT JOIN public.site s ON ((s.id = i.site_id)));

CREATE TABLE public.lab (
    id integer NOT NULL,
    name text NOT NULL
);
ALTER TABLE ONLY public.lab ALTER COLUMN name SET STATISTICS 1000;

ALTER TABLE public.lab ALTER COLUMN id ADD GENERATED BY DEFAULT AS IDENTITY (
    SEQUENCE NAME public.lab_id_seq
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1
);

CREATE TABLE public.lab_member (
    user_id integer NOT NULL,
    lab_id integer NOT NULL
);

CREATE TABLE public.rack (
    id integer NOT NULL,
    freezer_id integer NOT NULL,
    name text NOT NULL,
    barcode text,
    CONSTRAINT rack_barcode_trimmed CHECK ((barcode ~ '^\S(.*\S)?$'::text)),
    CONSTRAINT rack_name_trimmed CHECK ((name ~ '^\S(.*\S)?$'::text))
);

ALTER TABLE public.rack ALTER COLUMN id ADD GENERATED BY DEFAULT AS IDENTITY (
    SEQUENCE NAME public.rack_id_seq
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1
);

CREATE TABLE public.schema_migration (
    version text NOT NULL,
    applied_at timestamp with time zone DEFAULT now() NOT NULL
);

ALTER TABLE public.site ALTER COLUMN id ADD GENERATED BY DEFAULT AS IDENTITY (
    SEQUENCE NAME public.site_id_seq
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1
);

ALTER TABLE ONLY public.api_token
    ADD CONSTRAINT api_token_pkey PRIMARY KEY (id);

ALTER TABLE ONLY public.api_token
    ADD CONSTRAINT api_token_token_hash_key UNIQUE (token_hash);

ALTER TABLE ONLY public.app_user
    ADD CONSTRAINT app_user_pkey PRIMARY KEY (id);

ALTER TABLE ONLY public.app_user
    ADD CONSTRAINT app_user_username_key UNIQUE (username);

ALTER TABLE ONLY public.attachment
    ADD CONSTRAINT attachment_pkey PRIMARY KEY (id);

ALTER TABLE ONLY public.barcode
    ADD CONSTRAINT barcode_pkey PRIMARY KEY (barcode);

ALTER TABLE ONLY public.box
    ADD CONSTRAINT box_pkey PRIMARY KEY (id);

ALTER TABLE ONLY public.checkout
    ADD CONSTRAINT checkout_pkey PRIMARY KEY (container_id);

ALTER TABLE ONLY public.computer
    ADD CONSTRAINT computer_mac_key UNIQUE (mac);

ALTER TABLE public.computer
    ADD CONSTRAINT computer_name_trimmed CHECK ((name ~ '^\S(.*\S)?$'::text)) NOT VALID;

ALTER TABLE ONLY public.computer
    ADD CONSTRAINT computer_pkey PRIMARY KEY (id);

ALTER TABLE ONLY public.container
    ADD CONSTRAINT container_pkey PRIMARY KEY (id);

ALTER TABLE ONLY public.container
    ADD CONSTRAINT container_position_free EXCLUDE USING btree (box_id WITH =, "position" WITH =) WHERE ((status <> 'disposed'::text)) DEFERRABLE;

ALTER TABLE ONLY public.container
    ADD CONSTRAINT container_uuid_key UNIQUE (uuid);

ALTER TABLE public.freezer
    ADD CONSTRAINT freezer_name_trimmed CHECK ((name ~ '^\S(.*\S)?$'::text)) NOT VALID;

ALTER TABLE ONLY public.freezer
    ADD CONSTRAINT freezer_pkey PRIMARY KEY (id);

ALTER TABLE ONLY public.history
    ADD CONSTRAINT history_pkey PRIMARY KEY (id);

ALTER TABLE ONLY public.lab_member
    ADD CONSTRAINT lab_member_pkey PRIMARY KEY (user_id, lab_id);

ALTER TABLE public.lab
    ADD CONSTRAINT lab_name_trimmed CHECK ((name ~ '^\S(.*\S)?$'::text)) NOT VALID;

ALTER TABLE ONLY public.lab
    ADD CONSTRAINT lab_pkey PRIMARY KEY (id);

ALTER TABLE ONLY public.rack
    ADD CONSTRAINT rack_pkey PRIMARY KEY (id);

ALTER TABLE ONLY public.schema_migration
    ADD CONSTRAINT schema_migration_pkey PRIMARY KEY (version);

ALTER TABLE public.site
    ADD CONSTRAINT site_name_trimmed CHECK ((name ~ '^\S(.*\S)?$'::text)) NOT VALID;

ALTER TABLE ONLY public.site
    ADD CONSTRAINT site_pkey PRIMARY KEY (id);

CREATE INDEX api_token_user_id_idx ON public.api_token USING btree (user_id);

CREATE INDEX attachment_box_idx ON public.attachment USING btree (box_id, id) WHERE (box_id IS NOT NULL);

CREATE INDEX attachment_container_idx ON public.attachment USING btree (container_id, id) WHERE (container_id IS NOT NULL);

CREATE INDEX attachment_freezer_idx ON public.attachment USING btree (freezer_id, id) WHERE (freezer_id IS NOT NULL);

CREATE INDEX attachment_rack_idx ON public.attachment USING btree (rack_id, id) WHERE (rack_id IS NOT NULL);

CREATE INDEX attachment_sha256_idx ON public.attachment USING btree (sha256);

CREATE INDEX attachment_site_idx ON public.attachment USING btree (site_id, id) WHERE (site_id IS NOT NULL);

CREATE INDEX box_freezer_id_idx ON public.box USING btree (freezer_id, id);

CREATE INDEX box_name_idx ON public.box USING btree (name, id);

CREATE INDEX box_rack_id_idx ON public.box USING btree (rack_id, id);

CREATE INDEX box_search_idx ON public.box USING gin ((((name || ''::text) || COALESCE(barcode, ''::text))) public.gin_trgm_ops);

CREATE INDEX checkout_since_idx ON public.checkout USING btree (since, container_id);

CREATE INDEX computer_name_idx ON public.computer USING btree (name, id);

CREATE INDEX computer_name_search_idx ON public.computer USING gin (name public.gin_trgm_ops);

CREATE INDEX computer_search_idx ON public.computer USING gin ((((name || ''::text) || COALESCE((mac)::text, ''::text))) public.gin_trgm_ops);
ALTER INDEX public.computer_search_idx ALTER COLUMN 1 SET STATISTICS 1000;

CREATE INDEX computer_site_id_idx ON public.computer USING btree (site_id, id);

CREATE INDEX container_box_id_idx ON public.container USING btree (box_id, id);

CREATE INDEX container_expires_at_idx ON public.container USING btree (expires_at, id) WHERE (expires_at IS NOT NULL);

CREATE INDEX container_expiring_idx ON public.container USING btree (expires_at, id) WHERE ((expires_at IS NOT NULL) AND (status <> 'disposed'::text));

CREATE INDEX container_freezer_id_idx ON public.container USING btree (freezer_id, id);

CREATE INDEX container_parent_ids_idx ON public.container USING gin (parent_ids) WITH (fastupdate=off);

CREATE INDEX container_sample_type_idx ON public.container USING btree (sample_type, id) WHERE (sample_type IS NOT NULL);

CREATE INDEX container_search_idx ON public.container USING gin (((((((((uuid)::text || ''::text) || COALESCE(barcode, ''::text)) || ''::text) || COALESCE(description, ''::text)) || ''::text) || COALESCE(sample_type, ''::text))) public.gin_trgm_ops);
ALTER INDEX public.container_search_idx ALTER COLUMN 1 SET STATISTICS 1000;

CREATE INDEX freezer_name_idx ON public.freezer USING btree (name, id);

CREATE INDEX freezer_search_idx ON public.freezer USING gin (name public.gin_trgm_ops);

CREATE INDEX freezer_site_id_idx ON public.freezer USING btree (site_id, id);

CREATE INDEX history_changed_at_idx ON public.history USING btree (changed_at, id);

CREATE INDEX history_row_idx ON public.history USING btree (table_name, row_id, id);

CREATE INDEX lab_member_lab_id_idx ON public.lab_member USING btree (lab_id);

CREATE INDEX lab_name_idx ON public.lab USING btree (name, id);

CREATE UNIQUE INDEX lab_name_lower_key ON public.lab USING btree (lower(name));

CREATE INDEX lab_search_idx ON public.lab USING gin (name public.gin_trgm_ops);

CREATE INDEX rack_freezer_id_idx ON public.rack USING btree (freezer_id, id);

CREATE INDEX rack_name_idx ON public.rack USING btree (name, id);

CREATE INDEX rack_search_idx ON public.rack USING gin ((((name || ''::text) || COALESCE(barcode, ''::text))) public.gin_trgm_ops);

CREATE INDEX site_lab_id_idx ON public.site USING btree (lab_id, id);

CREATE INDEX site_name_idx ON public.site USING btree (name, id);

CREATE INDEX site_name_search_idx ON public.site USING gin (name public.gin_trgm_ops);

CREATE INDEX site_search_idx ON public.site USING gin ((((((((((((name || ''::text) || COALESCE(contact, ''::text)) || ''::text) || COALESCE(address, ''::text)) || ''::text) || COALESCE(state_or_region, ''::text)) || ''::text) || COALESCE(country, ''::text)) || ''::text) || COALESCE(postcode_or_zip, ''::text))) public.gin_trgm_ops);
ALTER INDEX public.site_search_idx ALTER COLUMN 1 SET STATISTICS 1000;

CREATE TRIGGER api_token_notify AFTER DELETE OR UPDATE ON public.api_token FOR EACH ROW EXECUTE FUNCTION public.notify_token_change();

CREATE TRIGGER attachment_history AFTER DELETE OR UPDATE ON public.attachment FOR EACH ROW EXECUTE FUNCTION public.record_history();

CREATE TRIGGER attachment_insert_history AFTER INSERT ON public.attachment REFERENCING NEW TABLE AS inserted FOR EACH STATEMENT EXECUTE FUNCTION public.record_inserts();

CREATE TRIGGER attachment_permission BEFORE INSERT OR DELETE OR UPDATE ON public.attachment FOR EACH ROW EXECUTE FUNCTION public.check_lab_permission();

CREATE TRIGGER box_barcode AFTER INSERT OR DELETE OR UPDATE OF barcode ON public.box FOR EACH ROW EXECUTE FUNCTION public.claim_barcode();

CREATE TRIGGER box_carry AFTER UPDATE OF freezer_id ON public.box FOR EACH ROW WHEN ((old.freezer_id <> new.freezer_id)) EXECUTE FUNCTION public.carry_contents();

CREATE TRIGGER box_history AFTER DELETE OR UPDATE ON public.box FOR EACH ROW EXECUTE FUNCTION public.record_history();

CREATE TRIGGER box_insert_history AFTER INSERT ON public.box REFERENCING NEW TABLE AS inserted FOR EACH STATEMENT EXECUTE FUNCTION public.record_inserts();

CREATE TRIGGER box_permission BEFORE INSERT OR DELETE OR UPDATE ON public.box FOR EACH ROW EXECUTE FUNCTION public.check_lab_permission();

CREATE TRIGGER box_place BEFORE INSERT OR UPDATE ON public.box FOR EACH ROW EXECUTE FUNCTION public.check_box_place();

CREATE TRIGGER computer_history AFTER DELETE OR UPDATE ON public.computer FOR EACH ROW EXECUTE FUNCTION public.record_history();

CREATE TRIGGER computer_insert_history AFTER INSERT ON public.computer REFERENCING NEW TABLE AS inserted FOR EACH STATEMENT EXECUTE FUNCTION public.record_inserts();

CREATE TRIGGER computer_permission BEFORE INSERT OR DELETE OR UPDATE ON public.computer FOR EACH ROW EXECUTE FUNCTION public.check_lab_permission();

CREATE TRIGGER container_barcode AFTER INSERT OR DELETE OR UPDATE OF barcode ON public.container FOR EACH ROW EXECUTE FUNCTION public.claim_barcode();

CREATE TRIGGER container_checkout AFTER INSERT OR UPDATE OF status ON public.container FOR EACH ROW EXECUTE FUNCTION public.keep_checkout();

CREATE TRIGGER container_history AFTER DELETE OR UPDATE ON public.container FOR EACH ROW EXECUTE FUNCTION public.record_history();

CREATE TRIGGER container_insert_history AFTER INSERT ON public.container REFERENCING NEW TABLE AS inserted FOR EACH STATEMENT EXECUTE FUNCTION public.record_inserts();

CREATE TRIGGER container_parent_delete BEFORE DELETE ON public.container FOR EACH ROW EXECUTE FUNCTION public.refuse_parent_delete();

CREATE TRIGGER container_parent_labs BEFORE INSERT ON public.container FOR EACH ROW WHEN ((cardinality(new.parent_ids) > 0)) EXECUTE FUNCTION public.check_parent_labs();

CREATE TRIGGER container_permission BEFORE INSERT OR DELETE OR UPDATE ON public.container FOR EACH ROW EXECUTE FUNCTION public.check_lab_permission();

CREATE TRIGGER container_place BEFORE INSERT OR UPDATE ON public.container FOR EACH ROW EXECUTE FUNCTION public.check_container_place();

CREATE TRIGGER container_sample BEFORE INSERT OR UPDATE ON public.container FOR EACH ROW EXECUTE FUNCTION public.check_container_sample();

CREATE TRIGGER freezer_history AFTER DELETE OR UPDATE ON public.freezer FOR EACH ROW EXECUTE FUNCTION public.record_history();

CREATE TRIGGER freezer_insert_history AFTER INSERT ON public.freezer REFERENCING NEW TABLE AS inserted FOR EACH STATEMENT EXECUTE FUNCTION public.record_inserts();

CREATE TRIGGER freezer_permission BEFORE INSERT OR DELETE OR UPDATE ON public.freezer FOR EACH ROW EXECUTE FUNCTION public.check_lab_permission();

CREATE TRIGGER history_append_only BEFORE DELETE OR UPDATE ON public.history FOR EACH ROW EXECUTE FUNCTION public.refuse_history_change();

CREATE TRIGGER lab_history AFTER DELETE OR UPDATE ON public.lab FOR EACH ROW EXECUTE FUNCTION public.record_history();

CREATE TRIGGER lab_insert_history AFTER INSERT ON public.lab REFERENCING NEW TABLE AS inserted FOR EACH STATEMENT EXECUTE FUNCTION public.record_inserts();

CREATE TRIGGER lab_permission BEFORE INSERT OR DELETE OR UPDATE ON public.lab FOR EACH ROW EXECUTE FUNCTION public.check_lab_permission();

CREATE TRIGGER rack_barcode AFTER INSERT OR DELETE OR UPDATE OF barcode ON public.rack FOR EACH ROW EXECUTE FUNCTION public.claim_barcode();

CREATE TRIGGER rack_carry AFTER UPDATE OF freezer_id ON public.rack FOR EACH ROW WHEN ((old.freezer_id <> new.freezer_id)) EXECUTE FUNCTION public.carry_contents();

CREATE TRIGGER rack_history AFTER DELETE OR UPDATE ON public.rack FOR EACH ROW EXECUTE FUNCTION public.record_history();

CREATE TRIGGER rack_insert_history AFTER INSERT ON public.rack REFERENCING NEW TABLE AS inserted FOR EACH STATEMENT EXECUTE FUNCTION public.record_inserts();

CREATE TRIGGER rack_permission BEFORE INSERT OR DELETE OR UPDATE ON public.rack FOR EACH ROW EXECUTE FUNCTION public.check_lab_permission();

CREATE TRIGGER site_history AFTER DELETE OR UPDATE ON public.site FOR EACH ROW EXECUTE FUNCTION public.record_history();

CREATE TRIGGER site_insert_history AFTER INSERT ON public.site REFERENCING NEW TABLE AS inserted FOR EACH STATEMENT EXECUTE FUNCTION public.record_inserts();

CREATE TRIGGER site_permission BEFORE INSERT OR DELETE OR UPDATE ON public.site FOR EACH ROW EXECUTE FUNCTION public.check_lab_permission();

ALTER TABLE ONLY public.api_token
    ADD CONSTRAINT api_token_user_id_fkey FOREIGN KEY (user_id) REFERENCES public.app_user(id) ON DELETE CASCADE;

ALTER TABLE ONLY public.attachment
    ADD CONSTRAINT attachment_box_id_fkey FOREIGN KEY (box_id) REFERENCES public.box(id);

ALTER TABLE ONLY public.attachment
    ADD CONSTRAINT attachment_container_id_fkey FOREIGN KEY (container_id) REFERENCES public.container(id);

ALTER TABLE ONLY public.attachment
    ADD CONSTRAINT attachment_freezer_id_fkey FOREIGN KEY (freezer_id) REFERENCES public.freezer(id);

ALTER TABLE ONLY public.attachment
    ADD CONSTRAINT attachment_rack_id_fkey FOREIGN KEY (rack_id) REFERENCES public.rack(id);

ALTER TABLE ONLY public.attachment
    ADD CONSTRAINT attachment_site_id_fkey FOREIGN KEY (site_id) REFERENCES public.site(id);

ALTER TABLE ONLY public.box
    ADD CONSTRAINT box_freezer_id_fkey FOREIGN KEY (freezer_id) REFERENCES public.freezer(id) ON DELETE RESTRICT;

ALTER TABLE ONLY public.box
    ADD CONSTRAINT box_rack_id_fkey FOREIGN KEY (rack_id) REFERENCES public.rack(id) ON DELETE RESTRICT;

ALTER TABLE ONLY public.checkout
    ADD CONSTRAINT checkout_container_id_fkey FOREIGN KEY (container_id) REFERENCES public.container(id) ON DELETE CASCADE;

ALTER TABLE ONLY public.computer
    ADD CONSTRAINT computer_site_id_fkey FOREIGN KEY (site_id) REFERENCES public.site(id) ON DELETE RESTRICT;

ALTER TABLE ONLY public.container
    ADD CONSTRAINT container_box_id_fkey FOREIGN KEY (box_id) REFERENCES public.box(id) ON DELETE RESTRICT;

ALTER TABLE ONLY public.container
    ADD CONSTRAINT container_freezer_id_fkey FOREIGN KEY (freezer_id) REFERENCES public.freezer(id) ON DELETE RESTRICT;

ALTER TABLE ONLY public.freezer
    ADD CONSTRAINT freezer_site_id_fkey FOREIGN KEY (site_id) REFERENCES public.site(id) ON DELETE RESTRICT;

ALTER TABLE ONLY public.lab_member
    ADD CONSTRAINT lab_member_lab_id_fkey FOREIGN KEY (lab_id) REFERENCES public.lab(id) ON DELETE CASCADE;

ALTER TABLE ONLY public.lab_member
    ADD CONSTRAINT lab_member_user_id_fkey FOREIGN KEY (user_id) REFERENCES public.app_user(id) ON DELETE CASCADE;

ALTER TABLE ONLY public.rack
    ADD CONSTRAINT rack_freezer_id_fkey FOREIGN KEY (freezer_id) REFERENCES public.freezer(id) ON DELETE RESTRICT;

ALTER TABLE ONLY public.site
    ADD CONSTRAINT site_lab_id_fkey FOREIGN KEY (lab_id) REFERENCES public.lab(id) ON DELETE RESTRICT;
