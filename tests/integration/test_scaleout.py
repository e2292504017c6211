"""Scale-out (docs/architecture.md): two daphne processes on one PostgreSQL database and one Redis
channel layer serve one room; a player on each process, two bots, a whole game. Each process
writes the room in turn (row lock + expected version), catches its cached aggregate up from the
log, and relays the other's broadcasts through Redis.

Part of the service-backed run (``make test-services``): it needs DATABASE_URL (PostgreSQL) and
REDIS_URL, and fails without them.
"""

from __future__ import annotations

import asyncio

import pytest

from .conftest import two_processes
from .players import all_events, connect_ws, seat_two, settled

pytestmark = pytest.mark.services
GAME_SECONDS = 90.0


@pytest.fixture
def scaled_servers(tmp_path):
    """Two servers on a database of this test's own (created and dropped here) and Redis."""
    with two_processes(tmp_path, "liaptui_scaleout") as servers:
        yield servers


async def test_players_on_two_processes_play_one_game(scaled_servers):
    left, right = scaled_servers
    assert left.port != right.port
    alice, bob = seat_two(left, right, 4242, ("Alice", "Bob"))
    room_id = alice.room_id

    async with connect_ws(left, alice) as ws_a, connect_ws(right, bob) as ws_b:
        await alice.first_update(ws_a)
        await bob.first_update(ws_b)
        # Each sees the other's seat, though they are on different processes.
        assert alice.view["seats"][bob.seat]["name"] == "Bob"
        await alice.send(ws_a, "start_game")
        await asyncio.gather(
            alice.play(ws_a, lambda: alice.view["phase"] == "game_over", GAME_SECONDS),
            bob.play(ws_b, lambda: bob.view["phase"] == "game_over", GAME_SECONDS),
        )
    # Both made their own moves through their own process, and saw the same ending.
    assert alice.sent > 5 and bob.sent > 5
    assert alice.view["winners"] == bob.view["winners"] != []
    assert [s["score"] for s in alice.view["seats"]] == [s["score"] for s in bob.view["seats"]]
    for player in (alice, bob):
        assert player.seqs == list(range(player.seqs[0], player.seqs[-1] + 1)), player.name

    # One gapless log, and both processes replay it to the same state.
    room = await settled(left, room_id)
    events = all_events(right, room_id)
    assert [e["seq"] for e in events] == list(range(1, len(events) + 1))
    assert room["version"] == len(events)
    states = [
        server.get(f"/api/debug/replay/{room_id}/?upto={len(events)}")[1]
        for server in (left, right)
    ]
    assert states[0] == states[1]
    assert states[0]["state"]["phase"] == "game_over"
    lives = [server.get(f"/api/debug/rooms/{room_id}/state/")[1] for server in (left, right)]
    assert lives[0] == lives[1] == states[0]
