"""The fuzz suite: thousands of generated hostile frames against the real server (daphne in a
subprocess), on SQLite and on PostgreSQL + Redis.

Two rooms stand still while they are attacked: one waiting (a host and a second player), one
in its first declaration with four human seats (no idle timeout, so nothing moves unless a
human acts). Every seat keeps one quiet socket open for the whole run; the attack comes from a
second socket of every seat, a spectator of each room and the lobby, each with its own seeded
stream of frames (``hostile.HostileFrames``: every action with a field mistyped, out of range,
missing or extra, deep nesting, binary, invalid UTF-8, over 16 KiB, …).

It asserts: every frame is answered with an ``error`` (echoing its request id when it had a
readable one) or the socket is closed with a documented code; both rooms' logs are exactly as
before; no traceback in the server's log; and once the sockets close, no seat is left
connected. A second server with the real rate limit takes bursts over it.

``LIAPTUI_FUZZ_FRAMES`` (default 10,000 per server) and ``LIAPTUI_FUZZ_SEED`` change the run.
"""

from __future__ import annotations

import asyncio
import json
import os
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from websockets.asyncio.client import ClientConnection

from tests.liveserver import Server, Servers, service_env

from .hostile import CALM_SEED, Frame, HostileFrames, answer, check, closed_with, send, ws_connect
from .players import all_events

FRAMES = int(os.environ.get("LIAPTUI_FUZZ_FRAMES", "10000"))
SEED = int(os.environ.get("LIAPTUI_FUZZ_SEED", "20261129"))
LOBBY_FRAMES = 200
BURST_FRAMES = 300


def post(server: Server, path: str, body: dict[str, Any]) -> dict[str, Any]:
    status, answer_ = server.post(path, body)
    assert status == 201, answer_
    return answer_


def seat_path(seat: dict[str, Any]) -> str:
    return f"/ws/rooms/{seat['room_id']}/?token={seat['token']}"


async def first_view(ws: ClientConnection) -> dict[str, Any]:
    message = json.loads(await asyncio.wait_for(ws.recv(), 10))
    assert message["type"] == "update", message
    return message["view"]


async def attack(server: Server, path: str, frames: HostileFrames, count: int) -> Counter:
    """Send ``count`` frames on ``path``, one at a time, each checked; a socket the server
    closes (as it must for some frames) is opened again."""
    codes: Counter = Counter()
    ws = await ws_connect(server, path)
    try:
        await first_view(ws)
        for _ in range(count):
            frame = next(frames)
            codes[await check(ws, frame)] += 1
            if frame.close is not None:
                ws = await ws_connect(server, path)
                await first_view(ws)
    finally:
        await ws.close()
    return codes


async def attack_lobby(server: Server, frames: HostileFrames, count: int) -> Counter:
    codes: Counter = Counter()
    ws = await ws_connect(server, "/ws/lobby/")
    try:
        json.loads(await ws.recv())  # the room list
        for _ in range(count):
            frame = next(frames)
            await send(ws, frame)
            if frame.close is not None:
                assert await closed_with(ws) == frame.close, frame
                ws = await ws_connect(server, "/ws/lobby/")
                json.loads(await ws.recv())
                codes[str(frame.close)] += 1
                continue
            reply = await answer(ws)
            assert reply["type"] == "error" and reply["code"] == "read_only", (frame, reply)
            codes[reply["code"]] += 1
    finally:
        await ws.close()
    return codes


async def still_rooms(server: Server) -> tuple[list[dict[str, Any]], list[ClientConnection]]:
    """A waiting room of two and a game of four humans at its first declaration, each seat
    with a quiet socket open; returns the seats and those sockets."""
    host = post(server, "/api/rooms/", {"player_name": "Wendy", "bots": 0})
    waiting = [host, post(server, f"/api/rooms/{host['room_id']}/join/", {"player_name": "Will"})]
    ann = post(server, "/api/rooms/", {"player_name": "Ann", "bots": 0, "seed": CALM_SEED})
    game = [ann] + [
        post(server, f"/api/rooms/{ann['room_id']}/join/", {"player_name": name})
        for name in ("Bob", "Cat", "Dan")
    ]
    quiet = [await ws_connect(server, seat_path(seat)) for seat in waiting + game]
    for ws in quiet:
        await first_view(ws)
    host_socket = quiet[len(waiting)]
    await host_socket.send(json.dumps({"type": "start_game", "request_id": "go"}))
    async with asyncio.timeout(20):
        while True:
            message = json.loads(await host_socket.recv())
            if message["type"] == "update" and message["view"]["phase"] == "declaration":
                break
    return waiting + game, quiet


async def fuzz(server: Server, total: int, seed: int) -> Counter:
    seats, quiet = await still_rooms(server)
    rooms = sorted({seat["room_id"] for seat in seats})
    before = {room_id: all_events(server, room_id) for room_id in rooms}
    paths = [seat_path(seat) for seat in seats] + [f"/ws/rooms/{r}/" for r in rooms]
    share = total // len(paths)
    results = await asyncio.gather(
        *(
            attack(server, path, HostileFrames(seed + n), share + (n < total % len(paths)))
            for n, path in enumerate(paths)
        ),
        attack_lobby(server, HostileFrames(seed - 1), LOBBY_FRAMES),
    )
    codes = sum(results, Counter())
    assert sum(codes.values()) == total + LOBBY_FRAMES

    # Nothing reached a room: both logs are exactly as they were.
    for room_id in rooms:
        assert all_events(server, room_id) == before[room_id], room_id
    # Every seat is connected through its quiet socket; once that closes, no seat is left.
    for room_id in rooms:
        status, room = server.get(f"/api/rooms/{room_id}/")
        assert all(s["connected"] for s in room["seats"] if s["name"]), room
    for ws in quiet:
        await ws.close()
    async with asyncio.timeout(15):
        for room_id in rooms:
            while True:
                status, room = server.get(f"/api/rooms/{room_id}/")
                if not any(s["connected"] for s in room["seats"] if not s["is_bot"]):
                    break
                await asyncio.sleep(0.1)
    return codes


async def bursts(server: Server, seed: int) -> Counter:
    """Frames in bursts well over the rate limit: each still answered, with its request id."""
    created = post(server, "/api/rooms/", {"player_name": "Ann", "bots": 3})
    frames = HostileFrames(seed, oversized=False)
    codes: Counter = Counter()
    async with ws_connect(server, seat_path(created)) as ws:
        await first_view(ws)
        for _ in range(BURST_FRAMES // 60):
            burst: list[Frame] = [next(frames) for _ in range(60)]
            for frame in burst:
                await send(ws, frame)
            for frame in burst:
                reply = await answer(ws)
                assert reply["type"] == "error" and reply["request_id"] == frame.echo, (
                    frame,
                    reply,
                )
                codes[reply["code"]] += 1
    assert codes["rate_limited"] >= BURST_FRAMES // 2, codes
    return codes


def assert_clean_log(server: Server) -> None:
    log = server.output(tail=10_000_000)
    assert "Traceback" not in log, log[-4000:]
    assert "invalid close code" not in log, log[-4000:]


async def run_suite(group: Servers, limited: Servers) -> None:
    server = group.start()
    codes = await fuzz(server, FRAMES, SEED)
    print(f"fuzz: {FRAMES} frames + {LOBBY_FRAMES} to the lobby, seed {SEED}: {dict(codes)}")
    assert_clean_log(server)
    limited_server = limited.start()
    burst_codes = await bursts(limited_server, SEED)
    print(f"bursts over the rate limit: {dict(burst_codes)}")
    assert_clean_log(limited_server)


#: The fuzzing server: no rate limit (the frames come as fast as the server answers) and no
#: idle timeout (the game waits for its human seats however long the attack lasts).
FUZZ_ENV = {"LIAPTUI_IDLE_SECONDS": "0"}
#: The real rate limit (10 a second, bursts of 30).
LIMITED_ENV = {"LIAPTUI_WS_RATE": "10", "LIAPTUI_WS_BURST": "30"}


@pytest.fixture
def groups(tmp_path: Path) -> Iterator[tuple[Servers, Servers]]:
    made: list[Servers] = []

    def make(name: str, env: dict[str, str]) -> Servers:
        (tmp_path / name).mkdir()
        made.append(Servers(tmp_path / name, env))
        return made[-1]

    try:
        yield make("fuzz", FUZZ_ENV), make("limited", LIMITED_ENV)
    finally:
        for group in made:
            group.stop_all()


async def test_fuzz_on_sqlite(groups):
    await run_suite(*groups)


@pytest.mark.services
async def test_fuzz_on_postgresql_and_redis(tmp_path: Path):
    with (
        service_env("liaptui_fuzz") as fuzz_env,
        service_env("liaptui_fuzz_limited") as limited_env,
    ):
        (tmp_path / "fuzz").mkdir()
        (tmp_path / "limited").mkdir()
        group = Servers(tmp_path / "fuzz", {**FUZZ_ENV, **fuzz_env})
        limited = Servers(tmp_path / "limited", {**LIMITED_ENV, **limited_env})
        try:
            await run_suite(group, limited)
        finally:
            group.stop_all()
            limited.stop_all()
