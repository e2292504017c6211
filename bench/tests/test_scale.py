"""The real-timings scale benchmark: its pure parts, and one short run at a small time scale
(no figure is judged, only that every part of the report is there)."""

from __future__ import annotations

import re
from collections import Counter

import pytest

from bench import scale
from bench.load import Usage, percentile
from bench.report import machine, markers


def test_think_times_are_seeded_per_room_and_stay_in_range():
    def delays(thinker: scale.Thinker, n: int = 5) -> list[float]:
        return [thinker.delay() for _ in range(n)]

    first = delays(scale.Thinker(7, 3))
    assert delays(scale.Thinker(7, 3)) == first
    assert delays(scale.Thinker(7, 4)) != first and delays(scale.Thinker(8, 3)) != first
    many = delays(scale.Thinker(1, 0), 1000)
    assert min(many) >= 0.5 and max(many) <= 1.5
    assert 0.9 < sum(many) / len(many) < 1.1
    assert delays(scale.Thinker(1, 0, scale=0.1), 3) == pytest.approx([d / 10 for d in many[:3]])


def test_percentile_is_the_nearest_rank():
    values = [float(n) for n in range(1, 101)]
    assert percentile(values, 50) == 51.0
    assert percentile(values, 99) == 99.0
    assert percentile(values, 100) == 100.0
    assert percentile([3.0], 99) == 3.0


def test_rooms_start_staggered_inside_the_stagger_and_each_slot_once():
    plans = [
        scale.Plan((1, 2), tuple(range(n, 10, 3)), 10, start=100.0, stagger=5.0, warmup=15.0,
                   duration=120.0)
        for n in range(3)
    ]  # fmt: skip
    slots = sorted(slot for plan in plans for slot in plan.slots)
    assert slots == list(range(10))
    assert [plans[0].starts_at(slot) for slot in (0, 5, 9)] == [100.0, 102.5, 104.5]
    assert plans[0].window == (115.0, 220.0)


LOOP = "<module> (daphne);run (asyncio/base_events.py);handle (rooms/consumers.py)"
RAW = f"""\
{LOOP};room_list (rooms/selectors.py);execute (django/db/x.py) 6
{LOOP};dumps (json/__init__.py) 2
_bootstrap (/usr/lib/python3.11/threading.py);work (rooms/db.py);execute (django/db/x.py) 2
garbage line
"""


def test_the_profile_summary_ranks_own_and_total_time_of_working_threads():
    waiting = "_bootstrap (/usr/lib/python3.11/threading.py);_worker (concurrent/futures/thread.py)"
    profile = scale.summarise_profile(RAW + f"{waiting} 10\n", top=3)
    assert (profile.samples, profile.waiting) == (20, 0.5)
    assert [(e.function, e.own) for e in profile.by_own] == [
        ("execute (django/db/x.py)", 0.8),
        ("dumps (json/__init__.py)", 0.2),
    ]
    # The event loop, thread start-up and the module frame are in (nearly) every sample.
    assert [(e.function, e.total) for e in profile.by_total] == [
        ("execute (django/db/x.py)", 0.8),
        ("handle (rooms/consumers.py)", 0.8),
        ("room_list (rooms/selectors.py)", 0.6),
    ]
    assert scale.summarise_profile("") == scale.Profile(0, 0.0, [], [])


def _run(setup: str, rooms: int, waits_ms: list[float]) -> scale.Run:
    def sample(cpu: float, rss: int) -> scale.Sample:
        return scale.Sample([Usage(cpu, rss, rss)], [cpu / 4], (cpu, 2 * cpu))

    tally = scale.Tally(waits=[w / 1000 for w in waits_ms], events=500, failures=Counter())
    return scale.Run(
        setup, rooms, 10.0, 0.3, tally, [Usage(1.0, 1000, 1000)], sample(2.0, 1000),
        sample(6.0, 1000 + 50 * rooms),
        profile=scale.Profile(200, 0.25, [scale.ProfileEntry("f (a.py)", 0.5, 0.5)],
                              [scale.ProfileEntry("g (b.py)", 0, 0.9)]),
    )  # fmt: skip


def test_the_section_has_a_row_per_run_and_the_largest_room_count_under_the_target():
    runs = [
        _run("one", 50, [5.0] * 99 + [90.0]),
        _run("one", 100, [5.0] * 90 + [150.0] * 10),
        _run("two", 50, [200.0]),
    ]
    assert scale.largest_holding(runs) == {"one": 50, "two": None}
    text = scale.section(runs, machine(), "python -m bench.scale", window_s="15 → 120")
    start, end = markers("scale")
    assert text.startswith(start) and text.endswith(end)
    assert text.count("| one | 50 |") == 1 and text.count("| one | 100 |") == 1
    # 4 CPU seconds in 10 s: 40 % of a core, 4 ms per room-second at 100 rooms.
    assert re.search(
        r"\| one \| 100 \| 0\.30 \| 5\.0 / 150 / 150 \| 150 \| 10\.0 \| 50 \| 40 \| 4\.00 \|", text
    )
    assert "- one: **50**" in text and "- two: **none measured**" in text
    assert "200 samples, of which 25 % a thread waiting" in text
    assert "| 50.0 % | `f (a.py)` | | 90.0 % | `g (b.py)` |" in text


def test_a_short_run_at_a_small_time_scale_reports_every_figure():
    run = scale.run_setup(
        "embedded", 2, duration=4.0, warmup=1.0, stagger=0.2, clients=1, time_scale=0.05
    )
    assert not run.tally.failures, run.tally.failures
    assert run.tally.rooms >= 2 and run.tally.waits and run.tally.events > 0
    assert run.last.servers[0].cpu > run.first.servers[0].cpu > 0
    assert run.last.clients[0] >= run.first.clients[0] > 0
    assert set(run.row()) >= {"answer ms p50 / p95 / p99", "server CPU %", "client CPU %"}
