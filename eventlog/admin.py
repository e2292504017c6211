"""Read-only admin for the event log, with filters, search and pretty JSON."""

import json

from django.contrib import admin
from django.utils.html import format_html

from .models import Event


@admin.register(Event)
class EventAdmin(admin.ModelAdmin):
    list_display = ("id", "room_id", "seq", "type", "phase", "actor", "created_at")
    list_filter = ("type", "phase", "created_at", "room_id")
    search_fields = ("room_id", "type")
    ordering = ("-id",)
    readonly_fields = ("id", "room_id", "seq", "type", "phase", "actor", "created_at", "pretty")
    exclude = ("payload",)
    list_per_page = 100

    @admin.display(description="payload")
    def pretty(self, event: Event) -> str:
        text = json.dumps(event.payload, indent=2, ensure_ascii=False, sort_keys=True)
        return format_html("<pre>{}</pre>", text)

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False
