"""Server-rendered pages: the lobby, the rules, a room's table, and the staff replay of a room."""

from __future__ import annotations

from django.contrib.auth.views import redirect_to_login
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils import translation

from .debug_api import can_debug, logged_room
from .errors import RoomError
from .models import Room


def lobby(request: HttpRequest) -> HttpResponse:
    """The lobby: create a room, join one from the live list or by its code."""
    return render(request, "lobby.html")


def rules(request: HttpRequest) -> HttpResponse:
    """How to play: the rules of docs/rules.md as players read them, with drawn examples."""
    return render(request, "rules.html")


def table(request: HttpRequest, room_id: str) -> HttpResponse:
    """The table of one room. The seat comes from the session (set when the browser created
    or joined the room); without one the page is a spectator's."""
    room = get_object_or_404(Room, pk=room_id.upper())
    return render(request, "room.html", {"room": room})


def replay(request: HttpRequest, room_id: str) -> HttpResponse:
    """Staff page: the table replayed at any event. It shows every hand, like the debug API.
    A room whose row is gone replays from its log all the same."""
    if not can_debug(request.user):
        return redirect_to_login(request.get_full_path())
    try:
        room_id, version = logged_room(room_id)
    except RoomError:
        raise Http404(f"There is no room {room_id!r}.") from None
    with translation.override("en"):  # a staff page: English, as its scripts (the catalog's URL)
        return render(request, "replay.html", {"room": {"id": room_id, "version": version}})
