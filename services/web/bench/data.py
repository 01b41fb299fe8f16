"""The bench's data set: the schema (migrations), the example data, and a large generated inventory."""

from dataclasses import dataclass

import psycopg2
from psycopg2 import sql

from project.config import Config
from project.database.migrations import set_up

# The rows after those of mock_data.sql, up to the ids given, in one transaction. The
# replica role skips the triggers (history, permissions, foreign keys) while loading.
INVENTORY = """
SET session_replication_role = replica;
INSERT INTO lab (id, name)
     SELECT n, (ARRAY['Genomics', 'Proteomics', 'Biobank', 'Virology', 'Imaging'])[1 + n %% 5] || ' Lab ' || n
       FROM generate_series((SELECT max(id) + 1 FROM lab), %(labs)s) n;
INSERT INTO site (id, lab_id, name, contact, address, state_or_region, country, postcode_or_zip)
     SELECT n, 1 + n %% %(labs)s,
            city || ' ' || (ARRAY['Biobank', 'Clinic', 'Core Facility', 'Field Station', 'Hospital',
                                  'Annex'])[1 + n / 7 %% 6] || ' ' || n,
            (ARRAY['John', 'Maria', 'Wei', 'Aisha', 'Lars', 'Priya', 'Tomás', 'Yuki', 'Ngozi', 'Sam',
                   'Olga'])[1 + n %% 11] || ' '
            || (ARRAY['Smith', 'Garcia', 'Chen', 'Okafor', 'Berg', 'Patel', 'Silva', 'Tanaka', 'Novak',
                      'Kim', 'Müller', 'Rossi', 'Haddad'])[1 + n / 11 %% 13],
            (1 + n %% 9000) || ' ' || (ARRAY['Muffin Lane', 'Main Street', 'Oak Avenue', 'Lab Road',
                                             'Harbor Drive', 'Elm Court', 'Campus Way'])[1 + n %% 7]
            || ', ' || city,
            state, 'USA', lpad((n::bigint * 7919 %% 100000)::text, 5, '0')
       FROM generate_series((SELECT max(id) + 1 FROM site), %(sites)s) n,
            LATERAL (SELECT (ARRAY['Ann Arbor', 'Boston', 'Seattle', 'Austin', 'Denver', 'Atlanta',
                                   'Madison', 'Portland'])[1 + n %% 8] AS city,
                            (ARRAY['MI', 'MA', 'WA', 'TX', 'CO', 'GA', 'WI',
                                   'OR'])[1 + n %% 8] AS state) AS place;
INSERT INTO computer (id, name, mac, site_id)
     SELECT n, (ARRAY['Workstation', 'Sequencer PC', 'Imaging PC', 'Lab server',
                      'Plate reader PC'])[1 + n %% 5] || ' ' || n,
            ('0200' || lpad(to_hex(n), 8, '0'))::macaddr, 1 + n %% %(sites)s
       FROM generate_series((SELECT max(id) + 1 FROM computer), %(computers)s) n;
INSERT INTO freezer (id, name, site_id)
     SELECT n, (ARRAY['-80C freezer', '-20C freezer', 'LN2 tank', '4C fridge',
                      '-150C freezer'])[1 + n %% 5] || ' ' || n,
            1 + n %% %(sites)s
       FROM generate_series((SELECT max(id) + 1 FROM freezer), %(freezers)s) n;
INSERT INTO container (id, description, freezer_id)
     SELECT n, 'Sample ' || n || ' '
               || (ARRAY['plasma', 'serum', 'whole blood', 'DNA extract', 'RNA extract', 'urine', 'saliva',
                         'tissue', 'PBMC', 'CSF'])[1 + n %% 10]
               || ', box ' || (1 + n / 81)
               || CASE WHEN n %% 10007 = 0 THEN ', recalled'
                       WHEN n %% 1009 = 0 THEN ', hemolysed'
                       ELSE '' END,
            1 + n %% %(stocked)s
       FROM generate_series((SELECT max(id) + 1 FROM container), %(containers)s) n;
SELECT setval(pg_get_serial_sequence(t, 'id'), n)
  FROM (VALUES ('lab', %(labs)s), ('site', %(sites)s), ('computer', %(computers)s),
               ('freezer', %(freezers)s), ('container', %(containers)s)) AS s (t, n);
"""

# The indexes that no constraint needs, each with the statements that make it again (its
# statistics targets too): dropped while loading and made again after, as pg_restore does,
# which is far quicker than growing them row by row (the trigram indexes above all).
SECONDARY_INDEXES = """
SELECT i.relname,
       concat_ws('; ', pg_get_indexdef(x.indexrelid),
                 (SELECT string_agg(format('ALTER INDEX %I ALTER COLUMN %s SET STATISTICS %s',
                                           i.relname, a.attnum, a.attstattarget), '; ')
                    FROM pg_attribute a
                   WHERE a.attrelid = x.indexrelid AND a.attstattarget > 0))
  FROM pg_index x
  JOIN pg_class i ON i.oid = x.indexrelid
 WHERE x.indrelid = ANY ('{lab, site, computer, freezer, container}'::regclass[])
   AND NOT EXISTS (SELECT FROM pg_constraint c WHERE c.conindid = x.indexrelid)
"""

# What the search endpoint looks for, URL-encoded: a common word, rarer ones, one no row has.
ADMIN_TOKEN = "labinv-demo-admin-token"  # the demo admin of mock_data.sql
SEARCH_WORDS = ("plasma", "PBMC", "hemolysed", "recalled", "Sample%2012345", "cryoshipper")


@dataclass(frozen=True)
class Sizes:
    """How many rows of each kind the bench loads."""

    labs: int
    sites: int
    computers: int
    freezers: int
    containers: int

    @classmethod
    def at(cls, scale):
        """Return the sizes at `scale` times the default (100,000 sites, ...)."""
        sites = max(10, round(100_000 * scale))
        return cls(max(2, sites // 100), sites, 2 * sites, 2 * sites, 4 * sites)

    @property
    def stocked(self):
        """How many freezers hold containers (the first ones, about 50 each)."""
        return max(1, self.freezers // 25)

    def describe(self):
        """Say the sizes in words."""
        return (
            f"{self.sites:,} sites, {self.computers:,} computers, {self.freezers:,} freezers "
            f"({self.stocked:,} holding containers), {self.containers:,} containers, {self.labs:,} labs"
        )


def load(url, sizes):
    """Create the schema, the example data and the inventory in database `url`, then vacuum and analyze."""
    set_up(url, Config.POSTGRES_SCRIPTS, seed=True)
    conn = psycopg2.connect(url)
    try:
        with conn, conn.cursor() as cur:
            cur.execute(SECONDARY_INDEXES)
            indexes = cur.fetchall()
            for name, _ in indexes:
                cur.execute(sql.SQL("DROP INDEX {}").format(sql.Identifier(name)))
            cur.execute(INVENTORY, {**vars(sizes), "stocked": sizes.stocked})
            cur.execute("SET maintenance_work_mem = '512MB'")
            for _, definition in indexes:
                cur.execute(definition)
        conn.autocommit = True
        with conn.cursor() as cur:
            cur.execute("VACUUM ANALYZE")
            cur.execute("CHECKPOINT")
    finally:
        conn.close()
