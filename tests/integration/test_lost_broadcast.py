"""A write whose broadcast never went out still reaches every socket of the room, through real
daphne processes: its writer (here a process of its own, as one that commits and dies before
it broadcasts) leaves the rooms' sockets behind, and each server's sweeper catches them up from
the log (``rooms.catchup``, docs/architecture.md "Lost broadcasts").

The embedded test runs one daphne on SQLite; the service-backed one two daphne processes on
PostgreSQL + Redis, with a socket on each."""

from __future__ import annotations

import asyncio
import json
import subprocess
import sys

import pytest

from tests.liveserver import ROOT, Server, Servers

from .conftest import two_processes
from .players import Player, connect_ws

#: Short, so that the test is quick; the default is 2 s.
CATCH_UP = {"LIAPTUI_CATCH_UP_INTERVAL": "0.5"}
WITHIN_SECONDS = 15.0


def seat(server: Server, room_id: str | None, name: str) -> Player:
    path, body = "/api/rooms/", {"player_name": name, "bots": 0}
    if room_id is not None:
        path, body = f"/api/rooms/{room_id}/join/", {"player_name": name}
    status, seated = server.post(path, body)
    assert status == 201, seated
    return Player(name.lower(), seated["room_id"], seated["seat"], seated["token"])


def join_unbroadcast(env: dict[str, str], room_id: str, name: str) -> int:
    """A join committed by a process with no server loop: nobody broadcasts it."""
    code = (
        "from rooms.services import room_join_sync; "
        f"print(room_join_sync({room_id!r}, {name!r}).version)"
    )
    result = subprocess.run(
        [sys.executable, "manage.py", "shell", "-c", code],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    return int(result.stdout.split()[-1])


async def catch_up(servers: list[Server], players: list[Player]) -> None:
    """Each player on its server; a join nobody broadcasts; each sees it. Every socket stays
    open until all have seen it (a socket closing is a write, broadcast, that would bring the
    others the join as well)."""
    opened, seen = asyncio.Barrier(len(players) + 1), asyncio.Barrier(len(players))

    async def watch(server: Server, player: Player) -> None:
        async with connect_ws(server, player) as ws:
            await player.first_update(ws)
            await opened.wait()
            await written
            async with asyncio.timeout(WITHIN_SECONDS):
                while player.version < written.result():
                    player.handle(json.loads(await ws.recv()))
            await seen.wait()

    written: asyncio.Future[int] = asyncio.get_running_loop().create_future()
    tasks = [asyncio.create_task(watch(s, p)) for s, p in zip(servers, players, strict=True)]
    await opened.wait()
    version = await asyncio.to_thread(join_unbroadcast, servers[0].env, players[0].room_id, "Zed")
    written.set_result(version)
    await asyncio.gather(*tasks)
    for player in players:
        # (A socket that closed first may have made its seat away meanwhile: a later version.)
        assert version in player.seqs, player.seqs  # without a gap, as ``handle`` checks
        assert player.view["seats"][len(players)]["name"] == "Zed"
    for server in servers:
        assert "missed a broadcast" in server.output(tail=1_000_000)
        assert "Traceback" not in server.output(tail=1_000_000)


async def test_one_process_on_sqlite_catches_its_sockets_up(tmp_path):
    group = Servers(tmp_path, CATCH_UP)
    try:
        server = group.start()
        ann = seat(server, None, "Ann")
        bob = seat(server, ann.room_id, "Bob")
        await catch_up([server, server], [ann, bob])
    finally:
        group.stop_all()


@pytest.mark.services
async def test_two_processes_on_postgresql_and_redis_catch_their_sockets_up(tmp_path):
    with two_processes(tmp_path, "liaptui_lost", CATCH_UP) as (left, right):
        ann = seat(left, None, "Ann")
        bob = seat(right, ann.room_id, "Bob")
        await catch_up([left, right], [ann, bob])
