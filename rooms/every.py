"""Work a server process does every so many seconds, from its sweeper."""

from __future__ import annotations


class Every:
    """When a periodic piece of work last ran (monotonic seconds), and whether it is due."""

    def __init__(self) -> None:
        self.last: float | None = None

    def due(self, now: float, interval: float) -> bool:
        """Whether the work is due at ``now``; if so, it counts as done."""
        if self.last is not None and now - self.last < interval:
            return False
        self.last = now
        return True

    def reset(self) -> None:
        """Make the work due at once."""
        self.last = None
