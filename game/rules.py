"""Play types, their strength and comparison, and the declaration rules (docs/rules.md §2–3)."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from functools import lru_cache

from .pieces import CANNON, CHARIOT, COLOR_OF, HIGH, HORSE, LOW, NAME_OF, POINTS, SOLDIER

SINGLE = "SINGLE"
PAIR = "PAIR"
THREE_OF_A_KIND = "THREE_OF_A_KIND"
STRAIGHT = "STRAIGHT"
FOUR_OF_A_KIND = "FOUR_OF_A_KIND"
EXTENDED_STRAIGHT = "EXTENDED_STRAIGHT"
EXTENDED_STRAIGHT_5 = "EXTENDED_STRAIGHT_5"
FIVE_OF_A_KIND = "FIVE_OF_A_KIND"
DOUBLE_STRAIGHT = "DOUBLE_STRAIGHT"
PLAY_TYPES = (
    SINGLE,
    PAIR,
    THREE_OF_A_KIND,
    STRAIGHT,
    FOUR_OF_A_KIND,
    EXTENDED_STRAIGHT,
    EXTENDED_STRAIGHT_5,
    FIVE_OF_A_KIND,
    DOUBLE_STRAIGHT,
)
MAX_PLAY = 6
PILES_PER_ROUND = 8
MAX_DECLARATION = 8
#: A seat that declared 0 this many rounds in a row may not declare 0 again.
ZERO_STREAK_LIMIT = 2

_SOLDIER_TYPES = {3: THREE_OF_A_KIND, 4: FOUR_OF_A_KIND, 5: FIVE_OF_A_KIND}
_GROUP_TYPES = {(1, 1, 1): STRAIGHT, (1, 1, 2): EXTENDED_STRAIGHT, (1, 2, 2): EXTENDED_STRAIGHT_5}
_DOUBLE_STRAIGHT_NAMES = {CHARIOT: 2, HORSE: 2, CANNON: 2}


def play_type(kinds: Sequence[str]) -> str | None:
    """The play type of these pieces, or ``None`` when they form no valid play."""
    return _play_type(tuple(kinds))


@lru_cache(maxsize=65536)
def _play_type(kinds: tuple[str, ...]) -> str | None:
    size = len(kinds)
    if size == 1:
        return SINGLE if kinds[0] in POINTS else None
    if size == 0 or size > MAX_PLAY or any(k not in POINTS for k in kinds):
        return None
    if len({COLOR_OF[k] for k in kinds}) != 1:
        return None
    names = Counter(NAME_OF[k] for k in kinds)
    if size == 2:
        return PAIR if len(names) == 1 else None
    if set(names) == {SOLDIER}:
        return _SOLDIER_TYPES.get(size)
    if size == 6:
        return DOUBLE_STRAIGHT if names == _DOUBLE_STRAIGHT_NAMES else None
    if set(names) == HIGH or set(names) == LOW:
        return _GROUP_TYPES.get(tuple(sorted(names.values())))
    return None


def strength(kinds: Sequence[str]) -> int:
    """Strength within a play type: the sum of points, except extended straights, where each
    name counts once (the duplicate adds nothing)."""
    return _strength(tuple(kinds))


@lru_cache(maxsize=65536)
def _strength(kinds: tuple[str, ...]) -> int:
    if _play_type(kinds) in (EXTENDED_STRAIGHT, EXTENDED_STRAIGHT_5):
        return sum(POINTS[k] for k in set(kinds))
    return sum(POINTS[k] for k in kinds)


def compare(a: Sequence[str], b: Sequence[str]) -> int:
    """1 when ``a`` is stronger, -1 when ``b`` is, 0 on equal strength.

    Plays of different types are never compared (docs/rules.md §5): ``ValueError`` when the types
    differ or either play is invalid.
    """
    type_a, type_b = play_type(a), play_type(b)
    if type_a is None or type_b is None:
        raise ValueError("an invalid play cannot be compared")
    if type_a != type_b:
        raise ValueError(f"plays of different types cannot be compared: {type_a} vs {type_b}")
    sa, sb = strength(a), strength(b)
    return (sa > sb) - (sa < sb)


def beats(play: Sequence[str], best: Sequence[str]) -> bool:
    """Whether a follower's ``play`` takes over from the ``best`` so far: same type and strictly
    stronger. An invalid or different-type play never wins."""
    type_play, strength_play = play_info(tuple(play))
    type_best, strength_best = play_info(tuple(best))
    return type_play is not None and type_play == type_best and strength_play > strength_best


@lru_cache(maxsize=65536)
def play_info(kinds: tuple[str, ...]) -> tuple[str | None, int]:
    """``(play_type, strength)`` of a tuple of pieces, ``(None, 0)`` when it is no valid play:
    what comparing plays needs, in one cached look-up."""
    kind = _play_type(kinds)
    return (None, 0) if kind is None else (kind, _strength(kinds))


def valid_declarations(others_total: int, is_last: bool, zero_streak: int) -> list[int]:
    """The values a seat may declare (0–8), given the sum already declared by the others, whether
    it declares last, and how many rounds in a row it has declared 0."""
    values = list(range(MAX_DECLARATION + 1))
    if zero_streak >= ZERO_STREAK_LIMIT:
        values.remove(0)
    forbidden = PILES_PER_ROUND - others_total
    if is_last and forbidden in values:
        values.remove(forbidden)
    return values


def declaration_error(
    value: int, others_total: int, is_last: bool, zero_streak: int
) -> dict[str, int | str] | None:
    """Why ``value`` may not be declared, as a refusal's params (the rule broken, as
    ``reason``, and its figures), or ``None`` when it may."""
    if not 0 <= value <= MAX_DECLARATION:
        return {"reason": "range", "max": MAX_DECLARATION}
    if value == 0 and zero_streak >= ZERO_STREAK_LIMIT:
        return {"reason": "zero_streak", "rounds": ZERO_STREAK_LIMIT}
    if is_last and others_total + value == PILES_PER_ROUND:
        return {"reason": "last_total", "total": PILES_PER_ROUND, "others": others_total}
    return None
