"""The schema scripts in postgres_scripts/: rerunnable, every foreign key indexed."""

from conftest import SCRIPTS, query

from project.database import run_sql_file


def test_the_schema_and_example_data_scripts_can_run_again(pg_conn):
    run_sql_file(pg_conn, SCRIPTS / "create_tables.sql")
    run_sql_file(pg_conn, SCRIPTS / "mock_data.sql")
    assert query(pg_conn, "SELECT count(*) FROM site") == [(3,)]


def test_every_foreign_key_has_an_index_that_leads_with_it(pg_conn):
    unindexed = query(
        pg_conn,
        """
        SELECT c.conrelid::regclass, c.conname FROM pg_constraint c
         WHERE c.contype = 'f' AND NOT EXISTS (
               SELECT FROM pg_index i WHERE i.indrelid = c.conrelid AND i.indkey[0] = c.conkey[1])
        """,
    )
    assert unindexed == []
