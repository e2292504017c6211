"""The sweeper: what each server process does on its own, every ``LIAPTUI_SWEEP_INTERVAL``
seconds (docs/architecture.md). Safe to run in every process at once.

- mark this process alive (every ``LIAPTUI_PRESENCE_HEARTBEAT`` s), check its presence rows
  against the sockets it holds (every ``LIAPTUI_PRESENCE_TTL`` s), and drop the rows of the
  processes not seen for ``LIAPTUI_PRESENCE_TTL`` s (``rooms.presence``);
- fire the deadlines that are due and that no timer of this process holds (a room another
  process, or a process that died, scheduled). On PostgreSQL each is claimed with
  ``SELECT … FOR UPDATE SKIP LOCKED``: a room another process is writing is left to it;
- send the sockets of this process that missed a broadcast what they missed (every
  ``LIAPTUI_CATCH_UP_INTERVAL`` s, ``rooms.catchup``);
- close rooms nobody is in (checked every ``ABANDON_CHECK`` s);
- on SQLite, copy the write-ahead log back into the database (``rooms.checkpoints``).
"""

from __future__ import annotations

import asyncio
import logging
import time
from datetime import datetime, timedelta

from django.conf import settings
from django.utils import timezone

from . import catchup, presence, services
from .checkpoints import Checkpointer
from .db import db_async
from .every import Every
from .models import Room, RoomStatus

log = logging.getLogger(__name__)

#: At most this many due rooms per sweep.
DUE_BATCH = 200
#: Seconds between two looks for abandoned rooms (they wait 10 minutes: no hurry).
ABANDON_CHECK = 10.0


def due_rooms_sync() -> list[tuple[str, int]]:
    """The rooms whose deadline is due, with their versions."""
    now = timezone.now()
    return list(
        Room.objects.filter(deadline_at__lte=now)
        .exclude(status=RoomStatus.CLOSED)
        .order_by("deadline_at")
        .values_list("id", "version")[:DUE_BATCH]
    )


def abandon_limit() -> datetime:
    return timezone.now() - timedelta(seconds=settings.LIAPTUI_ABANDON_AFTER)


def abandoned_rooms_sync() -> list[tuple[str, str]]:
    limit = abandon_limit()
    open_rooms = Room.objects.exclude(status=RoomStatus.CLOSED)
    finished = open_rooms.filter(finished_at__lt=limit).values_list("id", flat=True)
    empty = open_rooms.filter(empty_since__lt=limit).values_list("id", flat=True)
    return [(r, "finished") for r in finished] + [(r, "abandoned") for r in empty]


class Sweeper:
    """This process's sweeper task (one per event loop)."""

    def __init__(self) -> None:
        self.task: asyncio.Task[None] | None = None
        self.abandon_check = Every()
        self.checkpointer = Checkpointer()

    async def sweep_once(self, *, full: bool = False) -> None:
        """One sweep; ``full`` looks for abandoned rooms whenever it last did."""
        try:  # first, and on its own: a failing sweep must not stop SQLite's checkpoints
            await self.checkpointer.run_if_due(time.monotonic())
        except Exception:
            log.exception("SQLite checkpoint failed")
        await presence.beat(time.monotonic())
        await presence.drop_gone()
        if catchup.socket_versions.look.due(time.monotonic(), settings.LIAPTUI_CATCH_UP_INTERVAL):
            await catchup.catch_up()
        for room_id, version in await db_async(due_rooms_sync)():
            if not services.clock.holds(room_id, version):  # this process's timer fires it
                await services.room_fire(room_id, skip_locked=True)
        if self.abandon_check.due(time.monotonic(), ABANDON_CHECK) or full:
            for room_id, reason in await db_async(abandoned_rooms_sync)():
                await services.room_close(room_id, reason, abandon_limit())
            await db_async(presence.forget_processes_sync)()

    async def _forever(self, interval: float) -> None:
        while True:
            try:
                await self.sweep_once()
            except Exception:
                log.exception("room sweep failed")
            await asyncio.sleep(interval)

    def ensure(self) -> None:
        """Start the sweeper on the running loop, once (idempotent). The ASGI application
        calls it on every connection, so the first request after a start or restart brings
        the rooms of the log back to life."""
        loop = asyncio.get_running_loop()
        services.broadcaster.bind(loop)
        interval = settings.LIAPTUI_SWEEP_INTERVAL
        if interval <= 0:
            return
        task = self.task
        if task is None or task.done() or task.get_loop() is not loop:
            self.task = asyncio.ensure_future(self._forever(interval))


sweeper = Sweeper()


async def sweep_once() -> None:
    """One whole sweep of this process (the tests call it)."""
    await sweeper.sweep_once(full=True)


def ensure_sweeper() -> None:
    sweeper.ensure()


__all__ = ["Sweeper", "ensure_sweeper", "sweep_once", "sweeper"]
