"""Catching up sockets whose broadcast never came (docs/architecture.md, "Lost broadcasts").

A write is broadcast after it commits. When its process dies in between (kill -9, a crash),
or a broadcast is dropped (a channel layer's full queue, a failed send, a writer with no
server loop), the sockets of the room in other processes stay at the version before it, and
a game waiting on one of them would wait forever. Each process therefore remembers the version
each of its room sockets was last sent, and the sweeper compares it with the rooms' versions
in the database every ``LIAPTUI_CATCH_UP_INTERVAL`` seconds: a socket still behind a version
that was already committed at the previous look is sent a ``room.update`` with no events,
which makes it read what it missed from the log (``RoomConsumer._update``).
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from typing import NamedTuple

from channels.layers import get_channel_layer

from .db import db_async
from .every import Every
from .metrics import server_metrics
from .models import Room

log = logging.getLogger(__name__)

#: Rooms per query when reading the versions of the rooms this process's sockets watch.
VERSIONS_BATCH = 500


class Behind(NamedTuple):
    """A socket to catch up: its channel, its room, and the room's version in the database."""

    channel_name: str
    room_id: str
    version: int


class SocketVersions:
    """The version each room socket of this process was last sent, by room. Used from the
    event loop only (consumers and the sweeper), so it needs no lock."""

    def __init__(self) -> None:
        self._rooms: dict[str, dict[str, int]] = {}
        #: The rooms' versions in the database at the previous look.
        self._committed: dict[str, int] = {}
        self.look = Every()

    def sent(self, room_id: str, channel_name: str, version: int) -> None:
        self._rooms.setdefault(room_id, {})[channel_name] = version

    def gone(self, room_id: str, channel_name: str) -> None:
        sockets = self._rooms.get(room_id)
        if sockets is None:
            return
        sockets.pop(channel_name, None)
        if not sockets:
            del self._rooms[room_id]
            self._committed.pop(room_id, None)

    def rooms(self) -> list[str]:
        return list(self._rooms)

    def behind(self, committed: Iterable[tuple[str, int]]) -> list[Behind]:
        """Given the rooms' versions in the database now, the sockets still behind the version
        their room had at the previous look (a broadcast takes milliseconds: one that has not
        come in a whole interval never will). Remembers ``committed`` for the next look."""
        now = dict(committed)
        late = [
            Behind(channel, room_id, now[room_id])
            for room_id, before in self._committed.items()
            if room_id in now
            for channel, version in self._rooms.get(room_id, {}).items()
            if version < before
        ]
        self._committed = {r: v for r, v in now.items() if r in self._rooms}
        return late

    def clear(self) -> None:
        """Forget every socket (tests do, between tests)."""
        self._rooms.clear()
        self._committed.clear()
        self.look.reset()


#: This process's room sockets.
socket_versions = SocketVersions()


def room_versions_sync(room_ids: list[str]) -> list[tuple[str, int]]:
    """The versions of these rooms in the database (in batches: SQLite caps parameters)."""
    versions: list[tuple[str, int]] = []
    for start in range(0, len(room_ids), VERSIONS_BATCH):
        batch = room_ids[start : start + VERSIONS_BATCH]
        versions += Room.objects.filter(pk__in=batch).values_list("id", "version")
    return versions


async def catch_up() -> None:
    """Send each socket of this process that is still behind a version committed at the
    previous look an update with no events: it reads what it missed from the log."""
    rooms = socket_versions.rooms()
    committed = await db_async(room_versions_sync)(rooms) if rooms else []
    layer = get_channel_layer()
    for late in socket_versions.behind(committed):
        log.warning(
            "socket %s of room %s missed a broadcast: catching it up to version %s",
            late.channel_name,
            late.room_id,
            late.version,
        )
        message = {"type": "room.update", "version": late.version, "events": [], "deadline": None}
        await layer.send(late.channel_name, message)
        server_metrics.catch_ups.inc()
