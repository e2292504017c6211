"""Reading the event log, and replay: the fold of a room's events through the engine.

Every read that turns a stored row into a game event or an event dict goes through
``payload``: the payload upcast from the schema version it was written with to the current one
(game.schema), so the engine and every reader see current payloads only."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.db.models import Count, Max, QuerySet

from game.engine import apply
from game.schema import EVENT_SCHEMAS
from game.state import Event as GameEvent
from game.state import GameState

from .models import Event


def room_events(
    room_id: str, *, after: int = 0, upto: int | None = None, type: str | None = None
) -> QuerySet[Event]:
    """A room's events in order, after seq ``after`` and up to seq ``upto``."""
    events = Event.objects.filter(room_id=room_id, seq__gt=after).order_by("seq")
    if upto is not None:
        events = events.filter(seq__lte=upto)
    if type:
        events = events.filter(type=type)
    return events


def logged_version(room_id: str) -> int | None:
    """The seq of a room's last logged event, or None when the log has none: the log, not the
    ``Room`` row, says whether a room ever existed."""
    return Event.objects.filter(room_id=room_id).aggregate(last=Max("seq"))["last"]


def payload(row: Event) -> dict[str, Any]:
    """The row's payload in the current shape of its type."""
    return EVENT_SCHEMAS.upcast(row.type, row.schema, row.payload)


def to_game_event(row: Event) -> GameEvent:
    return GameEvent(row.type, payload(row), row.actor)


def event_dict(row: Event) -> dict[str, Any]:
    """The full event (hands included) as JSON: for the channel layer and staff only."""
    return {
        "id": row.id,
        "room_id": row.room_id,
        "seq": row.seq,
        "type": row.type,
        "phase": row.phase,
        "payload": payload(row),
        "actor": row.actor,
        "created_at": row.created_at.isoformat(),
    }


def fold_rows(rows: Iterable[Event], state: GameState | None = None) -> tuple[GameState, int]:
    """Fold stored events onto ``state`` (a new room when None); returns the state and the seq
    of the last event applied (0 when none)."""
    state = GameState() if state is None else state
    last = 0
    for row in rows:
        state = apply(state, to_game_event(row))
        last = row.seq
    return state, last


def replay(
    room_id: str, upto: int | None = None, *, state: GameState | None = None, after: int = 0
) -> tuple[GameState, int]:
    """The state of a room after event ``upto`` (default: the last), by folding its log.

    With ``state`` and ``after``, only the events after ``after`` are folded onto ``state``: this
    is how the room service catches a cached room up with the log.
    """
    state, last = fold_rows(room_events(room_id, after=after, upto=upto).iterator(), state)
    return state, last or after


def log_stats() -> dict[str, Any]:
    """Totals of the whole log, for the debug API."""
    totals = Event.objects.aggregate(total=Count("id"), last_id=Max("id"))
    by_type = dict(
        Event.objects.values_list("type")
        .annotate(n=Count("id"))
        .order_by("type")
        .values_list("type", "n")
    )
    rooms = Event.objects.values("room_id").distinct().count()
    return {
        "total_events": totals["total"],
        "rooms": rooms,
        "by_type": by_type,
        "last_id": totals["last_id"],
    }
