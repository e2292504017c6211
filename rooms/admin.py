"""Admin for rooms: seats, status, version and a link to the room's events."""

from django.contrib import admin
from django.urls import reverse
from django.utils.html import format_html, format_html_join

from .models import Room


@admin.register(Room)
class RoomAdmin(admin.ModelAdmin):
    list_display = ("id", "status", "seats", "round", "version", "deadline_at", "created_at")
    list_filter = ("status", "created_at")
    search_fields = ("id",)
    readonly_fields = (
        "id",
        "status",
        "version",
        "seed",
        "seats",
        "events_link",
        "deadline_at",
        "deadline_action",
        "pause_since",
        "due_since",
        "empty_since",
        "finished_at",
        "created_at",
        "updated_at",
    )
    exclude = ("summary",)

    def has_add_permission(self, request) -> bool:  # rooms are created through the API
        return False

    @admin.display(description="seats")
    def seats(self, room: Room) -> str:
        seats = room.summary.get("seats", [])
        return format_html_join(
            ", ",
            "{}{}",
            ((s.get("name") or "—", " (bot)" if s.get("is_bot") else "") for s in seats),
        )

    @admin.display(description="round")
    def round(self, room: Room) -> int:
        return room.summary.get("round", 0)

    @admin.display(description="events")
    def events_link(self, room: Room) -> str:
        url = reverse("admin:eventlog_event_changelist") + f"?room_id={room.id}"
        return format_html('<a href="{}">{} events</a>', url, room.version)
