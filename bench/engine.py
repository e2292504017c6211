"""Engine benchmark, not a test (docs/architecture.md): complete 4-bot games in the engine alone.

    .venv/bin/python -m bench.engine [--games 1000] [--expert-games 1000] [--guard-games 10]
                                     [--workers W]
                                     [--profile-games N] [--only engine|expert] [--no-write]

Plays ``--games`` games with the default bots (four smart) and as many with smart against three
greedy, through ``game.simulate`` in this process (split over the same worker processes as
``python -m game.simulate``: one per core by default), prints the figures and rewrites the engine
section of docs/benchmarks.md. When the default line-up plays fewer than 200 games/s (the
target), the section also shows where the time goes: a cProfile of one process.

Then ``--expert-games`` games of ``expert`` against three ``smart`` (the expert section): each
seat's mean final score with its 95 % confidence interval, and the CPU time of the expert's
decisions (mean, p99, max) with its default budget; and a few games with a tiny CPU cap and
unbounded work, which show the cap holding.

Every game takes the honest path of a room: each bot decision is ``bot_view(state, seat)`` (the
part of the seat's view a bot reads, as the room service builds it) then ``bots.choose``, and
every command goes through ``engine.execute``, validation included.
"""

from __future__ import annotations

import argparse
import cProfile
import os
import pstats
import sys
from collections.abc import Sequence
from pathlib import Path

from bench.report import ROOT, machine, machine_table, markers, publish, written_by
from game.expert import Budget
from game.simulate import DEFAULT_BOTS, Result, run_games, simulate

TARGET_GAMES_PER_S = 200
LINEUPS = (
    ("smart ×4 (default)", DEFAULT_BOTS),
    ("smart vs greedy ×3", ("smart", "greedy", "greedy", "greedy")),
)
NAME = "engine"
EXPERT_NAME = "expert"
EXPERT_LINEUP = ("expert", "smart", "smart", "smart")
#: The cap check: far more work than the cap allows, so that the cap decides when to stop.
GUARD_BUDGET = Budget(rollouts=100_000, cpu_ms=5.0)
#: A decision may take its CPU cap plus 20 %.
OVERRUN = 1.2


# --------------------------------------------------------------------------- measuring


def profile(games: int) -> pstats.Stats:
    """cProfile of ``games`` games of the default line-up in this one process."""
    profiler = cProfile.Profile()
    profiler.runcall(run_games, 1, games, list(DEFAULT_BOTS))
    return pstats.Stats(profiler)


#: The three steps of a bot decision, found in the profile by (file, function).
_PARTS = (
    ("`bot_view` (the part of the table a bot reads)", "game/views.py", "bot_view"),
    ("`bots.choose` (the bot's decision)", "game/bots.py", "choose"),
    ("`engine.execute` (validation, events, state changes)", "game/engine.py", "execute"),
)


def _where(filename: str, lineno: int, name: str) -> str:
    path = Path(filename)
    if path.is_relative_to(ROOT):
        return f"{path.relative_to(ROOT)}:{lineno} {name}"
    if filename == "~":  # a built-in
        return name
    return f"{path.name}:{lineno} {name}"


def profile_tables(stats: pstats.Stats, top: int = 15) -> list[str]:
    raw = stats.stats  # type: ignore[attr-defined]
    total = max(ct for (_, _, name), (_, _, _, ct, _) in raw.items() if name == "run_games")
    lines = [
        "| part | cumulative s | share |",
        "|---|---:|---:|",
    ]
    accounted = 0.0
    for label, file, function in _PARTS:
        seconds = sum(
            ct
            for (filename, _, name), (_, _, _, ct, _) in raw.items()
            if name == function and filename.endswith(file)
        )
        accounted += seconds
        lines.append(f"| {label} | {seconds:.2f} | {seconds / total:.0%} |")
    rest = total - accounted
    label = "the simulator's loop, `to_act`, `deadline`"
    lines.append(f"| {label} | {rest:.2f} | {rest / total:.0%} |")
    lines += [
        "",
        f"Top {top} functions by own time (excluding the functions they call):",
        "",
        "| function | calls | own s | own share | cumulative s |",
        "|---|---:|---:|---:|---:|",
    ]
    rows = sorted(raw.items(), key=lambda item: item[1][2], reverse=True)[:top]
    for (filename, lineno, name), (_, calls, own, cumulative, _) in rows:
        lines.append(
            f"| `{_where(filename, lineno, name)}` | {calls} | {own:.3f} | {own / total:.1%} "
            f"| {cumulative:.3f} |"
        )
    return lines


# --------------------------------------------------------------------------- reporting


def section(
    results: list[tuple[str, Result]],
    workers: int,
    info: dict[str, str],
    stats: pstats.Stats | None,
    profile_games: int,
) -> str:
    start, end = markers(NAME)
    lines = [
        start,
        "## Engine: complete bot games (`make bench`)",
        "",
        written_by("python -m bench.engine")
        + " Each game is played through the honest path: every bot decision is "
        "`bot_view(state, seat)` (as the room service builds it) then `bots.choose`, and every "
        "command goes through `engine.execute`, validation included. Seconds are wall-clock, "
        "worker start-up included.",
        "",
        *machine_table(info, worker_processes=workers),
        "",
        "| line-up | games | seconds | games/s | events/s | rounds/game | events/game "
        "| mean final score, seats 0–3 |",
        "|---|---:|---:|---:|---:|---:|---:|---|",
    ]
    for label, result in results:
        totals = result.totals
        means = ", ".join(f"{m:.1f}" for m in result.mean_scores)
        lines.append(
            f"| {label} | {totals.games} | {result.seconds:.2f} | {result.games_per_s:.0f} "
            f"| {totals.events / result.seconds:,.0f} | {totals.rounds / totals.games:.1f} "
            f"| {totals.events / totals.games:.0f} | {means} |"
        )
    default = results[0][1]
    met = default.games_per_s >= TARGET_GAMES_PER_S
    lines += [
        "",
        f"Target: at least {TARGET_GAMES_PER_S} complete games/s with the default line-up: "
        f"**{'met' if met else 'not met'}** ({default.games_per_s:.0f} games/s).",
    ]
    if stats is not None:
        lines += [
            "",
            "### Where the time goes",
            "",
            f"cProfile of {profile_games} games of the default line-up in one process. The "
            "profiler adds a cost to every call, so code made of many small calls looks slower "
            "than it is: read the shares as a guide, not as exact figures.",
            "",
            *profile_tables(stats),
        ]
    lines.append(end)
    return "\n".join(lines)


def _thinking_row(label: str, result: Result, budget: Budget) -> str:
    times = sorted(result.totals.thinking)
    thinking = result.thinking_ms
    assert thinking is not None, "no expert decision was timed"
    over = sum(1 for t in times if 1000 * t > OVERRUN * budget.cpu_ms)
    return (
        f"| {label} | {budget.rollouts:,} | {budget.cpu_ms:g} | {result.totals.games} "
        f"| {len(times):,} | {thinking[0]:.2f} | {thinking[1]:.2f} | {1000 * times[-1]:.2f} "
        f"| {over} |"
    )


def expert_section(
    result: Result, guard: Result, workers: int, info: dict[str, str], load_after: float
) -> str:
    start, end = markers(EXPERT_NAME)
    intervals = result.score_intervals
    expert_low = intervals[0][0] - intervals[0][1]
    apart = all(expert_low > mean + half for mean, half in intervals[1:])
    lines = [
        start,
        "## Expert against three smart bots (`make bench-engine`)",
        "",
        written_by("python -m bench.engine")
        + " Seeded games (seeds 1 …) in the engine alone, as in the section above: the expert "
        "in seat 0, `smart` in seats 1–3. A score's interval is its mean ± 1.96 standard errors "
        "over the games. Decision times are the CPU time of the deciding thread "
        "(`time.thread_time`) per expert decision (declarations and plays, forced ones "
        "included), in the simulator's worker processes.",
        "",
        *machine_table(info, load_average_at_end=f"{load_after:.2f}", worker_processes=workers),
        "",
        "| seat | bot | mean final score | 95 % confidence interval |",
        "|---:|---|---:|---|",
    ]
    for seat, (bot, (mean, half)) in enumerate(zip(result.bots, intervals, strict=True)):
        lines.append(f"| {seat} | {bot} | {mean:.2f} | {mean - half:.2f} … {mean + half:.2f} |")
    lines += [
        "",
        f"The expert's mean is above every smart seat's with the intervals apart: "
        f"**{'yes' if apart else 'no'}**. {result.totals.rounds / result.totals.games:.1f} "
        f"rounds per game; {result.seconds:.0f} s of wall-clock time.",
        "",
        "| run | rollouts per decision | CPU cap ms | games | decisions | mean ms | p99 ms "
        "| max ms | decisions over cap + 20 % |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|",
        _thinking_row("default budget", result, Budget()),
        _thinking_row("cap check: unbounded work", guard, GUARD_BUDGET),
        end,
    ]
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.engine", description=__doc__)
    parser.add_argument("--games", type=int, default=1000)
    parser.add_argument("--expert-games", type=int, default=1000)
    parser.add_argument("--guard-games", type=int, default=10, help="games of the cap check")
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 1)
    parser.add_argument("--profile-games", type=int, default=100)
    parser.add_argument("--only", choices=(NAME, EXPERT_NAME), help="run one section only")
    parser.add_argument("--no-write", action="store_true", help="print only")
    args = parser.parse_args(argv)
    if args.only != EXPERT_NAME:
        info = machine()
        results = []
        for label, bots in LINEUPS:
            result = simulate(args.games, seed=1, bots=bots, workers=args.workers)
            print(f"{label}: {result.summary()}", flush=True)
            results.append((label, result))
        stats = None
        if results[0][1].games_per_s < TARGET_GAMES_PER_S:
            stats = profile(args.profile_games)
        text = section(results, args.workers, info, stats, args.profile_games)
        publish(NAME, text, print_only=args.no_write)
    if args.only != NAME:
        info = machine()
        result = simulate(args.expert_games, seed=1, bots=EXPERT_LINEUP, workers=args.workers)
        print(f"{result.intervals()}\n{result.summary()}", flush=True)
        guard = simulate(
            args.guard_games, seed=1, bots=EXPERT_LINEUP, workers=args.workers, budget=GUARD_BUDGET
        )
        print(f"cap check: {guard.intervals()}", flush=True)
        text = expert_section(result, guard, args.workers, info, os.getloadavg()[0])
        publish(EXPERT_NAME, text, print_only=args.no_write)
    return 0


if __name__ == "__main__":
    sys.exit(main())
