"""The channel layer of a single process (``make run``): channels' in-memory layer, with its
expiry on a timer.

``InMemoryChannelLayer`` looks through every channel and group for expired messages and
memberships on every ``send``, ``group_send`` and ``receive``: with hundreds of rooms that scan
cost more than the messages themselves (docs/benchmarks.md). Here it runs at most once every
``clean_interval`` seconds; expiry is a safety net for consumers that died without leaving
their groups (messages expire after 60 s, memberships after a day), so doing it a second late
changes nothing a client sees.

Its ``group_send`` also puts the message on each member's queue directly: channels' makes a task
per member and waits for them with ``asyncio.as_completed``, although putting on a queue never
waits (a full queue drops the message, as there). Expiry also drops the entries of groups that
it left without members (channels' keeps them).
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable
from copy import deepcopy
from typing import Any

from channels.layers import InMemoryChannelLayer


class SingleProcessChannelLayer(InMemoryChannelLayer):
    def __init__(self, clean_interval: float = 1.0, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.clean_interval = clean_interval
        self._next_clean = 0.0

    def _clean_expired(self) -> None:
        now = time.monotonic()
        if now < self._next_clean:
            return
        self._next_clean = now + self.clean_interval
        self._expire()

    def _expire(self) -> None:
        """Drop expired messages and memberships, and the groups left without members (once
        every ``clean_interval``)."""
        super()._clean_expired()
        for group in [group for group, members in self.groups.items() if not members]:
            del self.groups[group]

    async def group_send(self, group: str, message: dict[str, Any]) -> None:
        assert isinstance(message, dict), "Message is not a dict"
        self.require_valid_group_name(group)
        self._clean_expired()
        await self._send_to_group(group, message)

    async def _send_to_group(self, group: str, message: dict[str, Any]) -> None:
        self._fan_out(group, lambda: deepcopy(message))

    def _fan_out(self, group: str, copy: Callable[[], dict[str, Any]]) -> None:
        """Put a copy of a message (each member gets its own) on each member's queue; a full
        queue drops it."""
        for channel in list(self.groups.get(group, ())):
            self._deliver(channel, copy())

    def _deliver(self, channel: str, message: dict[str, Any]) -> bool:
        """Put a message on one of this process's channels; False if its queue is full."""
        queue = self.channels.get(channel)
        if queue is None:
            queue = self.channels[channel] = asyncio.Queue(maxsize=self.get_capacity(channel))
        try:
            queue.put_nowait((time.time() + self.expiry, message))
        except asyncio.QueueFull:
            return False
        return True


__all__ = ["SingleProcessChannelLayer"]
