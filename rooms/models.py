"""Rooms: the row the room service locks, versions and schedules (docs/architecture.md).

The game itself lives in the event log; a room row holds what the service needs to find,
serialise and time it, plus a summary for the lobby.
"""

from __future__ import annotations

from datetime import datetime

from django.db import models


class RoomStatus(models.TextChoices):
    WAITING = "waiting", "waiting for players"
    PLAYING = "playing", "game running"
    FINISHED = "finished", "game over"
    CLOSED = "closed", "closed"


class Room(models.Model):
    id = models.CharField(primary_key=True, max_length=16)
    status = models.CharField(
        max_length=16, choices=RoomStatus.choices, default=RoomStatus.WAITING, db_index=True
    )
    version = models.PositiveIntegerField(default=0, help_text="seq of the room's last event")
    seed = models.BigIntegerField(null=True, blank=True, help_text="requested seed, if any")
    summary = models.JSONField(default=dict, help_text="public summary for the lobby")
    listed = models.BooleanField(default=False, help_text="shown in the lobby's list")
    # The next thing the service must do on its own, and when (null: nothing pending).
    deadline_at = models.DateTimeField(null=True, blank=True, db_index=True)
    deadline_action = models.JSONField(null=True, blank=True)
    # Anchors of the timers: when the current pause began, when the awaited seats became due.
    pause_since = models.DateTimeField(null=True, blank=True)
    due_since = models.DateTimeField(null=True, blank=True)
    empty_since = models.DateTimeField(
        null=True, blank=True, help_text="since when no human is connected"
    )
    finished_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ("-created_at",)
        indexes = [models.Index(fields=["listed", "-created_at"], name="room_lobby_list")]

    def __str__(self) -> str:
        return f"{self.id} ({self.status})"


class SeatToken(models.Model):
    """The secret of one seat. Only its SHA-256 is stored."""

    room = models.ForeignKey(Room, on_delete=models.CASCADE, related_name="tokens")
    seat = models.PositiveSmallIntegerField()
    token_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=("room", "seat"), name="seattoken_room_seat_unique"),
        ]


class Presence(models.Model):
    """One open WebSocket of a seated player. A seat is connected while it has one."""

    room = models.ForeignKey(Room, on_delete=models.CASCADE, related_name="presences")
    seat = models.PositiveSmallIntegerField()
    channel_name = models.CharField(max_length=200, unique=True)
    process = models.CharField(max_length=32, db_index=True, help_text="the server process")
    seen_at = models.DateTimeField(db_index=True, help_text="when its process recorded it")


class ServerProcess(models.Model):
    """A server process, alive while its sweeper marks it seen (the presence heartbeat): the
    sockets it recorded are open while it is alive, and gone once it is not."""

    id = models.CharField(primary_key=True, max_length=32)
    seen_at = models.DateTimeField(db_index=True)

    def __str__(self) -> str:
        return self.id


def presence_gone(limit: datetime, own_process: str, one_process: bool) -> models.Q:
    """The presence rows of other processes that are gone: with one process, every other's
    (an earlier run's); else those recorded before ``limit`` by a process not seen since. (A
    process's own rows are its own to check, against the sockets it holds.)"""
    others = ~models.Q(process=own_process)
    if one_process:
        return others
    alive = ServerProcess.objects.filter(seen_at__gte=limit).values("id")
    return others & models.Q(seen_at__lt=limit) & ~models.Q(process__in=alive)


def presence_rows_locked(rows: models.QuerySet[Presence]) -> list[str]:
    """Lock presence ``rows`` in the order of their channel names (the one order every writer of
    presence rows uses; inside a transaction) and return those names."""
    return list(
        rows.select_for_update().order_by("channel_name").values_list("channel_name", flat=True)
    )
