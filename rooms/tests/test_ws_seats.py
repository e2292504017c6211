"""Seats before the start, over the room WebSocket: the host removes a seat and adds bots; a
player leaves (docs/protocol.md)."""

from __future__ import annotations

import pytest

from rooms.consumers import CLOSE_BAD_TOKEN, CLOSE_REMOVED
from rooms.tests.wsclient import (
    CLOSE,
    create_room,
    event_rows,
    join_room,
)

pytestmark = pytest.mark.django_db(transaction=True)


async def test_host_removes_a_seat_and_adds_a_bot(ws):
    created = await create_room("Ann", 0)
    room_id = created.room_id
    bob_seat = await join_room(room_id, "Bob")
    ann = await ws.seat(created)
    bob = await ws.seat(bob_seat)
    await ann.until(lambda v: v["seats"][1]["connected"])

    await ann.ok("remove_seat", seat=1)
    assert ann.view["seats"][1]["name"] is None
    # Bob is told, and his socket is closed.
    removed = await bob.receive_until(lambda m: m["type"] in ("removed", CLOSE))
    assert removed["type"] == "removed", removed
    assert removed.get("reason") == "removed"
    assert (await bob.receive_until(lambda m: m["type"] == CLOSE)) == {
        "type": CLOSE,
        "code": CLOSE_REMOVED,
    }
    rows = await event_rows(room_id)
    freed = [r for r in rows if r["type"] == "seat_freed"]
    assert [(r["payload"], r["actor"]) for r in freed] == [({"seat": 1, "reason": "removed"}, 0)]
    # His token is no longer a seat.
    retry = await ws.open(room_id, bob_seat.token)
    await retry.connect(first=None)
    assert (await retry.receive())["code"] == "bad_token"
    assert (await retry.receive()) == {"type": CLOSE, "code": CLOSE_BAD_TOKEN}

    # The freed seat can be given to a bot, and then to nobody again.
    await ann.ok("add_bot", seat=1)
    seat = ann.view["seats"][1]
    assert seat["is_bot"] is True and seat["name"] and seat["connected"] is True
    await ann.ok("add_bot", seat=2, strategy="greedy")
    assert ann.view["seats"][2]["is_bot"] is True
    await ann.ok("remove_seat", seat=2)
    assert ann.view["seats"][2]["name"] is None
    assert [s["name"] is not None for s in ann.view["seats"]] == [True, True, False, False]
    # A new player takes the first empty seat.
    cat_seat = await join_room(room_id, "Cat")
    assert cat_seat.seat == 2
    cat = await ws.seat(cat_seat)
    assert cat.view["you"]["seat"] == 2


async def test_leave_before_the_start_frees_the_seat_and_passes_the_host(ws):
    created = await create_room("Ann", 0)
    room_id = created.room_id
    bob_seat = await join_room(room_id, "Bob")
    cat_seat = await join_room(room_id, "Cat")
    ann = await ws.seat(created)
    bob = await ws.seat(bob_seat)
    cat = await ws.seat(cat_seat)
    await cat.until(lambda v: all(v["seats"][i]["connected"] for i in range(3)))

    # Bob (not the host) leaves: his seat is free, Ann stays host.
    await bob.ok("leave")
    assert (await bob.receive_until(lambda m: m["type"] == CLOSE))["type"] == CLOSE
    view = await ann.until(lambda v: v["seats"][1]["name"] is None)
    assert view["host_seat"] == 0

    # Ann (the host) leaves: the host passes to the next human, Cat.
    await ann.ok("leave")
    view = await cat.until(lambda v: v["seats"][0]["name"] is None)
    assert view["host_seat"] == 2
    assert view["legal"]["start"] is False  # seats are empty
    rows = await event_rows(room_id)
    assert [r["payload"] for r in rows if r["type"] == "seat_freed"] == [
        {"seat": 1, "reason": "left"},
        {"seat": 0, "reason": "left"},
    ]
    assert [r["payload"]["seat"] for r in rows if r["type"] == "host_changed"] == [0, 2]
    # Cat, now host, fills the room with bots and starts.
    for seat in (0, 1, 3):
        await cat.ok("add_bot", seat=seat)
    await cat.until(lambda v: v["legal"]["start"])
    await cat.ok("start_game")
    await cat.until(lambda v: v["phase"] != "waiting")
