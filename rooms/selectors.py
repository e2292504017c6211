"""Reads of rooms: summaries for the lobby, seats by token."""

from __future__ import annotations

from typing import Any

from game.state import GameState

from .errors import RoomError
from .models import Room, RoomStatus, SeatToken
from .tokens import hash_token

LISTED_STATUSES = (RoomStatus.WAITING, RoomStatus.PLAYING)


def room_status(state: GameState) -> str:
    if state.closed:
        return RoomStatus.CLOSED
    if state.phase == "waiting":
        return RoomStatus.WAITING
    if state.phase == "game_over":
        return RoomStatus.FINISHED
    return RoomStatus.PLAYING


def room_summary(state: GameState) -> dict[str, Any]:
    """What anyone may know of a room from the lobby."""
    host = state.seats[state.host_seat].name if state.host_seat is not None else None
    return {
        "room_id": state.room_id,
        "status": room_status(state),
        "phase": state.phase.value,
        "round": state.round,
        "host_seat": state.host_seat,
        "host": host,
        "players": sum(1 for s in state.seats if s.taken),
        "seats": [
            {"seat": i, "name": s.name, "is_bot": s.is_bot, "connected": s.connected}
            for i, s in enumerate(state.seats)
        ],
    }


def room_list() -> list[dict[str, Any]]:
    """Open and running rooms, newest first."""
    rows = Room.objects.filter(status__in=LISTED_STATUSES).order_by("-created_at")
    return [{**room.summary, "created_at": room.created_at.isoformat()} for room in rows[:200]]


def room_get(room_id: str) -> Room:
    try:
        return Room.objects.get(pk=room_id.upper())
    except Room.DoesNotExist:
        raise RoomError("room_not_found", f"There is no room {room_id!r}.") from None


def room_detail(room_id: str) -> dict[str, Any]:
    room = room_get(room_id)
    return {**room.summary, "created_at": room.created_at.isoformat(), "version": room.version}


def seat_for_token(room_id: str, token: str) -> int:
    """The seat a token acts for in a room; ``bad_token`` when it acts for none."""
    found = (
        SeatToken.objects.filter(room_id=room_id, token_hash=hash_token(token))
        .values_list("seat", flat=True)
        .first()
    )
    if found is None:
        raise RoomError("bad_token", "This seat token is not valid for this room.")
    return found
