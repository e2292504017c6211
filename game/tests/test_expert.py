"""The ``expert`` bot: legal, deterministic, and sampling only hands the public facts allow."""

from __future__ import annotations

import random
from collections import Counter

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from game import expert
from game.autoplay import bot_command, sampling_seed
from game.engine import execute, to_act
from game.expert import Budget, sample_hands
from game.simulate import play_game, simulate
from game.state import Phase
from game.views import bot_view, legal

from .helpers import RULE_DECK, RULE_POINTS

#: A small work budget keeps whole games fast; the CPU cap is far away so nothing depends on it.
SMALL = Budget(rollouts=8, cpu_ms=10_000)
LINEUP = ("expert", "smart", "expert", "greedy")


@settings(max_examples=4, deadline=None, derandomize=True)
@given(seed=st.integers(min_value=0, max_value=2**62))
def test_the_expert_only_ever_sends_legal_commands(seed):
    """Whole games: every expert command is within its seat's legal block, and the engine
    accepts it (``execute`` raises on any illegal command)."""
    checked = 0
    for _, state in play_game(seed, LINEUP, max_rounds=4, budget=SMALL):
        for seat in to_act(state):
            if LINEUP[seat] != "expert":
                continue
            command = bot_command(state, seat, "expert", 0, SMALL)
            allowed = legal(state, seat)
            if command.type == "declare":
                assert command.args["value"] in allowed["declare"]
            elif command.type == "play":
                pieces = command.args["pieces"]
                assert allowed["play"]["min"] <= len(pieces) <= allowed["play"]["max"]
                assert not Counter(pieces) - Counter(state.seats[seat].hand)
            else:
                assert command.type == "redeal" and allowed["redeal"]
            execute(state, command)
            checked += 1
    assert checked > 20


def test_same_seed_same_games_and_another_seed_other_games():
    """Two runs give the same event dumps, in one process or split over two."""
    lineup = ("expert", "smart", "smart", "smart")
    first = simulate(4, seed=7, bots=lineup, workers=1, dump=True, budget=SMALL)
    second = simulate(4, seed=7, bots=lineup, workers=2, dump=True, budget=SMALL)
    other = simulate(4, seed=8, bots=lineup, workers=1, dump=True, budget=SMALL)
    assert first.events == second.events
    assert len(first.events) > 1000
    assert first.events != other.events


def test_the_expert_decides_from_its_sampling_seed():
    """The same view with another sampling seed may be decided otherwise, and the same seed
    always the same way: the randomness comes from the seed passed, nothing else."""
    decisions, differ = 0, 0
    for _, state in play_game(3, ("expert", "smart", "smart", "smart"), max_rounds=2):
        if to_act(state) != [0] or state.phase is not Phase.TURN:
            continue
        view = bot_view(state, 0, history=True)
        one = expert.choose(view, 1, SMALL)
        assert one == expert.choose(view, 1, SMALL)
        differ += one != expert.choose(view, 2, SMALL)
        decisions += 1
    assert decisions > 5 and differ > 0


def test_the_sampling_seed_is_a_hash_and_differs_for_every_event():
    seeds = {sampling_seed(12345, n) for n in range(1000)}
    assert len(seeds) == 1000
    assert 12345 not in seeds
    assert sampling_seed(12345, 10) == sampling_seed(12345, 10)
    assert sampling_seed(12345, 10) != sampling_seed(12346, 10)


@pytest.mark.parametrize("game_seed", [11, 12])
def test_sampled_hands_are_consistent_with_everything_public(game_seed):
    rng = random.Random(game_seed)
    checked = 0
    for _, state in play_game(game_seed, ("expert", "smart", "smart", "smart"), max_rounds=3):
        if state.phase not in (Phase.DECLARATION, Phase.TURN) or state.turn is None:
            continue
        seat = 1
        facts = expert.public_facts(bot_view(state, seat, history=True))
        hands = sample_hands(facts, rng)
        played = Counter(
            p for turn in state.round_turns for play in turn.plays for p in play.pieces
        )
        played.update(p for play in state.turn.plays for p in play.pieces)
        assert hands[seat] == state.seats[seat].hand
        assert Counter(p for hand in hands for p in hand) + played == RULE_DECK
        for other in range(4):
            assert len(hands[other]) == len(state.seats[other].hand)
            if other in state.weak and other != seat and hands[other]:
                assert max(RULE_POINTS[p] for p in hands[other]) <= 9
        checked += 1
    assert checked > 20


def test_a_seat_that_was_not_weak_is_sampled_with_a_strong_piece_until_it_shows_one():
    for _, state in play_game(21, ("expert", "smart", "smart", "smart"), max_rounds=2):
        if state.phase is Phase.TURN and state.turn is not None and not state.round_turns:
            break
    facts = expert.public_facts(bot_view(state, 0, history=True))
    assert facts.strong_needed  # some seat has not shown its strong piece yet
    rng = random.Random(0)
    for _ in range(50):
        hands = sample_hands(facts, rng)
        for seat in facts.strong_needed:
            assert max(RULE_POINTS[p] for p in hands[seat]) > 9


def test_a_tiny_cpu_budget_still_gives_a_legal_move():
    """The CPU guard stops the sampling early; the expert still answers with a legal command."""
    budget = Budget(rollouts=10_000, cpu_ms=0.001)
    for _, state in play_game(5, ("expert", "smart", "smart", "smart"), max_rounds=1, budget=SMALL):
        if to_act(state) == [0] and state.phase in (Phase.DECLARATION, Phase.TURN):
            execute(state, bot_command(state, 0, "expert", 0, budget))


def test_a_budget_needs_work_and_time():
    with pytest.raises(ValueError):
        Budget(rollouts=0)
    with pytest.raises(ValueError):
        Budget(cpu_ms=0)
