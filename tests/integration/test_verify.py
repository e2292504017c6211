"""Every update is the truth (in the spirit of Zulip's ``verify_action``): over whole games with
two server processes on PostgreSQL + Redis, each update any socket receives carries a view
equal to ``seat_view`` of the log replayed up to that update's version, whichever path built
it: the process's cached state (the acting player's own update), a broadcast folded onto the
cache (a write of the other process), or the database (a reconnect with ``?version=``, a
``resync``).

Part of the service-backed run (``make test-services``).
"""

from __future__ import annotations

import asyncio
import json
from dataclasses import dataclass, field
from typing import Any

import pytest
from websockets.asyncio.client import ClientConnection, connect

from game.engine import apply
from game.state import Event, GameState
from game.views import seat_view

from .conftest import two_processes
from .players import Player, all_events, connect_ws, seat_two, settled

pytestmark = pytest.mark.services
GAME_SECONDS = 120.0


@dataclass
class Recording:
    """Every update one socket got: (seat, version, view)."""

    seat: int | None
    updates: list[tuple[int, dict[str, Any]]] = field(default_factory=list)

    def record(self, message: dict[str, Any]) -> None:
        if message["type"] == "update":
            self.updates.append((message["version"], message["view"]))


@dataclass
class RecordingPlayer(Player):
    recording: Recording | None = None

    def handle(self, message: dict[str, Any]) -> None:
        if self.recording is None:
            self.recording = Recording(self.seat)
        self.recording.record(message)
        super().handle(message)


async def watch(server: Any, room_id: str, recording: Recording) -> None:
    """A spectator on ``server`` until the game is over; it asks for a resync on the way."""
    url = server.ws_url(f"/ws/rooms/{room_id}/")
    async with connect(url, origin=server.origin, proxy=None, open_timeout=10) as ws:
        asked = False
        while True:
            try:
                message = json.loads(await asyncio.wait_for(ws.recv(), GAME_SECONDS))
            except TimeoutError:
                raise AssertionError(f"the spectator of {room_id} heard nothing") from None
            recording.record(message)
            if message["type"] != "update":
                continue
            if message["view"]["phase"] == "game_over":
                return
            if not asked and message["version"] > 30:
                asked = True
                await ws.send(json.dumps({"type": "resync", "version": message["version"] - 5}))


async def play_with_a_reconnect(server: Any, player: RecordingPlayer) -> None:
    """Play to game over, closing the socket once mid-game and connecting again with
    ``?version=`` (the missed events and the view then come from the database)."""
    done = False

    def over() -> bool:
        return player.view is not None and player.view["phase"] == "game_over"

    def halfway() -> bool:
        return over() or (not done and player.version > 40)

    ws: ClientConnection
    async with connect_ws(server, player) as ws:
        await player.first_update(ws)
        if player.seat == 0:
            await player.send(ws, "start_game")
        await player.play(ws, halfway, GAME_SECONDS)
    done = True
    async with connect_ws(server, player) as ws:
        await player.first_update(ws)
        await player.play(ws, over, GAME_SECONDS)


async def one_room(left: Any, right: Any, seed: int) -> tuple[str, list[Recording]]:
    ann, bob = seat_two(left, right, seed, ("Ann", "Bob"), RecordingPlayer)
    room_id = ann.room_id
    watchers = [Recording(None), Recording(None)]
    # Bob connects first, so that Ann's start finds the table full.
    async with connect_ws(right, bob) as ws_b:
        await bob.first_update(ws_b)
        await asyncio.gather(
            play_with_a_reconnect(left, ann),
            bob.play(ws_b, lambda: bob.view["phase"] == "game_over", GAME_SECONDS),
            watch(right, room_id, watchers[0]),
            watch(left, room_id, watchers[1]),
        )
    return room_id, [ann.recording, bob.recording, *watchers]


def states_by_version(events: list[dict[str, Any]]) -> dict[int, GameState]:
    state, states = GameState(), {}
    for event in events:
        state = apply(state, Event(event["type"], event["payload"], event["actor"]))
        states[event["seq"]] = state
    return states


@pytest.fixture
def scaled_servers(tmp_path):
    with two_processes(tmp_path, "liaptui_verify") as servers:
        yield servers


async def test_every_update_any_socket_receives_is_the_replayed_truth(scaled_servers):
    left, right = scaled_servers
    rooms = await asyncio.gather(one_room(left, right, 101), one_room(right, left, 202))
    checked = 0
    for room_id, recordings in rooms:
        await settled(left, room_id)
        events = all_events(right, room_id)
        assert [e["seq"] for e in events] == list(range(1, len(events) + 1))
        states = states_by_version(events)
        for recording in recordings:
            assert recording.updates, room_id
            for version, view in recording.updates:
                expected = seat_view(states[version], recording.seat)
                expected = json.loads(json.dumps(expected))  # as it travels
                view = {**view, "deadline": None}
                assert view == expected, (room_id, recording.seat, version)
                checked += 1
        # Both players saw the whole game, the reconnect included.
        assert recordings[0].updates[-1][1]["phase"] == "game_over"
        assert recordings[1].updates[-1][1]["phase"] == "game_over"
    assert checked > 400
