"""Reads of rooms: one room's details, seats by token (the lobby's reads are in ``lobby``)."""

from __future__ import annotations

from typing import Any

from .errors import RoomError
from .models import Room, SeatToken
from .tokens import hash_token


def room_get(room_id: str) -> Room:
    try:
        return Room.objects.get(pk=room_id.upper())
    except Room.DoesNotExist:
        raise RoomError("room_not_found", room=room_id) from None


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
        raise RoomError("bad_token")
    return found
