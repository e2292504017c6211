"""Admin for rooms, a support tool: read-only pages, links to watch a room live, replay it and
read its events, and one action that goes through the room service: closing rooms.

Rooms are never added, changed or deleted here: a room is a projection of its event log, and
only the room service writes it (closing is a logged event, broadcast to the room's sockets)."""

from __future__ import annotations

from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest
from django.urls import reverse
from django.utils.html import format_html, format_html_join

from . import services
from .errors import RoomError
from .messages import error_message
from .models import Room, RoomStatus

#: The reason a room closed by staff carries in its ``room_closed`` event.
STAFF_CLOSE_REASON = "staff"


@admin.register(Room)
class RoomAdmin(admin.ModelAdmin):
    list_display = (
        "id",
        "status",
        "phase",
        "round",
        "seats",
        "events_count",
        "created_at",
        "updated_at",
        "links",
    )
    list_filter = ("status", "created_at")
    # A room id, or any seated player's (or bot's) name.
    search_fields = ("id", "summary__seats")
    search_help_text = "A room id, or the name of a player seated in it."
    ordering = ("-created_at",)
    actions = ("close_rooms",)
    readonly_fields = (
        "id",
        "status",
        "version",
        "seats",
        "links",
        "deadline_at",
        "deadline_action",
        "pause_since",
        "due_since",
        "empty_since",
        "finished_at",
        "created_at",
        "updated_at",
    )
    exclude = ("summary", "seed")

    # ------------------------------------------------------------------ permissions

    def has_add_permission(self, request: HttpRequest) -> bool:  # rooms come from the API
        return False

    def has_change_permission(self, request: HttpRequest, obj: Room | None = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Room | None = None) -> bool:
        return False

    def has_close_permission(self, request: HttpRequest) -> bool:
        return bool(request.user.is_active and request.user.is_staff)

    # ------------------------------------------------------------------ columns

    @admin.display(description="phase")
    def phase(self, room: Room) -> str:
        return room.summary.get("phase", "")

    @admin.display(description="round")
    def round(self, room: Room) -> int:
        return room.summary.get("round", 0)

    @admin.display(description="seats")
    def seats(self, room: Room) -> str:
        seats = room.summary.get("seats", [])
        return format_html_join(
            ", ",
            "{}{}",
            ((s.get("name") or "—", " (bot)" if s.get("is_bot") else "") for s in seats),
        )

    @admin.display(description="events", ordering="version")
    def events_count(self, room: Room) -> int:
        return room.version  # the room's version is the seq of its last event

    @admin.display(description="open")
    def links(self, room: Room) -> str:
        events = reverse("admin:eventlog_event_changelist") + f"?room_id={room.id}"
        return format_html(
            '<a href="{}">watch live</a> · <a href="{}">replay</a> · <a href="{}">{} events</a>',
            reverse("table", args=[room.id]),
            reverse("replay", args=[room.id]),
            events,
            room.version,
        )

    # ------------------------------------------------------------------ actions

    @admin.action(description="Close the selected rooms", permissions=["close"])
    def close_rooms(self, request: HttpRequest, queryset: QuerySet[Room]) -> None:
        """Close each room through the room service, as any other write: a ``room_closed``
        event (reason ``staff``) is logged and broadcast to the room's sockets."""
        closed = 0
        for room_id in queryset.exclude(status=RoomStatus.CLOSED).values_list("id", flat=True):
            try:
                written = services.room_close_sync(room_id, STAFF_CLOSE_REASON)
            except RoomError as error:
                self.message_user(
                    request, f"{room_id}: {error_message(error.code, error.params)}", messages.ERROR
                )
                continue
            closed += written is not None and bool(written.events)
        self.message_user(request, f"Closed {closed} room(s).", messages.SUCCESS)
