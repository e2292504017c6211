"""Every illegal action over the room WebSocket gets an error naming the rule, with the request id
echoed, and leaves the room as it was (docs/protocol.md, docs/rules.md §5).

Four humans on four sockets keep the room still: with every delay at 0 and all seats human and
connected, nothing happens until a human acts (only the redeal window closes at once)."""

from __future__ import annotations

import pytest

from game.pieces import POINTS
from rooms.consumers import CLOSE_BAD_TOKEN, CLOSE_NO_ROOM
from rooms.tests.wsclient import (
    CLOSE,
    WsClient,
    create_room,
    join_room,
    room_version,
)

pytestmark = pytest.mark.django_db(transaction=True)


async def refused(client: WsClient, code: str, action: str, **fields) -> dict:
    """Send an action that must be refused with ``code``; the room's version must not move."""
    room_id = client.path.split("/")[3]
    before = await room_version(room_id)
    request_id = f"{action}-{code}-{client.next_id()}"
    reply = await client.request(action, request_id=request_id, **fields)
    assert reply["type"] == "error", reply
    assert reply["code"] == code, reply
    assert reply["request_id"] == request_id
    assert isinstance(reply["message"], str) and reply["message"]
    assert await room_version(room_id) == before
    return reply


async def four_humans(ws, seed: int = 123):
    created = await create_room("Ann", 0, seed=seed)
    joined = [await join_room(created.room_id, name) for name in ("Bob", "Cat", "Dan")]
    players = [await ws.seat(w) for w in (created, *joined)]
    await players[0].until(lambda v: all(s["connected"] for s in v["seats"]))
    return created.room_id, players


def missing_kind(hand: list[str]) -> str:
    return next(kind for kind in POINTS if kind not in hand)


async def test_illegal_actions_in_every_phase_are_refused(ws):
    room_id, players = await four_humans(ws)
    ann, bob = players[0], players[1]
    spectator = await ws.spectator(room_id)

    # Waiting: only the host runs the room; nothing of the game is possible yet.
    await refused(bob, "not_host", "start_game")
    await refused(bob, "not_host", "add_bot", seat=2)
    await refused(bob, "not_host", "remove_seat", seat=2)
    await refused(ann, "wrong_phase", "declare", value=3)
    await refused(ann, "wrong_phase", "play", pieces=["SOLDIER_RED"])
    await refused(ann, "no_redeal_pending", "redeal", accept=True)
    await refused(ann, "seat_taken", "add_bot", seat=2)
    await refused(spectator, "not_seated", "start_game")
    await refused(spectator, "not_seated", "leave")

    await ann.ok("start_game")

    # Declaration, in order from the starter.
    for player in players:
        await player.until(lambda v: v["phase"] == "declaration")
    view = ann.view
    starter = view["starter"]
    order = [(starter + i) % 4 for i in range(4)]
    assert view["to_act"] == [order[0]]
    await refused(ann, "wrong_phase", "start_game")
    await refused(ann, "wrong_phase", "remove_seat", seat=1)
    await refused(ann, "wrong_phase", "add_bot", seat=1)
    await refused(players[order[1]], "not_your_turn", "declare", value=2)
    await refused(players[order[3]], "not_your_turn", "declare", value=2)
    await refused(spectator, "not_seated", "declare", value=2)
    await refused(players[order[0]], "wrong_phase", "play", pieces=[view["you"]["hand"][0]])
    await refused(players[order[0]], "illegal_declaration", "declare", value=9)
    await refused(players[order[0]], "illegal_declaration", "declare", value=-1)
    for seat in order[:3]:
        await players[seat].ok("declare", value=2)
    last = players[order[3]]
    await last.until(lambda v: v["to_act"] == [order[3]])
    assert 2 not in last.view["legal"]["declare"]
    # 2 + 2 + 2 + 2 = 8: the last seat may not make the total exactly 8.
    reply = await refused(last, "illegal_declaration", "declare", value=2)
    assert "8" in reply["message"]
    await last.ok("declare", value=1)

    # The first turn: the starter leads.
    leader = players[order[0]]
    await leader.until(lambda v: v["phase"] == "turn" and v["to_act"] == [order[0]])
    hand = leader.view["you"]["hand"]
    other = next(kind for kind in hand if kind != hand[0])
    await refused(players[order[1]], "not_your_turn", "play", pieces=[hand[0]])
    await refused(spectator, "not_seated", "play", pieces=[hand[0]])
    await refused(leader, "wrong_phase", "declare", value=1)
    await refused(leader, "no_redeal_pending", "redeal", accept=False)
    await refused(leader, "invalid_play", "play", pieces=[hand[0], other])
    await refused(leader, "invalid_play", "play", pieces=[])
    await refused(leader, "invalid_play", "play", pieces=hand[:7])
    await refused(leader, "pieces_not_in_hand", "play", pieces=[missing_kind(hand)])
    await refused(leader, "invalid_argument", "play", pieces=["QUEEN_RED"])
    await leader.ok("play", pieces=[hand[0]])

    follower = players[order[1]]
    await follower.until(lambda v: v["to_act"] == [order[1]])
    assert follower.view["legal"]["play"] == {"min": 1, "max": 1}
    mine = follower.view["you"]["hand"]
    await refused(follower, "wrong_piece_count", "play", pieces=mine[:2])
    await refused(follower, "pieces_not_in_hand", "play", pieces=[missing_kind(mine)])
    await refused(leader, "not_your_turn", "play", pieces=[hand[1]])
    await refused(players[order[2]], "not_your_turn", "play", pieces=[mine[0]])
    await follower.ok("play", pieces=[mine[0]])


async def test_start_needs_four_seats(ws):
    created = await create_room("Ann", 2)
    ann = await ws.seat(created)
    assert ann.view["legal"]["start"] is False
    await refused(ann, "seats_not_filled", "start_game")
    await ann.ok("add_bot", seat=3)
    await ann.until(lambda v: v["legal"]["start"])
    await ann.ok("start_game")


async def test_bad_token_is_refused_and_closed(ws):
    created = await create_room("Ann", 3)
    before = await room_version(created.room_id)
    client = await ws.open(created.room_id, "wrong")
    await client.connect(first=None)
    error = await client.receive()
    assert error["type"] == "error" and error["code"] == "bad_token", error
    assert error["request_id"] is None
    closed = await client.receive()
    assert closed == {"type": CLOSE, "code": CLOSE_BAD_TOKEN}
    assert await room_version(created.room_id) == before
    # A token of another room is no better.
    other = await create_room("Bob", 3)
    client = await ws.open(created.room_id, other.token)
    await client.connect(first=None)
    assert (await client.receive())["code"] == "bad_token"
    assert (await client.receive()) == {"type": CLOSE, "code": CLOSE_BAD_TOKEN}


async def test_unknown_room_is_refused_and_closed(ws):
    client = await ws.open("NOROOM")
    await client.connect(first=None)
    error = await client.receive()
    assert error["type"] == "error" and error["code"] == "room_not_found", error
    assert (await client.receive()) == {"type": CLOSE, "code": CLOSE_NO_ROOM}
