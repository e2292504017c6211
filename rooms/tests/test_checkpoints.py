"""SQLite's WAL checkpoints run off the write path: the room threads' connections never
checkpoint on their own, and the sweeper's checkpointer does it."""

from __future__ import annotations

import pytest
from django.db import connection

from rooms.checkpoints import (
    ROOM_THREAD_AUTOCHECKPOINT,
    Checkpointer,
    checkpoint_sync,
    on_sqlite,
)
from rooms.db import DatabaseThreads

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(not on_sqlite(), reason="SQLite's write-ahead log only"),
]


def _pragma(name: str) -> int:
    with connection.cursor() as cursor:
        cursor.execute(f"PRAGMA {name}")
        return cursor.fetchone()[0]


async def test_a_room_thread_s_connection_never_checkpoints_and_others_do():
    rooms = DatabaseThreads(1)
    other = DatabaseThreads(1, name="not-a-room-thread")
    try:
        assert await rooms.run(_pragma)("wal_autocheckpoint") == ROOM_THREAD_AUTOCHECKPOINT
        assert await other.run(_pragma)("wal_autocheckpoint") == 1000  # SQLite's default
    finally:
        rooms.close()
        other.close()


def test_a_checkpoint_copies_every_logged_frame_back():
    from rooms.services import room_create_sync

    room_create_sync("Ann", 3)
    checkpoint_sync()
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA wal_checkpoint(PASSIVE)")
        busy, logged, copied = cursor.fetchone()
    assert busy == 0 and logged == copied


async def test_the_checkpointer_runs_at_most_every_interval(monkeypatch):
    runs = []
    monkeypatch.setattr("rooms.checkpoints.checkpoint_sync", lambda: runs.append(1))
    checkpointer = Checkpointer()
    await checkpointer.run_if_due(100.0)
    await checkpointer.run_if_due(101.0)
    await checkpointer.run_if_due(102.5)
    assert len(runs) == 2
