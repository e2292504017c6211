"""A game through decide/execute/apply: deal, redeal, starter, declarations, turns, scoring and
the end of the game."""

from __future__ import annotations

import itertools
from collections import Counter

import pytest

from game.engine import Deadline, apply, deadline, deal_hands, execute, fold, to_act
from game.state import Event, GameState, Phase, evolve

from .helpers import (
    RULE_DECK,
    Driver,
    cmd,
    default_declaration,
    find_seed,
    follow_weakest,
    full_room,
    general_red_holder,
    order_from,
    refused,
    rule_play_type,
    rule_score,
    rule_turn_winner,
    rule_weak,
    run,
    started,
    types,
    weak_seats,
    with_hands,
)

# --------------------------------------------------------------------------- the deal


@pytest.mark.parametrize("seed", [0, 1, 42, 2**40, -7])
def test_deal_hands_forms_the_deck(seed):
    for deal in (0, 1, 5):
        hands = deal_hands(seed, deal)
        assert len(hands) == 4
        assert all(len(h) == 8 for h in hands)
        assert sum((Counter(h) for h in hands), Counter()) == RULE_DECK


def test_deal_hands_is_deterministic_per_seed_and_deal():
    assert deal_hands(123, 0) == deal_hands(123, 0)
    assert deal_hands(123, 3) == deal_hands(123, 3)
    assert deal_hands(123, 0) != deal_hands(124, 0)
    assert deal_hands(123, 0) != deal_hands(123, 1)


def test_the_game_deals_the_seeded_hands():
    seed = 31
    state = started(seed)
    assert [s.hand for s in state.seats] == deal_hands(seed, 0)
    assert sum((Counter(s.hand) for s in state.seats), Counter()) == RULE_DECK


def test_deal_is_roughly_uniform():
    """GENERAL_RED lands in every seat about a quarter of the time."""
    counts = Counter(general_red_holder(deal_hands(seed, 0)) for seed in range(2000))
    assert set(counts) == {0, 1, 2, 3}
    assert all(400 < n < 600 for n in counts.values()), counts


def test_same_seed_and_actions_unfold_identically():
    def game(seed: int) -> list:
        driver = Driver(started(seed, max_rounds=3))
        driver.finish()
        return driver.events

    assert game(8) == game(8)
    assert game(8) != game(9)


def test_replay_of_the_events_equals_the_live_state():
    room = full_room(max_rounds=2)
    driver = Driver(room)
    driver.do(cmd("start_game", 0, seed=4, at=1.0))
    states = [driver.state]
    marks = [len(driver.events)]
    while driver.state.phase is not Phase.GAME_OVER:
        driver.step()
        states.append(driver.state)
        marks.append(len(driver.events))
    for state, mark in zip(states, marks, strict=True):
        assert fold(driver.events[:mark], room) == state
    assert fold(driver.events, room) == driver.state


# --------------------------------------------------------------------------- starter, round 1


def test_round_one_starter_holds_the_red_general():
    seed = find_seed(lambda s: not weak_seats(s) and general_red_holder(deal_hands(s, 0)) == 2)
    events, state = execute(full_room(), cmd("start_game", 0, seed=seed))
    assert types(events) == [
        "game_started",
        "phase_change",
        "hands_dealt",
        "phase_change",
    ]
    dealt = events[2].payload
    assert dealt["round"] == 1 and dealt["deal"] == 0
    assert dealt["starter"] == 2 and dealt["weak"] == []
    assert [tuple(h) for h in dealt["hands"]] == [s.hand for s in state.seats]
    assert events[3].payload == {"phase": "round_start"}
    assert state.phase is Phase.ROUND_START
    assert state.starter == 2
    assert "GENERAL_RED" in state.seats[2].hand
    assert deadline(state) == Deadline("advance", "round_start")
    assert to_act(state) == []


def test_declaration_order_runs_clockwise_from_the_starter():
    seed = find_seed(lambda s: not weak_seats(s) and general_red_holder(deal_hands(s, 0)) == 3)
    state = run(started(seed), cmd("advance"))
    assert state.phase is Phase.DECLARATION
    assert deadline(state) is None
    seen = []
    while state.phase is Phase.DECLARATION:
        (seat,) = to_act(state)
        seen.append(seat)
        events, state = execute(state, cmd("declare", seat, value=1))
        assert events[0].type == "declared"
        assert events[0].payload == {"seat": seat, "value": 1}
        assert events[0].actor == seat
    assert seen == [3, 0, 1, 2]
    assert [s.declared for s in state.seats] == [1, 1, 1, 1]
    assert state.phase is Phase.TURN
    assert state.turn is not None and state.turn.leader == 3 and state.turn.number == 1
    assert to_act(state) == [3]


# --------------------------------------------------------------------------- redeal


def test_weak_hand_is_asked_about_a_redeal():
    seed = find_seed(lambda s: len(weak_seats(s)) == 1)
    (weak,) = weak_seats(seed)
    state = started(seed)
    assert rule_weak(state.seats[weak].hand)
    assert state.phase is Phase.PREPARATION
    assert state.weak == (weak,)
    assert to_act(state) == [weak]
    assert deadline(state) == Deadline("timeout", "redeal_window")


def test_redeal_declined_keeps_the_hands():
    seed = find_seed(lambda s: len(weak_seats(s)) == 1)
    (weak,) = weak_seats(seed)
    state = started(seed)
    events, after = execute(state, cmd("redeal", weak, accept=False))
    assert types(events) == ["redeal_decided", "phase_change"]
    assert events[0].payload == {"seat": weak, "accept": False}
    assert after.phase is Phase.ROUND_START
    assert after.multiplier == 1
    assert [s.hand for s in after.seats] == [s.hand for s in state.seats]
    assert after.starter == general_red_holder(deal_hands(seed, 0))


def test_redeal_timeout_declines_the_undecided():
    seed = find_seed(lambda s: len(weak_seats(s)) == 2)
    state = started(seed)
    events, after = execute(state, cmd("timeout"))
    decided = [e for e in events if e.type == "redeal_decided"]
    assert sorted(e.payload["seat"] for e in decided) == weak_seats(seed)
    assert all(e.payload["accept"] is False and e.payload["timed_out"] for e in decided)
    assert all(e.actor is None for e in decided)
    assert after.phase is Phase.ROUND_START
    assert after.multiplier == 1
    assert [s.hand for s in after.seats] == [s.hand for s in state.seats]


def test_redeal_accepted():
    seed = find_seed(lambda s: len(weak_seats(s)) == 1 and not weak_seats(s, 1))
    (weak,) = weak_seats(seed)
    state = started(seed)
    events, state = execute(state, cmd("redeal", weak, accept=True))
    assert types(events) == ["redeal_decided", "redeal", "hands_dealt", "phase_change"]
    assert events[1].payload == {"seat": weak, "multiplier": 2}
    assert events[2].payload["deal"] == 1
    assert state.multiplier == 2
    assert state.starter == weak
    assert [s.hand for s in state.seats] == deal_hands(seed, 1)
    assert sum((Counter(s.hand) for s in state.seats), Counter()) == RULE_DECK
    assert state.phase is Phase.ROUND_START
    # the redeal winner starts: declares first and leads the first turn
    state = run(state, cmd("advance"))
    assert to_act(state) == [weak]


def test_undecided_weak_seat_holds_the_redeal_then_first_accepter_in_play_order_wins():
    def fits(seed: int) -> bool:
        weak = weak_seats(seed)
        if len(weak) != 2:
            return False
        first = general_red_holder(deal_hands(seed, 0))
        in_order = [s for s in order_from(first) if s in weak]
        return in_order[0] != min(weak)  # so seat index order would give the wrong answer

    seed = find_seed(fits)
    first = general_red_holder(deal_hands(seed, 0))
    early, late = [s for s in order_from(first) if s in weak_seats(seed)]
    state = started(seed)
    assert list(state.weak) == [early, late]
    assert to_act(state) == [early, late]
    # the later seat accepts first: nothing happens until everyone has decided
    events, state = execute(state, cmd("redeal", late, accept=True))
    assert types(events) == ["redeal_decided"]
    assert state.phase is Phase.PREPARATION and to_act(state) == [early]
    assert state.multiplier == 1
    refused(state, cmd("redeal", late, accept=False), "no_redeal_pending")
    events, state = execute(state, cmd("redeal", early, accept=True))
    redeal = next(e for e in events if e.type == "redeal")
    assert redeal.payload == {"seat": early, "multiplier": 2}
    assert state.starter == early
    assert state.multiplier == 2


def test_timeout_after_one_accepted_redeals_to_the_accepter():
    seed = find_seed(lambda s: len(weak_seats(s)) == 2)
    first = general_red_holder(deal_hands(seed, 0))
    early, late = [s for s in order_from(first) if s in weak_seats(seed)]
    state = run(started(seed), cmd("redeal", late, accept=True))
    events, state = execute(state, cmd("timeout"))
    assert types(events)[:3] == ["redeal_decided", "redeal", "hands_dealt"]
    assert events[0].payload == {"seat": early, "accept": False, "timed_out": True}
    assert events[1].payload == {"seat": late, "multiplier": 2}
    assert state.starter == late


def test_chained_redeals_grow_the_multiplier_and_recheck_the_new_deal():
    def fits(seed: int) -> bool:
        return (
            len(weak_seats(seed, 0)) == 1
            and len(weak_seats(seed, 1)) == 1
            and weak_seats(seed, 1) != weak_seats(seed, 0)
            and not weak_seats(seed, 2)
        )

    seed = find_seed(fits)
    (first,), (second,) = weak_seats(seed, 0), weak_seats(seed, 1)
    state = started(seed)
    events, state = execute(state, cmd("redeal", first, accept=True))
    # the new deal has a weak hand again: the check runs again
    assert types(events) == ["redeal_decided", "redeal", "hands_dealt"]
    assert state.phase is Phase.PREPARATION
    assert state.multiplier == 2
    assert state.starter == first
    assert state.weak == (second,)
    assert to_act(state) == [second]
    assert [s.hand for s in state.seats] == deal_hands(seed, 1)
    events, state = execute(state, cmd("redeal", second, accept=True))
    assert events[1].payload == {"seat": second, "multiplier": 3}
    assert state.multiplier == 3
    assert state.starter == second
    assert state.phase is Phase.ROUND_START
    assert [s.hand for s in state.seats] == deal_hands(seed, 2)

    # scoring uses the multiplier; the next round starts again at 1
    driver = Driver(state)
    state = driver.round_scored()
    scored = [e for e in driver.events if e.type == "round_scored"][-1]
    assert scored.payload["multiplier"] == 3
    for row in scored.payload["seats"]:
        assert row["delta"] == rule_score(row["declared"], row["piles"], 3)
    driver.step()  # scoring -> preparation of round 2
    assert driver.state.round == 2
    assert driver.state.multiplier == 1


def test_declined_chain_keeps_the_latest_redeal_winner_as_starter():
    def fits(seed: int) -> bool:
        return len(weak_seats(seed, 0)) == 1 and len(weak_seats(seed, 1)) >= 1

    seed = find_seed(fits)
    (first,) = weak_seats(seed, 0)
    state = run(started(seed), cmd("redeal", first, accept=True), cmd("timeout"))
    assert state.phase is Phase.ROUND_START
    assert state.multiplier == 2
    assert state.starter == first


# --------------------------------------------------------------------------- turns


def lead_pair_or_single(state: GameState, seat: int) -> list[str]:
    """Lead a pair when the hand has one, else its strongest single."""
    counts = Counter(state.seats[seat].hand)
    pairs = [kind for kind, n in counts.items() if n >= 2]
    if pairs:
        return [pairs[0]] * 2
    return [state.seats[seat].hand[0]]


def lead_biggest(state: GameState, seat: int) -> list[str]:
    """Lead the largest valid play of the hand (straights, soldiers …), by docs/rules.md §2."""
    hand = sorted(state.seats[seat].hand)
    for size in range(min(6, len(hand)), 0, -1):
        for combo in itertools.combinations(hand, size):
            if rule_play_type(combo) is not None:
                return list(combo)
    raise AssertionError("a single is always valid")


def follow_strongest(state: GameState, seat: int, required: int) -> list[str]:
    return list(state.seats[seat].hand[:required])


@pytest.mark.parametrize("seed", [2, 11, 23])
@pytest.mark.parametrize(
    ("lead", "follow"),
    [
        (lead_pair_or_single, follow_weakest),
        (lead_pair_or_single, follow_strongest),
        (lead_biggest, follow_weakest),
        (lead_biggest, follow_strongest),
    ],
)
def test_a_round_of_turns(seed, lead, follow):
    driver = Driver(started(seed), lead=lead, follow=follow)
    driver.until(Phase.TURN)
    start = driver.state.starter
    before = {i: s.turns_won for i, s in enumerate(driver.state.seats)}
    expected_leader = start
    piles = [0, 0, 0, 0]
    number = 0
    while driver.state.phase is Phase.TURN:
        number += 1
        turn = driver.state.turn
        assert turn is not None and turn.number == number
        assert turn.leader == expected_leader
        plays: list[tuple[int, tuple[str, ...]]] = []
        events = []
        for seat in order_from(expected_leader):
            assert to_act(driver.state) == [seat]
            hand_before = Counter(driver.state.seats[seat].hand)
            events = driver.step()
            played = events[0]
            assert played.type == "played" and played.actor == seat
            pieces = tuple(played.payload["pieces"])
            assert played.payload["play_type"] == rule_play_type(pieces)
            assert Counter(driver.state.seats[seat].hand) == hand_before - Counter(pieces)
            plays.append((seat, pieces))
        assert len({len(p) for _, p in plays}) == 1  # everyone played the leader's count
        winner = plays[rule_turn_winner([p for _, p in plays])][0]
        won = plays[rule_turn_winner([p for _, p in plays])][1]
        # turn results after every turn
        assert types(events)[-2:] == ["turn_won", "phase_change"]
        assert events[-2].payload == {
            "turn": number,
            "winner": winner,
            "pieces": list(won),
            "play_type": rule_play_type(won),
            "piles": len(won),
        }
        state = driver.state
        assert state.phase is Phase.TURN_RESULTS
        assert deadline(state) == Deadline("advance", "turn_results")
        assert to_act(state) == []
        assert state.turn is None
        assert state.last_turn is not None and state.last_turn.winner == winner
        assert [p.seat for p in state.last_turn.plays] == order_from(expected_leader)
        piles[winner] += len(won)
        assert [s.piles for s in state.seats] == piles
        expected_leader = winner
        driver.step()  # advance: next turn or scoring
    assert sum(piles) == 8
    assert all(not s.hand for s in driver.state.seats)
    assert driver.state.phase is Phase.SCORING
    won_turns = Counter(e.payload["winner"] for e in driver.events if e.type == "turn_won")
    for i, s in enumerate(driver.state.seats):
        assert s.turns_won == before[i] + won_turns[i]


def test_scoring_and_the_next_round_starter():
    seed = find_seed(lambda s: not weak_seats(s) and not weak_seats(s, 1), start=100)
    driver = Driver(started(seed, win_score=1000))
    state = driver.round_scored()
    assert deadline(state) == Deadline("advance", "scoring")
    scored = [e for e in driver.events if e.type == "round_scored"]
    assert len(scored) == 1
    payload = scored[0].payload
    assert payload["round"] == 1 and payload["multiplier"] == 1
    for i, row in enumerate(payload["seats"]):
        seat = state.seats[i]
        assert row["seat"] == i
        assert row["declared"] == seat.declared and row["piles"] == seat.piles
        assert row["delta"] == rule_score(seat.declared, seat.piles)
        assert row["score"] == seat.score == row["delta"]
        assert seat.perfect_rounds == (1 if seat.declared and seat.declared == seat.piles else 0)
    assert state.history[-1].deltas == tuple(r["delta"] for r in payload["seats"])
    last_winner = [e for e in driver.events if e.type == "turn_won"][-1].payload["winner"]
    events = driver.step()  # scoring -> round 2
    assert events[0].payload == {"phase": "preparation", "round": 2}
    state = driver.state
    assert state.round == 2
    assert state.starter == last_winner
    assert all(s.declared is None and s.piles == 0 and len(s.hand) == 8 for s in state.seats)
    assert state.last_turn is None
    assert [s.score for s in state.seats] == [r["score"] for r in payload["seats"]]
    # the second round's deltas add to the totals
    state = driver.round_scored()
    second = [e for e in driver.events if e.type == "round_scored"][-1].payload
    for i, row in enumerate(second["seats"]):
        assert row["score"] == payload["seats"][i]["score"] + row["delta"]
        assert state.seats[i].score == row["score"]


def test_turns_only_happen_in_order():
    seed = find_seed(lambda s: not weak_seats(s))
    driver = Driver(started(seed))
    state = driver.until(Phase.TURN)
    leader = state.turn.leader
    other = (leader + 1) % 4
    refused(state, cmd("play", other, pieces=[state.seats[other].hand[0]]), "not_your_turn")


def test_worked_example_turns_through_the_engine():
    """docs/rules.md §7 examples played as turns."""
    seed = find_seed(lambda s: not weak_seats(s))
    base = Driver(started(seed)).until(Phase.TURN)
    leader = base.turn.leader
    seats = order_from(leader)
    filler = ["SOLDIER_BLACK"] * 5

    def turn(plays: list[list[str]]) -> GameState:
        hands = [[]] * 4
        for seat, pieces in zip(seats, plays, strict=True):
            hands[seat] = pieces + filler[: 8 - len(pieces)]
        state = with_hands(base, hands)
        for seat, pieces in zip(seats, plays, strict=True):
            state = run(state, cmd("play", seat, pieces=pieces))
        return state

    red_soldiers, black_soldiers = ["SOLDIER_RED"] * 3, ["SOLDIER_BLACK"] * 3
    straight = ["GENERAL_RED", "ADVISOR_RED", "ELEPHANT_RED"]
    low = ["CHARIOT_RED", "HORSE_RED", "CANNON_RED"]
    black_low = ["CHARIOT_BLACK", "HORSE_BLACK", "CANNON_BLACK"]
    # a pair of cannons beats a pair of soldiers
    state = turn(
        [
            ["SOLDIER_RED"] * 2,
            ["CANNON_RED"] * 2,
            ["HORSE_RED", "CANNON_BLACK"],
            ["CHARIOT_RED", "HORSE_RED"],
        ]
    )
    assert state.last_turn.winner == seats[1]
    assert state.seats[seats[1]].piles == 2
    # three soldiers against a straight: the leader wins
    state = turn([red_soldiers, straight, low, ["CANNON_BLACK"] * 3])
    assert state.last_turn.winner == leader
    assert state.seats[leader].piles == 3
    # black soldiers, a straight, red soldiers: the third wins
    state = turn([black_soldiers, straight, red_soldiers, ["HORSE_BLACK"] * 3])
    assert state.last_turn.winner == seats[2]
    # two tied extended straights (strength 18): the earlier player wins
    state = turn(
        [
            [*black_low, "HORSE_BLACK"],
            [*low, "HORSE_RED"],
            [*low, "CANNON_RED"],
            ["HORSE_BLACK"] * 4,
        ]
    )
    assert state.last_turn.winner == seats[1]
    assert state.last_turn.piles == 4
    assert state.seats[seats[1]].piles == 4
    # a stronger play of another type never wins
    state = turn([["SOLDIER_BLACK"], ["SOLDIER_BLACK"], ["GENERAL_RED"], ["CANNON_BLACK"]])
    assert state.last_turn.winner == seats[2]
    state = turn(
        [
            ["SOLDIER_BLACK"] * 2,
            ["GENERAL_RED", "ADVISOR_RED"],
            ["ADVISOR_RED"] * 2,
            ["SOLDIER_BLACK"] * 2,
        ]
    )
    assert state.last_turn.winner == seats[2]
    state = turn(
        [
            ["CANNON_BLACK"] * 2,
            ["GENERAL_RED", "ADVISOR_RED"],
            ["SOLDIER_RED"] * 2,
            ["HORSE_RED"] * 2,
        ]
    )
    assert state.last_turn.winner == seats[3]
    assert state.last_turn.play_type == "PAIR"


# --------------------------------------------------------------------------- the zero streak


def test_zero_streak_carries_across_rounds_and_resets():
    seed = find_seed(lambda s: not weak_seats(s))
    target = 1

    def zero_for_target(state: GameState, seat: int) -> int:
        return 0 if seat == target else default_declaration(state, seat)

    driver = Driver(started(seed, win_score=1000), declare=zero_for_target)
    driver.round_scored()
    assert driver.state.seats[target].zero_streak == 1
    driver.round_scored()
    assert driver.state.seats[target].zero_streak == 2
    assert driver.state.history[0].declared[target] == 0
    assert driver.state.history[1].declared[target] == 0
    # round 3: the target may not declare 0 again
    driver.step()
    state = driver.until(Phase.DECLARATION)
    while to_act(state) != [target]:
        driver.step()
        state = driver.state
    err = refused(state, cmd("declare", target, value=0), "illegal_declaration")
    assert err.params == {"reason": "zero_streak", "rounds": 2}
    state = run(state, cmd("declare", target, value=3))
    assert state.seats[target].zero_streak == 0
    # after a non-zero declaration, 0 is allowed again next round
    driver.state = state
    driver.round_scored()
    driver.step()
    state = driver.until(Phase.DECLARATION)
    while to_act(state) != [target]:
        driver.step()
        state = driver.state
    state = run(state, cmd("declare", target, value=0))
    assert state.seats[target].zero_streak == 1


def test_last_declarer_may_not_make_eight():
    seed = find_seed(lambda s: not weak_seats(s))
    state = run(started(seed), cmd("advance"))
    first = state.starter
    order = order_from(first)
    state = run(
        state,
        cmd("declare", order[0], value=2),
        cmd("declare", order[1], value=1),
        cmd("declare", order[2], value=3),
    )
    refused(state, cmd("declare", order[3], value=2), "illegal_declaration")
    state = run(state, cmd("declare", order[3], value=0))
    assert state.phase is Phase.TURN


def test_both_declaration_restrictions_at_once():
    seed = find_seed(lambda s: not weak_seats(s))
    state = run(started(seed), cmd("advance"))
    order = order_from(state.starter)
    last = order[3]
    seats = list(state.seats)
    seats[last] = evolve(seats[last], zero_streak=2)
    state = evolve(state, seats=tuple(seats))
    state = run(
        state, *[cmd("declare", s, value=v) for s, v in zip(order[:3], (3, 2, 1), strict=True)]
    )
    refused(state, cmd("declare", last, value=0), "illegal_declaration")  # streak
    refused(state, cmd("declare", last, value=2), "illegal_declaration")  # total 8
    assert run(state, cmd("declare", last, value=1)).phase is Phase.TURN


# --------------------------------------------------------------------------- end of game


def test_game_ends_at_the_round_cap():
    driver = Driver(full_room(max_rounds=2, win_score=1000))
    driver.do(cmd("start_game", 0, seed=6, at=100.0))
    state = driver.round_scored()
    assert state.round == 1
    driver.step()
    assert driver.state.phase is not Phase.GAME_OVER and driver.state.round == 2
    state = driver.round_scored()
    assert state.round == 2
    events = driver.do(cmd("advance", at=160.5))
    assert types(events) == ["phase_change", "game_over"]
    state = driver.state
    assert state.phase is Phase.GAME_OVER
    assert to_act(state) == [] and deadline(state) is None
    result = events[-1].payload
    assert result["rounds"] == 2
    assert result["duration_s"] == 60.5
    check_result(state, result, driver.events)
    refused(state, cmd("advance"), "wrong_phase")
    refused(state, cmd("declare", 0, value=1), "wrong_phase")


def test_game_ends_when_a_seat_reaches_the_win_score():
    win = 6
    driver = Driver(full_room(win_score=win))
    driver.do(cmd("start_game", 0, seed=12))
    driver.finish()
    state = driver.state
    rounds = len(state.history)
    assert rounds < 20
    for r in state.history[:-1]:
        assert max(r.scores) < win
    assert max(state.history[-1].scores) >= win
    check_result(state, state.result, driver.events)


def check_result(state: GameState, result: dict, events: list) -> None:
    scores = [s.score for s in state.seats]
    # scores are the sums of independently computed deltas
    for seat in range(4):
        assert scores[seat] == sum(
            rule_score(r.declared[seat], r.piles[seat], r.multiplier) for r in state.history
        )
    top = max(scores)
    assert result["winners"] == [i for i in range(4) if scores[i] == top]
    assert list(state.winners) == result["winners"]
    assert result["rounds"] == len(state.history) == state.round
    turns = Counter(e.payload["winner"] for e in events if e.type == "turn_won")
    by_seat = {row["seat"]: row for row in result["rankings"]}
    assert sorted(by_seat) == [0, 1, 2, 3]
    assert [row["score"] for row in result["rankings"]] == sorted(scores, reverse=True)
    for seat in range(4):
        row = by_seat[seat]
        assert row["score"] == scores[seat]
        assert row["name"] == state.seats[seat].name
        assert row["rank"] == 1 + sum(1 for s in scores if s > scores[seat])
        assert row["turns_won"] == turns[seat] == state.seats[seat].turns_won
        perfect = sum(
            1 for r in state.history if r.declared[seat] > 0 and r.declared[seat] == r.piles[seat]
        )
        assert row["perfect_rounds"] == perfect == state.seats[seat].perfect_rounds
    assert all(sum(r.piles) == 8 for r in state.history)


def test_default_round_cap_is_twenty():
    driver = Driver(full_room(win_score=10**6))
    driver.do(cmd("start_game", 0, seed=3))
    driver.finish()
    assert driver.state.round == 20
    assert driver.state.result["rounds"] == 20


@pytest.mark.parametrize(
    ("scores", "winners", "ranks"),
    [
        ((7, 7, 3, 7), [0, 1, 3], [1, 1, 4, 1]),
        ((10, 10, 5, 5), [0, 1], [1, 1, 3, 3]),
        ((-2, 4, 4, -9), [1, 2], [3, 1, 1, 4]),
        ((0, 0, 0, 0), [0, 1, 2, 3], [1, 1, 1, 1]),
        ((1, 2, 3, 4), [3], [4, 3, 2, 1]),
    ],
)
def test_winners_and_shared_ranks(scores, winners, ranks):
    driver = Driver(full_room(max_rounds=1, win_score=1000))
    driver.do(cmd("start_game", 0, seed=2))
    state = driver.round_scored()
    seats = tuple(
        evolve(s, score=score, turns_won=10 + i, perfect_rounds=i)
        for i, (s, score) in enumerate(zip(state.seats, scores, strict=True))
    )
    events, state = execute(evolve(state, seats=seats), cmd("advance"))
    result = events[-1].payload
    assert result["winners"] == winners
    assert state.winners == tuple(winners)
    assert {row["seat"]: row["rank"] for row in result["rankings"]} == dict(enumerate(ranks))
    assert [row["seat"] for row in result["rankings"]] == sorted(
        range(4), key=lambda i: (-scores[i], i)
    )
    for row in result["rankings"]:
        assert row["turns_won"] == 10 + row["seat"]
        assert row["perfect_rounds"] == row["seat"]
    assert result["duration_s"] is None  # no times given


def test_high_score_ends_the_game_even_before_the_cap():
    driver = Driver(full_room(max_rounds=5, win_score=50))
    driver.do(cmd("start_game", 0, seed=2))
    state = driver.round_scored()
    seats = list(state.seats)
    seats[2] = evolve(seats[2], score=50)
    events, state = execute(evolve(state, seats=tuple(seats)), cmd("advance"))
    assert state.phase is Phase.GAME_OVER
    assert events[-1].payload["winners"] == [2]
    # 49 is not enough
    seats[2] = evolve(seats[2], score=49)
    _, state = execute(evolve(driver.state, seats=tuple(seats)), cmd("advance"))
    assert state.phase is not Phase.GAME_OVER
    assert state.round == 2


def test_apply_refuses_an_unknown_event():
    with pytest.raises(ValueError):
        apply(GameState(), Event("meteor_strike", {}))


def test_deadlines_by_phase():
    assert deadline(GameState()) is None
    assert deadline(full_room()) is None
    seed = find_seed(lambda s: not weak_seats(s))
    state = started(seed)
    assert deadline(state) == Deadline("advance", "round_start")
    state = run(state, cmd("advance"))
    assert deadline(state) is None
    assert deadline(run(state, cmd("close"))) is None
