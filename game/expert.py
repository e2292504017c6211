"""The ``expert`` bot: it reasons about the hands it cannot see.

For every decision (a declaration or a play) it samples hands for the other three seats that are
consistent with everything public in its view (``bot_view(..., history=True)``): the pieces
already played this round, each seat's piece count, and the weak-hand check of the deal (a seat
that revealed a weak hand holds no piece above 9 points; any other seat was dealt at least one,
so it still holds one if it has not played it). For each sample it plays every candidate move
out to the end of the round with fast rollouts of the ``smart`` policy (for all four seats, the
others toward their declarations), and it picks the move with the best mean round score for
itself. The candidates are few: every valid play (or, when following, every play of the required
size plus the pieces ``smart`` would shed either way), and the declarations around ``smart``'s
estimate. Every candidate is played out on the same sampled hands, so their difference is not
noise from the samples.

Determinism against a time budget. The work is fixed: ``Budget.rollouts`` rollouts per decision
(spread over the candidates), drawn from a generator seeded by the ``seed`` the caller passes
(``autoplay.sampling_seed``: a hash of the game's secret seed and the event number, computed
outside the view). So the same game replays the same decisions on any machine, and the same seed
gives the same games. A budget in seconds would make the number of rollouts, and so the moves,
depend on the machine's speed and load. The CPU time is only a guard: when a decision nears
``Budget.cpu_ms`` (default 50 ms, ``LIAPTUI_EXPERT_BUDGET_MS`` in the server) it stops sampling
and decides from the deals played out so far. It checks before each rollout and stops when that
rollout, costing what the one before it cost, would pass the cap, so it overruns the cap by no
more than the error of that estimate (a rollout costs about a tenth of a millisecond here: far
less than the 20 % allowed), plus whatever the machine takes from the thread in the middle of a
rollout (a virtual CPU preempted; ``autoplay`` holds the garbage collector off during a
decision, ``collector``; docs/benchmarks.md counts the decisions that went over). It reads
``time.thread_time`` (the CPU time of the deciding thread; in the simulator, the same as
``time.process_time``), so that in the server the work of other threads does not count against
the bot. The default work is calibrated to take well under the cap here (docs/benchmarks.md has
the mean and p99 decision time), so the guard bites only on a much slower or busier machine, and
a decision it cuts short is then no longer reproducible.
"""

from __future__ import annotations

import random
import time
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TypeVar

from .bots import View, closest, smart_estimate, smart_move, valid_plays, weakest
from .pieces import POINTS, WEAK_MAX_POINTS, deck, sort_hand
from .rules import PILES_PER_ROUND, beats, play_info, valid_declarations
from .scoring import round_score
from .state import SEATS, Command

Pieces = tuple[str, ...]

#: Rollouts per decision (over all its candidates): the work budget. Calibrated so that a
#: decision takes a few milliseconds of CPU here (docs/benchmarks.md).
DEFAULT_ROLLOUTS = 80
#: The CPU-time guard of one decision, in milliseconds.
DEFAULT_BUDGET_MS = 50.0
#: However many candidates, each is played out on at least this many sampled deals.
MIN_SAMPLES = 6
#: Declarations considered: ``smart``'s estimate, rounded, and this many either side.
DECLARATION_SPREAD = 2
#: Attempts at a sample in which every seat not revealed weak holds a strong piece.
_SAMPLE_TRIES = 20
_FULL_DECK = Counter(deck())


@dataclass(frozen=True)
class Budget:
    """What one decision may spend: ``rollouts`` (fixed work, deterministic) and ``cpu_ms``, a
    hard cap on its CPU time that only bites on a slow machine."""

    rollouts: int = DEFAULT_ROLLOUTS
    cpu_ms: float = DEFAULT_BUDGET_MS

    def __post_init__(self) -> None:
        if self.rollouts < 1 or self.cpu_ms <= 0:
            raise ValueError("an expert budget needs at least one rollout and some CPU time")


# --------------------------------------------------------------------------- what is public


@dataclass
class Facts:
    """The public facts of the round a seat decides in, read once from its view."""

    me: int
    hand: Pieces
    starter: int
    declared: list[int | None]
    piles: list[int]
    counts: list[int]
    zero_streaks: list[int]
    leader: int | None
    plays: list[tuple[int, Pieces]]  # the current turn's plays so far
    unseen: list[str]  # the pieces the others hold between them
    weak: frozenset[int]  # seats that revealed a weak hand: nothing above 9 points
    strong_needed: frozenset[int]  # seats that must still hold a piece above 9 points


def public_facts(view: View) -> Facts:
    me = view["you"]["seat"]
    hand = tuple(view["you"]["hand"])
    seats = view["seats"]
    weak = frozenset(view["redeal"]["weak"])
    seen = Counter(hand)
    shown_strong: set[int] = set()
    turns = [t["plays"] for t in view["round_turns"]]
    turn = view["turn"]
    plays: list[tuple[int, Pieces]] = []
    if turn is not None:
        plays = [(p["seat"], tuple(p["pieces"])) for p in turn["plays"]]
        turns.append(turn["plays"])
    for turn_plays in turns:
        for play in turn_plays:
            seen.update(play["pieces"])
            if any(POINTS[p] > WEAK_MAX_POINTS for p in play["pieces"]):
                shown_strong.add(play["seat"])
    others = [s for s in range(SEATS) if s != me]
    return Facts(
        me=me,
        hand=hand,
        starter=view["starter"],
        declared=[s["declared"] for s in seats],
        piles=[s["piles"] for s in seats],
        counts=[s["hand_count"] for s in seats],
        zero_streaks=[s["zero_streak"] for s in seats],
        leader=None if turn is None else turn["leader"],
        plays=plays,
        unseen=sorted((_FULL_DECK - seen).elements()),
        weak=weak,
        strong_needed=frozenset(s for s in others if s not in weak and s not in shown_strong),
    )


def sample_hands(facts: Facts, rng: random.Random) -> list[Pieces]:
    """Hands for the other seats drawn uniformly among those consistent with the public facts
    (the seat's own hand stays as it is)."""
    others = [s for s in range(SEATS) if s != facts.me]
    low = [p for p in facts.unseen if POINTS[p] <= WEAK_MAX_POINTS]
    high = [p for p in facts.unseen if POINTS[p] > WEAK_MAX_POINTS]
    weak = [s for s in others if s in facts.weak]
    if sum(facts.counts[s] for s in weak) > len(low):  # inconsistent facts: ignore the check
        weak = []
    rest_seats = [s for s in others if s not in weak]
    hands: list[Pieces] = [()] * SEATS
    hands[facts.me] = facts.hand
    for _ in range(_SAMPLE_TRIES):
        rng.shuffle(low)
        at = 0
        for seat in weak:
            hands[seat] = sort_hand(low[at : at + facts.counts[seat]])
            at += facts.counts[seat]
        rest = low[at:] + high
        rng.shuffle(rest)
        at = 0
        for seat in rest_seats:
            hands[seat] = sort_hand(rest[at : at + facts.counts[seat]])
            at += facts.counts[seat]
        if all(max(map(POINTS.__getitem__, hands[s])) > WEAK_MAX_POINTS for s in _needy(facts)):
            break
    return hands


def _needy(facts: Facts) -> list[int]:
    return [s for s in facts.strong_needed if facts.counts[s]]


# --------------------------------------------------------------------------- rollouts


def _without(hand: Pieces, pieces: Sequence[str]) -> Pieces:
    if len(pieces) == 1:
        at = hand.index(pieces[0])
        return hand[:at] + hand[at + 1 :]
    rest = list(hand)
    for piece in pieces:
        rest.remove(piece)
    return tuple(rest)


def play_out(
    hands: list[Pieces],
    declared: Sequence[int],
    piles: list[int],
    leader: int,
    plays: list[tuple[int, Pieces]],
) -> list[int]:
    """Finish the round from a turn in progress (``plays`` so far, led by ``leader``) with every
    seat playing ``smart`` toward its declaration; the piles at the end. Changes its arguments.

    The rollouts' hot loop: it follows the engine's rule for the winner of a turn (same type,
    strictly stronger) with one cached look-up per play."""
    best = plays[0][1] if plays else None
    winner = plays[0][0] if plays else leader
    if best is not None:
        best_type, best_strength = play_info(best)
        for seat, pieces in plays[1:]:
            kind, power = play_info(pieces)
            if kind is not None and kind == best_type and power > best_strength:
                best, winner, best_strength = pieces, seat, power
    n = len(plays)
    while True:
        while n < SEATS:
            seat = (leader + n) % SEATS
            hand = hands[seat]
            move = tuple(smart_move(hand, declared[seat] - piles[seat], best))
            hands[seat] = _without(hand, move)
            if best is None:
                best, winner = move, seat
                best_type, best_strength = play_info(move)
            else:
                kind, power = play_info(move)
                if kind is not None and kind == best_type and power > best_strength:
                    best, winner, best_strength = move, seat, power
            n += 1
        piles[winner] += len(best)
        if not hands[winner]:
            return piles
        leader, best, n = winner, None, 0


def _declare_others(facts: Facts, hands: list[Pieces], declared: list[int | None]) -> list[int]:
    """The seats still to declare after this one declare as ``smart`` would with these hands."""
    order = [(facts.starter + i) % SEATS for i in range(SEATS)]
    for at, seat in enumerate(order):
        if declared[seat] is not None:
            continue
        total = sum(d for d in declared if d is not None)
        allowed = valid_declarations(total, at == SEATS - 1, facts.zero_streaks[seat])
        declared[seat] = closest(allowed, smart_estimate(hands[seat], seat == facts.starter))
    return [d for d in declared if d is not None]


# --------------------------------------------------------------------------- deciding


C = TypeVar("C")


def _search(
    facts: Facts,
    candidates: list[C],
    score: Callable[[list[Pieces], C], int],
    seed: int,
    budget: Budget,
    started: float,
) -> dict[C, int]:
    """Each candidate's total ``score`` over the same sampled deals, deal after deal, until the
    work is done (``budget.rollouts`` over all the candidates, at least ``MIN_SAMPLES`` deals)
    or until one more rollout, costing what the one before it cost, would take the decision
    (which began at ``started``, in ``time.thread_time``) past its CPU cap. A deal cut short
    counts for no candidate, so every total covers the same deals."""
    rng = random.Random(seed)
    samples = max(MIN_SAMPLES, -(-budget.rollouts // len(candidates)))
    deadline = started + budget.cpu_ms / 1000
    totals = dict.fromkeys(candidates, 0)
    last = 0.0
    for _ in range(samples):
        hands = sample_hands(facts, rng)
        scores = []
        for candidate in candidates:
            before = time.thread_time()
            if before + last > deadline:
                return totals
            scores.append(score(hands, candidate))
            last = time.thread_time() - before
        for candidate, value in zip(candidates, scores, strict=True):
            totals[candidate] += value
    return totals


def choose_declaration(
    facts: Facts, allowed: list[int], seed: int, budget: Budget, started: float
) -> int:
    """The declaration with the best mean score over rollouts of the round."""
    smart = closest(allowed, smart_estimate(facts.hand, facts.starter == facts.me))
    low, high = round(smart) - DECLARATION_SPREAD, round(smart) + DECLARATION_SPREAD
    candidates = [v for v in allowed if low <= v <= high]
    if len(candidates) == 1:
        return candidates[0]

    def score(hands: list[Pieces], value: int) -> int:
        declared = list(facts.declared)
        declared[facts.me] = value
        final = _declare_others(facts, hands, declared)
        piles = play_out(list(hands), final, [0] * SEATS, facts.starter, [])
        return round_score(value, piles[facts.me])

    totals = _search(facts, candidates, score, seed, budget, started)
    # Ties go to smart's own choice, then to the smaller declaration (``max`` keeps the first).
    return max(candidates, key=lambda v: (totals[v], v == smart))


def play_candidates(facts: Facts) -> tuple[list[Pieces], Pieces]:
    """The plays worth comparing, and the one ``smart`` would make: every valid play when
    leading; when following, every valid play of the required size, the weakest pieces, and the
    pieces ``smart`` would play whether it needs piles or sheds them."""
    hand = facts.hand
    declared = facts.declared[facts.me]
    assert declared is not None
    best = _best_play(facts.plays) if facts.plays else None
    smart = tuple(sorted(smart_move(hand, declared - facts.piles[facts.me], best)))
    if best is None:
        found = set(valid_plays(hand))
    else:
        found = {p for p in valid_plays(hand) if len(p) == len(best)}
        found.add(tuple(sorted(weakest(hand, len(best)))))
        for need in (0, PILES_PER_ROUND):
            found.add(tuple(sorted(smart_move(hand, need, best))))
    found.add(smart)
    return sorted(found), smart


def _best_play(plays: list[tuple[int, Pieces]]) -> Pieces:
    best = plays[0][1]
    for _, pieces in plays[1:]:
        if beats(pieces, best):
            best = pieces
    return best


def choose_play(facts: Facts, seed: int, budget: Budget, started: float) -> list[str]:
    """The play with the best mean score over rollouts of the rest of the round."""
    candidates, smart = play_candidates(facts)
    if len(candidates) == 1:
        return list(candidates[0])
    me = facts.me
    declared = [d if d is not None else 0 for d in facts.declared]
    leader = facts.leader if facts.leader is not None else me

    def score(hands: list[Pieces], move: Pieces) -> int:
        trial = list(hands)
        trial[me] = _without(facts.hand, move)
        piles = play_out(trial, declared, list(facts.piles), leader, [*facts.plays, (me, move)])
        return round_score(declared[me], piles[me])

    totals = _search(facts, candidates, score, seed, budget, started)
    # Ties go to smart's own choice, then to the first in sorted order (``max`` keeps the first).
    return list(max(candidates, key=lambda m: (totals[m], m == smart)))


def choose(view: View, seed: int, budget: Budget | None = None) -> Command | None:
    """The ``expert``'s command for the seat of ``view`` (a ``bot_view(..., history=True)``),
    or ``None`` when the game is not waiting for that seat. ``seed`` seeds its sampling."""
    you = view["you"]
    if you is None:
        return None
    started = time.thread_time()
    budget = budget or Budget()
    seat, legal = you["seat"], view["legal"]
    if legal["redeal"]:
        return Command("redeal", seat, {"accept": False})
    if legal["declare"]:
        value = choose_declaration(public_facts(view), legal["declare"], seed, budget, started)
        return Command("declare", seat, {"value": value})
    if legal["play"] is not None:
        pieces = choose_play(public_facts(view), seed, budget, started)
        return Command("play", seat, {"pieces": pieces})
    return None
