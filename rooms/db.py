"""The threads that do the room service's database work, and keep their connections.

Under ASGI, Django gives each HTTP request a thread and a connection of its own, and closes the
connection after the request (``CONN_MAX_AGE = 0``), because request threads come and go. The
room service and the consumers reach the database far more often: a few short queries for every
move of every room. They do it in long-lived threads of their own, where a connection, once
opened, stays open between calls (Django's persistent connections; after a database error the
connection is replaced at the next call). Opening one costs more than the queries themselves:
SQLite opens the file and reads the schema again, PostgreSQL makes a TCP connection and logs in.

Each room's work always goes to the same thread (``LIAPTUI_DB_THREADS`` of them), so the rooms
wait on the database side by side while one room's calls stay in order.
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
import logging
import queue
import threading
import time
import zlib
from collections.abc import Awaitable, Callable
from concurrent.futures import Executor, Future, ThreadPoolExecutor
from typing import Any, NamedTuple, ParamSpec, TypeVar

from django.conf import settings
from django.db import DatabaseError, close_old_connections, connections, transaction

log = logging.getLogger(__name__)

P = ParamSpec("P")
R = TypeVar("R")


#: A kept connection is checked (``CONN_HEALTH_CHECKS``; on PostgreSQL a ``SELECT 1``) before
#: a call only when it has been idle this long: a busy room would otherwise pay a round trip per
#: call, while one idle across a database restart must not fail its next move.
CHECK_AFTER_IDLE = 5.0

_last_used = threading.local()


def _keeping_connection(fn: Callable[P, R], *args: P.args, **kwargs: P.kwargs) -> R:
    close_old_connections()  # only a broken one: none of these threads' connections expires
    if time.monotonic() - getattr(_last_used, "at", 0.0) < CHECK_AFTER_IDLE:
        for connection in connections.all(initialized_only=True):
            connection.health_check_done = True
    try:
        return fn(*args, **kwargs)
    except Exception:
        # After a database error the connection may be dead (a restarted server, a dropped
        # socket): the next call opens a new one.
        for connection in connections.all(initialized_only=True):
            if connection.errors_occurred:
                connection.close()
        raise
    finally:
        for connection in connections.all(initialized_only=True):
            connection.close_at = None  # opened with CONN_MAX_AGE's deadline: keep it
        _last_used.at = time.monotonic()


#: The room service's threads are named after this.
ROOM_THREADS = "rooms-db"
#: A group commit takes at most this many waiting calls.
GROUP_LIMIT = 32


class _Call(NamedTuple):
    fn: Callable[[], Any]
    alone: bool
    future: Future[Any] | None = None  # a synchronous caller's (``submit``)
    waiter: asyncio.Future[Any] | None = None  # or an async caller's, on its loop (``call``)

    def runs(self) -> bool:
        """Whether to run it: a synchronous caller may have cancelled it while it waited (an
        async caller's call runs all the same: its writes are broadcast whoever waits)."""
        return self.future is None or self.future.set_running_or_notify_cancel()


#: What a call came to: (True, its result) or (False, the exception it raised).
Outcome = tuple[bool, Any]


class GroupCommitThread(Executor):
    """One thread that runs its calls in order, as a one-worker pool does, and commits the
    calls that were waiting together in one transaction (SQLite).

    On SQLite a commit costs more than a room's writes: each one writes the pages it changed to
    the WAL again (a write of one event cost 118 µs alone, 76 µs four to a commit, 55 µs sixteen
    to a commit; docs/benchmarks.md). When calls queue up, the thread runs them in one
    transaction, each in a savepoint of its own (a call that fails leaves no trace, the others
    go on), commits once, and only then hands each call its result: no caller hears of a write
    before it is committed. A failed commit fails every call of the group. A call alone runs as
    it would in any thread.

    Async callers (``call``) are woken once per group and event loop, not once per call: each
    wake-up of a loop from another thread is a system call, and they were a tenth of a busy
    server's CPU."""

    #: Per thread: whether the calls it runs now share a transaction not yet committed.
    _grouping = threading.local()

    @classmethod
    def grouping(cls) -> bool:
        """Whether this thread is running a group: what it reads may be the group's own
        writes, not yet committed (a cache must wait for the commit to take them)."""
        return getattr(cls._grouping, "on", False)

    def __init__(self, name: str, limit: int = GROUP_LIMIT) -> None:
        self._calls: queue.SimpleQueue[_Call | None] = queue.SimpleQueue()
        self._limit = limit
        self._stopped = False
        self._lock = threading.Lock()
        self._thread = threading.Thread(target=self._serve, name=name, daemon=True)
        self._thread.start()

    def submit(self, fn: Callable[..., R], /, *args: Any, **kwargs: Any) -> Future[R]:
        future: Future[R] = Future()
        self._put(_Call(functools.partial(fn, *args, **kwargs), False, future=future))
        return future

    def submit_alone(self, fn: Callable[[], R]) -> Future[R]:
        """``fn`` outside any transaction (closing the connection, say), after the calls
        submitted before it."""
        future: Future[R] = Future()
        self._put(_Call(fn, True, future=future))
        return future

    async def call(self, fn: Callable[..., R], /, *args: Any, **kwargs: Any) -> R:
        """``fn(*args, **kwargs)`` in this thread, awaited from an event loop."""
        waiter = asyncio.get_running_loop().create_future()
        self._put(_Call(functools.partial(fn, *args, **kwargs), False, waiter=waiter))
        return await waiter

    def _put(self, call: _Call) -> None:
        with self._lock:
            if self._stopped:
                raise RuntimeError("cannot schedule new futures after shutdown")
            self._calls.put(call)

    def shutdown(self, wait: bool = True, *, cancel_futures: bool = False) -> None:
        with self._lock:
            if not self._stopped:
                self._stopped = True
                self._calls.put(None)
        if wait:
            self._thread.join()

    def _serve(self) -> None:
        held: _Call | None = None  # a call that could not join the last group
        while (call := held or self._calls.get()) is not None:
            held = None
            group = [call]
            while not call.alone and len(group) < self._limit:
                try:
                    more = self._calls.get_nowait()
                except queue.Empty:
                    break
                if more is None:
                    self._calls.put(None)  # stop once this group is done
                    break
                if more.alone:
                    held = more
                    break
                group.append(more)
            running = [c for c in group if c.runs()]
            if not running:
                continue
            try:
                if len(running) == 1:
                    outcomes = [self._alone(running[0].fn)]
                else:
                    outcomes = self._together([c.fn for c in running])
            except BaseException as error:  # a bug here must not leave callers waiting forever
                log.exception("a group of database calls failed")
                outcomes = [(False, error)] * len(running)
            _settle(running, outcomes)
        with self._lock:  # stopped: whatever was queued after the stop is failed, not lost
            left = []
            while True:
                try:
                    call = self._calls.get_nowait()
                except queue.Empty:
                    break
                if call is not None and call.runs():
                    left.append(call)
            _settle(left, [(False, RuntimeError("the database thread has stopped"))] * len(left))

    @staticmethod
    def _alone(fn: Callable[[], Any]) -> Outcome:
        try:
            return True, _keeping_connection(fn)
        except BaseException as error:
            return False, error

    @staticmethod
    def _together(group: list[Callable[[], Any]]) -> list[Outcome]:
        outcomes: list[Outcome] = []
        committed: list[bool] = []

        def run_all() -> None:
            with transaction.atomic():
                # Registered first, so it runs first after the commit: whatever a later commit
                # callback does, the group is known to be stored.
                transaction.on_commit(lambda: committed.append(True))
                for fn in group:
                    try:
                        with transaction.atomic():
                            result = fn()
                    except Exception as error:
                        outcomes.append((False, error))
                    else:
                        outcomes.append((True, result))
                    if transaction.get_rollback():  # SQLite rolled the whole transaction back
                        raise GroupRolledBack("the group's transaction was rolled back")

        failure: BaseException | None = None
        GroupCommitThread._grouping.on = True
        try:
            _keeping_connection(run_all)
        except BaseException as error:
            failure = error
        finally:
            GroupCommitThread._grouping.on = False
        if not committed:  # nothing of the group was kept: no call may say it was
            failure = failure or GroupRolledBack("the group's transaction did not commit")
            outcomes = [(False, failure if ok else value) for ok, value in outcomes]
            outcomes += [(False, failure)] * (len(group) - len(outcomes))
        elif failure is not None:  # committed, but a commit callback failed after it
            log.error("a commit callback failed after a group commit", exc_info=failure)
        return outcomes


def _settle(calls: list[_Call], outcomes: list[Outcome]) -> None:
    """Give each call its outcome: a synchronous caller's future at once, the async callers
    of each event loop in one callback on it."""
    waiting: dict[asyncio.AbstractEventLoop, list[tuple[asyncio.Future[Any], Outcome]]] = {}
    for call, outcome in zip(calls, outcomes, strict=True):
        ok, value = outcome
        if call.future is not None:
            if ok:
                call.future.set_result(value)
            else:
                call.future.set_exception(value)
        if call.waiter is not None:
            waiting.setdefault(call.waiter.get_loop(), []).append((call.waiter, outcome))
    for loop, settled in waiting.items():
        with contextlib.suppress(RuntimeError):  # a closed loop: nobody waits any more
            loop.call_soon_threadsafe(_wake, settled)


def _wake(settled: list[tuple[asyncio.Future[Any], Outcome]]) -> None:
    for waiter, (ok, value) in settled:
        if waiter.done():  # its caller was cancelled
            continue
        if ok:
            waiter.set_result(value)
        else:
            waiter.set_exception(value)


class GroupRolledBack(DatabaseError):
    """A group of calls was not committed (SQLite rolled its transaction back, or the commit
    failed): every call of it fails, none of its writes was kept."""


class DatabaseThreads:
    """``count`` threads, each keeping its database connections; a room always gets the same.
    With ``group_commit`` (SQLite), each is a ``GroupCommitThread``."""

    def __init__(self, count: int, name: str = ROOM_THREADS, group_commit: bool = False) -> None:
        self.group_commit = group_commit
        self.executors: list[Executor] = [
            GroupCommitThread(f"{name}-{n}")
            if group_commit
            else ThreadPoolExecutor(max_workers=1, thread_name_prefix=f"{name}-{n}")
            for n in range(max(1, count))
        ]

    def executor(self, room_id: str | None) -> Executor:
        if room_id is None:
            return self.executors[0]
        return self.executors[zlib.crc32(room_id.encode()) % len(self.executors)]

    def run(self, fn: Callable[P, R], room_id: str | None = None) -> Callable[P, Awaitable[R]]:
        executor = self.executor(room_id)
        if isinstance(executor, GroupCommitThread):
            # It keeps the connection around each call or group itself.
            return functools.partial(executor.call, fn)
        return functools.partial(_in_thread, executor, fn)

    def close(self) -> None:
        """Close every thread's connections; blocks until done."""
        for executor in self.executors:
            if isinstance(executor, GroupCommitThread):
                executor.submit_alone(connections.close_all).result()
            else:
                executor.submit(connections.close_all).result()


async def _in_thread(executor: Executor, fn: Callable[..., R], *args: Any, **kwargs: Any) -> R:
    future = executor.submit(_keeping_connection, functools.partial(fn, *args, **kwargs))
    return await asyncio.wrap_future(future)


class ProcessThreads:
    """This process's ``DatabaseThreads``, made on first use (the settings are read then)."""

    def __init__(self) -> None:
        self._threads: DatabaseThreads | None = None
        self._lock = threading.Lock()

    def get(self) -> DatabaseThreads:
        threads = self._threads  # every room call comes here: no lock once they exist
        if threads is None:
            with self._lock:
                if self._threads is None:
                    self._threads = DatabaseThreads(
                        settings.LIAPTUI_DB_THREADS, group_commit=settings.LIAPTUI_GROUP_COMMIT
                    )
                threads = self._threads
        return threads

    def close(self) -> None:
        with self._lock:
            threads = self._threads
        if threads is not None:
            threads.close()


process_threads = ProcessThreads()


def db_async(fn: Callable[P, R], room_id: str | None = None) -> Callable[P, Awaitable[R]]:
    """``fn`` as a coroutine function that runs in this process's database thread of
    ``room_id`` (for work that belongs to no room, the first thread)."""
    return process_threads.get().run(fn, room_id)


def close_connections() -> None:
    """Close the database threads' connections: the tests do, before pytest-django flushes or
    drops the test database. Blocks until done; call it from synchronous code. (At exit the
    threads end with the process, and their connections with them.)"""
    process_threads.close()


__all__ = ["DatabaseThreads", "ProcessThreads", "close_connections", "db_async", "process_threads"]
