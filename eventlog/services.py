"""Writing to the event log. Call inside the transaction that also moves the room's version."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from django.utils import timezone

from game.schema import EVENT_SCHEMAS
from game.state import Event as GameEvent

from .models import Event


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
    return Event.objects.bulk_create(rows)
