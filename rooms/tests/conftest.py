"""Fixtures for the room tests: instant timings, the in-memory channel layer, clean caches."""

from __future__ import annotations

import pytest

from rooms import services


@pytest.fixture(autouse=True)
def instant_rooms(settings):
    settings.LIAPTUI_TIME_SCALE = 0
    settings.LIAPTUI_SWEEP_INTERVAL = 0
    # Scripted clients act as fast as the game moves; test_protocol checks the real limit.
    settings.LIAPTUI_WS_RATE = 10_000
    settings.LIAPTUI_WS_BURST = 10_000
    settings.CHANNEL_LAYERS = {"default": {"BACKEND": "channels.layers.InMemoryChannelLayer"}}
    services.cache_clear()
    yield
    services.cache_clear()
