"""A game survives a server restart (docs/architecture.md): two humans and two bots play over real
WebSockets against daphne, the server is terminated mid-game, a new one starts on the same
database, the humans reconnect with their seat tokens and finish the game. The room's event log
is then gapless and its replay ends in game_over."""

from __future__ import annotations

import asyncio
import sqlite3

from .players import Player, all_events, connect_ws, settled

PHASE_1_SECONDS = 20.0
PHASE_2_SECONDS = 40.0
TURNS_BEFORE_THE_CRASH = 3


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


async def test_a_restarted_server_resumes_its_rooms_before_any_request(servers):
    """After a restart the rooms go on by themselves, with nobody connected yet: the sweeper
    starts with the server, drops the sockets of the process that died, and the bots play the
    absent player's seat to the end of the game."""
    first = servers.start()
    status, created = first.post(
        "/api/rooms/", {"player_name": "Alice", "bots": 3, "seed": 20240602}
    )
    assert status == 201, created
    room_id = created["room_id"]
    alice = Player("alice", room_id, 0, created["token"])
    async with connect_ws(first, alice) as ws:
        await alice.first_update(ws)
        await alice.send(ws, "start_game")
        await alice.play(ws, lambda: alice.turns_won >= 1, PHASE_1_SECONDS)
        # The game waits for Alice, who is connected; the server goes away under her.
        first.stop()

    def room_row() -> tuple[int, str]:
        with sqlite3.connect(servers.db_path) as db:
            return db.execute(
                "SELECT version, status FROM rooms_room WHERE id = ?", (room_id,)
            ).fetchone()

    stopped_at, status = room_row()
    assert status == "playing"
    second = servers.start(request=False)
    for _ in range(int(PHASE_2_SECONDS / 0.2)):
        version, status = room_row()
        if status == "finished":
            break
        await asyncio.sleep(0.2)
    assert status == "finished", f"the room stayed at version {version} (from {stopped_at})"
    assert version > stopped_at
    second.stop()
