"""A game survives a server restart (DESIGN.md §5): two humans and two bots play over real
WebSockets against daphne, the server is terminated mid-game, a new one starts on the same
database, the humans reconnect with their seat tokens and finish the game. The room's event log
is then gapless and its replay ends in game_over."""

from __future__ import annotations

import asyncio
import json
import sqlite3
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from websockets.asyncio.client import ClientConnection, connect

from game.bots import choose

#: Refusals a scripted client may meet because it acts on a view the game has already left (with
#: every delay at 0 the redeal window closes at once); anything else is a failure.
RACES = {"no_redeal_pending", "not_your_turn", "wrong_phase"}
PHASE_1_SECONDS = 20.0
PHASE_2_SECONDS = 40.0
TURNS_BEFORE_THE_CRASH = 3


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
        message = json.loads(await asyncio.wait_for(ws.recv(), 10))
        assert message["type"] == "update", message
        self.handle(message)
        return message


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


async def test_a_game_survives_a_server_restart(servers):
    first = servers.start()

    # --- a room of Alice, two bots and Bob, over HTTP
    status, created = first.post(
        "/api/rooms/", {"player_name": "Alice", "bots": 2, "seed": 20240601}
    )
    assert status == 201, created
    room_id = created["room_id"]
    status, joined = first.post(f"/api/rooms/{room_id}/join/", {"player_name": "Bob"})
    assert status == 201, joined
    assert (created["seat"], joined["seat"]) == (0, 3)
    alice = Player("alice", room_id, 0, created["token"])
    bob = Player("bob", room_id, 3, joined["token"])

    # --- both connect, Alice starts, everybody plays a few turns
    async with connect_ws(first, alice) as ws_a, connect_ws(first, bob) as ws_b:
        await alice.first_update(ws_a)
        await bob.first_update(ws_b)
        assert alice.view["legal"]["start"] is True
        assert bob.view["legal"]["start"] is False
        await alice.send(ws_a, "start_game")

        def crash_now() -> bool:
            return alice.turns_won >= TURNS_BEFORE_THE_CRASH

        await asyncio.gather(
            alice.play(ws_a, crash_now, PHASE_1_SECONDS),
            bob.play(ws_b, crash_now, PHASE_1_SECONDS),
        )
        assert alice.view["phase"] not in ("waiting", "game_over")
        status, room = first.get(f"/api/rooms/{room_id}/")
        assert status == 200 and room["status"] == "playing", room
        before = room["version"]
        status, replay_before = first.get(f"/api/debug/replay/{room_id}/?upto={before}")
        assert status == 200
        # The server goes away under connected players.
        first.stop()
        assert first.proc.returncode is not None

    # --- a new process on the same database; the players come back with their tokens
    second = servers.start()
    status, room = second.get(f"/api/rooms/{room_id}/")
    assert status == 200, room
    assert room["version"] >= before
    assert room["status"] == "playing"
    # The new process rebuilds exactly the same history from the log.
    status, replay_after = second.get(f"/api/debug/replay/{room_id}/?upto={before}")
    assert status == 200
    assert replay_after == replay_before
    # The room goes on by itself (bots play the absent humans): compare at one version.
    live = second.get(f"/api/debug/rooms/{room_id}/state/")[1]
    assert live == second.get(f"/api/debug/replay/{room_id}/?upto={live['version']}")[1]

    seen_before = (alice.version, bob.version)
    async with connect_ws(second, alice) as ws_a, connect_ws(second, bob) as ws_b:
        await alice.first_update(ws_a)
        await bob.first_update(ws_b)
        assert alice.version >= seen_before[0] and bob.version >= seen_before[1]
        await asyncio.gather(
            alice.play(ws_a, lambda: alice.view["phase"] == "game_over", PHASE_2_SECONDS),
            bob.play(ws_b, lambda: bob.view["phase"] == "game_over", PHASE_2_SECONDS),
        )
    assert alice.sent > 0 and bob.sent > 0
    assert alice.view["winners"] and alice.view["winners"] == bob.view["winners"]
    # Each client saw a contiguous run of events from where it first asked.
    for player in (alice, bob):
        assert player.seqs == list(range(player.seqs[0], player.seqs[-1] + 1)), player.name

    # --- the log, through the debug API (DEBUG is on), once the closed sockets are handled
    room = await settled(second, room_id)
    assert room["status"] == "finished"
    events = all_events(second, room_id)
    n = len(events)
    assert [e["seq"] for e in events] == list(range(1, n + 1))
    assert room["version"] == n
    status, final = second.get(f"/api/debug/replay/{room_id}/?upto={n}")
    assert status == 200
    assert final["events_applied"] == n
    assert final["state"]["phase"] == "game_over"
    assert final["state"]["winners"] == alice.view["winners"]
    assert sum(1 for e in events if e["type"] == "game_over") == 1
    assert sum(1 for e in events if e["type"] == "game_started") == 1
    game_over_seq = next(e["seq"] for e in events if e["type"] == "game_over")
    assert alice.version >= game_over_seq and bob.version >= game_over_seq
    second.stop()

    # --- and straight from the database file
    with sqlite3.connect(servers.db_path) as db:
        rows = db.execute(
            "SELECT seq, type, phase FROM eventlog_event WHERE room_id = ? ORDER BY seq, id",
            (room_id,),
        ).fetchall()
        (version,) = db.execute(
            "SELECT version FROM rooms_room WHERE id = ?", (room_id,)
        ).fetchone()
    seqs = [seq for seq, _, _ in rows]
    assert seqs == list(range(1, len(rows) + 1)), "gap or duplicate in the room's seq"
    assert len(set(seqs)) == len(seqs)
    assert version == len(rows) == n
    assert rows[-1][2] == "game_over"
    after_the_end = [kind for seq, kind, _ in rows if seq > game_over_seq]
    assert set(after_the_end) <= {"player_connected", "player_disconnected", "host_changed"}
