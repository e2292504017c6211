"""Suite-wide fixtures and checks.

Every test runs with instant game timings, no background sweeper, clean room caches, and the
in-memory channel layer unless the run is service-backed (REDIS_URL set: then the Redis layer).

When DATABASE_URL or REDIS_URL is set, the suite runs against PostgreSQL / Redis. If a
configured service does not answer, the run stops before any test: under CI=true that is a
failure; elsewhere the run is skipped as a whole with a message saying why (never a silent skip
of single tests).
"""

from __future__ import annotations

import os
import socket
from urllib.parse import urlparse

import pytest

from tests.ci import in_ci

DEFAULT_PORTS = {"postgres": 5432, "postgresql": 5432, "redis": 6379}


def _unreachable(url: str) -> str | None:
    parts = urlparse(url)
    if parts.scheme not in DEFAULT_PORTS:
        return None
    host, port = parts.hostname or "127.0.0.1", parts.port or DEFAULT_PORTS[parts.scheme]
    try:
        with socket.create_connection((host, port), timeout=3):
            return None
    except OSError as error:
        return f"{parts.scheme} at {host}:{port} does not answer ({error})"


def pytest_configure(config: pytest.Config) -> None:
    problems = [
        problem
        for name in ("DATABASE_URL", "REDIS_URL")
        if (url := os.environ.get(name)) and (problem := _unreachable(url))
    ]
    if not problems:
        return
    message = "; ".join(problems)
    if in_ci():
        raise pytest.UsageError(f"service-backed run: {message} (under CI this is a failure)")
    pytest.exit(f"service-backed run skipped: {message}", returncode=0)


@pytest.fixture(scope="session")
def django_db_modify_db_settings(tmp_path_factory, django_db_modify_db_settings_parallel_suffix):
    """On SQLite the test database is a file in this run's own temporary directory (Django's
    default is a shared-cache in-memory database, whose table locks fail at once instead of
    waiting): WAL, as in production, lets a test read while the room service's database thread
    writes."""
    from django.conf import settings

    database = settings.DATABASES["default"]
    if database["ENGINE"] == "django.db.backends.sqlite3":
        path = tmp_path_factory.mktemp("database") / "test.sqlite3"
        database["TEST"] = {**database.get("TEST", {}), "NAME": str(path)}


@pytest.fixture(autouse=True)
def instant_rooms(settings):
    from channels.layers import channel_layers

    from rooms import services
    from rooms.db import close_connections

    settings.LIAPTUI_TIME_SCALE = 0
    settings.LIAPTUI_SWEEP_INTERVAL = 0
    # Scripted clients act as fast as the game moves; the protocol tests check the real limit.
    settings.LIAPTUI_WS_RATE = 10_000
    settings.LIAPTUI_WS_BURST = 10_000
    if not os.environ.get("REDIS_URL"):
        settings.CHANNEL_LAYERS = {"default": {"BACKEND": "rooms.layers.SingleProcessChannelLayer"}}
    # Each test has an event loop of its own; channels keeps one layer per process, and the
    # Redis layer's locks and pools belong to the loop that made them: a fresh layer per test.
    channel_layers.backends.clear()
    from rooms.catchup import socket_versions
    from rooms.live import live_sockets

    services.cache_clear()
    live_sockets.clear()
    socket_versions.clear()
    yield
    services.cache_clear()
    live_sockets.clear()
    socket_versions.clear()
    channel_layers.backends.clear()
    # The room service's database thread keeps its connection between calls; nothing may hold
    # one when pytest-django flushes or drops the test database.
    close_connections()
