"""The score formula and perfect rounds (docs/rules.md §3, Scoring; §7)."""

from __future__ import annotations

import itertools

import pytest

from game.scoring import is_perfect, round_score

from .helpers import rule_score


@pytest.mark.parametrize(
    ("declared", "actual", "multiplier", "expected"),
    [
        # d = 0, a = 0: +3
        (0, 0, 1, 3),
        (0, 0, 2, 6),
        (0, 0, 3, 9),
        # d = 0, a > 0: -a
        (0, 1, 1, -1),
        (0, 2, 1, -2),  # §7: declared 0, won 2
        (0, 8, 1, -8),
        (0, 3, 2, -6),
        # d > 0, a = d: d + 5
        (1, 1, 1, 6),
        (3, 3, 3, 24),  # §7: declared 3 at multiplier 3, won 3
        (8, 8, 1, 13),
        (2, 2, 2, 14),
        # d > 0, a != d: -|d - a|
        (1, 4, 2, -6),  # §7: declared 1 at multiplier 2, won 4
        (5, 0, 1, -5),
        (2, 7, 1, -5),
        (7, 2, 3, -15),
        (4, 3, 1, -1),
    ],
)
def test_round_score(declared, actual, multiplier, expected):
    assert round_score(declared, actual, multiplier) == expected


def test_default_multiplier_is_one():
    assert round_score(3, 3) == 8
    assert round_score(0, 0) == 3


def test_is_perfect():
    assert is_perfect(3, 3)
    assert is_perfect(8, 8)
    assert is_perfect(1, 1)
    assert not is_perfect(0, 0)  # a zero hit is not a perfect round
    assert not is_perfect(3, 2)
    assert not is_perfect(0, 1)


def test_round_score_over_the_whole_range():
    for d, a, m in itertools.product(range(9), range(9), range(1, 5)):
        assert round_score(d, a, m) == rule_score(d, a, m)
        assert is_perfect(d, a) is (d > 0 and a == d)
