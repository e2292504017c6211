"""Play complete 4-bot games in the engine alone (no I/O) and report speed and mean scores.

    python -m game.simulate --games N --seed S [--bots expert,smart,smart,smart]
                            [--dump-events FILE] [--workers W] [--expert-rollouts R]
                            [--expert-budget-ms MS]

The last line printed is ``games=… rounds=… events=… seconds=… games_per_s=… bots=…
mean_scores=…`` (the mean final score of each seat, in seat order); the line before it gives
each seat's mean final score with its 95 % confidence interval, and, when an ``expert`` plays,
the mean and p99 CPU time of its decisions.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import sys
import time
from collections.abc import Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field

from .autoplay import bot_command
from .engine import BOT_STRATEGIES, deadline, execute, to_act
from .expert import Budget
from .state import Command, Event, GameState, Phase

DEFAULT_BOTS = ("smart", "smart", "smart", "smart")
#: z for a two-sided 95 % confidence interval of a mean (normal approximation).
Z95 = 1.96


def play_game(
    seed: int,
    bots: Sequence[str] = DEFAULT_BOTS,
    max_rounds: int = 20,
    budget: Budget | None = None,
    thinking: list[float] | None = None,
) -> Iterator[tuple[list[Event], GameState]]:
    """Play one complete game, yielding each command's events with the state after them.

    Seat 0 is the host, a human who never connects, so a bot plays it (as the room service
    does for an absent player); seats 1–3 are bots. The strategies come from ``bots``; an
    ``expert`` spends ``budget`` on each decision, and the CPU seconds of each of its decisions
    are appended to ``thinking`` when it is given.
    """
    state = GameState()
    setup = [
        Command(
            "create_room", 0, {"room_id": f"SIM{seed}", "name": "Host", "max_rounds": max_rounds}
        )
    ]
    setup += [Command("add_bot", 0, {"seat": s, "strategy": bots[s]}) for s in (1, 2, 3)]
    setup.append(Command("start_game", 0, {"seed": seed}))
    events_so_far = 0  # the room's version: what the expert's sampling seed is derived from
    for command in setup:
        events, state = execute(state, command)
        events_so_far += len(events)
        yield events, state
    game_over = Phase.GAME_OVER
    while state.phase is not game_over:
        waiting = to_act(state)
        if waiting:
            seat = waiting[0]
            timed = thinking is not None and bots[seat] == "expert"
            started = time.thread_time() if timed else 0.0
            command = bot_command(state, seat, bots[seat], events_so_far, budget)
            if timed:
                thinking.append(time.thread_time() - started)
            assert command is not None
        else:
            wanted = deadline(state)
            assert wanted is not None, state.phase
            command = Command(wanted.command)
        events, state = execute(state, command)
        events_so_far += len(events)
        yield events, state


@dataclass
class Totals:
    games: int = 0
    rounds: int = 0
    events: int = 0
    #: each game's final scores, seats 0–3
    finals: list[tuple[int, ...]] = field(default_factory=list)
    #: the CPU seconds of every ``expert`` decision
    thinking: list[float] = field(default_factory=list)

    def add(self, other: Totals) -> None:
        self.games += other.games
        self.rounds += other.rounds
        self.events += other.events
        self.finals += other.finals
        self.thinking += other.thinking


def run_games(
    first_seed: int,
    count: int,
    bots: Sequence[str],
    dump: bool = False,
    budget: Budget | None = None,
) -> tuple[Totals, list[dict]]:
    """Play games with seeds ``first_seed`` … ``first_seed + count - 1``."""
    totals = Totals()
    dumped: list[dict] = []
    for seed in range(first_seed, first_seed + count):
        state = GameState()
        game = play_game(seed, bots, budget=budget, thinking=totals.thinking)
        for events, state in game:  # noqa: B007 (the last state is used)
            totals.events += len(events)
            if dump:
                dumped.extend(
                    {"game": seed, "type": e.type, "actor": e.actor, "payload": e.payload}
                    for e in events
                )
        totals.games += 1
        totals.rounds += state.round
        totals.finals.append(tuple(seat.score for seat in state.seats))
    return totals, dumped


@dataclass
class Result:
    """One simulation: the totals of its games, the wall-clock seconds they took (worker start-up
    included) and, when asked for, every event as a JSON-ready row."""

    totals: Totals
    seconds: float
    bots: tuple[str, ...]
    events: list[dict] = field(default_factory=list)

    @property
    def games_per_s(self) -> float:
        return self.totals.games / self.seconds

    @property
    def mean_scores(self) -> list[float]:
        return [mean for mean, _ in self.score_intervals]

    @property
    def score_intervals(self) -> list[tuple[float, float]]:
        """Each seat's mean final score and the half-width of its 95 % confidence interval."""
        return [mean_interval([f[seat] for f in self.totals.finals]) for seat in range(4)]

    @property
    def thinking_ms(self) -> tuple[float, float] | None:
        """The mean and p99 CPU milliseconds of an ``expert`` decision (``None``: no expert)."""
        times = sorted(self.totals.thinking)
        if not times:
            return None
        p99 = times[min(len(times) - 1, math.ceil(0.99 * len(times)) - 1)]
        return 1000 * sum(times) / len(times), 1000 * p99

    def intervals(self) -> str:
        """Each seat's mean final score ± its 95 % confidence interval, and the expert's time."""
        seats = " ".join(
            f"seat{i}({bot})={mean:.2f}±{half:.2f}"
            for i, (bot, (mean, half)) in enumerate(
                zip(self.bots, self.score_intervals, strict=True)
            )
        )
        thinking = self.thinking_ms
        if thinking is not None:
            seats += (
                f" expert_decisions={len(self.totals.thinking)}"
                f" expert_cpu_ms_mean={thinking[0]:.2f} expert_cpu_ms_p99={thinking[1]:.2f}"
            )
        return seats

    def summary(self) -> str:
        """The line ``main`` prints last."""
        totals = self.totals
        means = ",".join(f"{m:.2f}" for m in self.mean_scores)
        return (
            f"games={totals.games} rounds={totals.rounds} events={totals.events} "
            f"seconds={self.seconds:.2f} games_per_s={self.games_per_s:.1f} "
            f"bots={','.join(self.bots)} mean_scores={means}"
        )


def mean_interval(values: Sequence[float]) -> tuple[float, float]:
    """The mean of ``values`` and the half-width of its 95 % confidence interval (normal
    approximation, sample standard deviation)."""
    n = len(values)
    if n == 0:
        return 0.0, 0.0
    mean = sum(values) / n
    if n == 1:
        return mean, 0.0
    variance = sum((v - mean) ** 2 for v in values) / (n - 1)
    return mean, Z95 * math.sqrt(variance / n)


def simulate(
    games: int,
    seed: int = 1,
    bots: Sequence[str] = DEFAULT_BOTS,
    workers: int | None = None,
    dump: bool = False,
    budget: Budget | None = None,
) -> Result:
    """Play ``games`` games (seeds ``seed`` …) split over ``workers`` processes (default: all
    cores; one process when there are too few games to share)."""
    if workers is None:
        workers = os.cpu_count() or 1
    started = time.perf_counter()
    if workers > 1 and games >= 2 * workers:
        chunks = _chunks(seed, games, workers)
        with ProcessPoolExecutor(workers) as pool:
            jobs = [pool.submit(run_games, s, n, bots, dump, budget) for s, n in chunks]
            results = [job.result() for job in jobs]
    else:
        results = [run_games(seed, games, bots, dump, budget)]
    seconds = time.perf_counter() - started
    totals = Totals()
    for part, _ in results:
        totals.add(part)
    events = [row for _, rows in results for row in rows]
    return Result(totals, seconds, tuple(bots), events)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m game.simulate", description=__doc__)
    parser.add_argument("--games", type=int, default=100)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--bots", default=",".join(DEFAULT_BOTS))
    parser.add_argument("--dump-events", metavar="FILE")
    parser.add_argument(
        "--workers", type=int, default=os.cpu_count() or 1, help="processes (default: all cores)"
    )
    defaults = Budget()
    parser.add_argument(
        "--expert-rollouts",
        type=int,
        default=defaults.rollouts,
        help=f"an expert's rollouts per decision (default {defaults.rollouts})",
    )
    parser.add_argument(
        "--expert-budget-ms",
        type=float,
        default=defaults.cpu_ms,
        help=f"an expert decision's CPU-time cap (default {defaults.cpu_ms:g})",
    )
    args = parser.parse_args(argv)
    bots = args.bots.split(",")
    if len(bots) != 4 or not set(bots) <= set(BOT_STRATEGIES):
        parser.error(f"--bots takes four strategies, each one of {', '.join(BOT_STRATEGIES)}")
    try:
        budget = Budget(args.expert_rollouts, args.expert_budget_ms)
    except ValueError as error:
        parser.error(str(error))
    dump = args.dump_events is not None
    result = simulate(args.games, args.seed, bots, args.workers, dump, budget)
    if dump:
        with open(args.dump_events, "w") as out:
            for row in result.events:
                out.write(json.dumps(row) + "\n")
    print(result.intervals())
    print(result.summary())
    return 0


def _chunks(first: int, count: int, parts: int) -> list[tuple[int, int]]:
    size, extra = divmod(count, parts)
    chunks, seed = [], first
    for i in range(parts):
        n = size + (i < extra)
        chunks.append((seed, n))
        seed += n
    return chunks


if __name__ == "__main__":
    sys.exit(main())
