"""The lobby WebSocket: the list of open and running rooms on connect and on every change."""

from __future__ import annotations

import pytest

from rooms import services
from rooms.tests.wsclient import create_room

pytestmark = pytest.mark.django_db(transaction=True)


def listed(message: dict, room_id: str) -> dict | None:
    assert message["type"] == "rooms", message
    return next((r for r in message["rooms"] if r["room_id"] == room_id), None)


async def test_lobby_lists_rooms_and_follows_their_changes(ws):
    lobby = await ws.lobby()
    first = lobby.messages[0]
    assert first == {"type": "rooms", "rooms": []}

    # A room created (as the REST view does: write, then publish) appears.
    created = await create_room("Ann", 2)
    await services.publish(created)
    room = listed(await lobby.receive(), created.room_id)
    assert room is not None
    assert room["status"] == "waiting" and room["players"] == 3 and room["host"] == "Ann"
    assert room["seats"][0] == {"seat": 0, "name": "Ann", "is_bot": False, "connected": False}

    # Ann connects: her seat shows connected.
    ann = await ws.seat(created)
    room = listed(await lobby.receive(), created.room_id)
    assert room["seats"][0]["connected"] is True

    # The host adds a bot: four players.
    await ann.ok("add_bot", seat=3)
    room = listed(await lobby.receive(), created.room_id)
    assert room["players"] == 4 and room["seats"][3]["is_bot"] is True

    # The game starts: the room is running.
    await ann.ok("start_game")
    room = listed(
        await lobby.receive_until(lambda m: listed(m, created.room_id)["status"] == "playing"),
        created.room_id,
    )
    assert room["round"] == 1

    # The lobby only sends.
    await lobby.send({"type": "ping"})
    reply = await lobby.receive_until(lambda m: m["type"] == "error")
    assert reply["code"] == "read_only"

    # A second lobby socket gets the current list on connect.
    other = await ws.lobby()
    assert listed(other.messages[0], created.room_id) is not None


async def test_lobby_drops_a_room_that_closes(ws):
    created = await create_room("Ann", 0)
    ann = await ws.seat(created)
    lobby = await ws.lobby()
    assert listed(lobby.messages[0], created.room_id) is not None
    # The last human leaves a waiting room: the room closes and leaves the list.
    await ann.ok("leave")
    message = await lobby.receive_until(lambda m: listed(m, created.room_id) is None)
    assert message["rooms"] == []
