"""Holding Python's cyclic garbage collector off during a bot's decision, so that a full
collection (longer than a whole decision in a big process) does not overrun the decision's CPU
cap. The collection runs once the decision is over."""

from __future__ import annotations

import gc
import threading


class CollectorPause:
    """Holds the cyclic garbage collector off while any thread is deciding (a context manager,
    reentrant across threads). A full collection of a big process takes longer than a whole
    decision (about 15 ms in the simulator), and would overrun the CPU cap; the rollouts make
    no reference cycles (their tuples and lists are freed as they go), so the memory is the
    same, and the collection runs after the decision instead. A collector disabled by someone
    else is left disabled."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._depth = 0
        self._reenable = False

    def __enter__(self) -> None:
        with self._lock:
            if self._depth == 0:
                self._reenable = gc.isenabled()
                gc.disable()
            self._depth += 1

    def __exit__(self, *exc: object) -> None:
        with self._lock:
            self._depth -= 1
            if self._depth == 0 and self._reenable:
                gc.enable()


#: The process's one pause (the collector is process-wide).
collector_paused = CollectorPause()
