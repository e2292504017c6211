"""SQLite's WAL checkpoints, off the write path (docs/architecture.md).

In WAL mode SQLite copies its log back into the database file (a checkpoint, which waits for
the disk) when a commit finds the log over 1000 pages: that commit, and with it every room
queued on the one database thread, waits. The room service's database threads turn the
automatic checkpoint off on their connections (but for a safety net of 100 MiB of log), and
the sweeper runs a passive checkpoint
(which never blocks a writer or a reader) in a thread of its own every
``CHECKPOINT_INTERVAL`` seconds. Other connections (requests, management commands) keep
SQLite's default.
"""

from __future__ import annotations

import threading
from typing import Any

from django.conf import settings
from django.db import connection

from .db import ROOM_THREADS, DatabaseThreads

#: Seconds between two checkpoints (at most; the sweeper runs every second).
CHECKPOINT_INTERVAL = 2.0


def on_sqlite() -> bool:
    return settings.DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3"


#: A room thread checkpoints only if the log grows this long (pages of 4 KiB): a safety net,
#: should the sweeper's checkpoints stop (a sweeper that keeps failing, or none running).
ROOM_THREAD_AUTOCHECKPOINT = 25_000


def no_automatic_checkpoint(sender: Any, connection: Any, **kwargs: Any) -> None:
    """``connection_created`` receiver: a room thread's SQLite connection leaves checkpoints
    to the sweeper (up to ``ROOM_THREAD_AUTOCHECKPOINT`` pages)."""
    if connection.vendor == "sqlite" and threading.current_thread().name.startswith(ROOM_THREADS):
        with connection.cursor() as cursor:
            cursor.execute(f"PRAGMA wal_autocheckpoint={ROOM_THREAD_AUTOCHECKPOINT}")


def checkpoint_sync() -> None:
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA wal_checkpoint(PASSIVE)")


class Checkpointer:
    """Runs the passive checkpoints, in a thread that keeps its connection."""

    def __init__(self) -> None:
        self._thread: DatabaseThreads | None = None
        self.last: float | None = None

    async def run_if_due(self, now: float) -> None:
        if not on_sqlite() or (self.last is not None and now - self.last < CHECKPOINT_INTERVAL):
            return
        self.last = now
        if self._thread is None:
            self._thread = DatabaseThreads(1, name="sqlite-checkpoint")
        await self._thread.run(checkpoint_sync)()


__all__ = ["CHECKPOINT_INTERVAL", "Checkpointer", "checkpoint_sync", "no_automatic_checkpoint"]
