"""Games played through the room service for the tests of the rooms and the event log: fire a
room's deadlines until it gets somewhere, a whole bot game, and one recorded game with the state
after every event."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

from django.core.management import call_command
from django.test import override_settings

from eventlog.models import Event
from game.engine import apply
from game.state import Event as GameEvent
from game.state import GameState
from rooms import services
from rooms.models import Room, RoomStatus

#: A seed whose all-bot game is short (about 650 events), to keep the O(N²) replay checks quick.
#: Any seed gives a valid game; this one only makes the suite faster.
SHORT_GAME_SEED = 28


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


@dataclass
class Game:
    room_id: str
    rows: list[Event]
    #: the states live play produced (``execute``, not a replay), by version
    written: dict[int, GameState] = field(default_factory=dict)
    #: the state after event k, folded with ``apply`` over the stored events: ``live[k]``
    live: list[GameState] = field(default_factory=list)

    @property
    def n(self) -> int:
        return len(self.rows)


def recorded_game(django_db_blocker: Any) -> Iterator[Game]:
    """One full bot game (committed; the database is flushed afterwards), for a module-scoped
    fixture: ``yield from recorded_game(django_db_blocker)``."""
    written: dict[int, GameState] = {}

    def record(w: services.Written) -> None:
        written[w.version] = w.state

    quick = {"LIAPTUI_TIME_SCALE": 0, "LIAPTUI_SWEEP_INTERVAL": 0, "LIAPTUI_ALLOW_SEED": True}
    with django_db_blocker.unblock(), override_settings(**quick):
        services.cache_clear()
        room_id = play_bot_game(on_write=record)
        rows = list(Event.objects.filter(room_id=room_id).order_by("seq"))
    live = [GameState()]
    for row in rows:
        live.append(apply(live[-1], GameEvent(row.type, row.payload, row.actor)))
    yield Game(room_id, rows, written, live)
    with django_db_blocker.unblock():
        # The log is append-only (a trigger on PostgreSQL): only a flush, as between
        # transactional tests, empties it.
        call_command("flush", "--noinput")
    services.cache_clear()


def as_json(value: Any) -> Any:
    return json.loads(json.dumps(value))
