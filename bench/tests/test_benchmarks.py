"""The benchmarks still run and report what they claim (small runs; no figure is judged)."""

from __future__ import annotations

import re

from bench import engine, load
from bench.report import machine, markers, write_section


def test_the_engine_benchmark_reports_every_line_up_and_a_profile_when_short(capsys):
    assert (
        engine.main(
            ["--only", "engine", "--games", "8", "--workers", "1", "--profile-games", "2"]
            + ["--no-write"]
        )
        == 0
    )
    out = capsys.readouterr().out
    start, end = markers("engine")
    assert out.count(start) == 1 and out.count(end) == 1
    for label, _ in engine.LINEUPS:
        assert re.search(rf"\| {re.escape(label)} \| 8 \| [\d.]+ \| \d+ \|", out), label


def test_the_expert_benchmark_reports_every_seat_and_the_decision_times(capsys):
    argv = ["--only", "expert", "--expert-games", "2", "--guard-games", "1", "--workers", "1"]
    assert engine.main([*argv, "--no-write"]) == 0
    out = capsys.readouterr().out
    start, end = markers("expert")
    assert out.count(start) == 1 and out.count(end) == 1
    assert "<!-- engine:start -->" not in out
    for seat, bot in enumerate(engine.EXPERT_LINEUP):
        assert re.search(rf"\| {seat} \| {bot} \| -?[\d.]+ \| -?[\d.]+ … -?[\d.]+ \|", out)
    assert re.search(r"\| default budget \| 80 \| 50 \| 2 \| \d+ \| [\d.]+ \|", out)
    assert re.search(r"\| cap check: unbounded work \| 100,000 \| 5 \| 1 \| \d+ \|", out)


def test_the_load_benchmark_plays_whole_games_against_daphne(tmp_path):
    with load.started("embedded", tmp_path) as server:
        run = load.measure("embedded", server, rooms=2, humans=2)
    # Two whole games (``measure`` returns once every player saw game over; the warm-up game is
    # not counted), every action of the four players answered, the server process measured.
    assert run.events > 2 * 300
    assert len(run.waits) > 100 and all(wait > 0 for wait in run.waits)
    assert run.after.cpu > run.before.cpu > 0
    assert run.after.peak_kib >= run.after.rss_kib > 0
    row = run.row()
    assert row["rooms × humans"] == "2 × 2"
    text = load.section([run], machine())
    start, end = markers("load")
    assert text.startswith(start) and text.endswith(end)
    assert "| embedded | 2 × 2 |" in text


def test_a_section_is_replaced_in_place_and_others_are_kept(tmp_path):
    doc = tmp_path / "benchmarks.md"
    write_section("engine", "<!-- engine:start -->\nfirst\n<!-- engine:end -->", doc)
    write_section("load", "<!-- load:start -->\nload\n<!-- load:end -->", doc)
    write_section("engine", "<!-- engine:start -->\nsecond\n<!-- engine:end -->", doc)
    text = doc.read_text()
    assert text.startswith("# Benchmarks")
    assert "first" not in text and "second" in text and "load" in text
    assert text.index("second") < text.index("<!-- load:start -->")


def test_the_admin_benchmark_renders_every_page(tmp_path):
    """A few thousand events on SQLite, in a process of its own (the benchmark sets Django up)."""
    import subprocess
    import sys

    from tests.liveserver import ROOT

    result = subprocess.run(
        [sys.executable, "-m", "bench.admin", "--events", "3000", "--rooms", "30"]
        + ["--database", "sqlite", "--repeat", "1", "--no-write"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stderr
    start, end = markers("admin")
    assert result.stdout.count(start) == 1 and result.stdout.count(end) == 1
    rows = re.findall(
        r"^\| [^|]+ \| `(/admin/[^`]+)` \| \d+ \| \d+ \| (\d+) \|$", result.stdout, re.M
    )
    assert len(rows) == 8 and {status for _, status in rows} == {"200"}, result.stdout
