"""Bots send only commands the engine accepts, and whole bot games end properly."""

from __future__ import annotations

import itertools
from collections import Counter

import pytest

from game.bots import choose, valid_plays
from game.engine import decide, fold, to_act
from game.simulate import play_game
from game.state import GameState, Phase
from game.views import seat_view

from .helpers import (
    RULE_DECK,
    Driver,
    find_seed,
    rule_play_type,
    rule_score,
    started,
    weak_seats,
)

LINEUPS = [
    ("smart", "smart", "smart", "smart"),
    ("greedy", "greedy", "greedy", "greedy"),
    ("smart", "greedy", "smart", "greedy"),
    ("greedy", "smart", "greedy", "smart"),
    ("greedy", "smart", "smart", "greedy"),
]


def check_finished_game(state: GameState) -> None:
    assert state.phase is Phase.GAME_OVER
    assert state.result is not None
    cap, win = state.config.max_rounds, state.config.win_score
    assert 1 <= state.round <= cap
    assert len(state.history) == state.round
    for r in state.history:
        assert sum(r.piles) == 8
    totals = [0, 0, 0, 0]
    for r in state.history:
        for seat in range(4):
            delta = rule_score(r.declared[seat], r.piles[seat], r.multiplier)
            assert r.deltas[seat] == delta
            totals[seat] += delta
            assert r.scores[seat] == totals[seat]
    assert [s.score for s in state.seats] == totals
    top = max(totals)
    assert list(state.winners) == [i for i in range(4) if totals[i] == top]
    assert top >= win or state.round == cap
    assert all(max(r.scores) < win for r in state.history[:-1])


@pytest.mark.parametrize("lineup", LINEUPS, ids=["-".join(lineup) for lineup in LINEUPS])
def test_bot_games_are_legal_and_end(lineup):
    """play_game executes every bot command, so any refusal (RuleError) fails the test."""
    for seed in range(12):
        state = None
        commands = 0
        for _, state in play_game(seed * 7 + 1, lineup):  # noqa: B007
            commands += 1
        check_finished_game(state)
        assert commands > 50


def test_bot_commands_pass_decide_and_replay_matches():
    """Replay the events of a bot game step by step against the live states."""
    replayed = GameState()
    for events, state in play_game(5, ("smart", "greedy", "greedy", "smart"), max_rounds=3):
        replayed = fold(events, replayed)
        assert replayed == state
    check_finished_game(state)
    assert state.config.max_rounds == 3


def test_choose_only_for_the_seat_to_act():
    acted = Counter()
    for _, state in play_game(3, ("smart", "greedy", "smart", "greedy"), max_rounds=2):
        waiting = to_act(state)
        for strategy in ("smart", "greedy"):
            assert choose(seat_view(state, None), strategy) is None
            for seat in range(4):
                command = choose(seat_view(state, seat), strategy)
                if seat not in waiting:
                    assert command is None
                    continue
                # any strategy playing any waiting seat sends a command the engine accepts
                assert command is not None and command.seat == seat
                decide(state, command)
                acted[command.type] += 1
    assert set(acted) == {"declare", "play"} or set(acted) == {"declare", "play", "redeal"}


def test_bots_answer_a_redeal():
    seed = find_seed(lambda s: len(weak_seats(s)) == 1)
    state = started(seed)
    (weak,) = state.weak
    smart = choose(seat_view(state, weak), "smart")
    greedy = choose(seat_view(state, weak), "greedy")
    assert smart.type == greedy.type == "redeal"
    assert isinstance(smart.args["accept"], bool)
    decide(state, smart)
    decide(state, greedy)
    for seat in range(4):
        if seat != weak:
            assert choose(seat_view(state, seat), "smart") is None


def test_bots_in_a_human_driven_game():
    """Bots take over any seat at any point of a game driven by other policies."""
    seed = find_seed(lambda s: not weak_seats(s))
    driver = Driver(started(seed, max_rounds=2))
    while driver.state.phase is not Phase.GAME_OVER:
        state = driver.state
        for seat in to_act(state):
            for strategy in ("smart", "greedy"):
                command = choose(seat_view(state, seat), strategy)
                assert command is not None
                decide(state, command)
        driver.step()


def test_valid_plays_are_valid_and_complete():
    hands = [
        ("CHARIOT_RED",) * 2 + ("HORSE_RED",) * 2 + ("CANNON_RED",) * 2 + ("SOLDIER_RED",) * 2,
        ("SOLDIER_BLACK",) * 5 + ("GENERAL_RED", "ADVISOR_RED", "ELEPHANT_RED"),
        ("GENERAL_BLACK", "ADVISOR_BLACK", "ADVISOR_BLACK", "ELEPHANT_BLACK", "ELEPHANT_BLACK")
        + ("SOLDIER_RED",) * 3,
    ]
    deck = list(RULE_DECK.elements())
    hands += [tuple(sorted(deck[i : i + 8])) for i in range(0, 32, 8)]
    for hand in hands:
        plays = valid_plays(hand)
        expected = set()
        for size in range(1, 7):
            for combo in itertools.combinations(sorted(hand), size):
                if rule_play_type(combo) is not None:
                    expected.add(tuple(sorted(combo)))
        assert {tuple(sorted(p)) for p in plays} == expected, hand
