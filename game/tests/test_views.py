"""What a seat may see: its own hand, the others' counts, the legal block, public events."""

from __future__ import annotations

import copy
import json
import random
from collections import Counter

import pytest

from game.bots import choose
from game.engine import execute, to_act
from game.simulate import play_game
from game.state import GameState, Phase, evolve
from game.views import bot_view, legal, omniscient_view, public_event, seat_view

from .helpers import (
    KINDS,
    RULE_POINTS,
    Driver,
    cmd,
    find_seed,
    full_room,
    new_room,
    order_from,
    run,
    started,
    walk,
    weak_seats,
)


def visible_kinds(state: GameState, seat: int | None) -> Counter:
    """The pieces ``seat`` may see: its own hand and the public plays of the table."""
    seen: Counter = Counter()
    if seat is not None:
        seen.update(state.seats[seat].hand)
    if state.turn is not None:
        for play in state.turn.plays:
            seen.update(play.pieces)
    for turn in (state.last_turn, *state.round_turns):
        if turn is not None:
            seen.update(turn.pieces)
            for play in turn.plays:
                seen.update(play.pieces)
    return seen


def kinds_in_json(view: dict) -> Counter:
    text = json.dumps(view)
    return Counter({kind: text.count(f'"{kind}"') for kind in KINDS if f'"{kind}"' in text})


def assert_private(state: GameState, seat: int | None) -> None:
    view = seat_view(state, seat)
    assert kinds_in_json(view) == visible_kinds(state, seat)
    for path, _ in walk(view):
        assert "hands" not in path
        if "hand" in path:
            assert path[:2] == ("you", "hand")
    for i, row in enumerate(view["seats"]):
        assert row["hand_count"] == len(state.seats[i].hand)
        assert "hand" not in row
    if seat is None:
        assert view["you"] is None
    else:
        assert view["you"] == {"seat": seat, "hand": list(state.seats[seat].hand)}


def test_views_never_show_other_hands_through_a_whole_game():
    checked = 0
    for _, state in play_game(17, ("smart", "greedy", "smart", "greedy"), max_rounds=2):
        for seat in (0, 1, 2, 3, None):
            assert_private(state, seat)
        checked += 1
    assert checked > 50


def test_seat_view_fields():
    seed = find_seed(lambda s: not weak_seats(s))
    state = Driver(started(seed)).until(Phase.TURN)
    view = seat_view(state, 2)
    for field in (
        "room_id",
        "phase",
        "round",
        "host_seat",
        "multiplier",
        "deadline",
        "seats",
        "you",
        "to_act",
        "turn",
        "last_turn",
        "legal",
        "winners",
    ):
        assert field in view
    assert view["phase"] == "turn"
    assert view["round"] == 1
    assert view["host_seat"] == 0
    assert view["to_act"] == to_act(state)
    assert view["turn"]["leader"] == state.turn.leader
    assert view["turn"]["required"] is None
    assert view["turn"]["plays"] == []
    assert view["last_turn"] is None
    assert view["winners"] == []
    for i, row in enumerate(view["seats"]):
        seat = state.seats[i]
        assert row["seat"] == i
        assert row["name"] == seat.name
        assert row["is_bot"] is False
        assert row["declared"] == seat.declared
        assert row["piles"] == 0
        assert row["score"] == 0
        assert row["hand_count"] == 8
    json.dumps(view)  # plain JSON


def test_empty_seats_before_the_start():
    view = seat_view(new_room(), 0)
    assert [row["name"] for row in view["seats"]] == ["Ann", None, None, None]
    assert [row["hand_count"] for row in view["seats"]] == [0, 0, 0, 0]
    assert view["you"] == {"seat": 0, "hand": []}


def test_spectator_view():
    seed = find_seed(lambda s: not weak_seats(s))
    state = Driver(started(seed)).until(Phase.TURN)
    view = seat_view(state, None)
    assert view["you"] is None
    assert view["legal"] == {"start": False, "redeal": False, "declare": [], "play": None}
    assert kinds_in_json(view) == Counter()
    assert_private(state, None)


def test_view_shows_the_plays_of_the_turn():
    seed = find_seed(lambda s: not weak_seats(s))
    state = Driver(started(seed)).until(Phase.TURN)
    leader = state.turn.leader
    piece = state.seats[leader].hand[-1]
    state = run(state, cmd("play", leader, pieces=[piece]))
    view = seat_view(state, (leader + 2) % 4)
    assert view["turn"]["required"] == 1
    assert view["turn"]["plays"] == [{"seat": leader, "pieces": [piece], "play_type": "SINGLE"}]
    assert view["turn"]["winning_seat"] == leader
    assert_private(state, (leader + 2) % 4)


# --------------------------------------------------------------------------- legal


NOTHING = {"start": False, "redeal": False, "declare": [], "play": None}


def test_legal_start_only_for_the_host_with_four_seats():
    room = full_room()
    assert legal(room, 0)["start"] is True
    for seat in (1, 2, 3, None):
        assert legal(room, seat)["start"] is False
    three = run(room, cmd("leave", 3))
    assert legal(three, 0)["start"] is False
    assert legal(run(room, cmd("close")), 0) == NOTHING
    assert legal(run(room, cmd("start_game", 0, seed=1)), 0)["start"] is False


def test_legal_declare_values():
    seed = find_seed(lambda s: not weak_seats(s))
    state = run(started(seed), cmd("advance"))
    order = order_from(state.starter)
    assert legal(state, order[0])["declare"] == list(range(9))
    for seat in order[1:]:
        assert legal(state, seat) == NOTHING
    state = run(
        state,
        cmd("declare", order[0], value=3),
        cmd("declare", order[1], value=0),
        cmd("declare", order[2], value=1),
    )
    assert legal(state, order[3])["declare"] == [0, 1, 2, 3, 5, 6, 7, 8]
    assert legal(state, order[0])["declare"] == []
    # a seat on a zero streak of 2 may not declare 0
    seats = list(state.seats)
    seats[order[3]] = evolve(seats[order[3]], zero_streak=2)
    assert legal(evolve(state, seats=tuple(seats)), order[3])["declare"] == [1, 2, 3, 5, 6, 7, 8]


def test_legal_play_bounds():
    seed = find_seed(lambda s: not weak_seats(s))
    state = Driver(started(seed)).until(Phase.TURN)
    leader = state.turn.leader
    assert legal(state, leader)["play"] == {"min": 1, "max": 6}
    assert legal(state, (leader + 1) % 4)["play"] is None
    # a short hand caps the leader
    seats = list(state.seats)
    seats[leader] = evolve(seats[leader], hand=seats[leader].hand[:3])
    assert legal(evolve(state, seats=tuple(seats)), leader)["play"] == {"min": 1, "max": 3}
    hand = state.seats[leader].hand
    pair = next((k for k, n in Counter(hand).items() if n >= 2), None)
    pieces = [pair, pair] if pair else [hand[0]]
    state = run(state, cmd("play", leader, pieces=pieces))
    follower = (leader + 1) % 4
    n = len(pieces)
    assert legal(state, follower)["play"] == {"min": n, "max": n}
    assert legal(state, leader)["play"] is None
    assert legal(state, follower)["declare"] == []


def test_legal_play_for_every_leader_and_follower_of_a_round():
    seed = find_seed(lambda s: not weak_seats(s))
    driver = Driver(started(seed))
    driver.until(Phase.TURN)
    sizes = set()
    while driver.state.phase is not Phase.SCORING:
        state = driver.state
        if state.phase is Phase.TURN:
            (seat,) = to_act(state)
            size = len(state.seats[seat].hand)
            required = state.turn.required
            if required is None:
                sizes.add(size)
                expected = {"min": 1, "max": min(6, size)}
            else:
                expected = {"min": required, "max": required}
            assert legal(state, seat)["play"] == expected
            for other in range(4):
                if other != seat:
                    assert legal(state, other) == NOTHING
        driver.step()
    assert sizes == set(range(1, 9))  # single-piece turns: the hand shrinks 8 .. 1


def test_legal_redeal_only_for_undecided_weak_seats():
    seed = find_seed(lambda s: len(weak_seats(s)) == 2)
    state = started(seed)
    first, second = state.weak
    for seat in range(4):
        assert legal(state, seat)["redeal"] is (seat in (first, second))
    state = run(state, cmd("redeal", first, accept=False))
    assert legal(state, first)["redeal"] is False
    assert legal(state, second)["redeal"] is True
    view = seat_view(state, second)
    assert view["redeal"] == {"weak": [first, second], "decided": [first]}
    assert legal(state, None) == NOTHING


# --------------------------------------------------------------------------- public events


def test_public_hands_dealt_shows_only_the_own_hand():
    state = full_room()
    events, state = execute(state, cmd("start_game", 0, seed=9))
    dealt = next(e for e in events if e.type == "hands_dealt")
    hands = dealt.payload["hands"]
    for seat in range(4):
        public = public_event(dealt, seat)
        assert public["type"] == "hands_dealt"
        assert "hands" not in public["payload"]
        assert public["payload"]["hand"] == hands[seat]
        assert public["payload"]["hand_counts"] == [8, 8, 8, 8]
        assert public["payload"]["starter"] == dealt.payload["starter"]
        text = json.dumps(public)
        others = Counter(k for i, h in enumerate(hands) if i != seat for k in h)
        mine = Counter(hands[seat])
        for kind in others:
            assert text.count(f'"{kind}"') == mine[kind]
    spectator = public_event(dealt, None)
    assert "hand" not in spectator["payload"] and "hands" not in spectator["payload"]
    assert not any(f'"{kind}"' in json.dumps(spectator) for kind in KINDS)
    assert dealt.payload["hands"] == hands  # the event itself is untouched


@pytest.mark.parametrize("seat", [0, 3, None])
def test_other_events_pass_unchanged_but_the_seed_is_never_shown(seat):
    state = full_room()
    events, _ = execute(state, cmd("start_game", 0, seed=9))
    for event in events:
        public = public_event(event, seat)
        if event.type == "game_started":
            # The seed determines every deal: whoever has it can compute all four hands.
            assert public["payload"] == {k: v for k, v in event.payload.items() if k != "seed"}
            assert event.payload["seed"] == 9  # the logged event keeps it
        elif event.type != "hands_dealt":
            assert public == {"type": event.type, "actor": event.actor, "payload": event.payload}


def test_omniscient_view_has_every_hand():
    state = started(4)
    view = omniscient_view(state)
    assert view["hands"] == [list(s.hand) for s in state.seats]
    assert view["seed"] == 4


def test_bot_playing_marks_an_away_human_in_a_running_game():
    room = run(full_room(), cmd("connect", 1))
    assert [row["bot_playing"] for row in seat_view(room, 1)["seats"]] == [False] * 4
    state = run(room, cmd("start_game", 0, seed=1))
    assert [row["bot_playing"] for row in seat_view(state, 1)["seats"]] == [
        True,
        False,
        True,
        True,
    ]
    bots = run(new_room(), cmd("add_bot", 0, seat=1), cmd("add_bot", 0, seat=2))
    bots = run(bots, cmd("add_bot", 0, seat=3), cmd("connect", 0), cmd("start_game", 0, seed=1))
    rows = seat_view(bots, 0)["seats"]
    assert [row["bot_playing"] for row in rows] == [False] * 4
    assert [row["is_bot"] for row in rows] == [False, True, True, True]


def scribble(view: dict) -> None:
    """Change every dict and list inside ``view``, as a careless caller might."""
    containers = [value for _, value in walk(view) if isinstance(value, dict | list)]
    for value in containers:
        if isinstance(value, dict):
            value["scribbled"] = True
        else:
            value.append("scribbled")


def game_over_state() -> GameState:
    state = None
    for _, state in play_game(2, ("smart", "greedy", "smart", "greedy"), max_rounds=1):  # noqa: B007
        pass
    assert state.phase is Phase.GAME_OVER
    return state


def test_changing_a_view_never_changes_the_state():
    seed = find_seed(lambda s: not weak_seats(s))
    driver = Driver(started(seed, max_rounds=1))
    driver.until(Phase.TURN)
    driver.step()
    for _ in range(6):
        driver.step()  # through a finished turn: last_turn and turn_results
    state = driver.state
    snapshot = copy.deepcopy(state)
    for seat in (0, 1, 2, 3, None):
        scribble(seat_view(state, seat))
    assert state == snapshot
    assert seat_view(state, 0) == seat_view(snapshot, 0)


def test_changing_a_game_over_view_never_changes_the_state():
    state = game_over_state()
    snapshot = copy.deepcopy(state)
    scribble(seat_view(state, 1))
    assert state == snapshot


def test_a_redeal_answer_is_shown_only_to_the_seat_that_gave_it():
    from game.state import Event

    decided = Event("redeal_decided", {"seat": 2, "accept": True}, 2)
    assert public_event(decided, 2)["payload"] == {"seat": 2, "accept": True}
    for other in (0, 1, 3, None):
        assert public_event(decided, other)["payload"] == {"seat": 2}
    assert decided.payload == {"seat": 2, "accept": True}  # the logged event keeps it


def _projection(part: object, whole: object, path: tuple = ()) -> None:
    """``part`` holds only what ``whole`` holds at the same places: dicts have a subset of the
    keys, lists the same length, and every value is the same."""
    if isinstance(part, dict):
        assert isinstance(whole, dict), path
        for key, value in part.items():
            assert key in whole, (*path, key)
            _projection(value, whole[key], (*path, key))
    elif isinstance(part, list):
        assert isinstance(whole, list) and len(part) == len(whole), path
        for i, (a, b) in enumerate(zip(part, whole, strict=True)):
            _projection(a, b, (*path, i))
    else:
        assert part == whole, path


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_a_bot_view_is_a_projection_of_the_seat_view_and_bots_decide_the_same_on_both(seed):
    decisions = 0
    for _, state in play_game(seed, ("smart", "greedy", "smart", "greedy")):
        for seat in range(4):
            full, part = seat_view(state, seat), bot_view(state, seat)
            _projection(part, full)
            _projection(bot_view(state, seat, history=True), full)
            assert part["seats"][seat] == {
                "declared": full["seats"][seat]["declared"],
                "piles": full["seats"][seat]["piles"],
            }
            for strategy in ("smart", "greedy"):
                command = choose(part, strategy)
                assert command == choose(full, strategy)
                decisions += command is not None
    assert decisions > 500


def _others_redealt(state: GameState, seat: int, rng: random.Random) -> GameState:
    """``state`` with the hands of the seats other than ``seat`` dealt again from the pieces they
    hold between them (each keeps its count; a seat that revealed a weak hand keeps a weak one),
    and another seed: what ``seat`` cannot tell apart from ``state``."""
    others = [s for s in range(4) if s != seat]
    pool = [p for s in others for p in state.seats[s].hand]
    for _ in range(1000):
        rng.shuffle(pool)
        hands, at = {}, 0
        for s in others:
            count = len(state.seats[s].hand)
            hands[s] = tuple(sorted(pool[at : at + count]))
            at += count
        weak = [hands[s] for s in state.weak if s in hands and hands[s]]
        if all(max(RULE_POINTS[p] for p in hand) <= 9 for hand in weak):
            break
    seats = [evolve(row, hand=hands[i]) if i in hands else row for i, row in enumerate(state.seats)]
    seed = None if state.seed is None else state.seed + 1
    return evolve(state, seats=tuple(seats), seed=seed)


@pytest.mark.parametrize("seed", [4, 5])
def test_the_bot_view_with_history_depends_only_on_what_the_seat_may_know(seed):
    """On every state of whole games, the view the expert decides from is the same whatever the
    other seats hold and whatever the game's seed: a function of the seat's public view only.
    It also shows every finished turn of the round, so the history is really there."""
    rng = random.Random(seed)
    turns_seen = 0
    for _, state in play_game(seed, ("expert", "smart", "greedy", "smart"), max_rounds=3):
        for seat in range(4):
            view = bot_view(state, seat, history=True)
            assert view == bot_view(_others_redealt(state, seat, rng), seat, history=True)
            assert "seed" not in json.dumps(view)
            assert len(view["round_turns"]) == len(state.round_turns)
            turns_seen += len(view["round_turns"])
            if state.phase is Phase.TURN and state.round_turns:
                last = view["round_turns"][-1]
                assert last == seat_view(state, seat)["last_turn"]
    assert turns_seen > 100
