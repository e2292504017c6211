"""The score of one seat for one round (docs/rules.md §3, Scoring)."""

from __future__ import annotations

PERFECT_BONUS = 5
ZERO_BONUS = 3


def round_score(declared: int, actual: int, multiplier: int = 1) -> int:
    """Points for a seat that declared ``declared`` and won ``actual`` piles, times the round's
    redeal multiplier."""
    if declared == 0:
        base = ZERO_BONUS if actual == 0 else -actual
    elif actual == declared:
        base = declared + PERFECT_BONUS
    else:
        base = -abs(declared - actual)
    return base * multiplier


def is_perfect(declared: int, actual: int) -> bool:
    """A perfect round: a non-zero declaration hit exactly."""
    return declared > 0 and actual == declared
