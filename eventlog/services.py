"""Writing to the event log. Call inside the transaction that also moves the room's version."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any

from django.utils import timezone

from game.schema import EVENT_SCHEMAS
from game.state import Event as GameEvent

from .models import Event
from .statements import InsertReturning, UpdateWhere, update_then_insert

#: The columns an append writes (``id`` comes back from the database).
APPENDED = ("room_id", "seq", "type", "phase", "payload", "schema", "actor", "created_at")
_INSERT = InsertReturning(Event, APPENDED, returning=("id", "seq"))


Row = tuple[Any, ...]


def _rows(
    room_id: str,
    after_seq: int,
    events: Sequence[GameEvent],
    phases: Sequence[str],
    at: datetime | None,
) -> list[Row]:
    at = at or timezone.now()
    numbered = enumerate(zip(events, phases, strict=True), start=after_seq + 1)
    return [
        (room_id, seq, e.type, phase, e.payload, EVENT_SCHEMAS.current(e.type), e.actor, at)
        for seq, (e, phase) in numbered
    ]


def _appended(rows: list[Row], returned: list[Row]) -> list[Event]:
    ids = {seq: id_ for id_, seq in returned}
    return [Event(id=ids[row[1]], **dict(zip(APPENDED, row, strict=True))) for row in rows]


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
    rows = _rows(room_id, after_seq, events, phases, at)
    # One statement, as bulk_create, without its query compiler (the hot path of every room).
    return _appended(rows, _INSERT.execute(rows))


def event_append_after(
    update: UpdateWhere,
    values: Mapping[str, Any],
    where: Sequence[Any],
    room_id: str,
    after_seq: int,
    events: Sequence[GameEvent],
    phases: Sequence[str],
    at: datetime | None = None,
) -> list[Event] | None:
    """``event_append``, only if ``update`` (of any table: ``values`` where ``where``) changes
    a row first; None, and nothing appended, if it changes none. On PostgreSQL both are one
    statement (``update_then_insert``): outside a transaction, a write in one round trip."""
    rows = _rows(room_id, after_seq, events, phases, at)
    returned = update_then_insert(update, _INSERT, values, where, rows)
    return None if returned is None else _appended(rows, returned)
