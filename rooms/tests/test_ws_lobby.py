"""The lobby WebSocket: the listed rooms on connect, then one message per room that changes."""

from __future__ import annotations

from unittest.mock import ANY

import pytest

from rooms.tests.wsclient import create_room

pytestmark = pytest.mark.django_db(transaction=True)


def in_list(message: dict, room_id: str) -> dict | None:
    assert message["type"] == "rooms", message
    return next((r for r in message["rooms"] if r["room_id"] == room_id), None)


def changed(message: dict, room_id: str) -> dict:
    assert message == {"type": "room", "room": message.get("room")}, message
    assert message["room"]["room_id"] == room_id
    return message["room"]


async def next_change(lobby, room_id: str, kind: str = "room") -> dict:
    """The next lobby message of ``kind`` about ``room_id`` (a Redis shared with other test
    runs may carry other rooms' changes too)."""

    def about(message: dict) -> bool:
        if message["type"] != kind:
            return False
        return (message["room"]["room_id"] if kind == "room" else message["room_id"]) == room_id

    return await lobby.receive_until(about)


async def test_lobby_lists_rooms_and_follows_their_changes(ws):
    lobby = await ws.lobby()
    assert in_list(lobby.messages[0], "K7M2QX") is None

    # A room appears once a human sits at it (its creator's socket opens).
    created = await create_room("Ann", 2)
    ann = await ws.seat(created)
    room = changed(await next_change(lobby, created.room_id), created.room_id)
    assert room["status"] == "waiting" and room["players"] == 3 and room["host"] == "Ann"
    assert room["listed"] is True and room["created_at"]
    assert room["seats"][0] == {"seat": 0, "name": "Ann", "is_bot": False, "connected": True}

    # The host adds a bot: four players (one room, not the list again).
    await ann.ok("add_bot", seat=3)
    room = changed(await next_change(lobby, created.room_id), created.room_id)
    assert room["players"] == 4 and room["seats"][3]["is_bot"] is True

    # The game starts: the room is running.
    await ann.ok("start_game")
    room = changed(await next_change(lobby, created.room_id), created.room_id)
    while room["status"] != "playing":
        room = changed(await next_change(lobby, created.room_id), created.room_id)
    assert room["round"] == 1

    # The lobby only sends.
    await lobby.send({"type": "ping"})
    reply = await lobby.receive_until(lambda m: m["type"] == "error")
    assert reply["code"] == "read_only"

    # A second lobby socket gets the current list on connect.
    other = await ws.lobby()
    assert in_list(other.messages[0], created.room_id)["status"] == "playing"


async def test_lobby_drops_a_room_that_closes(ws):
    created = await create_room("Ann", 0)
    ann = await ws.seat(created)
    lobby = await ws.lobby()
    assert in_list(lobby.messages[0], created.room_id) is not None
    # The last human leaves a waiting room: the room closes and leaves the list.
    await ann.ok("leave")
    message = await next_change(lobby, created.room_id, "room_removed")
    assert message["version"] > in_list(lobby.messages[0], created.room_id)["version"]
    assert message == {"type": "room_removed", "room_id": created.room_id, "version": ANY}
    assert in_list((await ws.lobby()).messages[0], created.room_id) is None


async def test_a_waiting_room_whose_humans_all_left_leaves_the_list_at_once(ws):
    created = await create_room("Ann", 3)
    ann = await ws.seat(created)
    lobby = await ws.lobby()
    assert in_list(lobby.messages[0], created.room_id)["players"] == 4
    # Ann closes her tab: the room is still open, but no longer listed.
    await ann.close()
    await next_change(lobby, created.room_id, "room_removed")
    assert in_list((await ws.lobby()).messages[0], created.room_id) is None
    # She comes back (by the room's link or code): listed again.
    await ws.seat(created)
    message = await next_change(lobby, created.room_id)
    assert changed(message, created.room_id)["seats"][0]["connected"] is True


async def test_the_whole_list_from_a_process_of_the_previous_version_is_passed_on(ws):
    """During a rolling restart a process of the previous version sends the whole list."""
    from channels.layers import get_channel_layer

    lobby = await ws.lobby()
    room = {"room_id": "K7M2QX", "status": "waiting", "listed": True, "seats": []}
    await get_channel_layer().group_send("lobby", {"type": "lobby.rooms", "rooms": [room]})
    assert await lobby.receive_until(lambda m: m == {"type": "rooms", "rooms": [room]})


async def test_a_change_older_than_one_already_sent_is_dropped(ws):
    """Changes of one room written by different processes may cross: the newest one wins."""
    from channels.layers import get_channel_layer

    created = await create_room("Ann", 3)
    await ws.seat(created)
    lobby = await ws.lobby()
    listed = in_list(lobby.messages[0], created.room_id)
    version = listed["version"]
    layer = get_channel_layer()
    newer = {**listed, "listed": False, "version": version + 2}
    older = {**listed, "players": 1, "version": version + 1}
    await layer.group_send("lobby", {"type": "lobby.room", "room": newer})
    await layer.group_send("lobby", {"type": "lobby.room", "room": older})
    await layer.group_send("lobby", {"type": "lobby.room", "room": {**listed, "version": 1}})
    removed = await next_change(lobby, created.room_id, "room_removed")
    assert removed == {"type": "room_removed", "room_id": created.room_id, "version": version + 2}
    await lobby.send({"type": "ping"})  # answered after anything the layer delivered before
    reply = await lobby.receive_until(lambda m: m["type"] == "error" or m["type"] == "room")
    assert reply["type"] == "error", reply
