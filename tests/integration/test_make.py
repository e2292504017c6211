"""The Makefile's serving targets, as a new user runs them: ``make run`` (requirements.txt
only, on the HOST and PORT given, printing the URL to open) and ``make cluster`` (daphne
processes behind nginx, all stopped by Ctrl-C)."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.liveserver import ROOT, free_port, http, service_env

VENV = Path(sys.executable).parent.parent


def free_ports(count: int) -> int:
    """The first of ``count`` consecutive free ports of 127.0.0.1."""
    for _ in range(50):
        first = free_port()
        try:
            for port in range(first, first + count):
                with socket.socket() as sock:
                    sock.bind(("127.0.0.1", port))
        except OSError:
            continue
        return first
    raise AssertionError(f"no {count} consecutive free ports")


def clean_env(**more: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "LIAPTUI_"))}
    env.pop("DATABASE_URL", None)
    env.pop("REDIS_URL", None)
    env.pop("MAKEFLAGS", None)
    return {**env, **more}


def test_make_run_installs_the_runtime_requirements_only(tmp_path):
    dry = subprocess.run(
        ["make", "-n", "run", f"VENV={tmp_path / 'venv'}"],
        cwd=ROOT,
        env=clean_env(),
        capture_output=True,
        text=True,
        timeout=30,
    )
    assert dry.returncode == 0, dry.stderr
    assert "pip install -r requirements.txt" in dry.stdout
    assert "requirements-dev.txt" not in dry.stdout


def _sigint_default() -> None:
    signal.signal(signal.SIGINT, signal.SIG_DFL)


def serve(command: list[str], env: dict[str, str], expect_line: str) -> subprocess.Popen[str]:
    """Start ``command`` in its own process group; return once it printed ``expect_line``."""
    proc = subprocess.Popen(
        command,
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        start_new_session=True,
        # Ctrl-C must reach the servers even when this test runs where SIGINT is ignored (a
        # background job of a script): an ignored signal is inherited through exec.
        preexec_fn=_sigint_default,
    )
    seen = []
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        line = proc.stdout.readline()
        if not line and proc.poll() is not None:
            break
        seen.append(line)
        if expect_line in line:
            return proc
    os.killpg(proc.pid, signal.SIGKILL)
    raise AssertionError(f"{command} never printed {expect_line!r}:\n{''.join(seen)[-3000:]}")


def wait_ok(url: str) -> dict:
    deadline = time.monotonic() + 30
    while True:
        try:
            status, body = http("GET", url, timeout=2)
            if status == 200:
                return body
        except (OSError, ValueError):  # not listening yet, or nginx's 502 page
            pass
        assert time.monotonic() < deadline, f"{url} never answered"
        time.sleep(0.2)


def stop(proc: subprocess.Popen[str]) -> None:
    os.killpg(proc.pid, signal.SIGINT)  # Ctrl-C, to the whole group as a terminal sends it
    try:
        proc.wait(20)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        raise


def test_make_run_serves_on_the_port_given_and_says_where(tmp_path):
    port = free_port()
    env = clean_env(DATABASE_URL=f"sqlite:///{tmp_path / 'db.sqlite3'}")
    proc = serve(
        ["make", "run", f"PORT={port}", f"VENV={VENV}"],
        env,
        f"open http://127.0.0.1:{port}/",
    )
    try:
        assert wait_ok(f"http://127.0.0.1:{port}/api/health/") == {"status": "ok"}
    finally:
        stop(proc)


@pytest.mark.services
def test_make_cluster_serves_through_nginx_and_stops_on_ctrl_c(tmp_path):
    from deploy.nginx import nginx_binary

    assert nginx_binary() is not None, "nginx is missing (apt-get install nginx-light)"
    port = free_ports(3)
    with service_env("liaptui_cluster") as env:
        proc = serve(
            [
                "make",
                "cluster",
                "N=2",
                f"PORT={port}",
                f"VENV={VENV}",
                f"SERVICES_DATABASE_URL={env['DATABASE_URL']}",
                f"SERVICES_REDIS_URL={env['REDIS_URL']}",
            ],
            clean_env(),
            f"Open http://127.0.0.1:{port}/",
        )
        try:
            assert wait_ok(f"http://127.0.0.1:{port}/api/health/") == {"status": "ok"}
            # Readiness is read from each process, never through the proxy.
            for daphne in (port + 1, port + 2):
                body = wait_ok(f"http://127.0.0.1:{daphne}/api/ready/")
                assert body["checks"] == {"database": "ok", "channel_layer": "ok"}
            # Through the proxy again: each nginx worker that tried the processes while they
            # started skips them for up to 3 s (fail_timeout), and may answer 502 meanwhile.
            assert isinstance(wait_ok(f"http://127.0.0.1:{port}/api/rooms/"), list)
        finally:
            stop(proc)
        assert proc.returncode is not None
        for listening in (port, port + 1, port + 2):
            with pytest.raises(OSError):
                http("GET", f"http://127.0.0.1:{listening}/api/health/", timeout=2)
