"""Migration 0004 gives the events already logged schema version 1 without changing a row (on
PostgreSQL the append-only trigger of 0003 refuses every UPDATE)."""

from __future__ import annotations

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

BEFORE = [("eventlog", "0003_event_log_append_only")]
AFTER = [("eventlog", "0004_event_schema")]


def migrate(targets: list[tuple[str, str]]) -> None:
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)


@pytest.mark.django_db(transaction=True)
def test_events_logged_before_the_schema_column_are_version_1():
    migrate(BEFORE)
    try:
        with connection.cursor() as cursor:
            cursor.execute(
                "INSERT INTO eventlog_event (room_id, seq, type, phase, payload, actor, created_at)"
                " VALUES ('ABCDEF', 1, 'player_connected', 'waiting', '{\"seat\": 2}', 2,"
                " CURRENT_TIMESTAMP)"
            )
    finally:
        migrate(AFTER)
    with connection.cursor() as cursor:
        cursor.execute("SELECT schema, payload FROM eventlog_event WHERE room_id = 'ABCDEF'")
        (schema, payload), *more = cursor.fetchall()
    assert (schema, more) == (1, [])
    assert "seat" in str(payload)
