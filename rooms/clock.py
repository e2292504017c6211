"""This process's room timers: each room's next deadline as a timer on the event loop, and the
room work in flight, which ``shutdown`` waits for (docs/architecture.md, "Deadlines")."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable, Coroutine
from datetime import datetime
from typing import Any

from django.utils import timezone

log = logging.getLogger(__name__)

#: Fires a room's deadline: ``fire(room_id, version, action)``, with the version and the
#: deadline's action the timer was set for.
Fire = Callable[[str, int, "dict[str, Any] | None"], Awaitable[None]]


class RoomClock:
    """One timer per room (the deadline of its newest write), and the tasks it started."""

    def __init__(self, fire: Fire) -> None:
        self.fire = fire
        self._timers: dict[str, tuple[int, asyncio.TimerHandle]] = {}
        self._tasks: set[asyncio.Task[Any]] = set()
        #: While ``shutdown`` drains the running work, nothing new is scheduled.
        self.stopping = False
        self.running = 0  # room calls in progress (``calling``): ``shutdown`` waits for them

    def holds(self, room_id: str, version: int) -> bool:
        """Whether a timer of this process will fire the deadline of the room at ``version``
        (a timer of an older version may be of a deadline that moved)."""
        timer = self._timers.get(room_id)
        return timer is not None and timer[0] == version

    def idle(self) -> bool:
        return not self._timers and not self._tasks and not self.running

    def schedule(
        self, room_id: str, version: int, at: datetime | None, action: dict[str, Any] | None
    ) -> None:
        """Replace the room's timer with the deadline of ``version``, unless a newer write of
        the room already set its own (broadcasts may finish out of order)."""
        if self.stopping:
            return
        old = self._timers.get(room_id)
        if old is not None:
            if old[0] > version:
                return
            old[1].cancel()
            del self._timers[room_id]
        if at is None:
            return
        loop = asyncio.get_running_loop()
        delay = max(0.0, (at - timezone.now()).total_seconds())
        handle = loop.call_later(delay, self._due, room_id, version, action)
        self._timers[room_id] = (version, handle)

    def _due(self, room_id: str, version: int, action: dict[str, Any] | None) -> None:
        self._timers.pop(room_id, None)
        self.start(self.fire(room_id, version, action))

    def start(self, work: Coroutine[Any, Any, Any]) -> asyncio.Task[Any]:
        """Run ``work`` as a task that ``shutdown`` waits for."""
        task = asyncio.ensure_future(work)
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)
        return task

    async def calling(self, work: Awaitable[Any]) -> Any:
        """Await ``work`` (a room call), counted as running until it ends."""
        self.running += 1
        try:
            return await work
        finally:
            self.running -= 1

    async def shutdown(self, drain: Callable[[], Awaitable[bool]] | None = None) -> None:
        """Stop the timers and wait until no task or room call is running (``drain`` waits for
        anything else in flight, and says whether there was any). Work still running schedules
        nothing new; the deadlines stay on the room rows, for any process's sweeper. The clock
        works again once this returns."""
        self.stopping = True
        try:
            for _, handle in self._timers.values():
                handle.cancel()
            self._timers.clear()
            while True:
                drained = drain is not None and await drain()
                if self._tasks:
                    await asyncio.wait(list(self._tasks))  # unlike gather, never cancels them
                elif self.running:
                    await asyncio.sleep(0.005)
                elif not drained:
                    break
        finally:
            self.stopping = False


__all__ = ["Fire", "RoomClock"]
