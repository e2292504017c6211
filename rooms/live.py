"""The room sockets this process really holds, and their heartbeat.

A seat counts as connected while a presence row of one of its sockets exists (``Presence``).
Rows are marked alive only for the sockets listed here, so a row whose socket is gone (its
process died, or its consumer ended without cleaning up) stops being refreshed and expires after
``LIAPTUI_PRESENCE_TTL``; the sweeper then treats the seat as away.
"""

from __future__ import annotations

from typing import NamedTuple

from .every import Every


class LiveSocket(NamedTuple):
    room_id: str
    seat: int


class LiveSockets:
    """Channel name -> the seat of each room socket open in this process. Used from the event
    loop only (consumers and the sweeper), so it needs no lock."""

    def __init__(self) -> None:
        self._sockets: dict[str, LiveSocket] = {}
        self.beat = Every()  # the heartbeat

    def add(self, channel_name: str, room_id: str, seat: int) -> None:
        self._sockets[channel_name] = LiveSocket(room_id, seat)

    def discard(self, channel_name: str) -> None:
        self._sockets.pop(channel_name, None)

    def holds(self, channel_name: str) -> bool:
        return channel_name in self._sockets

    def clear(self) -> None:
        """Forget every socket (tests do, between tests)."""
        self._sockets.clear()
        self.beat.reset()

    def snapshot(self) -> dict[str, LiveSocket]:
        return dict(self._sockets)


#: This process's sockets.
live_sockets = LiveSockets()
