"""Pieces and the deck (docs/rules.md §1). A piece is its kind, ``NAME_COLOR``."""

from __future__ import annotations

RED = "RED"
BLACK = "BLACK"
COLORS = (RED, BLACK)

GENERAL = "GENERAL"
ADVISOR = "ADVISOR"
ELEPHANT = "ELEPHANT"
CHARIOT = "CHARIOT"
HORSE = "HORSE"
CANNON = "CANNON"
SOLDIER = "SOLDIER"
NAMES = (GENERAL, ADVISOR, ELEPHANT, CHARIOT, HORSE, CANNON, SOLDIER)

HIGH = frozenset((GENERAL, ADVISOR, ELEPHANT))
LOW = frozenset((CHARIOT, HORSE, CANNON))

_RED_POINTS = {
    GENERAL: 14,
    ADVISOR: 12,
    ELEPHANT: 10,
    CHARIOT: 8,
    HORSE: 6,
    CANNON: 4,
    SOLDIER: 2,
}
COPIES = {GENERAL: 1, ADVISOR: 2, ELEPHANT: 2, CHARIOT: 2, HORSE: 2, CANNON: 2, SOLDIER: 5}

#: kind -> points; black is one point below red of the same name.
POINTS: dict[str, int] = {}
for _name, _points in _RED_POINTS.items():
    POINTS[f"{_name}_{RED}"] = _points
    POINTS[f"{_name}_{BLACK}"] = _points - 1

GLYPHS: dict[str, str] = dict(
    zip(
        [f"{n}_{RED}" for n in NAMES] + [f"{n}_{BLACK}" for n in NAMES],
        "帥仕相俥傌炮兵將士象車馬砲卒",
        strict=True,
    )
)

#: kind -> name and kind -> colour, precomputed because the rules ask for them constantly.
NAME_OF: dict[str, str] = {kind: kind.rsplit("_", 1)[0] for kind in POINTS}
COLOR_OF: dict[str, str] = {kind: kind.rsplit("_", 1)[1] for kind in POINTS}

#: A hand is weak when no piece in it is worth more than this.
WEAK_MAX_POINTS = 9


def deck() -> list[str]:
    """The 32 pieces, strongest first, in a fixed order (shuffling is the caller's)."""
    return [
        kind
        for kind in sorted(POINTS, key=POINTS.__getitem__, reverse=True)
        for _ in range(COPIES[NAME_OF[kind]])
    ]


#: kind -> its sort key in display order (strongest first).
_DISPLAY_ORDER = {kind: (-points, kind) for kind, points in POINTS.items()}


def sort_hand(kinds: list[str] | tuple[str, ...]) -> tuple[str, ...]:
    """A hand in display order: strongest first, stable for equal kinds."""
    return tuple(sorted(kinds, key=_DISPLAY_ORDER.__getitem__))


def is_weak(hand: list[str] | tuple[str, ...]) -> bool:
    """True when no piece in the hand is worth more than 9 points (docs/rules.md §3)."""
    return all(POINTS[kind] <= WEAK_MAX_POINTS for kind in hand)
