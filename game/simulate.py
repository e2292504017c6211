"""Play complete 4-bot games in the engine alone (no I/O) and report speed and mean scores.

    python -m game.simulate --games N --seed S [--bots smart,greedy,greedy,greedy]
                            [--dump-events FILE] [--workers W]

The last line printed is ``games=… rounds=… events=… seconds=… games_per_s=… bots=…
mean_scores=…`` (the mean final score of each seat, in seat order).
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from collections.abc import Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field

from .bots import choose
from .engine import deadline, execute, to_act
from .state import Command, Event, GameState, Phase
from .views import bot_view

DEFAULT_BOTS = ("smart", "smart", "smart", "smart")


def play_game(
    seed: int, bots: Sequence[str] = DEFAULT_BOTS, max_rounds: int = 20
) -> Iterator[tuple[list[Event], GameState]]:
    """Play one complete game, yielding each command's events with the state after them.

    Seat 0 is the host, a human who never connects, so a bot plays it (as the room service
    does for an absent player); seats 1–3 are bots. The strategies come from ``bots``.
    """
    state = GameState()
    setup = [
        Command(
            "create_room", 0, {"room_id": f"SIM{seed}", "name": "Host", "max_rounds": max_rounds}
        )
    ]
    setup += [Command("add_bot", 0, {"seat": s, "strategy": bots[s]}) for s in (1, 2, 3)]
    setup.append(Command("start_game", 0, {"seed": seed}))
    for command in setup:
        events, state = execute(state, command)
        yield events, state
    game_over = Phase.GAME_OVER
    while state.phase is not game_over:
        waiting = to_act(state)
        if waiting:
            seat = waiting[0]
            command = choose(bot_view(state, seat), bots[seat])
            assert command is not None
        else:
            wanted = deadline(state)
            assert wanted is not None, state.phase
            command = Command(wanted.command)
        events, state = execute(state, command)
        yield events, state


@dataclass
class Totals:
    games: int = 0
    rounds: int = 0
    events: int = 0
    scores: list[int] = field(default_factory=lambda: [0, 0, 0, 0])


def run_games(
    first_seed: int, count: int, bots: Sequence[str], dump: bool = False
) -> tuple[Totals, list[dict]]:
    """Play games with seeds ``first_seed`` … ``first_seed + count - 1``."""
    totals = Totals()
    dumped: list[dict] = []
    for seed in range(first_seed, first_seed + count):
        state = GameState()
        for events, state in play_game(seed, bots):  # noqa: B007 (the last state is used)
            totals.events += len(events)
            if dump:
                dumped.extend(
                    {"game": seed, "type": e.type, "actor": e.actor, "payload": e.payload}
                    for e in events
                )
        totals.games += 1
        totals.rounds += state.round
        for i, seat in enumerate(state.seats):
            totals.scores[i] += seat.score
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
        return [s / max(self.totals.games, 1) for s in self.totals.scores]

    def summary(self) -> str:
        """The line ``main`` prints."""
        totals = self.totals
        means = ",".join(f"{m:.2f}" for m in self.mean_scores)
        return (
            f"games={totals.games} rounds={totals.rounds} events={totals.events} "
            f"seconds={self.seconds:.2f} games_per_s={self.games_per_s:.1f} "
            f"bots={','.join(self.bots)} mean_scores={means}"
        )


def simulate(
    games: int,
    seed: int = 1,
    bots: Sequence[str] = DEFAULT_BOTS,
    workers: int | None = None,
    dump: bool = False,
) -> Result:
    """Play ``games`` games (seeds ``seed`` …) split over ``workers`` processes (default: all
    cores; one process when there are too few games to share)."""
    if workers is None:
        workers = os.cpu_count() or 1
    started = time.perf_counter()
    if workers > 1 and games >= 2 * workers:
        chunks = _chunks(seed, games, workers)
        with ProcessPoolExecutor(workers) as pool:
            results = list(
                pool.map(run_games, *zip(*[(s, n, bots, dump) for s, n in chunks], strict=True))
            )
    else:
        results = [run_games(seed, games, bots, dump)]
    seconds = time.perf_counter() - started
    totals = Totals()
    for part, _ in results:
        totals.games += part.games
        totals.rounds += part.rounds
        totals.events += part.events
        totals.scores = [a + b for a, b in zip(totals.scores, part.scores, strict=True)]
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
    args = parser.parse_args(argv)
    bots = args.bots.split(",")
    if len(bots) != 4 or not set(bots) <= {"smart", "greedy"}:
        parser.error("--bots takes four strategies, each smart or greedy")
    dump = args.dump_events is not None
    result = simulate(args.games, args.seed, bots, args.workers, dump)
    if dump:
        with open(args.dump_events, "w") as out:
            for row in result.events:
                out.write(json.dumps(row) + "\n")
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
