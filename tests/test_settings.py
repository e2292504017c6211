"""Settings read from the environment that the rest of the suite cannot see (it overrides them):
each case imports the settings in a fresh interpreter."""

from __future__ import annotations

import ast
import json
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


@pytest.mark.parametrize(
    ("value", "origins"),
    [
        (None, []),
        ("", []),
        ("https://play.example.com", ["https://play.example.com"]),
        (
            " http://10.0.0.5:8080 , https://a.example/ ",
            ["http://10.0.0.5:8080", "https://a.example/"],
        ),
    ],
)
def test_allowed_origins(value, origins):
    result = setting("DJANGO_ALLOWED_ORIGINS", value, "settings.ALLOWED_ORIGINS")
    assert result.returncode == 0, result.stderr
    assert ast.literal_eval(result.stdout) == origins


@pytest.mark.parametrize(
    "value", ["play.example.com", "ws://a.example", "https://a.example/x", "*"]
)
def test_a_malformed_allowed_origin_is_refused(value):
    result = setting("DJANGO_ALLOWED_ORIGINS", value, "settings.ALLOWED_ORIGINS")
    assert result.returncode != 0
    assert "DJANGO_ALLOWED_ORIGINS takes origins like" in result.stderr


@pytest.mark.parametrize(
    ("heartbeat", "ttl", "expected"),
    [(None, None, "2.0 6.0"), ("1", "2", "1.0 2.0"), ("0.5", None, "0.5 6.0")],
)
def test_presence_timings(heartbeat, ttl, expected):
    more = {"LIAPTUI_PRESENCE_TTL": ttl} if ttl is not None else {}
    result = setting(
        "LIAPTUI_PRESENCE_HEARTBEAT",
        heartbeat,
        "settings.LIAPTUI_PRESENCE_HEARTBEAT, settings.LIAPTUI_PRESENCE_TTL",
        **more,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == f"{expected.split()[0]} {expected.split()[1]}"


@pytest.mark.parametrize(("heartbeat", "ttl"), [("0", "6"), ("-1", "6"), ("4", "6"), ("2", "x")])
def test_bad_presence_timings_are_refused(heartbeat, ttl):
    result = setting(
        "LIAPTUI_PRESENCE_HEARTBEAT",
        heartbeat,
        "settings.LIAPTUI_PRESENCE_TTL",
        LIAPTUI_PRESENCE_TTL=ttl,
    )
    assert result.returncode != 0
    assert "LIAPTUI_PRESENCE" in result.stderr


#: The production variables docs/deployment.md lists (with a made-up host and key).
PRODUCTION = {
    "DJANGO_SECRET_KEY": "k" * 20 + "-a-long-random-production-key-0123456789-abcdefghij",
    "DJANGO_ALLOWED_HOSTS": "play.example.com",
    "DJANGO_ALLOWED_ORIGINS": "https://play.example.com",
    "DJANGO_BEHIND_HTTPS_PROXY": "1",
    "DJANGO_HSTS_SECONDS": "31536000",
    "DJANGO_HSTS_INCLUDE_SUBDOMAINS": "1",
    "DJANGO_HSTS_PRELOAD": "1",
}


def check_deploy(env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "LIAPTUI_"))}
    clean.pop("DATABASE_URL", None)
    clean.pop("REDIS_URL", None)
    return subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env={**clean, **env},
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_check_deploy_is_clean_with_the_production_variables():
    result = check_deploy(PRODUCTION)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


#: Each of these, left out, makes `check --deploy` warn (the hosts and origins do not: their
#: defaults are valid, if useless, in production).
CHECKED = sorted(set(PRODUCTION) - {"DJANGO_ALLOWED_HOSTS", "DJANGO_ALLOWED_ORIGINS"})


@pytest.mark.parametrize("left_out", CHECKED)
def test_check_deploy_warns_without_each_production_variable(left_out):
    result = check_deploy({k: v for k, v in PRODUCTION.items() if k != left_out})
    assert result.returncode != 0, left_out


def test_production_cookies_and_proxy_header():
    names = "SECURE_PROXY_SSL_HEADER SESSION_COOKIE_SECURE CSRF_COOKIE_SECURE CSRF_TRUSTED_ORIGINS"
    expression = "(" + ", ".join(f"settings.{name}" for name in names.split()) + ")"
    result = setting("DJANGO_BEHIND_HTTPS_PROXY", "1", expression, **PRODUCTION)
    assert result.returncode == 0, result.stderr
    assert ast.literal_eval(result.stdout) == (
        ("HTTP_X_FORWARDED_PROTO", "https"),
        True,
        True,
        ["https://play.example.com"],
    )


def test_json_logs():
    code = "import logging; logging.getLogger('liaptui.test').warning('héllo %s', 1)"
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "LIAPTUI_"))}
    env.update(DJANGO_LOG_FORMAT="json", DJANGO_SETTINGS_MODULE="gameproject.settings")
    logged = subprocess.run(
        [sys.executable, "-c", f"import django; django.setup(); {code}"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=30,
    )
    assert logged.returncode == 0, logged.stderr
    entry = json.loads(logged.stderr.strip().splitlines()[-1])
    assert entry["level"] == "WARNING" and entry["message"] == "héllo 1"
    assert entry["logger"] == "liaptui.test"


@pytest.mark.parametrize(
    ("name", "value"), [("DJANGO_LOG_LEVEL", "loud"), ("DJANGO_LOG_FORMAT", "xml")]
)
def test_bad_log_settings_are_refused(name, value):
    result = setting(name, value, "settings.LOGGING")
    assert result.returncode != 0
    assert f"{name} must be" in result.stderr


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
