"""Bot strategies. A bot sees only its seat view (never another hand) and sends only legal
commands: it picks from the ``legal`` block the server computed for it.

- ``greedy``: leads its strongest play by points, follows with its strongest play of the
  leader's type and count (else its weakest pieces), declares by counting strong pieces and
  combinations.
- ``smart`` (the default): estimates its piles from the hand and plays toward its declaration:
  it wins turns cheaply while it needs piles and sheds pieces once it has enough.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from functools import lru_cache
from itertools import combinations, product
from typing import Any

from .pieces import COLORS, HIGH, LOW, POINTS, SOLDIER
from .rules import beats, play_info, strength
from .state import Command

View = dict[str, Any]
Pieces = tuple[str, ...]


# --------------------------------------------------------------------------- hand analysis


_ByDoubles = dict[tuple[bool, bool, bool], tuple[Pieces, ...]]


def _group_plays(group: frozenset[str], color: str) -> tuple[str, str, str, _ByDoubles]:
    """The three kinds of a straight group in one colour, and the plays they make keyed by which
    of the three the hand holds twice (a straight, extended straights, a double straight)."""
    a, b, c = kinds = tuple(sorted(f"{name}_{color}" for name in group))
    by_doubles: _ByDoubles = {}
    for doubled in product((False, True), repeat=3):
        doubles = [k for k, twice in zip(kinds, doubled, strict=True) if twice]
        plays = [kinds]
        plays += [tuple(sorted((*kinds, k))) for k in doubles]
        plays += [tuple(sorted((*kinds, *pair))) for pair in combinations(doubles, 2)]
        if group is LOW and len(doubles) == 3:
            plays.append(tuple(sorted(kinds * 2)))
        by_doubles[doubled] = tuple(plays)
    return a, b, c, by_doubles


_GROUP_PLAYS = [_group_plays(group, color) for color in COLORS for group in (HIGH, LOW)]
#: soldier kind -> its three, four and five of a kind.
_SOLDIER_PLAYS = {
    f"{SOLDIER}_{color}": tuple((f"{SOLDIER}_{color}",) * n for n in (3, 4, 5)) for color in COLORS
}


@lru_cache(maxsize=16384)
def valid_plays(hand: Pieces) -> tuple[Pieces, ...]:
    """Every distinct valid play that can be made from ``hand``, built from its shape rather than
    by trying every subset (from tables of the group and soldier plays)."""
    counts: dict[str, int] = {}
    for kind in hand:
        counts[kind] = counts.get(kind, 0) + 1
    plays: list[Pieces] = []
    for kind, n in counts.items():
        plays.append((kind,))
        if n >= 2:
            plays.append((kind, kind))
            if n >= 3 and kind in _SOLDIER_PLAYS:
                plays.extend(_SOLDIER_PLAYS[kind][: min(n, 5) - 2])
    for a, b, c, by_doubles in _GROUP_PLAYS:
        if a in counts and b in counts and c in counts:
            plays.extend(by_doubles[counts[a] >= 2, counts[b] >= 2, counts[c] >= 2])
    return tuple(plays)


def _plays_of_size(hand: Pieces, size: int) -> list[Pieces]:
    """The valid plays of exactly ``size`` pieces (singles and pairs, the usual case, read off
    the hand directly)."""
    if size == 1:
        return [(kind,) for kind in set(hand)]
    if size == 2:
        return [(k, k) for k in set(hand) if hand.count(k) >= 2]
    return [p for p in valid_plays(hand) if len(p) == size]


def _plays_up_to(hand: Pieces, size: int) -> list[Pieces]:
    """The valid plays of at most ``size`` pieces."""
    if size <= 2:
        return [p for n in range(1, size + 1) for p in _plays_of_size(hand, n)]
    return [p for p in valid_plays(hand) if len(p) <= size]


def _points(pieces: Sequence[str]) -> int:
    return sum(map(POINTS.__getitem__, pieces))


def weakest(hand: Sequence[str], count: int) -> list[str]:
    """The ``count`` pieces of ``hand`` worth the fewest points."""
    return sorted(hand, key=POINTS.__getitem__)[:count]


def closest(allowed: list[int], target: float) -> int:
    """The allowed value nearest ``target`` (the smaller one on a tie)."""
    return min(allowed, key=lambda v: (abs(v - target), v))


# --------------------------------------------------------------------------- greedy


def _greedy_estimate(hand: Pieces) -> int:
    strong = sum(1 for p in hand if POINTS[p] >= 11)
    combos = max((len(p) for p in valid_plays(hand) if len(p) >= 3), default=0)
    return strong + combos


def _greedy_play(view: View, hand: Pieces) -> list[str]:
    turn = view["turn"]
    required = turn["required"]
    if required is None:
        return list(max(valid_plays(hand), key=lambda p: (_points(p), p)))
    lead_type = turn["plays"][0]["play_type"]
    same = [p for p in _plays_of_size(hand, required) if play_info(p)[0] == lead_type]
    if same:
        return list(max(same, key=lambda p: (play_info(p)[1], p)))
    return weakest(hand, required)


# --------------------------------------------------------------------------- smart


#: How likely a single piece wins a turn it leads or contests, by points (tuned by simulation).
_SINGLE_WIN = {14: 1.0, 13: 0.85, 12: 0.55, 11: 0.35, 10: 0.15}


def smart_estimate(hand: Pieces, starts: bool) -> float:
    """Expected piles: sure single winners, plus big combinations the seat can lead once it
    has the lead (as starter, or after winning with a strong single)."""
    estimate = sum(_SINGLE_WIN.get(POINTS[p], 0.0) for p in hand)
    combos = [p for p in valid_plays(hand) if len(p) >= 3]
    if combos and (starts or estimate >= 0.8):
        best = max(combos, key=lambda p: (len(p), strength(p)))
        estimate += len(best) * (0.9 if strength(best) >= 18 or len(best) >= 4 else 0.6)
    return estimate


def _best_winning(candidates: list[Pieces], best: Pieces) -> Pieces | None:
    """The cheapest of these valid plays that beats ``best``."""
    best_type, best_strength = play_info(best)
    winners = [p for p in candidates if play_info(p)[0] == best_type]
    winners = [p for p in winners if play_info(p)[1] > best_strength]
    return min(winners, key=lambda p: (play_info(p)[1], p)) if winners else None


@lru_cache(maxsize=4096)
def _lead_key(play: Pieces) -> tuple[float, Pieces]:
    """Lead the strongest play that does not overshoot, preferring more piles when strong."""
    return play_info(play)[1] / len(play) + 3 * len(play), play


def _non_winning(hand: Pieces, required: int, best: Pieces, shed: bool) -> list[str]:
    """``required`` pieces that do not beat ``best``: the strongest such pieces when shedding
    (they would win a later turn), else the weakest (kept strength is worth more)."""
    ordered = sorted(hand, key=POINTS.__getitem__, reverse=shed)
    choice = ordered[:required]
    if not beats(choice, best):
        return choice
    # These pieces would win: swap one for the next candidate until the play no longer beats.
    for extra in ordered[required:]:
        for drop in range(required):
            attempt = [*choice[:drop], *choice[drop + 1 :], extra]
            if not beats(attempt, best):
                return attempt
    return choice


def _smart_play(view: View, hand: Pieces) -> list[str]:
    me = view["seats"][view["you"]["seat"]]
    turn = view["turn"]
    best = None if turn["required"] is None else _current_best(turn)
    return smart_move(hand, me["declared"] - me["piles"], best)


def smart_move(hand: Pieces, need: int, best: Pieces | None) -> list[str]:
    """The ``smart`` play from ``hand`` for a seat that still needs ``need`` piles (0 or less:
    it has enough), leading when ``best`` is ``None``, else following the turn whose best play
    so far is ``best`` (which has as many pieces as the turn requires)."""
    if best is None:  # leading
        if need <= 0:
            return weakest(hand, 1)
        return list(max(_plays_up_to(hand, need), key=_lead_key))
    required = len(best)
    if need > 0 and required <= need:
        winning = _best_winning(_plays_of_size(hand, required), best)
        if winning is not None:
            return list(winning)
    return _non_winning(hand, required, best, shed=need <= 0)


def _current_best(turn: dict[str, Any]) -> Pieces:
    seat = turn["winning_seat"]
    for play in turn["plays"]:
        if play["seat"] == seat:
            return tuple(play["pieces"])
    raise ValueError("the turn has no winning play")


# --------------------------------------------------------------------------- choosing


def _declare_value(view: View, hand: Pieces, strategy: str) -> int:
    allowed = view["legal"]["declare"]
    if strategy == "greedy":
        return closest(allowed, _greedy_estimate(hand))
    starts = view["starter"] == view["you"]["seat"]
    return closest(allowed, smart_estimate(hand, starts))


_PLAYERS: dict[str, Callable[[View, Pieces], list[str]]] = {
    "greedy": _greedy_play,
    "smart": _smart_play,
}


def choose(view: View, strategy: str = "smart") -> Command | None:
    """The command a bot of ``strategy`` sends for the seat of ``view``, or ``None`` when the
    game is not waiting for that seat."""
    you = view["you"]
    if you is None:
        return None
    seat, legal, hand = you["seat"], view["legal"], tuple(you["hand"])
    if legal["redeal"]:
        return Command("redeal", seat, {"accept": strategy == "greedy"})
    if legal["declare"]:
        return Command("declare", seat, {"value": _declare_value(view, hand, strategy)})
    if legal["play"] is not None:
        return Command("play", seat, {"pieces": _PLAYERS[strategy](view, hand)})
    return None
