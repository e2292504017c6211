"""Fixtures for the event-log tests: instant timings, no sweeper, seeds allowed, clean caches,
and helpers that play bot games through the room service."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from rooms import services
from rooms.models import Room, RoomStatus

#: A seed whose all-bot game is short (about 650 events), to keep the O(N²) replay checks quick.
#: Any seed gives a valid game; this one only makes the suite faster.
SHORT_GAME_SEED = 28


@pytest.fixture(autouse=True)
def eventlog_settings(settings):
    """On top of the suite-wide ``instant_rooms`` (top-level conftest.py): seeds allowed, and a
    fast password hasher for admin_client and the staff users."""
    settings.LIAPTUI_ALLOW_SEED = True
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def fire_until(
    room_id: str,
    done: Callable[[], bool],
    on_write: Callable[[services.Written], None] | None = None,
    max_fires: int = 20_000,
) -> None:
    """Fire the room's deadlines until ``done()``. With every delay at 0 each deadline is due at
    once; a human who never connected is played by a bot."""
    for _ in range(max_fires):
        if done():
            return
        written = services.room_fire_sync(room_id)
        assert written is not None, "a running room always has a due deadline at time scale 0"
        if on_write is not None:
            on_write(written)
    raise AssertionError(f"room {room_id} did not get there in {max_fires} fires")


def play_bot_game(
    seed: int = SHORT_GAME_SEED, on_write: Callable[[services.Written], None] | None = None
) -> str:
    """Create a room of one (never connected) human and three bots, start it, and fire its
    deadlines until the game is over. Returns the room id."""
    created = services.room_create_sync("Alice", 3, seed)
    room_id = created.room_id
    if on_write is not None:
        on_write(created)
    started = services.room_act_sync(room_id, 0, "start_game", {})
    if on_write is not None:
        on_write(started)

    def finished() -> bool:
        return Room.objects.get(pk=room_id).status == RoomStatus.FINISHED

    fire_until(room_id, finished, on_write)
    return room_id
