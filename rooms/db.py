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

import functools
import threading
import time
import zlib
from collections.abc import Awaitable, Callable
from concurrent.futures import ThreadPoolExecutor
from typing import ParamSpec, TypeVar

from asgiref.sync import sync_to_async
from django.conf import settings
from django.db import close_old_connections, connections

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


class DatabaseThreads:
    """``count`` threads, each keeping its database connections; a room always gets the same."""

    def __init__(self, count: int, name: str = ROOM_THREADS) -> None:
        self.executors = [
            ThreadPoolExecutor(max_workers=1, thread_name_prefix=f"{name}-{n}")
            for n in range(max(1, count))
        ]

    def executor(self, room_id: str | None) -> ThreadPoolExecutor:
        if room_id is None:
            return self.executors[0]
        return self.executors[zlib.crc32(room_id.encode()) % len(self.executors)]

    def run(self, fn: Callable[P, R], room_id: str | None = None) -> Callable[P, Awaitable[R]]:
        return sync_to_async(
            functools.partial(_keeping_connection, fn),
            thread_sensitive=False,
            executor=self.executor(room_id),
        )

    def close(self) -> None:
        """Close every thread's connections; blocks until done."""
        for executor in self.executors:
            executor.submit(connections.close_all).result()


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
                    self._threads = DatabaseThreads(settings.LIAPTUI_DB_THREADS)
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
