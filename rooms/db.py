"""The thread that does the room service's database work, and keeps its connection.

Under ASGI, Django gives each HTTP request a thread and a connection of its own, and closes the
connection after the request (``CONN_MAX_AGE = 0``), because request threads come and go. The
room service and the consumers reach the database far more often: a few short queries for every
move of every room. They do it in one long-lived thread of their own, where a connection, once
opened, stays open between calls (Django's persistent connections: a connection that failed is
checked and replaced at the next call). Opening one costs more than the queries themselves:
SQLite opens the file and reads the schema again, PostgreSQL makes a TCP connection and logs in.
"""

from __future__ import annotations

import functools
from collections.abc import Awaitable, Callable
from concurrent.futures import ThreadPoolExecutor
from typing import ParamSpec, TypeVar

from asgiref.sync import sync_to_async
from django.db import close_old_connections, connections

P = ParamSpec("P")
R = TypeVar("R")

_executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="rooms-db")


def _keeping_connection(fn: Callable[P, R], *args: P.args, **kwargs: P.kwargs) -> R:
    close_old_connections()  # only a broken one: none of this thread's connections expires
    try:
        return fn(*args, **kwargs)
    finally:
        for connection in connections.all(initialized_only=True):
            connection.close_at = None  # opened with CONN_MAX_AGE's deadline: keep it
        close_old_connections()


def db_async(fn: Callable[P, R]) -> Callable[P, Awaitable[R]]:
    """``fn`` as a coroutine function that runs in the room service's database thread."""
    return sync_to_async(
        functools.partial(_keeping_connection, fn), thread_sensitive=False, executor=_executor
    )


def close_connections() -> None:
    """Close the database thread's connections (tests, before the test database goes; clean
    exits). Blocks until done; call it from synchronous code."""
    _executor.submit(connections.close_all).result()


__all__ = ["close_connections", "db_async"]
