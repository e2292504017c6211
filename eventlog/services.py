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
    numbered = enumerate(zip(events, phases, strict=True), start=after_seq + 1)
    rows = [
        (room_id, seq, e.type, phase, e.payload, EVENT_SCHEMAS.current(e.type), e.actor, at)
        for seq, (e, phase) in numbered
    ]
    # One statement, as bulk_create, without its query compiler (the hot path of every room).
    ids = {seq: id_ for id_, seq in _INSERT.execute(rows)}
    return [Event(id=ids[row[1]], **dict(zip(APPENDED, row, strict=True))) for row in rows]
