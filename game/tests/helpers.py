"""Shared builders for the engine tests.

The expected values of the tests come from the tables and formulas of docs/rules.md, restated here
independently of ``game`` (``RULE_POINTS``, ``rule_weak``, ``rule_score`` …), so a wrong table in
the engine cannot make its own test pass.
"""

from __future__ import annotations

import copy
import json
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from typing import Any

import pytest

from game.engine import deal_hands, decide, execute, to_act
from game.errors import RuleError
from game.state import Command, Event, GameState, Phase, evolve

# ----------------------------------------------------------------------- docs/rules.md §1, restated

RULE_POINTS = {
    "GENERAL_RED": 14,
    "GENERAL_BLACK": 13,
    "ADVISOR_RED": 12,
    "ADVISOR_BLACK": 11,
    "ELEPHANT_RED": 10,
    "ELEPHANT_BLACK": 9,
    "CHARIOT_RED": 8,
    "CHARIOT_BLACK": 7,
    "HORSE_RED": 6,
    "HORSE_BLACK": 5,
    "CANNON_RED": 4,
    "CANNON_BLACK": 3,
    "SOLDIER_RED": 2,
    "SOLDIER_BLACK": 1,
}
RULE_COPIES = {
    "GENERAL": 1,
    "ADVISOR": 2,
    "ELEPHANT": 2,
    "CHARIOT": 2,
    "HORSE": 2,
    "CANNON": 2,
    "SOLDIER": 5,
}
RULE_DECK = Counter({kind: RULE_COPIES[kind.rsplit("_", 1)[0]] for kind in RULE_POINTS})
KINDS = tuple(RULE_POINTS)


def rule_weak(hand: Iterable[str]) -> bool:
    """docs/rules.md §3: weak when no piece is worth more than 9 points."""
    return max(RULE_POINTS[k] for k in hand) <= 9


def rule_score(declared: int, actual: int, multiplier: int = 1) -> int:
    """docs/rules.md §3, Scoring, restated."""
    if declared == 0:
        base = 3 if actual == 0 else -actual
    elif declared == actual:
        base = declared + 5
    else:
        base = -abs(declared - actual)
    return base * multiplier


def rule_points(pieces: Iterable[str]) -> int:
    return sum(RULE_POINTS[k] for k in pieces)


# --------------------------------------------------------------------------- commands


def cmd(
    type_: str, actor: int | None = None, /, *, at: float | None = None, **args: Any
) -> Command:
    """A command from seat ``actor`` (``None``: the system); keyword arguments are its args."""
    return Command(type_, actor, args, at)


def run(state: GameState, *commands: Command) -> GameState:
    """Execute commands in order and return the final state."""
    for command in commands:
        _, state = execute(state, command)
    return state


def types(events: Sequence[Event]) -> list[str]:
    return [e.type for e in events]


def refused(state: GameState, command: Command, code: str) -> RuleError:
    """Assert ``command`` is refused with ``code`` and leaves ``state`` as it was."""
    before = copy.deepcopy(state)
    with pytest.raises(RuleError) as info:
        decide(state, command)
    assert info.value.code == code, info.value.params
    # The edge words the refusal from its code and params (rooms.messages): plain JSON values.
    assert json.loads(json.dumps(info.value.params)) == info.value.params
    assert state == before
    return info.value


NAMES = ("Ann", "Bob", "Cat", "Dan")


def new_room(max_rounds: int | None = None, win_score: int | None = None) -> GameState:
    """A waiting room: host Ann in seat 0 (created with the given config), nobody else."""
    args: dict[str, Any] = {"room_id": "ROOM", "name": NAMES[0]}
    if max_rounds is not None:
        args["max_rounds"] = max_rounds
    if win_score is not None:
        args["win_score"] = win_score
    return run(GameState(), Command("create_room", 0, args))


def full_room(max_rounds: int | None = None, win_score: int | None = None) -> GameState:
    """A waiting room with four humans (Ann the host, Bob, Cat, Dan), so tests act for all."""
    state = new_room(max_rounds, win_score)
    for name in NAMES[1:]:
        state = run(state, cmd("join", name=name))
    return state


def started(seed: int, max_rounds: int | None = None, win_score: int | None = None) -> GameState:
    return run(full_room(max_rounds, win_score), cmd("start_game", 0, seed=seed))


def find_seed(predicate: Callable[[int], bool], start: int = 0, limit: int = 20000) -> int:
    for seed in range(start, start + limit):
        if predicate(seed):
            return seed
    raise AssertionError("no seed found")


def weak_seats(seed: int, deal: int = 0) -> list[int]:
    return [i for i, h in enumerate(deal_hands(seed, deal)) if rule_weak(h)]


def general_red_holder(hands: Sequence[Sequence[str]]) -> int:
    return next(i for i, h in enumerate(hands) if "GENERAL_RED" in h)


def order_from(first: int) -> list[int]:
    return [(first + i) % 4 for i in range(4)]


def with_hands(state: GameState, hands: Sequence[Sequence[str]]) -> GameState:
    seats = tuple(evolve(s, hand=tuple(h)) for s, h in zip(state.seats, hands, strict=True))
    return evolve(state, seats=seats)


# --------------------------------------------------------------------------- drivers


def default_declaration(state: GameState, seat: int) -> int:
    """1, or 2 when the seat is last and 1 would bring the total to 8."""
    others = [s.declared for i, s in enumerate(state.seats) if i != seat]
    if all(d is not None for d in others) and sum(others) + 1 == 8:  # type: ignore[arg-type]
        return 2
    return 1


def lead_strongest(state: GameState, seat: int) -> list[str]:
    """Hands are kept strongest first; play the first piece as a single."""
    hand = state.seats[seat].hand
    return [max(hand, key=lambda k: (RULE_POINTS[k], k))]


def follow_weakest(state: GameState, seat: int, required: int) -> list[str]:
    hand = sorted(state.seats[seat].hand, key=lambda k: (RULE_POINTS[k], k))
    return hand[:required]


class Driver:
    """Plays a game by commands with simple policies, recording every event."""

    def __init__(
        self,
        state: GameState,
        *,
        declare: Callable[[GameState, int], int] = default_declaration,
        lead: Callable[[GameState, int], list[str]] = lead_strongest,
        follow: Callable[[GameState, int, int], list[str]] = follow_weakest,
    ) -> None:
        self.state = state
        self.events: list[Event] = []
        self.declare = declare
        self.lead = lead
        self.follow = follow

    def do(self, command: Command) -> list[Event]:
        events, self.state = execute(self.state, command)
        self.events.extend(events)
        return events

    def step(self) -> list[Event]:
        state = self.state
        phase = state.phase
        if phase is Phase.PREPARATION:
            return self.do(cmd("timeout"))
        if phase in (Phase.ROUND_START, Phase.TURN_RESULTS, Phase.SCORING):
            return self.do(cmd("advance", at=1000.0))
        if phase is Phase.DECLARATION:
            seat = to_act(state)[0]
            return self.do(cmd("declare", seat, value=self.declare(state, seat)))
        if phase is Phase.TURN:
            seat = to_act(state)[0]
            assert state.turn is not None
            required = state.turn.required
            pieces = (
                self.lead(state, seat) if required is None else self.follow(state, seat, required)
            )
            return self.do(cmd("play", seat, pieces=pieces))
        raise AssertionError(f"nothing to do in {phase}")

    def until(self, phase: Phase, limit: int = 10000) -> GameState:
        for _ in range(limit):
            if self.state.phase is phase:
                return self.state
            self.step()
        raise AssertionError(f"never reached {phase}")

    def round_scored(self) -> GameState:
        """Play on until the current round has been scored (phase ``scoring``)."""
        if self.state.phase is Phase.SCORING:
            self.step()
        return self.until(Phase.SCORING)

    def finish(self) -> GameState:
        return self.until(Phase.GAME_OVER)


def walk(obj: Any, path: tuple[Any, ...] = ()) -> Iterable[tuple[tuple[Any, ...], Any]]:
    """Every (path, value) of a JSON-like structure, dict keys included in the paths."""
    yield path, obj
    if isinstance(obj, dict):
        for key, value in obj.items():
            yield from walk(value, (*path, key))
    elif isinstance(obj, list | tuple):
        for i, value in enumerate(obj):
            yield from walk(value, (*path, i))


# ----------------------------------------------------------------------- docs/rules.md §2, restated


def rule_play_type(kinds: Sequence[str]) -> str | None:
    """The play type by the table of docs/rules.md §2 (names as in ``game.rules``)."""
    size = len(kinds)
    if not 1 <= size <= 6 or any(kind not in RULE_POINTS for kind in kinds):
        return None
    if size == 1:
        return "SINGLE"
    if len({kind.rsplit("_", 1)[1] for kind in kinds}) != 1:
        return None
    names = Counter(kind.rsplit("_", 1)[0] for kind in kinds)
    if size == 2:
        return "PAIR" if len(names) == 1 else None
    if set(names) == {"SOLDIER"}:
        return {3: "THREE_OF_A_KIND", 4: "FOUR_OF_A_KIND", 5: "FIVE_OF_A_KIND"}.get(size)
    if names == Counter({"CHARIOT": 2, "HORSE": 2, "CANNON": 2}):
        return "DOUBLE_STRAIGHT"
    for group in ({"GENERAL", "ADVISOR", "ELEPHANT"}, {"CHARIOT", "HORSE", "CANNON"}):
        if set(names) == group:
            if max(names.values()) > 2:
                return None
            twice = sum(1 for n in names.values() if n == 2)
            return {0: "STRAIGHT", 1: "EXTENDED_STRAIGHT", 2: "EXTENDED_STRAIGHT_5"}.get(twice)
    return None


def rule_strength(kinds: Sequence[str]) -> int:
    if rule_play_type(kinds) in ("EXTENDED_STRAIGHT", "EXTENDED_STRAIGHT_5"):
        return rule_points(set(kinds))
    return rule_points(kinds)


def rule_turn_winner(plays: Sequence[Sequence[str]]) -> int:
    """Index (in play order) of the winning play of a turn: same type and strictly stronger."""
    best = 0
    for i, play in enumerate(plays[1:], 1):
        kind = rule_play_type(play)
        if (
            kind is not None
            and kind == rule_play_type(plays[best])
            and rule_strength(play) > rule_strength(plays[best])
        ):
            best = i
    return best
