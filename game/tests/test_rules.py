"""Pieces, play types, strength, comparison and declarations (docs/rules.md §1–3, §7)."""

from __future__ import annotations

import itertools
from collections import Counter

import pytest

from game import pieces, rules
from game.rules import (
    DOUBLE_STRAIGHT,
    EXTENDED_STRAIGHT,
    EXTENDED_STRAIGHT_5,
    FIVE_OF_A_KIND,
    FOUR_OF_A_KIND,
    PAIR,
    SINGLE,
    STRAIGHT,
    THREE_OF_A_KIND,
    beats,
    compare,
    declaration_error,
    play_type,
    strength,
    valid_declarations,
)

from .helpers import KINDS, RULE_COPIES, RULE_DECK, RULE_POINTS, rule_play_type, rule_points

R, B = "RED", "BLACK"


def k(name: str, color: str = R) -> str:
    return f"{name}_{color}"


# --------------------------------------------------------------------------- pieces (§1)


def test_points_table_matches_rules():
    assert pieces.POINTS == RULE_POINTS


def test_deck_is_the_32_pieces_worth_192():
    deck = pieces.deck()
    assert len(deck) == 32
    assert Counter(deck) == RULE_DECK
    assert sum(RULE_POINTS[p] for p in deck) == 192
    assert sum(RULE_COPIES.values()) * 2 == 32


def test_glyphs():
    assert pieces.GLYPHS["GENERAL_RED"] == "帥"
    assert pieces.GLYPHS["GENERAL_BLACK"] == "將"
    assert pieces.GLYPHS["SOLDIER_BLACK"] == "卒"
    assert set(pieces.GLYPHS) == set(RULE_POINTS)


@pytest.mark.parametrize(
    ("hand", "weak"),
    [
        (["ELEPHANT_RED"] + ["SOLDIER_BLACK"] * 7, False),  # 10 points is strong
        (["ELEPHANT_BLACK"] + ["SOLDIER_BLACK"] * 7, True),  # 9 is not
        (["ELEPHANT_BLACK", "ELEPHANT_BLACK", "CHARIOT_RED", "CHARIOT_RED", "HORSE_RED"], True),
        (["ADVISOR_BLACK"] + ["CANNON_BLACK"] * 7, False),
        (["ADVISOR_RED", "SOLDIER_RED"], False),
        (["GENERAL_BLACK", "SOLDIER_RED"], False),
        (["GENERAL_RED"], False),
        (["CHARIOT_RED", "CHARIOT_BLACK", "HORSE_RED", "SOLDIER_RED"], True),
    ],
)
def test_is_weak(hand, weak):
    assert pieces.is_weak(hand) is weak


def test_every_single_piece_weakness():
    for kind, points in RULE_POINTS.items():
        assert pieces.is_weak([kind]) is (points <= 9), kind


# --------------------------------------------------------------------------- play types (§2)


VALID = [
    # SINGLE: any piece
    *[([kind], SINGLE) for kind in KINDS],
    # PAIR: two of the same kind
    ([k("GENERAL", B)] * 2, PAIR),  # shape only; there is one black general in the deck
    ([k("ADVISOR")] * 2, PAIR),
    ([k("SOLDIER", B)] * 2, PAIR),
    ([k("CANNON", B)] * 2, PAIR),
    # soldiers
    ([k("SOLDIER")] * 3, THREE_OF_A_KIND),
    ([k("SOLDIER", B)] * 3, THREE_OF_A_KIND),
    ([k("SOLDIER")] * 4, FOUR_OF_A_KIND),
    ([k("SOLDIER", B)] * 4, FOUR_OF_A_KIND),
    ([k("SOLDIER")] * 5, FIVE_OF_A_KIND),
    ([k("SOLDIER", B)] * 5, FIVE_OF_A_KIND),
    # straights
    ([k("GENERAL"), k("ADVISOR"), k("ELEPHANT")], STRAIGHT),
    ([k("ELEPHANT", B), k("GENERAL", B), k("ADVISOR", B)], STRAIGHT),
    ([k("CHARIOT"), k("HORSE"), k("CANNON")], STRAIGHT),
    ([k("CANNON", B), k("HORSE", B), k("CHARIOT", B)], STRAIGHT),
    # extended straights
    ([k("CHARIOT"), k("HORSE"), k("CANNON"), k("HORSE")], EXTENDED_STRAIGHT),
    ([k("CHARIOT", B), k("CHARIOT", B), k("HORSE", B), k("CANNON", B)], EXTENDED_STRAIGHT),
    ([k("GENERAL"), k("ADVISOR"), k("ADVISOR"), k("ELEPHANT")], EXTENDED_STRAIGHT),
    ([k("GENERAL", B), k("ADVISOR", B), k("ELEPHANT", B), k("ELEPHANT", B)], EXTENDED_STRAIGHT),
    (
        [k("CHARIOT"), k("CHARIOT"), k("HORSE"), k("HORSE"), k("CANNON")],
        EXTENDED_STRAIGHT_5,
    ),
    (
        [k("CANNON", B), k("HORSE", B), k("CANNON", B), k("CHARIOT", B), k("HORSE", B)],
        EXTENDED_STRAIGHT_5,
    ),
    (
        [k("GENERAL"), k("ADVISOR"), k("ADVISOR"), k("ELEPHANT"), k("ELEPHANT")],
        EXTENDED_STRAIGHT_5,
    ),
    # double straight
    (
        [k("CHARIOT"), k("CHARIOT"), k("HORSE"), k("HORSE"), k("CANNON"), k("CANNON")],
        DOUBLE_STRAIGHT,
    ),
    (
        [k(n, B) for n in ("CANNON", "HORSE", "CHARIOT", "CHARIOT", "HORSE", "CANNON")],
        DOUBLE_STRAIGHT,
    ),
]


@pytest.mark.parametrize(("kinds", "expected"), VALID)
def test_valid_play_types(kinds, expected):
    assert play_type(kinds) == expected
    assert play_type(tuple(reversed(kinds))) == expected


INVALID = {
    "empty": [],
    "unknown kind": ["KING_RED"],
    "unknown kind in a pair": ["KING_RED", "KING_RED"],
    "lower-case kind": ["general_red"],
    "pair of different kinds": [k("CHARIOT"), k("HORSE")],
    "pair of one name, two colours": [k("CHARIOT"), k("CHARIOT", B)],
    "pair of soldiers, mixed colours": [k("SOLDIER"), k("SOLDIER", B)],
    "three soldiers, mixed colours": [k("SOLDIER"), k("SOLDIER"), k("SOLDIER", B)],
    "five soldiers, mixed colours": [k("SOLDIER")] * 4 + [k("SOLDIER", B)],
    "six soldiers": [k("SOLDIER")] * 6,
    "seven soldiers": [k("SOLDIER")] * 7,
    "three of a kind that is not soldiers": [k("CANNON")] * 3,
    "four of a kind that is not soldiers": [k("HORSE", B)] * 4,
    "straight, mixed colours": [k("CHARIOT"), k("HORSE"), k("CANNON", B)],
    "HIGH and LOW mixed": [k("GENERAL"), k("ADVISOR"), k("CHARIOT")],
    "HIGH and LOW mixed (4)": [k("ELEPHANT"), k("CHARIOT"), k("HORSE"), k("CANNON")],
    "two names of a group": [k("CHARIOT"), k("HORSE"), k("HORSE")],
    "soldiers with a straight": [k("CHARIOT"), k("HORSE"), k("CANNON"), k("SOLDIER")],
    "soldiers with a cannon": [k("SOLDIER"), k("SOLDIER"), k("CANNON")],
    "soldiers with others (5)": [k("SOLDIER")] * 4 + [k("CANNON")],
    "extended straight, mixed colours": [k("CHARIOT"), k("HORSE"), k("CANNON"), k("HORSE", B)],
    "extended straight with a name three times": [
        k("CHARIOT"),
        k("HORSE"),
        k("CANNON"),
        k("CANNON"),
        k("CANNON"),
    ],
    "four of two names": [k("CHARIOT"), k("CHARIOT"), k("HORSE"), k("HORSE")],
    "double straight with a name three times": [
        k("CHARIOT"),
        k("CHARIOT"),
        k("CHARIOT"),
        k("HORSE"),
        k("HORSE"),
        k("CANNON"),
    ],
    "double straight with a name once": [
        k("CHARIOT"),
        k("CHARIOT"),
        k("CHARIOT"),
        k("HORSE"),
        k("CANNON"),
        k("CANNON"),
    ],
    "double straight, mixed colours": [
        k("CHARIOT"),
        k("CHARIOT"),
        k("HORSE"),
        k("HORSE"),
        k("CANNON"),
        k("CANNON", B),
    ],
    "double straight of the HIGH group": [
        k("GENERAL"),
        k("GENERAL"),
        k("ADVISOR"),
        k("ADVISOR"),
        k("ELEPHANT"),
        k("ELEPHANT"),
    ],
    "seven pieces: double straight and one": [
        k("CHARIOT"),
        k("CHARIOT"),
        k("HORSE"),
        k("HORSE"),
        k("CANNON"),
        k("CANNON"),
        k("SOLDIER"),
    ],
    "seven pieces of one group": [k("CHARIOT")] * 2 + [k("HORSE")] * 2 + [k("CANNON")] * 3,
    "six pieces of the HIGH group": [k("GENERAL")] + [k("ADVISOR")] * 2 + [k("ELEPHANT")] * 3,
}


@pytest.mark.parametrize("kinds", list(INVALID.values()), ids=list(INVALID))
def test_invalid_play_types(kinds):
    assert play_type(kinds) is None


def test_play_type_agrees_with_the_rules_for_every_small_multiset():
    """Every multiset of 1–6 pieces (any kinds, deck copies respected) against the table."""
    checked = 0
    for size in range(1, 7):
        for combo in itertools.combinations_with_replacement(KINDS, size):
            counts = Counter(combo)
            if any(n > RULE_DECK[kind] for kind, n in counts.items()):
                continue
            assert play_type(combo) == rule_play_type(combo), combo
            checked += 1
    assert checked > 10000


# --------------------------------------------------------------------------- strength (§2)


@pytest.mark.parametrize(
    ("kinds", "expected"),
    [
        ([k("GENERAL")], 14),
        ([k("SOLDIER", B)], 1),
        ([k("SOLDIER")] * 2, 4),
        ([k("CANNON")] * 2, 8),
        ([k("SOLDIER")] * 3, 6),
        ([k("SOLDIER", B)] * 5, 5),
        ([k("GENERAL"), k("ADVISOR"), k("ELEPHANT")], 36),
        ([k("GENERAL", B), k("ADVISOR", B), k("ELEPHANT", B)], 33),
        ([k("CHARIOT"), k("HORSE"), k("CANNON")], 18),
        # extended straights: the duplicates add nothing
        ([k("CHARIOT"), k("HORSE"), k("CANNON"), k("HORSE")], 18),
        ([k("CHARIOT"), k("HORSE"), k("CANNON"), k("CANNON")], 18),
        ([k("CHARIOT"), k("CHARIOT"), k("HORSE"), k("CANNON")], 18),
        ([k("CHARIOT"), k("CHARIOT"), k("HORSE"), k("HORSE"), k("CANNON")], 18),
        ([k("CHARIOT", B), k("HORSE", B), k("HORSE", B), k("CANNON", B), k("CANNON", B)], 15),
        ([k("GENERAL"), k("ADVISOR"), k("ADVISOR"), k("ELEPHANT"), k("ELEPHANT")], 36),
        # double straight: the plain sum
        ([k("CHARIOT"), k("CHARIOT"), k("HORSE"), k("HORSE"), k("CANNON"), k("CANNON")], 36),
        ([k(n, B) for n in ("CHARIOT", "HORSE", "CANNON")] * 2, 30),
    ],
)
def test_strength(kinds, expected):
    assert strength(kinds) == expected


def test_strength_is_the_sum_for_every_other_valid_play():
    for kinds, kind_type in VALID:
        if kind_type not in (EXTENDED_STRAIGHT, EXTENDED_STRAIGHT_5):
            assert strength(kinds) == rule_points(kinds), kinds


# --------------------------------------------------------------------------- compare / beats


def test_compare_within_a_type():
    assert compare([k("CANNON")] * 2, [k("SOLDIER")] * 2) == 1
    assert compare([k("SOLDIER")] * 2, [k("CANNON")] * 2) == -1
    assert compare([k("CANNON")] * 2, [k("CANNON")] * 2) == 0
    assert compare([k("GENERAL")], [k("GENERAL", B)]) == 1
    assert compare([k("SOLDIER", B)] * 3, [k("SOLDIER")] * 3) == -1
    red_low = [k("CHARIOT"), k("HORSE"), k("CANNON")]
    assert compare(red_low + [k("HORSE")], red_low + [k("CANNON")]) == 0


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ([k("SOLDIER")] * 3, [k("GENERAL"), k("ADVISOR"), k("ELEPHANT")]),  # 3 vs STRAIGHT
        ([k("GENERAL")], [k("SOLDIER")] * 2),
        ([k("CHARIOT"), k("HORSE"), k("CANNON"), k("CANNON")], [k("SOLDIER")] * 4),
        ([k("CHARIOT"), k("HORSE")], [k("SOLDIER")] * 2),  # invalid a
        ([k("SOLDIER")] * 2, [k("CHARIOT"), k("HORSE")]),  # invalid b
        ([], []),
        (["KING_RED"], ["KING_RED"]),
    ],
)
def test_compare_refuses_different_types_and_invalid_plays(a, b):
    with pytest.raises(ValueError):
        compare(a, b)


def test_beats_needs_same_type_and_strictly_greater():
    assert beats([k("CANNON")] * 2, [k("SOLDIER")] * 2)
    assert not beats([k("SOLDIER")] * 2, [k("CANNON")] * 2)
    # a tie goes to the earlier play
    assert not beats([k("CANNON")] * 2, [k("CANNON")] * 2)
    assert not beats([k("GENERAL")], [k("GENERAL")])
    # a different type never wins, however strong
    assert not beats([k("GENERAL"), k("ADVISOR"), k("ELEPHANT")], [k("SOLDIER", B)] * 3)
    assert not beats([k("GENERAL"), k("GENERAL", B)], [k("SOLDIER", B), k("SOLDIER", B)])
    # an invalid play never wins
    assert not beats([k("GENERAL"), k("ADVISOR")], [k("SOLDIER", B)] * 2)
    assert not beats([k("ADVISOR"), k("ADVISOR"), k("CANNON")], [k("SOLDIER", B)] * 3)


def test_beats_agrees_with_points_for_all_singles():
    for a, b in itertools.product(KINDS, repeat=2):
        assert beats([a], [b]) is (RULE_POINTS[a] > RULE_POINTS[b]), (a, b)


# --------------------------------------------------------------------------- §7 worked examples


def test_example_pair_of_soldiers_against_pair_of_cannons():
    soldiers, cannons = [k("SOLDIER")] * 2, [k("CANNON")] * 2
    assert strength(soldiers) == 4
    assert strength(cannons) == 8
    assert beats(cannons, soldiers)
    assert not beats(soldiers, cannons)


def test_example_three_soldiers_against_a_straight():
    leader = [k("SOLDIER")] * 3
    follower = [k("GENERAL"), k("ADVISOR"), k("ELEPHANT")]
    assert play_type(follower) == STRAIGHT
    assert not beats(follower, leader)


def test_example_black_soldiers_straight_red_soldiers():
    leader = [k("SOLDIER", B)] * 3
    second = [k("GENERAL"), k("ADVISOR"), k("ELEPHANT")]
    third = [k("SOLDIER")] * 3
    best = leader
    if beats(second, best):
        best = second
    if beats(third, best):
        best = third
    assert best == third


def test_example_extended_straights_tie():
    extra_horse = [k("CHARIOT"), k("HORSE"), k("CANNON"), k("HORSE")]
    extra_cannon = [k("CHARIOT"), k("HORSE"), k("CANNON"), k("CANNON")]
    assert strength(extra_horse) == strength(extra_cannon) == 18
    assert not beats(extra_cannon, extra_horse)
    assert not beats(extra_horse, extra_cannon)


def test_example_last_declarer():
    assert 2 not in valid_declarations(2 + 1 + 3, True, 0)
    assert declaration_error(2, 6, True, 0) is not None
    for value in (0, 1, 3, 4, 5, 6, 7, 8):
        assert declaration_error(value, 6, True, 0) is None


# --------------------------------------------------------------------------- declarations (§3)


def test_valid_declarations_unrestricted():
    assert valid_declarations(0, False, 0) == list(range(9))
    assert valid_declarations(5, False, 1) == list(range(9))


def test_last_seat_restriction():
    assert valid_declarations(5, True, 0) == [0, 1, 2, 4, 5, 6, 7, 8]
    assert valid_declarations(0, True, 0) == list(range(8))  # 8 alone would make 8
    assert valid_declarations(8, True, 0) == list(range(1, 9))  # 0 would keep it at 8
    assert valid_declarations(9, True, 0) == list(range(9))  # already past 8: nothing to avoid
    assert valid_declarations(24, True, 0) == list(range(9))
    # not last: the same totals restrict nothing
    assert valid_declarations(5, False, 0) == list(range(9))
    assert valid_declarations(8, False, 0) == list(range(9))


def test_zero_streak_restriction():
    assert valid_declarations(0, False, 1) == list(range(9))
    assert valid_declarations(0, False, 2) == list(range(1, 9))
    assert valid_declarations(0, False, 5) == list(range(1, 9))


def test_both_restrictions_together():
    assert valid_declarations(6, True, 2) == [1, 3, 4, 5, 6, 7, 8]
    assert valid_declarations(8, True, 2) == list(range(1, 9))  # both forbid only 0
    assert valid_declarations(1, True, 2) == [1, 2, 3, 4, 5, 6, 8]


def test_declaration_error_agrees_with_valid_declarations():
    for others, is_last, streak in itertools.product(range(0, 25), (False, True), range(4)):
        allowed = valid_declarations(others, is_last, streak)
        for value in range(-2, 11):
            expected = (
                0 <= value <= 8
                and not (value == 0 and streak >= 2)
                and not (is_last and others + value == 8)
            )
            assert (declaration_error(value, others, is_last, streak) is None) is expected
            assert (value in allowed) is expected


def test_declaration_error_names_the_rule_and_its_figures():
    assert declaration_error(0, 0, False, 2) == {"reason": "zero_streak", "rounds": 2}
    assert declaration_error(3, 5, True, 0) == {"reason": "last_total", "total": 8, "others": 5}
    assert declaration_error(9, 0, False, 0) == {"reason": "range", "max": 8}
    assert declaration_error(-1, 0, False, 0) == {"reason": "range", "max": 8}


def test_rule_constants():
    assert rules.MAX_PLAY == 6
    assert rules.PILES_PER_ROUND == 8
