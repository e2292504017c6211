"""The event log: every change of every room, in order. Append-only: an event, once written, is
never changed or deleted (on PostgreSQL a trigger refuses it too, migration 0003)."""

from __future__ import annotations

from typing import Any, NoReturn

from django.db import models


class AppendOnlyError(Exception):
    """An attempt to change or delete a logged event."""


def _refuse(what: str) -> NoReturn:
    raise AppendOnlyError(f"The event log is append-only: events are never {what}.")


class EventQuerySet(models.QuerySet):
    """Events can be read and appended (``bulk_create``), never updated or deleted."""

    def update(self, **kwargs: Any) -> NoReturn:
        _refuse("changed")

    def bulk_update(self, *args: Any, **kwargs: Any) -> NoReturn:
        _refuse("changed")

    def delete(self) -> NoReturn:
        _refuse("deleted")

    delete.queryset_only = True  # type: ignore[attr-defined]


class Event(models.Model):
    """One event of one room. ``seq`` is gapless per room and equals the room's version after
    the event; ``phase`` is the game phase after it; ``payload`` is as written, in the shape of
    its ``schema`` version (``eventlog.selectors`` reads it in the current shape)."""

    id = models.BigAutoField(primary_key=True)
    # Found through the unique (room_id, seq) index: no index of its own.
    room_id = models.CharField(max_length=16)
    seq = models.PositiveIntegerField()
    type = models.CharField(max_length=32, db_index=True)
    phase = models.CharField(max_length=16, db_index=True)
    payload = models.JSONField(default=dict)
    # The payload's schema version (game.schema, docs/events.md); read through an upcast. The
    # rows written before versions were recorded, or by a server that does not know this
    # column, are version 1: the database's default.
    schema = models.PositiveSmallIntegerField(db_default=1)
    actor = models.SmallIntegerField(null=True, blank=True, help_text="seat, or empty for system")
    created_at = models.DateTimeField(db_index=True)

    objects = EventQuerySet.as_manager()

    class Meta:
        ordering = ("room_id", "seq")
        constraints = [
            models.UniqueConstraint(fields=("room_id", "seq"), name="event_room_seq_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.room_id}#{self.seq} {self.type}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self._state.adding:
            _refuse("changed")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> NoReturn:
        _refuse("deleted")
