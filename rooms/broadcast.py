"""Broadcasting committed writes: to the room's sockets, to the lobby, and to this process's
clock (docs/architecture.md).

The repository hands every committed write to ``Broadcaster.saved``, from whichever thread
committed it (a room's database thread, a REST request's thread). The broadcast itself runs on
the server's event loop; a caller that awaits ``publish`` gets it done before it goes on, and
a write is broadcast once however many times it is published.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import logging
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from channels.layers import get_channel_layer
from django.conf import settings

from .clock import RoomClock
from .lobby import LOBBY_GROUP, LobbyWatchers, lobby_change
from .repository import Written

log = logging.getLogger(__name__)


def room_group(room_id: str) -> str:
    return f"room.{room_id}"


def single_process() -> bool:
    """With the in-memory channel layer only one server process can exist."""
    backend = settings.CHANNEL_LAYERS["default"]["BACKEND"]
    return backend in (
        "channels.layers.InMemoryChannelLayer",
        "rooms.layers.SingleProcessChannelLayer",
    )


def update_message(written: Written) -> dict[str, Any]:
    """The ``room.update`` a write broadcasts to the room's consumers."""
    return {
        "type": "room.update",
        "version": written.version,
        "events": written.events,
        "deadline": written.deadline_at.isoformat() if written.deadline_at else None,
    }


class Broadcaster:
    """Sends each committed write once, on the server's event loop."""

    def __init__(self, clock: RoomClock, lobby: LobbyWatchers) -> None:
        self.clock = clock
        self.lobby = lobby
        self.loop: asyncio.AbstractEventLoop | None = None
        self._inflight: set[concurrent.futures.Future[None]] = set()
        #: Per room whose broadcasts are being sent: the lock that keeps them in order, and
        #: how many wait for it.
        self._sending: dict[str, list[Any]] = {}
        self._lock = threading.Lock()
        self._local = threading.local()

    def bind(self, loop: asyncio.AbstractEventLoop) -> None:
        """The event loop that broadcasts (the server's; each test has its own)."""
        self.loop = loop

    @contextmanager
    def collecting(self) -> Iterator[list[Written]]:
        """Within this block, this thread's committed writes are collected, for the async
        caller that awaits the block to publish on its own loop (no hop between threads);
        if the block fails, they go to the loop as usual."""
        outbox: list[Written] = []
        self._local.outbox = outbox
        try:
            yield outbox
        except BaseException:
            self._local.outbox = None
            for written in outbox:
                self.saved(written)
            raise
        finally:
            self._local.outbox = None

    def saved(self, written: Written) -> None:
        """A write committed (in any thread): broadcast it on the event loop."""
        if written.published or not written.events:
            return
        outbox = getattr(self._local, "outbox", None)
        if outbox is not None:
            outbox.append(written)
            return
        loop = self.loop
        if loop is None or loop.is_closed() or not loop.is_running():
            # No server loop in this process (a management command, a synchronous test): no
            # socket of this process can hear it, and blocking a database thread on a loop
            # that is gone would hang it. The servers' sweepers catch their sockets up
            # (``rooms.catchup``) and fire the deadline.
            log.debug(
                "no event loop to broadcast version %s of room %s", written.version, written.room_id
            )
            return
        future = asyncio.run_coroutine_threadsafe(self.publish(written), loop)
        with self._lock:
            self._inflight.add(future)
        future.add_done_callback(self._done)

    def _done(self, future: concurrent.futures.Future[None]) -> None:
        with self._lock:
            self._inflight.discard(future)

    async def drain(self) -> bool:
        """Wait for the broadcasts handed to the loop from other threads; whether there were
        any (more may have come meanwhile)."""
        with self._lock:
            pending = list(self._inflight)
        if pending:
            await asyncio.wait([asyncio.wrap_future(f) for f in pending])
        return bool(pending)

    async def publish(self, written: Written | None) -> None:
        """Schedule the write's deadline in this process, then broadcast it (once)."""
        if written is None or written.published or not written.events:
            return
        written.published = True
        self.clock.schedule(
            written.room_id, written.version, written.deadline_at, written.deadline_action
        )
        # One room's broadcasts go out one after the other, in the order they were published
        # (its writes' order): a layer's sends may otherwise overtake each other (the Redis
        # layer's wait while it connects), and a socket that gets a version before the one it
        # follows must read the log instead of folding the events onto its state.
        sending = self._sending.get(written.room_id)
        if sending is None:
            sending = self._sending[written.room_id] = [asyncio.Lock(), 0]
        sending[1] += 1
        try:
            async with sending[0]:
                await self._send(written)
        except Exception:
            # The write is committed: a failed broadcast must not turn it into an error.
            # The sweepers catch the sockets up (``rooms.catchup``); the deadline is scheduled.
            log.exception(
                "broadcasting version %s of room %s failed", written.version, written.room_id
            )
        finally:
            sending[1] -= 1
            if not sending[1]:
                del self._sending[written.room_id]

    async def _send(self, written: Written) -> None:
        layer = get_channel_layer()
        group = room_group(written.room_id)
        await layer.group_send(group, update_message(written))
        for freed in written.freed:
            await layer.group_send(group, {"type": "room.removed", **freed})
        if written.lobby is not None and (self.lobby.count or not single_process()):
            await layer.group_send(LOBBY_GROUP, lobby_change(written.lobby))


__all__ = ["Broadcaster", "room_group", "single_process", "update_message"]
