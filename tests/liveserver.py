"""Real daphne processes for the tests that need a server over TCP (integration, e2e): each on a
free port of 127.0.0.1, all of one ``Servers`` group on one SQLite file of its own, stopped by
whoever started them."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any
from urllib.parse import urlparse, urlunparse

import pytest

from deploy import nginx
from deploy.cluster import daphne_command

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent
DAPHNE = BIN / "daphne"
START_TIMEOUT = 20.0

#: urllib without any proxy from the environment: everything here is on 127.0.0.1.
_opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def http(
    method: str,
    url: str,
    body: Any = None,
    timeout: float = 10.0,
    headers: dict[str, str] | None = None,
) -> tuple[int, dict[str, Any] | list[Any]]:
    """One JSON request; returns (status, decoded body), 4xx/5xx included."""
    data = None if body is None else json.dumps(body).encode()
    request = urllib.request.Request(url, data=data, method=method, headers=headers or {})
    if data is not None:
        request.add_header("Content-Type", "application/json")
    try:
        with _opener.open(request, timeout=timeout) as response:
            return response.status, json.loads(response.read() or b"null")
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read() or b"null")


@contextmanager
def postgres_database(url: str, prefix: str = "liaptui") -> Iterator[str]:
    """A new, empty database on the PostgreSQL server of ``url``, for one run: yields its URL,
    and drops it afterwards (servers still connected to it included)."""
    import psycopg

    name = f"{prefix}_{uuid.uuid4().hex[:10]}"
    admin = psycopg.connect(url, autocommit=True)
    try:
        admin.execute(f'CREATE DATABASE "{name}"')
        yield urlunparse(urlparse(url)._replace(path=f"/{name}"))
    finally:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.close()


@contextmanager
def service_env(prefix: str) -> Iterator[dict[str, str]]:
    """``DATABASE_URL`` of a new PostgreSQL database of the caller's own (dropped afterwards)
    and ``REDIS_URL``, for servers of the service-backed run; a failure without them."""
    database_url, redis_url = os.environ.get("DATABASE_URL"), os.environ.get("REDIS_URL")
    if not (database_url and redis_url and database_url.startswith("postgres")):
        pytest.fail(f"{prefix} needs DATABASE_URL (PostgreSQL) and REDIS_URL set")
    with postgres_database(database_url, prefix) as own_url:
        yield {"DATABASE_URL": own_url, "REDIS_URL": redis_url}


class Endpoint:
    """Something serving the application on a port of 127.0.0.1: a daphne, or a proxy."""

    port: int

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def origin(self) -> str:
        return self.base

    def ws_url(self, path: str) -> str:
        return f"ws://127.0.0.1:{self.port}{path}"

    def get(self, path: str) -> tuple[int, Any]:
        return http("GET", self.base + path)

    def post(self, path: str, body: Any, headers: dict[str, str] | None = None) -> tuple[int, Any]:
        return http("POST", self.base + path, body, headers=headers)


class Server(Endpoint):
    """One daphne process serving ``gameproject.asgi:application`` (on ``port``, or a free
    one), trusting a proxy's ``X-Forwarded-*`` headers as in a deployment."""

    def __init__(self, env: dict[str, str], log: Path, port: int | None = None) -> None:
        self.env = env
        self.log_path = log
        if not DAPHNE.exists():
            raise RuntimeError(f"daphne is not installed in {BIN}")
        self.port = port or free_port()
        self._log = open(log, "ab")  # noqa: SIM115 - closed in stop()
        self.proc = subprocess.Popen(
            daphne_command("127.0.0.1", self.port),
            cwd=ROOT,
            env=env,
            stdout=self._log,
            stderr=subprocess.STDOUT,
        )

    def wait_listening(self) -> None:
        """Wait until the port takes TCP connections, without making any request (a request
        would start the process's room sweeper)."""
        deadline = time.monotonic() + START_TIMEOUT
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"daphne exited with {self.proc.returncode}:\n{self.output()}")
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=1):
                    return
            except OSError:
                time.sleep(0.1)
        raise RuntimeError(f"daphne did not listen in time:\n{self.output()}")

    def wait_ready(self) -> None:
        deadline = time.monotonic() + START_TIMEOUT
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"daphne exited with {self.proc.returncode}:\n{self.output()}")
            try:
                status, body = self.get("/api/health/")
            except (OSError, ValueError):
                time.sleep(0.1)
                continue
            if status == 200 and body == {"status": "ok"}:
                return
            time.sleep(0.1)
        raise RuntimeError(f"daphne did not answer /api/health/ in time:\n{self.output()}")

    def stop(self, timeout: float = 10.0) -> int | None:
        """Terminate (SIGTERM), wait, and kill if it does not go."""
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(timeout)
        if not self._log.closed:
            self._log.close()
        return self.proc.returncode

    def output(self, tail: int = 4000) -> str:
        if not self._log.closed:
            self._log.flush()
        return self.log_path.read_bytes()[-tail:].decode(errors="replace")


class Servers:
    """Starts servers on one database; ``stop_all`` stops every one of them.

    The environment is the caller's without any ``DJANGO_*``/``LIAPTUI_*`` variable, plus DEBUG
    on (the debug API), every game delay at 0, seeds allowed and no WebSocket rate limit;
    ``env`` overrides any of these (e.g. ``{"LIAPTUI_TIME_SCALE": "0.02"}``)."""

    def __init__(self, tmp_path: Path, env: dict[str, str] | None = None) -> None:
        self.tmp_path = tmp_path
        self.db_path = tmp_path / "db.sqlite3"
        base = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "LIAPTUI_"))}
        base.update(
            {
                "DJANGO_SETTINGS_MODULE": "gameproject.settings",
                "DJANGO_DEBUG": "1",
                "DATABASE_URL": f"sqlite:///{self.db_path}",
                "LIAPTUI_TIME_SCALE": "0",
                "LIAPTUI_ALLOW_SEED": "1",
                "LIAPTUI_WS_RATE": "10000",
                "LIAPTUI_WS_BURST": "10000",
                "PYTHONUNBUFFERED": "1",
            }
        )
        base.pop("REDIS_URL", None)
        base.update(env or {})
        self.env = base
        self.started: list[Server] = []
        self._migrated = False

    def migrate(self) -> None:
        result = subprocess.run(
            [sys.executable, "manage.py", "migrate", "--noinput"],
            cwd=ROOT,
            env=self.env,
            capture_output=True,
            text=True,
            timeout=60,
        )
        assert result.returncode == 0, result.stdout + result.stderr
        self._migrated = True

    def start(self, request: bool = True, port: int | None = None) -> Server:
        """Start a server and wait until it answers ``/api/health/`` (``request=False``: until
        it listens, with no request made). ``port``: the port of one that stopped (a restart;
        its log goes on in the same file)."""
        if not self._migrated:
            self.migrate()
        log = next((s.log_path for s in self.started if s.port == port), None)
        log = log or self.tmp_path / f"daphne-{len(self.started)}.log"
        server = Server(self.env, log, port)
        self.started.append(server)
        if request:
            server.wait_ready()
        else:
            server.wait_listening()
        return server

    def stop_all(self) -> None:
        for server in self.started:
            server.stop()

    def collect_static(self) -> Path:
        """``manage.py collectstatic`` into this group's directory, for a proxy to serve."""
        root = self.tmp_path / "static"
        result = subprocess.run(
            [sys.executable, "manage.py", "collectstatic", "--noinput", "-v", "0"],
            cwd=ROOT,
            env={**self.env, "DJANGO_STATIC_ROOT": str(root)},
            capture_output=True,
            text=True,
            timeout=120,
        )
        assert result.returncode == 0, result.stdout + result.stderr
        return root


class Proxy(Endpoint):
    """nginx with the project's ``deploy/nginx.conf`` in front of ``servers``, on a free port."""

    def __init__(self, run_dir: Path, servers: list[Server], static_root: Path) -> None:
        self.port = free_port()
        self.run_dir = run_dir
        upstreams = [f"127.0.0.1:{server.port}" for server in servers]
        self.proc = nginx.start(run_dir, f"127.0.0.1:{self.port}", upstreams, static_root)
        deadline = time.monotonic() + START_TIMEOUT
        while True:
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=1):
                    return
            except OSError:
                if self.proc.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError(f"nginx did not start: {self.errors()}") from None
                time.sleep(0.05)

    def errors(self) -> str:
        return "".join(
            path.read_text(errors="replace")
            for path in (self.run_dir / "error.log", self.run_dir / "nginx.stderr")
            if path.exists()
        )

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.terminate()
            self.proc.wait(10)
