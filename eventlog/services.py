"""Writing to the event log. Call inside the transaction that also moves the room's version."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from django.utils import timezone

from game.schema import EVENT_SCHEMAS
from game.state import Event as GameEvent

from .models import Event
from .statements import InsertReturning

#: The columns an append writes (``id`` comes back from the database).
APPENDED = ("room_id", "seq", "type", "phase", "payload", "schema", "actor", "created_at")
_INSERT = InsertReturning(Event, APPENDED, returning=("id", "seq"))


def event_append(
    room_id: str,
    after_seq: int,
    events: Sequence[GameEvent],
    phases: Sequence[str],
    at: datetime | None = None,
) -> list[Event]:
    """Append ``events`` to a room's log, numbered from ``after_seq + 1``, each with the current
    schema version of its type (the engine writes current payloads).

    The unique (room_id, seq) constraint makes a second writer with the same expected version
    fail instead of both succeeding.
    """
    at = at or timezone.now()
    rows = [
        Event(
            room_id=room_id,
            seq=after_seq + i,
            type=event.type,
            phase=phase,
            payload=event.payload,
            schema=EVENT_SCHEMAS.current(event.type),
            actor=event.actor,
            created_at=at,
        )
        for i, (event, phase) in enumerate(zip(events, phases, strict=True), start=1)
    ]
    # One statement, as bulk_create, without its query compiler (the hot path of every room).
    ids = {seq: id_ for id_, seq in _INSERT.execute([_values(row) for row in rows])}
    for row in rows:
        row.id = ids[row.seq]
        row._state.adding = False
    return rows


def _values(row: Event) -> tuple:
    return tuple(getattr(row, name) for name in APPENDED)
