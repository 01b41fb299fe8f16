"""/dashboard: freezers' fill, long checkouts, expiring samples and the latest changes, in one statement."""

import shutil

from conftest import query
from test_migrations import MIGRATIONS, fresh  # noqa: F401 (a fixture)

from project.api import dashboard
from project.database.migrations import migrate


def out_for_days(pg_conn, container_id, days):
    query(pg_conn, "UPDATE checkout SET since = now() - make_interval(days => %s) WHERE container_id = %s",
          (days, container_id))  # fmt: skip


def test_freezers_show_their_positions_and_how_many_hold_a_tube(client, pg_conn):
    freezers = client.get("/dashboard").json["freezers"]
    assert freezers == {
        "more": False,
        "rows": [
            {"id": 1, "name": "-20C", "site_id": 1, "site_name": "Site 1", "positions": 162, "filled": 2},
            {"id": 2, "name": "-40C", "site_id": 1, "site_name": "Site 1", "positions": 0, "filled": 0},
        ],
    }
    client.patch("/container/1", json={"status": "disposed"})  # a disposed tube may keep its place
    assert query(pg_conn, "SELECT box_id FROM container WHERE id = 1") == [(1,)]
    assert client.get("/dashboard").json["freezers"]["rows"][0]["filled"] == 1
    query(pg_conn, "INSERT INTO freezer (name, site_id) SELECT 'F' || n, 3 FROM generate_series(1, 11) n")
    freezers = client.get("/dashboard").json["freezers"]
    assert len(freezers["rows"]) == dashboard.FREEZERS_SHOWN and freezers["more"]
    assert [f["site_id"] for f in freezers["rows"]] == [1, 1, *[3] * 10]  # by site, then id


def test_a_tube_checked_out_for_more_than_seven_days_is_listed_until_it_is_back(client, pg_conn):
    assert client.post("/container/2/check-out", json={"note": "to the bench"}).status_code == 200
    assert client.get("/dashboard").json["checked_out"] == {
        "days": 7,
        "total": 0,
        "at_least": False,
        "rows": [],
    }
    out_for_days(pg_conn, 2, 8)
    (since,) = query(pg_conn, "SELECT to_jsonb(since) #>> '{}' FROM checkout WHERE container_id = 2")[0]
    part = client.get("/dashboard").json["checked_out"]
    assert part == {
        "days": 7,
        "total": 1,
        "at_least": False,
        "rows": [
            {"id": 2, "barcode": "T-0002", "sample_type": None, "status_note": "to the bench", "since": since}
        ],
    }
    assert client.post("/container/2/check-in").status_code == 200
    assert client.get("/dashboard").json["checked_out"]["total"] == 0
    assert query(pg_conn, "SELECT count(*) FROM checkout") == [(0,)]


def test_every_way_a_status_changes_keeps_the_checkouts(client, pg_conn):
    query(pg_conn, "UPDATE container SET status = 'checked_out' WHERE id IN (3, 4)")  # psql
    assert [r for (r,) in query(pg_conn, "SELECT container_id FROM checkout ORDER BY 1")] == [3, 4]
    query(pg_conn, "UPDATE container SET status_note = 'still out' WHERE id = 3")  # not a status change
    out_for_days(pg_conn, 3, 9)
    query(pg_conn, "UPDATE container SET status = 'checked_out' WHERE id = 3")  # still out: since kept
    assert query(
        pg_conn, "SELECT since < now() - interval '8 days' FROM checkout WHERE container_id = 3"
    ) == [(True,)]
    assert client.post("/container/4/dispose", json={"reason": "thawed"}).status_code == 200
    response = client.post(
        "/containers/import", data="barcode,freezer_id,status\nX-1,2,checked_out\n", content_type="text/csv"
    )
    assert response.status_code == 201
    assert query(
        pg_conn, "SELECT c.barcode FROM checkout o JOIN container c ON c.id = o.container_id ORDER BY 1"
    ) == [
        ("X-1",),
        (None,),
    ]
    query(pg_conn, "DELETE FROM container WHERE barcode = 'X-1'")
    assert query(pg_conn, "SELECT container_id FROM checkout") == [(3,)]


def test_samples_expiring_within_30_days_or_expired_soonest_first_but_not_disposed(client, pg_conn):
    query(
        pg_conn,
        """
        UPDATE container SET expires_at = current_date + 10 WHERE id = 4;
        UPDATE container SET expires_at = current_date - 1 WHERE id = 5;
        UPDATE container SET expires_at = current_date + 31 WHERE id = 1;
        UPDATE container SET expires_at = current_date + 30 WHERE id = 6;
        """,
    )
    expiring = client.get("/dashboard").json["expiring"]
    assert [row["id"] for row in expiring["rows"]] == [5, 4, 6] and expiring["total"] == 3
    assert expiring["rows"][0] == {
        "id": 5,
        "barcode": "S000002",
        "sample_type": "plasma",
        "status": "in_storage",
        "expires_at": query(pg_conn, "SELECT (current_date - 1)::text")[0][0],
    }
    client.post("/container/5/dispose", json={"reason": "expired"})
    assert [row["id"] for row in client.get("/dashboard").json["expiring"]["rows"]] == [4, 6]


def test_totals_stop_counting_and_say_so(client, pg_conn, monkeypatch):
    monkeypatch.setattr(dashboard, "COUNTED_UP_TO", 3)
    query(
        pg_conn,
        """
        INSERT INTO container (freezer_id, status, expires_at)
             SELECT 2, 'checked_out', current_date FROM generate_series(1, 12);
        UPDATE checkout SET since = now() - interval '8 days';
        """,
    )
    figures = client.get("/dashboard").json
    for part in ("checked_out", "expiring"):
        assert (figures[part]["total"], figures[part]["at_least"]) == (3, True)
        assert len(figures[part]["rows"]) == dashboard.SHOWN


def test_the_latest_changes_are_the_history_s_newest(client, pg_conn):
    client.patch("/site/2", json={"contact": "Grace Hopper"})
    latest = client.get("/dashboard").json["latest"]
    assert [row["id"] for row in latest] == [
        r for (r,) in query(pg_conn, "SELECT id FROM history ORDER BY id DESC LIMIT 10")
    ]
    assert {k: latest[0][k] for k in ("table_name", "row_id", "operation")} == {
        "table_name": "site",
        "row_id": 2,
        "operation": "UPDATE",
    }


def test_each_part_is_read_through_an_index(pg_conn):
    query(
        pg_conn,
        """
        INSERT INTO container (freezer_id, status, expires_at)
             SELECT 2, CASE WHEN n % 100 = 0 THEN 'checked_out' ELSE 'in_storage' END, current_date + n % 3000
               FROM generate_series(1, 30000) n;
        UPDATE container SET status = 'disposed' WHERE id % 7 = 0;
        INSERT INTO history (table_name, row_id, operation, new_row, actor)
             SELECT 'site', 1, 'UPDATE', '{}', 'x' FROM generate_series(1, 20000);
        ANALYZE;
        """,
    )
    params = {"freezers": 12, "shown": 10, "count_limit": 1001, "out_days": 7, "expiring_days": 30}
    plan = "\n".join(r for (r,) in query(pg_conn, "EXPLAIN " + dashboard.DASHBOARD.summary.sql, params))
    for index in ("container_expiring_idx", "checkout_since_idx", "history_pkey"):
        assert index in plan, plan
    assert "Seq Scan on container" not in plan and "Seq Scan on history" not in plan, plan


def test_migration_0011_dates_earlier_checkouts_from_the_history(fresh, tmp_path):  # noqa: F811
    earlier = tmp_path / "migrations"
    earlier.mkdir()
    for path in MIGRATIONS.glob("*.sql"):
        if path.stem < "0011":
            shutil.copy(path, earlier)
    migrate(fresh, earlier)
    query(
        fresh,
        """
        INSERT INTO site (name) VALUES ('s');
        INSERT INTO freezer (name, site_id) VALUES ('f', 1);
        INSERT INTO container (freezer_id) VALUES (1), (1);
        UPDATE container SET status = 'checked_out' WHERE id = 1;
        SET session_replication_role = replica;  -- no trigger: no history of container 3
        INSERT INTO container (id, freezer_id, status) VALUES (3, 1, 'checked_out');
        RESET session_replication_role;
        """,
    )
    assert migrate(fresh, MIGRATIONS) == [
        p.stem for p in sorted(MIGRATIONS.glob("*.sql")) if p.stem >= "0011"
    ]
    rows = query(
        fresh,
        """
        SELECT o.container_id, o.since = h.changed_at, o.since > (SELECT max(changed_at) FROM history)
          FROM checkout o
          LEFT JOIN history h ON h.row_id = o.container_id AND h.table_name = 'container' AND h.operation = 'UPDATE'
         ORDER BY 1
        """,
    )
    assert rows == [(1, True, False), (3, None, True)]  # from its history; none on record: now
