"""Expert bots in rooms: chosen per seat with ``add_bot``, thinking outside the write, and
playing exactly the moves the simulator's rule gives (the same seed derivation)."""

from __future__ import annotations

import pytest
from channels.db import database_sync_to_async

from eventlog.selectors import replay
from game.autoplay import bot_command
from game.bots import choose
from game.engine import next_declarer, to_act
from game.expert import Budget
from game.state import Phase
from game.views import bot_view, legal
from rooms import services
from rooms.services import Rethink, Thought, room_act_sync, room_create_sync, room_fire_sync, think
from rooms.tests.wsclient import create_room, event_rows, game_over

pytestmark = pytest.mark.django_db(transaction=True)


async def test_a_host_adds_bots_of_each_level_and_the_experts_play_the_replayable_moves(
    ws, settings
):
    # The CPU cap out of reach: a decision cut short by a busy machine would not replay exactly.
    settings.LIAPTUI_EXPERT_BUDGET_MS = 60_000
    created = await create_room("Alice", 0)
    alice = await ws.seat(created)
    for seat, strategy in ((1, "expert"), (2, "greedy"), (3, "expert")):
        await alice.ok("add_bot", seat=seat, strategy=strategy)
    await alice.until(lambda v: all(s["name"] for s in v["seats"]))
    assert [s["bot"] for s in alice.view["seats"]] == [None, "expert", "greedy", "expert"]
    await alice.ok("start_game")
    view = await alice.play_until(game_over)
    assert view["phase"] == "game_over"

    rows = await event_rows(created.room_id)
    budget = Budget(cpu_ms=settings.LIAPTUI_EXPERT_BUDGET_MS)
    checked = await database_sync_to_async(_check_expert_moves)(created.room_id, rows, budget)
    assert checked > 20


def _check_expert_moves(room_id: str, rows: list[dict], budget: Budget) -> int:
    """Every declaration and play of an expert seat is what ``bot_command`` decides in the state
    before it, with the room's version then: the room decides as the simulator does."""
    checked = 0
    for row in rows:
        if row["type"] not in ("declared", "played") or row["actor"] not in (1, 3):
            continue
        before = row["seq"] - 1
        state, _ = replay(room_id, upto=before)
        command = bot_command(state, row["actor"], "expert", before, budget)
        if row["type"] == "declared":
            assert command.args["value"] == row["payload"]["value"]
        else:
            assert sorted(command.args["pieces"]) == sorted(row["payload"]["pieces"])
        checked += 1
    return checked


def _expert_to_act() -> tuple[str, int, int, list[int]]:
    """A room whose next move is an expert's declaration: (room id, version, seat, the values
    it may declare)."""
    room_id = room_create_sync("Ann", 0).room_id
    for seat in (1, 2, 3):
        room_act_sync(room_id, 0, "add_bot", {"seat": seat, "strategy": "expert"})
    room_act_sync(room_id, 0, "start_game", {})
    for _ in range(50):
        state, version = services.room_state(room_id)
        seat = next_declarer(state)
        if state.phase is Phase.DECLARATION and seat is not None and seat != 0:
            return room_id, version, seat, legal(state, seat)["declare"]
        room_fire_sync(room_id)  # the absent host's smart stand-in, pauses, redeals
    raise AssertionError("no expert declaration came")


def test_a_thought_is_used_for_its_own_version_only():
    room_id, version, seat, allowed = _expert_to_act()
    thought = think(room_id, version, seat)
    assert thought is not None and (thought.version, thought.seat) == (version, seat)
    real = thought.command.args["value"]
    forged = next(v for v in allowed if v != real)

    # Made for another version: ignored, the write decides itself.
    stale = Thought(version - 1, seat, thought.command._replace(args={"value": forged}))
    written = room_fire_sync(room_id, stale)
    declared = [e for e in written.events if e["type"] == "declared"]
    assert declared[0]["payload"] == {"seat": seat, "value": real}

    # Made for this version and seat: used as it is (the write does not think again).
    room_id, version, seat, allowed = _expert_to_act()
    thought = think(room_id, version, seat)
    assert thought is not None
    forged = next(v for v in allowed if v != thought.command.args["value"])
    forged_thought = Thought(version, seat, thought.command._replace(args={"value": forged}))
    written = room_fire_sync(room_id, forged_thought)
    declared = [e for e in written.events if e["type"] == "declared"]
    assert declared[0]["payload"] == {"seat": seat, "value": forged}


def test_a_write_without_a_thought_for_its_version_asks_for_one_and_changes_nothing():
    room_id, version, seat, _ = _expert_to_act()
    with pytest.raises(Rethink) as asked:
        room_fire_sync(room_id, None, decide=False)
    assert (asked.value.version, asked.value.seat) == (version, seat)
    assert services.room_state(room_id)[1] == version
    # A thought for another seat is no answer either.
    other = think(room_id, version, seat)._replace(seat=(seat % 3) + 1)
    with pytest.raises(Rethink):
        room_fire_sync(room_id, other, decide=False)
    assert services.room_state(room_id)[1] == version


def test_nothing_to_think_about_for_a_seat_that_is_not_to_act():
    room_id, version, seat, _ = _expert_to_act()
    idle = next(s for s in (1, 2, 3) if s != seat)
    assert think(room_id, version, idle) is None
    assert think(room_id, version - 1, seat) is None  # the cache holds another version


def test_a_player_who_is_away_is_played_by_smart():
    """The absent host (seat 0, never connected) is played by ``smart`` even among experts."""
    room_id = room_create_sync("Ann", 3, bot_strategy="expert").room_id
    room_act_sync(room_id, 0, "start_game", {})
    host_moves = 0
    for _ in range(200):
        state, _ = services.room_state(room_id)
        if 0 in to_act(state) and state.phase in (Phase.DECLARATION, Phase.TURN):
            expected = choose(bot_view(state, 0), "smart")
            written = room_fire_sync(room_id)
            event = next(e for e in written.events if e["actor"] == 0)
            if expected.type == "declare":
                assert event["payload"]["value"] == expected.args["value"]
            else:
                assert sorted(event["payload"]["pieces"]) == sorted(expected.args["pieces"])
            host_moves += 1
        else:
            room_fire_sync(room_id)
    assert host_moves > 5
