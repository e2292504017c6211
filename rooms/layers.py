"""The channel layer of a single process (``make run``): channels' in-memory layer, with its
expiry on a timer.

``InMemoryChannelLayer`` looks through every channel and group for expired messages and
memberships on every ``send``, ``group_send`` and ``receive``: with hundreds of rooms that scan
cost more than the messages themselves (docs/benchmarks.md). Here it runs at most once every
``clean_interval`` seconds; expiry is a safety net for consumers that died without leaving
their groups (messages expire after 60 s, memberships after a day), so doing it a second late
changes nothing a client sees.
"""

from __future__ import annotations

import time
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
        super()._clean_expired()


__all__ = ["SingleProcessChannelLayer"]
