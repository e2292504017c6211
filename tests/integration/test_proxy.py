"""The deployment of docs/deployment.md, for real: nginx with ``deploy/nginx.conf`` in front of
two daphne processes on PostgreSQL + Redis. Four scripted players reach the game only through
the proxy (two land on each process); one process is killed mid-game, or both are restarted one
after the other, and the game goes on to its end with nothing lost.

Part of the service-backed run (``make test-services``); nginx is installed by ``.ci/run``.
"""

from __future__ import annotations

import asyncio
import json
import urllib.request
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from websockets.asyncio.client import ClientConnection

from tests.ci import in_ci
from tests.liveserver import Proxy, Server, Servers, service_env

from .hostile import CALM_SEED
from .players import Player, all_events, connect_ws, play_through, settled

pytestmark = pytest.mark.services
GAME_SECONDS = 120.0
NAMES = ("ann", "bob", "cat", "dan")


def require_nginx() -> None:
    from deploy.nginx import nginx_binary

    if nginx_binary() is not None:
        return
    reason = "nginx is missing (apt-get install nginx-light)"
    if in_ci():
        pytest.fail(f"{reason} (under CI a missing proxy is a failure)", pytrace=False)
    pytest.skip(f"proxy tests skipped: {reason}")


class Deployment:
    def __init__(self, group: Servers, servers: list[Server], proxy: Proxy) -> None:
        self.group, self.servers, self.proxy = group, servers, proxy


@pytest.fixture
def deployment(tmp_path: Path) -> Iterator[Deployment]:
    require_nginx()
    with service_env("liaptui_proxy") as env:
        group = Servers(tmp_path, env)
        proxy = None
        try:
            servers = [group.start(), group.start()]
            proxy = Proxy(tmp_path / "nginx", servers, group.collect_static())
            yield Deployment(group, servers, proxy)
        finally:
            if proxy is not None:
                proxy.stop()
            group.stop_all()


def seat_four(proxy: Proxy) -> tuple[str, list[Player]]:
    status, created = proxy.post(
        "/api/rooms/", {"player_name": "Ann", "bots": 0, "seed": CALM_SEED}
    )
    assert status == 201, created
    room_id = created["room_id"]
    seats = [created]
    for name in ("Bob", "Cat", "Dan"):
        status, joined = proxy.post(f"/api/rooms/{room_id}/join/", {"player_name": name})
        assert status == 201, joined
        seats.append(joined)
    return room_id, [
        Player(n, room_id, s["seat"], s["token"]) for n, s in zip(NAMES, seats, strict=True)
    ]


def sockets_of(server: Server, room_id: str) -> int:
    return server.output(tail=10_000_000).count(f"WSCONNECT /ws/rooms/{room_id}/")


async def check_the_end(proxy: Proxy, room_id: str, players: list[Player]) -> None:
    """Every player saw the same end, each its events without a gap; one gapless log whose
    replay is the live state."""
    assert all(p.view["phase"] == "game_over" for p in players)
    assert len({tuple(s["score"] for s in p.view["seats"]) for p in players}) == 1
    for player in players:
        assert player.seqs == list(range(player.seqs[0], player.seqs[-1] + 1)), player.name
    room = await settled(proxy, room_id)
    events = all_events(proxy, room_id)
    assert [e["seq"] for e in events] == list(range(1, len(events) + 1))
    assert room["version"] == len(events)
    status, replayed = proxy.get(f"/api/debug/replay/{room_id}/?upto={len(events)}")
    assert status == 200, replayed
    status, live = proxy.get(f"/api/debug/rooms/{room_id}/state/")
    assert status == 200, live
    assert replayed == live
    assert replayed["state"]["phase"] == "game_over"


async def open_all(
    proxy: Proxy, players: list[Player], room_id: str, servers: list[Server]
) -> list[ClientConnection]:
    """One socket per player through the proxy, two on each process: nginx spreads them (round
    robin in each of its workers); a socket that lands on a process that has two already is
    closed and opened again."""
    sockets, kept = [], [0, 0]
    for player in players:
        for _ in range(20):
            before = [sockets_of(server, room_id) for server in servers]
            ws = await connect_ws(proxy, player)
            await player.first_update(ws)
            landed = next(
                n for n, server in enumerate(servers) if sockets_of(server, room_id) > before[n]
            )
            if kept[landed] < 2:
                kept[landed] += 1
                sockets.append(ws)
                break
            await ws.close()
        else:
            raise AssertionError(f"nginx never sent {player.name} to the other process")
    assert kept == [2, 2]
    return sockets


async def start(host: Player, ws: ClientConnection) -> None:
    await host.send(ws, "start_game")
    while host.pending is not None:
        host.handle(json.loads(await asyncio.wait_for(ws.recv(), 10)))


def game_over(player: Player) -> Callable[[], bool]:
    return lambda: player.view is not None and player.view["phase"] == "game_over"


async def turns_played(players: list[Player], turns: int) -> None:
    """Until one player has won ``turns`` turns (the game must not end before)."""
    while max(p.turns_won for p in players) < turns:
        assert not any(game_over(p)() for p in players), f"the game ended before turn {turns}"
        await asyncio.sleep(0.02)


async def test_a_game_through_the_proxy_survives_a_kill_9_then_a_rolling_restart(deployment):
    """One game, two incidents: a process is killed (kill -9) and started again; later both are
    restarted gracefully, one after the other. The players only ever reconnect through the
    proxy with their tokens and ``?version=``."""
    proxy, servers, group = deployment.proxy, deployment.servers, deployment.group
    left, right = servers
    room_id, players = seat_four(proxy)
    sockets = await open_all(proxy, players, room_id, servers)
    # Static files come from nginx itself, out of the collected files.
    with urllib.request.build_opener(urllib.request.ProxyHandler({})).open(
        proxy.base + "/static/js/room.js", timeout=10
    ) as response:
        assert response.status == 200 and response.headers["Server"] == "nginx"
        assert b"ReconnectingSocket" in response.read()
    await start(players[0], sockets[0])

    async def incidents() -> None:
        await turns_played(players, 2)
        right.proc.kill()  # SIGKILL: its sockets die without a word
        await asyncio.to_thread(right.proc.wait, 10)
        restarted = await asyncio.to_thread(group.start, True, right.port)
        for n, server in enumerate((left, restarted)):
            await turns_played(players, 4 + 2 * n)
            server.stop()  # SIGTERM: daphne closes its sockets and exits
            await asyncio.to_thread(group.start, True, server.port)  # back on the same port

    lost = await asyncio.gather(
        incidents(),
        *(
            play_through(proxy, p, game_over(p), GAME_SECONDS, ws)
            for p, ws in zip(players, sockets, strict=True)
        ),
    )
    # The rolling restart took every socket down once at least (the kill, two of them more).
    assert all(n >= 1 for n in lost[1:]), lost
    assert sum(lost[1:]) >= 6, lost
    await check_the_end(proxy, room_id, players)
