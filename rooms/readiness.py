"""Readiness: can this process serve a game? Its database answers, and its channel layer (when
it is Redis: shared with the other processes) carries a message there and back."""

from __future__ import annotations

import asyncio

from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer
from django.conf import settings
from django.db import connection

#: How long the channel layer's round trip may take before it counts as down.
LAYER_TIMEOUT = 3.0


def database_check() -> str | None:
    """None when a ``SELECT 1`` works, else what went wrong."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception as error:
        return f"{type(error).__name__}: {error}".strip()
    return None


async def _round_trip() -> None:
    async with asyncio.timeout(LAYER_TIMEOUT):
        await get_channel_layer().round_trip()


def channel_layer_check() -> str | None:
    """None when a message goes through the channel layer and back (or no shared layer is
    configured), else what went wrong."""
    if not settings.REDIS_URL:
        return None
    try:
        async_to_sync(_round_trip)()
    except TimeoutError:
        return f"no answer within {LAYER_TIMEOUT:g} s"
    except Exception as error:
        return f"{type(error).__name__}: {error}".strip()
    return None


def readiness() -> dict[str, str]:
    """Each part's state: ``ok``, ``not configured`` or its error."""
    layer = "not configured" if not settings.REDIS_URL else (channel_layer_check() or "ok")
    return {"database": database_check() or "ok", "channel_layer": layer}
