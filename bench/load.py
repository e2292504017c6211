"""Load benchmark, not a test (docs/architecture.md): whole games in many rooms at once, over real
WebSockets, against a real daphne process.

    .venv/bin/python -m bench.load [--rooms 20] [--humans 2] [--setups embedded,services]
                                   [--no-write]

Each room gets ``--humans`` scripted players (the rest of its seats are server bots); every
player is a WebSocket client that acts with ``game.bots.choose`` on the views it receives and
checks each update (``tests/integration/players.py``). Every game delay is 0, so the figures are
what the server does flat out: actions answered per second, events written per second, how long
an action waits for its answer, and what the server process costs in CPU and memory.

Setups: ``embedded`` (SQLite + the in-memory channel layer, the default of ``make run``) and
``services`` (PostgreSQL + Redis, from DATABASE_URL / REDIS_URL, or the local servers). The
clients run on the same 2-core machine as the server and take part of its CPU.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import sys
import tempfile
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from bench.report import machine, machine_table, markers, publish, table, written_by
from tests.integration.players import Player, connect_ws
from tests.liveserver import Server, Servers, postgres_database

NAME = "load"
GAME_SECONDS = 600.0
LOCAL_DATABASE_URL = "postgres://postgres@127.0.0.1:5432/test"
LOCAL_REDIS_URL = "redis://127.0.0.1:6379/0"
CLOCK_TICKS = os.sysconf("SC_CLK_TCK")


@dataclass
class TimedPlayer(Player):
    """A scripted player that also times each of its requests until the answer arrives."""

    sent_at: float = 0.0
    waits: list[float] = field(default_factory=list)

    async def send(self, ws: Any, action: str, **args: Any) -> None:
        self.sent_at = time.perf_counter()
        await super().send(ws, action, **args)

    def handle(self, message: dict[str, Any]) -> None:
        answered = message["type"] in ("ack", "error") and self.pending is not None
        if answered and message.get("request_id") == self.pending:
            self.waits.append(time.perf_counter() - self.sent_at)
        super().handle(message)


# --------------------------------------------------------------------------- the server process


def proc_kib(pid: int, name: str) -> int:
    """A figure of ``/proc/<pid>/status`` in KiB (VmRSS, VmHWM)."""
    with open(f"/proc/{pid}/status") as status:
        for line in status:
            if line.startswith(name + ":"):
                return int(line.split()[1])
    raise KeyError(name)


def cpu_seconds(pid: int) -> float:
    """The CPU time (user + system) that process ``pid`` has used so far, in seconds."""
    with open(f"/proc/{pid}/stat") as stat:
        fields = stat.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / CLOCK_TICKS  # utime + stime


@dataclass
class Usage:
    cpu: float
    rss_kib: int
    peak_kib: int

    @classmethod
    def of(cls, server: Server) -> Usage:
        pid = server.proc.pid
        return cls(cpu_seconds(pid), proc_kib(pid, "VmRSS"), proc_kib(pid, "VmHWM"))


# --------------------------------------------------------------------------- one room, all rooms


async def play_room(server: Server, index: int, humans: int) -> list[TimedPlayer]:
    """Create a room of ``humans`` players and 4 - ``humans`` bots, play it to game over."""
    status, created = server.post(
        "/api/rooms/", {"player_name": "P0", "bots": 4 - humans, "seed": 1000 + index}
    )
    assert status == 201, created
    room_id = created["room_id"]
    players = [TimedPlayer("P0", room_id, created["seat"], created["token"])]
    for n in range(1, humans):
        status, joined = server.post(f"/api/rooms/{room_id}/join/", {"player_name": f"P{n}"})
        assert status == 201, joined
        players.append(TimedPlayer(f"P{n}", room_id, joined["seat"], joined["token"]))
    sockets = [connect_ws(server, player) for player in players]
    connections = [await socket.__aenter__() for socket in sockets]
    try:
        for player, ws in zip(players, connections, strict=True):
            await player.first_update(ws)
        host, host_ws = players[0], connections[0]
        await host.send(host_ws, "start_game")
        await asyncio.gather(
            *(
                player.play(ws, lambda p=player: p.view["phase"] == "game_over", GAME_SECONDS)
                for player, ws in zip(players, connections, strict=True)
            )
        )
    finally:
        for socket in sockets:
            await socket.__aexit__(None, None, None)
    return players


@dataclass
class Run:
    setup: str
    rooms: int
    humans: int
    seconds: float
    events: int
    waits: list[float]
    before: Usage
    after: Usage

    def row(self) -> dict[str, str]:
        actions = len(self.waits)
        cpu = self.after.cpu - self.before.cpu
        ms = sorted(w * 1000 for w in self.waits)
        return {
            "setup": self.setup,
            "rooms × humans": f"{self.rooms} × {self.humans}",
            "seconds": f"{self.seconds:.1f}",
            "actions/s": f"{actions / self.seconds:,.0f}",
            "events/s": f"{self.events / self.seconds:,.0f}",
            "answer ms p50 / p95 / p99 / max": " / ".join(
                milliseconds(value)
                for value in (
                    statistics.median(ms),
                    percentile(ms, 95),
                    percentile(ms, 99),
                    ms[-1],
                )
            ),
            "server CPU s per 1000 events": f"{1000 * cpu / self.events:.2f}",
            "server RSS MiB idle → after": (
                f"{self.before.rss_kib / 1024:.0f} → {self.after.rss_kib / 1024:.0f}"
            ),
            "per room KiB": f"{(self.after.rss_kib - self.before.rss_kib) / self.rooms:,.0f}",
        }

    def summary(self) -> str:
        return " ".join(f"{key}={value}" for key, value in self.row().items())


def milliseconds(value: float) -> str:
    """A time in ms as the tables show it: whole ms from 10 ms up, tenths below."""
    return f"{value:.0f}" if value >= 10 else f"{value:.1f}"


def percentile(ordered: Sequence[float], pct: float) -> float:
    """The ``pct`` percentile of ``ordered`` (sorted, not empty): the nearest rank."""
    index = min(len(ordered) - 1, round(pct / 100 * (len(ordered) - 1)))
    return ordered[index]


async def _all_rooms(server: Server, rooms: int, humans: int) -> list[TimedPlayer]:
    results = await asyncio.gather(*(play_room(server, i, humans) for i in range(rooms)))
    return [player for players in results for player in players]


def measure(setup: str, server: Server, rooms: int, humans: int) -> Run:
    # A first request starts the server's sweeper and warms its imports; not measured.
    asyncio.run(_all_rooms(server, 1, humans))
    before = Usage.of(server)
    started = time.perf_counter()
    players = asyncio.run(_all_rooms(server, rooms, humans))
    seconds = time.perf_counter() - started
    after = Usage.of(server)
    room_ids = {player.room_id for player in players}
    events = sum(server.get(f"/api/rooms/{room_id}/")[1]["version"] for room_id in room_ids)
    waits = [w for player in players for w in player.waits]
    return Run(setup, rooms, humans, seconds, events, waits, before, after)


# --------------------------------------------------------------------------- setups


@contextmanager
def started_group(
    setup: str, workdir: Path, processes: int = 1, env: dict[str, str] | None = None
) -> Iterator[list[Server]]:
    """``processes`` daphne processes of ``setup`` on one database (``env`` overrides the
    servers' environment, e.g. their timings), each answering; stopped afterwards."""
    if setup == "embedded":
        if processes != 1:
            raise ValueError("the in-memory channel layer serves one process only")
        group = Servers(workdir, env)
        try:
            yield [group.start() for _ in range(processes)]
        finally:
            group.stop_all()
        return
    database_url = os.environ.get("DATABASE_URL", LOCAL_DATABASE_URL)
    redis_url = os.environ.get("REDIS_URL", LOCAL_REDIS_URL)
    with postgres_database(database_url, "liaptui_load") as own_url:
        group = Servers(workdir, {"DATABASE_URL": own_url, "REDIS_URL": redis_url, **(env or {})})
        try:
            yield [group.start() for _ in range(processes)]
        finally:
            group.stop_all()


@contextmanager
def started(setup: str, workdir: Path) -> Iterator[Server]:
    """One daphne process of ``setup``, stopped afterwards."""
    with started_group(setup, workdir) as servers:
        yield servers[0]


SETUPS = {
    "embedded": "SQLite + in-memory layer",
    "services": "PostgreSQL + Redis",
}


def section(runs: list[Run], info: dict[str, str]) -> str:
    start, end = markers(NAME)
    lines = [
        start,
        "## Load: rooms played over WebSockets against daphne (`make bench-load`)",
        "",
        written_by("python -m bench.load")
        + " Every room plays one whole game with every delay at 0: scripted players (WebSocket "
        "clients acting with `game.bots.choose`) in the human seats, server bots in the others, "
        "all rooms at once against one daphne process. An action's answer time runs from "
        "sending it to its `ack` or `error` (the update comes first); the clients share the "
        "machine's two cores with the server.",
        "",
        *machine_table(info),
        "",
        *table([run.row() for run in runs]),
        end,
    ]
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.load", description=__doc__)
    parser.add_argument("--rooms", type=int, default=20)
    parser.add_argument("--humans", type=int, default=2, choices=(1, 2, 3, 4))
    parser.add_argument("--setups", default=",".join(SETUPS))
    parser.add_argument("--no-write", action="store_true", help="print only")
    args = parser.parse_args(argv)
    setups = args.setups.split(",")
    if not set(setups) <= set(SETUPS):
        parser.error(f"--setups takes {', '.join(SETUPS)}")
    info = machine()
    runs = []
    for setup in setups:
        with tempfile.TemporaryDirectory() as workdir, started(setup, Path(workdir)) as server:
            run = measure(SETUPS[setup], server, args.rooms, args.humans)
        print(run.summary(), flush=True)
        runs.append(run)
    text = section(runs, info)
    publish(NAME, text, print_only=args.no_write)
    return 0


if __name__ == "__main__":
    sys.exit(main())
