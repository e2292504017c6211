"""Bot strategies. A bot sees only its seat view (never another hand) and sends only legal
commands: it picks from the ``legal`` block the server computed for it.

- ``greedy``: leads its strongest play by points, follows with its strongest play of the
  leader's type and count (else its weakest pieces), declares by counting strong pieces and
  combinations.
- ``smart`` (the default): estimates its piles from the hand and plays toward its declaration:
  it wins turns cheaply while it needs piles and sheds pieces once it has enough.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Sequence
from functools import lru_cache
from typing import Any

from .pieces import COLORS, HIGH, LOW, POINTS, SOLDIER
from .rules import beats, play_type, strength
from .state import Command

View = dict[str, Any]
Pieces = tuple[str, ...]


# --------------------------------------------------------------------------- hand analysis


@lru_cache(maxsize=16384)
def valid_plays(hand: Pieces) -> tuple[Pieces, ...]:
    """Every distinct valid play that can be made from ``hand``, built from its shape rather than
    by trying every subset."""
    counts = Counter(hand)
    plays: set[Pieces] = set()
    for kind, n in counts.items():
        plays.add((kind,))
        if n >= 2:
            plays.add((kind, kind))
    for color in COLORS:
        soldiers = counts[f"{SOLDIER}_{color}"]
        for size in range(3, min(5, soldiers) + 1):
            plays.add((f"{SOLDIER}_{color}",) * size)
        for group in (HIGH, LOW):
            kinds = sorted(f"{name}_{color}" for name in group)
            have = [counts[k] for k in kinds]
            if min(have) == 0:
                continue
            plays.add(tuple(kinds))
            doubles = [k for k, n in zip(kinds, have, strict=True) if n >= 2]
            for k in doubles:
                plays.add(tuple(sorted((*kinds, k))))
            for i, a in enumerate(doubles):
                for b in doubles[i + 1 :]:
                    plays.add(tuple(sorted((*kinds, a, b))))
            if group is LOW and len(doubles) == 3:
                plays.add(tuple(sorted(kinds * 2)))
    return tuple(plays)


def _points(pieces: Sequence[str]) -> int:
    return sum(POINTS[p] for p in pieces)


def _weakest(hand: Sequence[str], count: int) -> list[str]:
    return sorted(hand, key=POINTS.__getitem__)[:count]


def _closest(allowed: list[int], target: float) -> int:
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
    same = [p for p in valid_plays(hand) if len(p) == required and play_type(p) == lead_type]
    if same:
        return list(max(same, key=lambda p: (strength(p), p)))
    return _weakest(hand, required)


# --------------------------------------------------------------------------- smart


#: How likely a single piece wins a turn it leads or contests, by points (tuned by simulation).
_SINGLE_WIN = {14: 1.0, 13: 0.85, 12: 0.55, 11: 0.35, 10: 0.15}


def _smart_estimate(hand: Pieces, starts: bool) -> float:
    """Expected piles: sure single winners, plus big combinations the seat can lead once it
    has the lead (as starter, or after winning with a strong single)."""
    estimate = sum(_SINGLE_WIN.get(POINTS[p], 0.0) for p in hand)
    combos = [p for p in valid_plays(hand) if len(p) >= 3]
    if combos and (starts or estimate >= 0.8):
        best = max(combos, key=lambda p: (len(p), strength(p)))
        estimate += len(best) * (0.9 if strength(best) >= 18 or len(best) >= 4 else 0.6)
    return estimate


def _best_winning(candidates: list[Pieces], best: Sequence[str]) -> Pieces | None:
    winners = [p for p in candidates if beats(p, best)]
    return min(winners, key=lambda p: (strength(p), p)) if winners else None


def _non_winning(hand: Pieces, required: int, best: Sequence[str], shed: bool) -> list[str]:
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
    need = me["declared"] - me["piles"]
    turn = view["turn"]
    required = turn["required"]
    plays = valid_plays(hand)
    if required is None:  # leading
        if need <= 0:
            return _weakest(hand, 1)
        fitting = [p for p in plays if len(p) <= need]
        # Lead the strongest play that does not overshoot, preferring more piles when strong.
        return list(max(fitting, key=lambda p: (strength(p) / len(p) + 3 * len(p), p)))
    best = _current_best(turn)
    if need > 0 and required <= need:
        winning = _best_winning([p for p in plays if len(p) == required], best)
        if winning is not None:
            return list(winning)
    return _non_winning(hand, required, best, shed=need <= 0)


def _current_best(turn: dict[str, Any]) -> list[str]:
    seat = turn["winning_seat"]
    return next(p["pieces"] for p in turn["plays"] if p["seat"] == seat)


# --------------------------------------------------------------------------- choosing


def _declare_value(view: View, hand: Pieces, strategy: str) -> int:
    allowed = view["legal"]["declare"]
    if strategy == "greedy":
        return _closest(allowed, _greedy_estimate(hand))
    starts = view["starter"] == view["you"]["seat"]
    return _closest(allowed, _smart_estimate(hand, starts))


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


BOT_STRATEGIES = tuple(_PLAYERS)
