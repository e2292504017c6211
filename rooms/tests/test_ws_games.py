"""Whole games over the room WebSocket: one human with three bots, four humans with a spectator,
and the secrecy of every message of those games (docs/protocol.md, docs/rules.md §5)."""

from __future__ import annotations

import asyncio

import pytest

from game.engine import deal_hands
from game.scoring import round_score
from rooms.tests.wsclient import (
    GAME_TIMEOUT,
    WEAK_SEED,
    assert_secrecy,
    create_room,
    event_rows,
    game_over,
    hold,
    join_room,
    live_state,
    received,
)

pytestmark = pytest.mark.django_db(transaction=True)

#: A seed whose first deal gives seat 0 a weak hand.


def assert_final(view: dict) -> None:
    """A finished game: winners are the top scores, and the scores are the sum of the rounds."""
    assert view["phase"] == "game_over"
    rounds = view["rounds"]
    assert rounds and len(rounds) == view["round"]
    for entry in rounds:
        assert sum(entry["piles"]) == 8
        expected = [
            round_score(d, a, entry["multiplier"])
            for d, a in zip(entry["declared"], entry["piles"], strict=True)
        ]
        assert entry["deltas"] == expected
    totals = [sum(entry["deltas"][seat] for entry in rounds) for seat in range(4)]
    assert [s["score"] for s in view["seats"]] == totals == rounds[-1]["scores"]
    top = max(totals)
    assert view["winners"] == [seat for seat in range(4) if totals[seat] == top]
    assert top >= view["win_score"] or len(rounds) == view["max_rounds"]
    assert view["to_act"] == [] and view["turn"] is None


async def test_one_human_three_bots_full_game(ws):
    created = await create_room("Alice", 3)
    alice = await ws.seat(created)
    assert alice.view["phase"] == "waiting" and alice.view["legal"]["start"] is True
    assert [s["is_bot"] for s in alice.view["seats"]] == [False, True, True, True]

    await alice.ok("start_game")
    view = await alice.play_until(game_over)

    assert_final(view)
    assert view["winners"]
    assert view["you"] == {"seat": 0, "hand": []}
    state, version = await live_state(created.room_id)
    assert alice.version == version and state.phase == "game_over"
    assert [s.score for s in state.seats] == [s["score"] for s in view["seats"]]
    # The human really played: every round has its declaration and its eight plays.
    rows = await event_rows(created.room_id)
    declared = [r for r in rows if r["type"] == "declared" and r["actor"] == 0]
    played = [r for r in rows if r["type"] == "played" and r["actor"] == 0]
    assert len(declared) == view["round"]
    assert sum(len(r["payload"]["pieces"]) for r in played) == 8 * view["round"]
    # Secrecy on every message of the game.
    assert await assert_secrecy(created.room_id, [alice]) > 50


async def test_four_humans_and_a_spectator_full_game(ws, settings):
    # The redeal window stays open until every weak seat decides: "greedy" players accept a
    # redeal, so some rounds are dealt several times (more hands to keep secret). With this
    # seed Ann (greedy) has a weak first hand, so there is at least one redeal.
    hold(settings, "redeal_window")
    created = await create_room("Ann", 0, seed=WEAK_SEED)
    room_id = created.room_id
    joined = [await join_room(room_id, name) for name in ("Bob", "Cat", "Dan")]
    assert [j.seat for j in joined] == [1, 2, 3]
    players = [
        await ws.seat(written, strategy=strategy)
        for written, strategy in zip(
            [created, *joined], ["greedy", "smart", "greedy", "smart"], strict=True
        )
    ]
    spectator = await ws.spectator(room_id)
    assert spectator.view["you"] is None
    assert spectator.view["legal"] == {"start": False, "redeal": False, "declare": [], "play": None}

    ann = players[0]
    await ann.until(lambda v: all(s["connected"] for s in v["seats"]))
    assert ann.view["legal"]["start"] is True
    assert all(p.view["legal"]["start"] is False for p in players[1:])
    await ann.ok("start_game")

    async with asyncio.timeout(GAME_TIMEOUT):
        views = await asyncio.gather(
            *(p.play_until(game_over) for p in players),
            spectator.until(game_over, timeout=GAME_TIMEOUT),
        )
    final = views[-1]
    assert_final(final)
    assert final["winners"]
    version = max(p.version for p in players)
    assert all(p.version == spectator.version == version for p in players)
    assert all(v["winners"] == final["winners"] for v in views)
    assert all(s["is_bot"] is False and s["connected"] for s in final["seats"])

    rows = await event_rows(room_id)
    # Every action of the game was a human's: no bot ever played for a seat, no redeal timed out.
    actions = [r for r in rows if r["type"] in ("redeal_decided", "declared", "played")]
    assert actions and all(r["actor"] == r["payload"]["seat"] for r in actions)
    assert not any(r["payload"].get("timed_out") for r in actions)
    deals = [r for r in rows if r["type"] == "hands_dealt"]
    assert len(deals) > final["round"], "expected at least one accepted redeal"
    # The deals are the seeded deals (the same seed and actions unfold identically).
    for row in deals:
        hands = [tuple(h) for h in row["payload"]["hands"]]
        assert hands == deal_hands(WEAK_SEED, row["payload"]["deal"])

    # The spectator never got a hand; each player got only its own.
    assert spectator.view["you"] is None
    assert all("hand" not in e["payload"] for e in received(spectator, "hands_dealt"))
    for player in players:
        dealt = received(player, "hands_dealt")
        assert len(dealt) == len(deals)
    assert await assert_secrecy(room_id, [*players, spectator]) > 200


async def test_players_cannot_compute_the_other_hands(ws):
    created = await create_room("Alice", 3)
    alice = await ws.seat(created)
    spectator = await ws.spectator(created.room_id)
    await alice.ok("start_game")
    await spectator.until(lambda v: v["phase"] != "waiting")
    rows = await event_rows(created.room_id)
    first_deal = next(r for r in rows if r["type"] == "hands_dealt")["payload"]
    seed = next(r for r in rows if r["type"] == "game_started")["payload"]["seed"]
    # The logged seed gives away every hand ...
    assert [list(h) for h in deal_hands(seed, first_deal["deal"])] == first_deal["hands"]
    # ... so no client ever sees it.
    for client in (alice, spectator):
        (started,) = received(client, "game_started")
        assert "seed" not in started["payload"], started
