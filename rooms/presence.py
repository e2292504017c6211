"""Presence across processes: which recorded sockets are really open (docs/architecture.md).

A seat is connected while a presence row of one of its sockets exists (``Presence``); each row
names the process that holds the socket. Every ``LIAPTUI_PRESENCE_HEARTBEAT`` seconds a process
marks itself alive (``ServerProcess``: one row, whatever its number of sockets), and every
``LIAPTUI_PRESENCE_TTL`` seconds it compares its own rows with the sockets it really holds
(``LiveSockets``): a live socket without a row is recorded again (another process dropped it
while this one stalled), and a row older than the TTL with no socket is dropped (its consumer
ended without cleaning up). The rows of a process not seen for the TTL are dropped by any
other process's sweeper, under each room's lock and only if that process is still gone then,
and their seats are away.
"""

from __future__ import annotations

from datetime import timedelta
from typing import NamedTuple

from django.conf import settings
from django.utils import timezone

from . import services
from .broadcast import single_process
from .db import db_async
from .live import live_sockets
from .models import Presence, ServerProcess, presence_gone

#: A process row not seen for this long is dropped (the process is long gone).
FORGET_PROCESS_AFTER = timedelta(hours=1)


class Recorded(NamedTuple):
    room_id: str
    seat: int
    old: bool  # recorded more than the TTL ago


def ttl() -> timedelta:
    return timedelta(seconds=settings.LIAPTUI_PRESENCE_TTL)


def process_beat_sync(process_id: str) -> bool:
    """Mark the process alive; False when its mark had lapsed (its first beat, or it stalled
    past the TTL and other processes may have dropped its rows)."""
    now = timezone.now()
    if ServerProcess.objects.filter(pk=process_id, seen_at__gte=now - ttl()).update(seen_at=now):
        return True
    ServerProcess.objects.update_or_create(pk=process_id, defaults={"seen_at": now})
    return False


def own_presences_sync(process_id: str) -> dict[str, Recorded]:
    """The process's presence rows, by channel name."""
    limit = timezone.now() - ttl()
    rows = Presence.objects.filter(process=process_id)
    return {
        channel: Recorded(room_id, seat, seen_at < limit)
        for channel, room_id, seat, seen_at in rows.values_list(
            "channel_name", "room_id", "seat", "seen_at"
        )
    }


def gone_presences_sync() -> list[tuple[str, int, str]]:
    """The rows of other processes that are gone (``presence_gone``)."""
    limit = timezone.now() - ttl()
    gone = presence_gone(limit, services.PROCESS_ID, single_process())
    return list(Presence.objects.filter(gone).values_list("room_id", "seat", "channel_name"))


def forget_processes_sync() -> int:
    """Drop the rows of processes long gone."""
    limit = timezone.now() - FORGET_PROCESS_AFTER
    return ServerProcess.objects.filter(seen_at__lt=limit).delete()[0]


async def reconcile() -> None:
    """This process's rows against the sockets it holds."""
    sockets = live_sockets.snapshot()
    rows = await db_async(own_presences_sync)(services.PROCESS_ID)
    for channel, socket in sockets.items():
        if channel not in rows:
            await services.presence_mark_again(channel, socket.room_id, socket.seat)
    for channel, row in rows.items():
        if row.old and not live_sockets.holds(channel):
            await services.room_disconnect(row.room_id, row.seat, channel)


async def beat(now: float) -> None:
    """The heartbeat, when due at ``now`` (monotonic seconds), and the reconciliation, when due
    or when the mark had lapsed."""
    lapsed = False
    if live_sockets.beat.due(now, settings.LIAPTUI_PRESENCE_HEARTBEAT):
        lapsed = not await db_async(process_beat_sync)(services.PROCESS_ID)
    if live_sockets.reconcile.due(now, settings.LIAPTUI_PRESENCE_TTL) or lapsed:
        await reconcile()


async def drop_gone() -> None:
    """Make the seats of other processes' gone sockets away."""
    limit = timezone.now() - ttl()
    for room_id, seat, channel in await db_async(gone_presences_sync)():
        await services.room_disconnect(room_id, seat, channel, gone_before=limit)


__all__ = ["beat", "drop_gone", "forget_processes_sync", "reconcile"]
