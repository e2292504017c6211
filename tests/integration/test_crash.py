"""A process dies with its players' sockets: kill -9 of one of two daphne processes on
PostgreSQL + Redis, at real timings. The seats whose sockets it held must show as away and be
played by bots within 10 s (the presence heartbeat and TTL, docs/protocol.md §4), not after
the idle timeout.

Part of the service-backed run (``make test-services``).
"""

from __future__ import annotations

import asyncio
import json
import time

import pytest

from .conftest import two_processes
from .hostile import CALM_SEED
from .players import connect_ws, seat_two

pytestmark = pytest.mark.services
#: What the acceptance allows between the kill and the bot's move for the dead process's seat.
WITHIN_SECONDS = 10.0


@pytest.fixture
def real_time_servers(tmp_path):
    real_time = {"LIAPTUI_TIME_SCALE": "1", "LIAPTUI_IDLE_SECONDS": "60"}
    with two_processes(tmp_path, "liaptui_crash", real_time) as servers:
        yield servers


async def test_a_killed_process_s_seats_are_played_by_bots_within_10_s(real_time_servers):
    left, right = real_time_servers
    alice, bob = seat_two(left, right, CALM_SEED, ("Alice", "Bob"))
    room_id = alice.room_id

    async with connect_ws(left, alice) as ws_a:
        ws_b = await connect_ws(right, bob)
        await alice.first_update(ws_a)
        await bob.first_update(ws_b)
        await alice.send(ws_a, "start_game")
        crashed = asyncio.Event()
        # Alice plays her seat on the live process all along; Bob (on the other one) waits
        # until the game waits for him, and then his process dies.
        alice_plays = asyncio.create_task(alice.play(ws_a, crashed.is_set, 120))
        async with asyncio.timeout(60):
            while bob.seat not in (bob.view or {}).get("to_act", []):
                bob.handle(json.loads(await ws_b.recv()))
        status, room = left.get(f"/api/rooms/{room_id}/")
        assert room["seats"][bob.seat]["connected"] is True, room
        waiting_at = room["version"]

        right.proc.kill()  # SIGKILL: no disconnect runs, the presence rows stay behind
        killed = time.monotonic()
        right.proc.wait(10)

        away = played = None
        async with asyncio.timeout(WITHIN_SECONDS + 20):
            while played is None:
                await asyncio.sleep(0.1)
                # The log first, then the room: a bot's move found in the log comes after the
                # seat went away, so the room read next shows it away (the two may fall between
                # one poll's reads: the move would otherwise be seen before the seat away).
                status, log = left.get(f"/api/debug/events/{room_id}/?after={waiting_at}")
                status, room = left.get(f"/api/rooms/{room_id}/")
                if away is None and not room["seats"][bob.seat]["connected"]:
                    away = time.monotonic() - killed
                moves = [
                    e
                    for e in log["events"]
                    if e["actor"] == bob.seat and e["type"] in ("declared", "played")
                ]
                if moves:
                    played = time.monotonic() - killed
        crashed.set()
        await alice_plays
    assert away is not None and away <= played, (away, played)
    print(f"after kill -9: seat away in {away:.1f} s, played by a bot in {played:.1f} s")
    assert played <= WITHIN_SECONDS
    assert "Traceback" not in left.output(tail=1_000_000)
