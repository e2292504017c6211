"""Redis drops the servers' subscriber connections mid-game (``CLIENT KILL TYPE pubsub``): each
daphne process connects again, subscribes again and tells its sockets of the gap
(``rooms.redis_layer``): the lobby socket is sent the whole list again, and the players, on two
processes, play the game to its end with no event missing.

Part of the service-backed run (``make test-services``): it needs DATABASE_URL (PostgreSQL) and
REDIS_URL, and fails without them.
"""

from __future__ import annotations

import asyncio
import json
import os

import pytest
from websockets.asyncio.client import connect

from rooms.resp import RedisAddress, command, open_connection

from .conftest import two_processes
from .players import connect_ws, seat_two

pytestmark = pytest.mark.services
GAME_SECONDS = 90.0


async def kill_subscribers() -> int:
    """Close every subscribed connection of this Redis, from Redis's side."""
    address = RedisAddress.parse(os.environ["REDIS_URL"])
    connection = await open_connection(address, "liaptui-test")
    try:
        return await connection.call(command("CLIENT", "KILL", "TYPE", "pubsub"))
    finally:
        connection.close()


async def lobby_messages(server, into: list[dict]) -> None:
    async with connect(server.ws_url("/ws/lobby/"), origin=server.origin, proxy=None) as ws:
        while True:
            into.append(json.loads(await ws.recv()))


async def test_players_and_the_lobby_go_on_after_redis_drops_the_subscribers(tmp_path):
    with two_processes(tmp_path, "liaptui_redis_gap") as (left, right):
        alice, bob = seat_two(left, right, 77, ("Alice", "Bob"))
        lobby: list[dict] = []
        watching = asyncio.create_task(lobby_messages(right, lobby))
        try:
            async with connect_ws(left, alice) as ws_a, connect_ws(right, bob) as ws_b:
                await alice.first_update(ws_a)
                await bob.first_update(ws_b)
                await alice.send(ws_a, "start_game")
                for _ in range(50):  # the lobby's first list has come
                    if lobby:
                        break
                    await asyncio.sleep(0.1)
                assert lobby and lobby[0]["type"] == "rooms", lobby
                assert await kill_subscribers() >= 2  # one per process at least
                await asyncio.gather(
                    alice.play(ws_a, lambda: alice.view["phase"] == "game_over", GAME_SECONDS),
                    bob.play(ws_b, lambda: bob.view["phase"] == "game_over", GAME_SECONDS),
                )
            # The lobby socket was sent the whole list again after the gap.
            for _ in range(50):
                if [m for m in lobby[1:] if m["type"] == "rooms"]:
                    break
                await asyncio.sleep(0.1)
            assert [m for m in lobby[1:] if m["type"] == "rooms"], lobby
        finally:
            watching.cancel()
        # Every event reached both players, in order (``Player.handle`` checks each update).
        assert alice.view["winners"] == bob.view["winners"] != []
        for player in (alice, bob):
            assert player.seqs == list(range(player.seqs[0], player.seqs[-1] + 1)), player.name
        for server in (left, right):
            assert "subscribed to Redis again" in server.output(200_000)
