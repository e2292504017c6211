"""The event log: every change of every room, in order (DESIGN.md §4)."""

from django.db import models


class Event(models.Model):
    """One event of one room. ``seq`` is gapless per room and equals the room's version after
    the event; ``phase`` is the game phase after it."""

    id = models.BigAutoField(primary_key=True)
    # Found through the unique (room_id, seq) index: no index of its own.
    room_id = models.CharField(max_length=16)
    seq = models.PositiveIntegerField()
    type = models.CharField(max_length=32, db_index=True)
    phase = models.CharField(max_length=16, db_index=True)
    payload = models.JSONField(default=dict)
    actor = models.SmallIntegerField(null=True, blank=True, help_text="seat, or empty for system")
    created_at = models.DateTimeField(db_index=True)

    class Meta:
        ordering = ("room_id", "seq")
        constraints = [
            models.UniqueConstraint(fields=("room_id", "seq"), name="event_room_seq_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.room_id}#{self.seq} {self.type}"
