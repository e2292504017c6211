"""The lobby: which rooms it lists, the list a new lobby socket gets, and the one-room changes
every other lobby socket gets (docs/protocol.md §2).

A write already holds the room's new summary, so a change goes out as that one room (or its
removal), never as the list read again; the list is read only when a lobby socket connects, from
the rows' stored summaries. With the in-memory channel layer (one process) nothing is sent at
all while no lobby socket is open here.
"""

from __future__ import annotations

from typing import Any

from game.state import GameState, Phase

from .models import Room, RoomStatus

LOBBY_GROUP = "lobby"
#: The lobby shows the newest rooms first, this many at most.
LIST_SIZE = 200


def room_status(state: GameState) -> str:
    if state.closed:
        return RoomStatus.CLOSED
    if state.phase is Phase.WAITING:
        return RoomStatus.WAITING
    if state.phase is Phase.GAME_OVER:
        return RoomStatus.FINISHED
    return RoomStatus.PLAYING


def is_listed(state: GameState) -> bool:
    """Whether the lobby lists a room: a running game, or a waiting room with a human in it (a
    waiting room whose humans all left is no use to anyone looking for a game; it stays
    joinable by its code until it closes)."""
    status = room_status(state)
    if status == RoomStatus.PLAYING:
        return True
    return status == RoomStatus.WAITING and any(s.is_human and s.connected for s in state.seats)


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
        "listed": is_listed(state),
        "seats": [
            {"seat": i, "name": s.name, "is_bot": s.is_bot, "connected": s.connected}
            for i, s in enumerate(state.seats)
        ],
    }


def lobby_entry(summary: dict[str, Any], created_at: str, version: int) -> dict[str, Any]:
    """A room as the lobby shows it, at the room's ``version`` (changes of a room may reach a
    lobby socket out of order, from different processes: the newest version wins)."""
    return {**summary, "created_at": created_at, "version": version}


def lobby_list() -> list[dict[str, Any]]:
    """The listed rooms, newest first: the stored summaries only, no model instances."""
    rows = (
        Room.objects.filter(listed=True)
        .order_by("-created_at")
        .values_list("summary", "created_at", "version")[:LIST_SIZE]
    )
    return [lobby_entry(summary, at.isoformat(), version) for summary, at, version in rows]


def lobby_change(entry: dict[str, Any]) -> dict[str, Any]:
    """The channel-layer message for one room's new lobby entry (its removal when unlisted)."""
    return {"type": "lobby.room", "room": entry}


def client_message(entry: dict[str, Any]) -> dict[str, Any]:
    """What a lobby socket sends for one room's change."""
    if entry["listed"]:
        return {"type": "room", "room": entry}
    return {"type": "room_removed", "room_id": entry["room_id"], "version": entry["version"]}


class SeenVersions:
    """The newest version of each room one lobby socket has sent: an older change that arrives
    late (from another process) is dropped."""

    def __init__(self, rooms: list[dict[str, Any]]) -> None:
        self._versions = {room["room_id"]: room["version"] for room in rooms}

    def newer(self, entry: dict[str, Any]) -> bool:
        room_id, version = entry["room_id"], entry.get("version", 0)
        if version and version <= self._versions.get(room_id, 0):
            return False
        self._versions[room_id] = version
        return True


class LobbyWatchers:
    """How many lobby sockets this process holds (used from the event loop only)."""

    def __init__(self) -> None:
        self.count = 0

    def opened(self) -> None:
        self.count += 1

    def closed(self) -> None:
        self.count = max(0, self.count - 1)


__all__ = [
    "LOBBY_GROUP",
    "LobbyWatchers",
    "client_message",
    "is_listed",
    "lobby_change",
    "lobby_entry",
    "lobby_list",
    "room_status",
    "room_summary",
]
