"""Settings read from the environment that the rest of the suite cannot see (it overrides them):
each case imports the settings in a fresh interpreter."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from tests.liveserver import ROOT


def setting(
    name: str, value: str | None, expression: str, **more: str
) -> subprocess.CompletedProcess[str]:
    """Print ``expression`` (of ``settings``) in an interpreter where ``name`` is ``value``
    (and the variables of ``more`` are set; DATABASE_URL and REDIS_URL are unset otherwise)."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "LIAPTUI_"))}
    env.pop("DATABASE_URL", None)
    env.pop("REDIS_URL", None)
    env.update(more)
    env["DJANGO_SETTINGS_MODULE"] = "gameproject.settings"
    if value is not None:
        env[name] = value
    code = f"from django.conf import settings; print({expression})"
    return subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True, timeout=30
    )


def idle_setting(value: str | None) -> subprocess.CompletedProcess[str]:
    return setting("LIAPTUI_IDLE_SECONDS", value, "settings.LIAPTUI_TIMINGS['idle']")


@pytest.mark.parametrize(
    ("value", "idle"), [(None, 60.0), ("", 60.0), ("0", 0.0), ("2.5", 2.5), (" 90 ", 90.0)]
)
def test_idle_seconds_sets_the_idle_timing(value, idle):
    result = idle_setting(value)
    assert result.returncode == 0, result.stderr
    assert float(result.stdout) == idle


@pytest.mark.parametrize("value", ["-1", "soon"])
def test_a_bad_idle_seconds_is_refused(value):
    result = idle_setting(value)
    assert result.returncode != 0
    assert "LIAPTUI_IDLE_SECONDS must be" in result.stderr


@pytest.mark.parametrize(
    ("database", "value", "threads"),
    [
        ("", None, 1),
        ("sqlite:///x.sqlite3", "", 1),
        ("postgres://postgres@127.0.0.1/test", None, 4),
        ("", "3", 3),
        ("postgres://postgres@127.0.0.1/test", " 8 ", 8),
    ],
)
def test_db_threads_sets_the_room_service_threads(database, value, threads):
    """One thread by default on SQLite (one writer at a time), four on other databases."""
    result = setting(
        "LIAPTUI_DB_THREADS",
        value,
        "settings.LIAPTUI_DB_THREADS",
        DATABASE_URL=database,
    )
    assert result.returncode == 0, result.stderr
    assert int(result.stdout) == threads


@pytest.mark.parametrize("value", ["0", "-2", "2.5", "many"])
def test_a_bad_db_threads_is_refused(value):
    result = setting("LIAPTUI_DB_THREADS", value, "settings.LIAPTUI_DB_THREADS")
    assert result.returncode != 0
    assert "LIAPTUI_DB_THREADS must be" in result.stderr


def expert_setting(value: str | None) -> subprocess.CompletedProcess[str]:
    return setting("LIAPTUI_EXPERT_BUDGET_MS", value, "settings.LIAPTUI_EXPERT_BUDGET_MS")


@pytest.mark.parametrize(
    ("value", "budget"), [(None, 50.0), ("", 50.0), ("20", 20.0), ("7.5", 7.5)]
)
def test_expert_budget_ms_sets_the_expert_cpu_cap(value, budget):
    result = expert_setting(value)
    assert result.returncode == 0, result.stderr
    assert float(result.stdout) == budget


@pytest.mark.parametrize("value", ["0", "-5", "fast"])
def test_a_bad_expert_budget_ms_is_refused(value):
    result = expert_setting(value)
    assert result.returncode != 0
    assert "LIAPTUI_EXPERT_BUDGET_MS must be" in result.stderr
