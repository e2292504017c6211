"""Real daphne processes for the integration tests (see ``tests/liveserver.py``): each on a
free port of 127.0.0.1, all on one SQLite file of the test's own, stopped when the test ends."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from tests.liveserver import Server, Servers, service_env


@pytest.fixture
def servers(tmp_path: Path):
    group = Servers(tmp_path)
    try:
        yield group
    finally:
        group.stop_all()


@contextmanager
def two_processes(
    tmp_path: Path, prefix: str, env: dict[str, str] | None = None
) -> Iterator[tuple[Server, Server]]:
    """Two daphne processes on a PostgreSQL database of their own (created and dropped here)
    and Redis: the service-backed tests' scale-out."""
    with service_env(prefix) as services:
        group = Servers(tmp_path, {**services, **(env or {})})
        try:
            yield group.start(), group.start()
        finally:
            group.stop_all()
