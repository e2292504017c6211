"""Scripted players for the integration tests: real WebSocket clients that act with
``game.bots.choose`` on the views they receive, and check every update they get."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from websockets.asyncio.client import ClientConnection, connect
from websockets.exceptions import ConnectionClosed, InvalidStatus

from game.bots import choose

#: Refusals a scripted client may meet because it acts on a view the game has already left (with
#: every delay at 0 the redeal window closes at once); anything else is a failure.
RACES = {"no_redeal_pending", "not_your_turn", "wrong_phase"}


@dataclass
class Player:
    name: str
    room_id: str
    seat: int
    token: str
    version: int = 0
    view: dict[str, Any] | None = None
    pending: str | None = None
    acted_at: int = -1
    sent: int = 0
    refused: list[dict[str, Any]] = field(default_factory=list)
    seqs: list[int] = field(default_factory=list)
    turns_won: int = 0

    def path(self) -> str:
        path = f"/ws/rooms/{self.room_id}/?token={self.token}"
        return path + (f"&version={self.version}" if self.version else "")

    def handle(self, message: dict[str, Any]) -> None:
        kind = message["type"]
        if kind == "update":
            version = message["version"]
            assert version >= self.version, (self.name, version, self.version)
            seqs = [event["seq"] for event in message["events"]]
            if self.version:
                # Everything since the last version this client saw, in order, none missing.
                assert seqs == list(range(self.version + 1, version + 1)), (self.name, seqs)
            self.seqs += seqs
            self.turns_won += sum(1 for event in message["events"] if event["type"] == "turn_won")
            self.version = version
            self.view = message["view"]
            assert self.view["you"]["seat"] == self.seat
        elif kind == "ack":
            assert message["request_id"] == self.pending, (self.name, message, self.pending)
            self.pending = None
        elif kind == "error":
            assert message["code"] in RACES, (self.name, message)
            assert message["request_id"] == self.pending, (self.name, message, self.pending)
            self.refused.append(message)
            self.pending = None
        else:
            raise AssertionError(f"{self.name} got an unexpected message: {message}")

    async def send(self, ws: ClientConnection, action: str, **args: Any) -> None:
        self.sent += 1
        self.pending = f"{self.name}-{self.sent}"
        self.acted_at = self.version
        await ws.send(json.dumps({"type": action, "request_id": self.pending, **args}))

    async def act(self, ws: ClientConnection) -> None:
        """Act on the newest view, once per version, one request at a time."""
        if self.pending is not None or self.view is None or self.version <= self.acted_at:
            return
        command = choose(self.view)
        if command is not None:
            await self.send(ws, command.type, **command.args)

    async def play(self, ws: ClientConnection, done: Callable[[], bool], seconds: float) -> None:
        loop = asyncio.get_running_loop()
        deadline = loop.time() + seconds
        await self.act(ws)
        while not done():
            remaining = deadline - loop.time()
            assert remaining > 0, f"{self.name} timed out at version {self.version}: {self.view}"
            try:
                raw = await asyncio.wait_for(ws.recv(), min(0.5, remaining))
            except TimeoutError:
                continue
            self.handle(json.loads(raw))
            await self.act(ws)

    async def first_update(self, ws: ClientConnection) -> dict[str, Any]:
        """The update a new connection starts with. A request left unanswered on an earlier
        connection (the server went away) never will be: forget it, as a browser does."""
        self.pending = None
        self.acted_at = -1
        message = json.loads(await asyncio.wait_for(ws.recv(), 10))
        assert message["type"] == "update", message
        self.handle(message)
        return message


def seat_two(
    left: Any, right: Any, seed: int, names: tuple[str, str], kind: type[Player] = Player
) -> tuple[Player, Player]:
    """A room created through ``left`` by ``names[0]`` with two bots, joined through ``right``
    by ``names[1]``: their two players (neither connected yet)."""
    status, created = left.post("/api/rooms/", {"player_name": names[0], "bots": 2, "seed": seed})
    assert status == 201, created
    room_id = created["room_id"]
    status, joined = right.post(f"/api/rooms/{room_id}/join/", {"player_name": names[1]})
    assert status == 201, joined
    return (
        kind(names[0].lower(), room_id, created["seat"], created["token"]),
        kind(names[1].lower(), room_id, joined["seat"], joined["token"]),
    )


def connect_ws(server, player: Player) -> connect:
    return connect(
        server.ws_url(player.path()),
        origin=server.origin,
        proxy=None,
        open_timeout=10,
        close_timeout=2,
    )


def all_events(server, room_id: str) -> list[dict[str, Any]]:
    events: list[dict[str, Any]] = []
    after: int | None = 0
    while after is not None:
        status, body = server.get(f"/api/debug/events/{room_id}/?after={after}&limit=1000")
        assert status == 200, body
        events += body["events"]
        after = body["next_after"]
    return events


async def settled(server, room_id: str) -> dict[str, Any]:
    """The room's summary once its version stops moving (closing sockets may still write)."""
    previous = None
    for _ in range(50):
        status, room = server.get(f"/api/rooms/{room_id}/")
        assert status == 200, room
        if previous is not None and room["version"] == previous["version"]:
            return room
        previous = room
        await asyncio.sleep(0.2)
    raise AssertionError(f"room {room_id} kept changing: {previous}")


async def play_through(
    endpoint: Any,
    player: Player,
    done: Callable[[], bool],
    seconds: float,
    ws: ClientConnection | None = None,
) -> int:
    """``player`` plays through ``endpoint`` (a proxy) until ``done``, on ``ws`` if given (its
    first update already handled), and connects again with ``?version=`` whenever its socket is
    lost (a process killed or restarted behind the proxy), as the browser does. Returns how many
    times its socket was lost."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + seconds
    lost = 0
    while not done():
        assert loop.time() < deadline, f"{player.name} timed out at version {player.version}"
        try:
            if ws is None:
                async with connect_ws(endpoint, player) as fresh:
                    await player.first_update(fresh)
                    await player.play(fresh, done, deadline - loop.time())
            else:
                opened, ws = ws, None
                async with opened:
                    await player.play(opened, done, deadline - loop.time())
        except (ConnectionClosed, OSError, InvalidStatus, TimeoutError):
            lost += 1
            await asyncio.sleep(0.2)  # the proxy is finding a process that is up
    return lost
