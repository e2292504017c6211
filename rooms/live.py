"""The room sockets this process really holds, and their heartbeat.

A seat counts as connected while a presence row of one of its sockets exists (``Presence``).
The process's rows are checked against the sockets listed here (``rooms.presence``): a row no
socket holds (its consumer ended without cleaning up) is dropped, and the seat is away.
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
        self.beat = Every()  # the process's heartbeat
        self.reconcile = Every()  # its rows checked against its sockets

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
        self.reconcile.reset()

    def snapshot(self) -> dict[str, LiveSocket]:
        return dict(self._sockets)


#: This process's sockets.
live_sockets = LiveSockets()
