"""The event log in the admin: read-only, searchable, each event linked to its replay.

No event can be added, changed or deleted here (nor anywhere: the log is append-only,
``eventlog.models``). The room filter never lists every room (there may be 100,000): it shows
the room asked for in the URL (``?room_id=…``), which the rooms' pages link to."""

from __future__ import annotations

import json

from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest
from django.urls import reverse
from django.utils.html import format_html, format_html_join

from game.engine import EVENT_TYPES
from game.pieces import BLACK, COLOR_OF, GLYPHS, POINTS, RED
from game.state import Phase

from .models import Event
from .room_ids import is_room_id
from .selectors import payload


class RoomFilter(admin.SimpleListFilter):
    """``?room_id=ABC234``: one room's events; the choice shown is that room only."""

    title = "room"
    parameter_name = "room_id"

    def lookups(self, request: HttpRequest, model_admin: admin.ModelAdmin) -> list[tuple]:
        room_id = request.GET.get(self.parameter_name)
        return [(room_id, room_id)] if room_id else []

    def queryset(self, request: HttpRequest, queryset: QuerySet[Event]) -> QuerySet[Event]:
        if self.value():
            return queryset.filter(room_id=self.value().upper())
        return queryset


PIECE_STYLE = (
    "display:inline-block;min-width:2.1em;margin:0 .15em .15em 0;padding:.1em .2em;"
    "border:1px solid currentColor;border-radius:50%;text-align:center;background:#fffdf5;"
    "font-weight:700;color:{}"
)
COLORS = {RED: "#b3261e", BLACK: "#222"}


def piece_tokens(hand: list[str]) -> str:
    """Pieces as the game's tokens: the glyph, coloured, with the points."""
    return format_html_join(
        "",
        '<span style="{}" title="{}">{}<sub>{}</sub></span>',
        (
            (PIECE_STYLE.format(COLORS[COLOR_OF[kind]]), kind, GLYPHS[kind], POINTS[kind])
            for kind in sorted(hand, key=lambda k: -POINTS[k])
            if kind in POINTS
        ),
    )


def seat_names(room_id: str, upto: int) -> dict[int, str]:
    """Who sat where when event ``upto`` was written, from the log."""
    names: dict[int, str] = {}
    seats = Event.objects.filter(
        room_id=room_id, seq__lte=upto, type__in=("seat_taken", "bot_added", "seat_freed")
    ).order_by("seq")
    for row in seats.only("type", "schema", "payload"):
        seated = payload(row)
        if row.type == "seat_freed":
            names.pop(seated["seat"], None)
        else:
            names[seated["seat"]] = seated["name"]
    return names


class ChoicesFilter(admin.SimpleListFilter):
    """A filter whose choices are known without reading the log (the engine's event types, the
    game's phases): Django's default would run a DISTINCT over every event on each page."""

    values: tuple[str, ...] = ()

    def lookups(self, request: HttpRequest, model_admin: admin.ModelAdmin) -> list[tuple]:
        return [(value, value) for value in self.values]

    def queryset(self, request: HttpRequest, queryset: QuerySet[Event]) -> QuerySet[Event]:
        if self.value():
            return queryset.filter(**{self.parameter_name: self.value()})
        return queryset


class TypeFilter(ChoicesFilter):
    title = parameter_name = "type"
    values = tuple(sorted(EVENT_TYPES))


class PhaseFilter(ChoicesFilter):
    title = parameter_name = "phase"
    values = tuple(phase.value for phase in Phase)


@admin.register(Event)
class EventAdmin(admin.ModelAdmin):
    list_display = ("id", "room_id", "seq", "type", "phase", "actor", "created_at", "replay")
    list_filter = (RoomFilter, TypeFilter, PhaseFilter, "created_at")
    # A room id, an event type, or any text of a payload (a piece kind, a player's name).
    search_fields = ("=room_id", "type", "payload")
    search_help_text = "A room id, an event type, or text of the payload (a name, a piece kind)."
    ordering = ("-id",)
    # The payload is shown as read (``pretty``: upcast to the current shape of its type);
    # ``schema`` is the version it was written with.
    readonly_fields = (
        "id",
        "room_id",
        "seq",
        "type",
        "schema",
        "phase",
        "actor",
        "created_at",
        "replay",
        "hands",
        "pretty",
    )
    exclude = ("payload",)
    list_per_page = 100
    show_full_result_count = False  # no COUNT(*) over the whole log on every page

    @admin.display(description="payload")
    def pretty(self, event: Event) -> str:
        text = json.dumps(payload(event), indent=2, ensure_ascii=False, sort_keys=True)
        return format_html("<pre>{}</pre>", text)

    @admin.display(description="hands")
    def hands(self, event: Event) -> str:
        """For ``hands_dealt``: each seat's name and pieces, as the game shows them (glyph and
        points, red or black)."""
        if event.type != "hands_dealt":
            return "—"
        names = seat_names(event.room_id, event.seq)
        rows = format_html_join(
            "",
            "<tr><th>{}</th><td>{}</td></tr>",
            (
                (f"{seat + 1}. {names.get(seat) or '—'}", piece_tokens(hand))
                for seat, hand in enumerate(payload(event).get("hands", []))
            ),
        )
        return format_html('<table class="liaptui-hands">{}</table>', rows)

    @admin.display(description="replay")
    def replay(self, event: Event) -> str:
        url = reverse("replay", args=[event.room_id]) + f"?seq={event.seq}"
        return format_html('<a href="{}">at #{}</a>', url, event.seq)

    def get_search_results(
        self, request: HttpRequest, queryset: QuerySet[Event], search_term: str
    ) -> tuple[QuerySet[Event], bool]:
        """A room id is looked up through the log's (room_id, seq) index, not matched against
        every type and payload (a scan of the whole log)."""
        term = search_term.strip().upper()
        if is_room_id(term):
            by_room = queryset.filter(room_id=term)
            if by_room.exists():
                return by_room, False
        return super().get_search_results(request, queryset, search_term)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Event | None = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Event | None = None) -> bool:
        return False
