"""Scale benchmark at real timings, not a test (issue 8): how many rooms a server holds while
every action is still answered fast.

    .venv/bin/python -m bench.scale [--rooms 50,100,200,400] [--setups embedded,services,services-2]
                                    [--duration 120] [--stagger S] [--warmup S] [--clients 2]
                                    [--profile [--profile-raw DIR]] [--no-write]

Each room has one scripted human (a WebSocket client that thinks 0.5–1.5 s, uniformly at random
from a generator seeded by ``--seed`` and the room's slot, before each of its actions, and acts
with ``game.bots.choose`` on the newest view it has) and three server bots; the server runs at
its default timings (``LIAPTUI_TIME_SCALE=1``: bots think 0.5–1.5 s, pauses last 5–7 s). A room
whose game ends is replaced by a new room at once, so the number of rooms stays the same.

For each setup and room count, fresh servers (DEBUG off, as deployed; seeds allowed and no
WebSocket rate limit, as in every benchmark) on a fresh database are started; the rooms start
staggered over ``--stagger`` seconds (by default 40 a second, over 5 s at least), the first
``--warmup`` seconds (by default the stagger + 10 s) are not measured, and the figures are those
of the steady window from then until ``--duration`` seconds after the first room started. A row
whose rooms were still being created inside the window is marked (⚠): it measured the start-up.
The figures:

- answer time: from sending an action to its ``ack`` or ``error`` (as ``bench.load``), for the
  actions sent inside the window (actions still unanswered at its end, sent more than
  ``UNANSWERED_AFTER`` before, are counted apart);
- server CPU % from ``/proc/<pid>/stat`` of each daphne process (per process and summed), CPU
  ms per room-second, RSS at the end of the window and its growth over the idle server per room;
- actions/s (the humans' answered actions) and events/s (the events the humans' sockets received:
  every event of their rooms);
- the clients' own CPU %, PostgreSQL's and Redis's (every such process of the machine, whoever
  uses it), and how busy the whole machine was (``/proc/stat``).

The clients run in ``--clients`` processes of their own (rooms dealt round-robin), on the same
machine as the servers. Setups: ``embedded`` (SQLite + the in-memory layer, one process),
``services`` (PostgreSQL + Redis, one process), ``services-2`` (the same, two processes, the
rooms' sockets dealt between them). ``--profile`` runs py-spy against the first server process
during the window and prints its top functions.
"""

from __future__ import annotations

import argparse
import asyncio
import itertools
import json
import math
import multiprocessing
import os
import random
import re
import shutil
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from bench.load import Usage, cpu_seconds, milliseconds, percentile, started_group
from bench.report import ROOT, machine, machine_table, markers, publish, table, written_by
from game.bots import choose
from tests.integration.players import Player, connect_ws
from tests.liveserver import Endpoint, Server

NAME = "scale"
#: Rooms started a second, by default, and the shortest stagger.
STAGGER_RATE = 40.0
MIN_STAGGER = 5.0
THINK_SECONDS = (0.5, 1.5)
TARGET_P99_MS = 100.0
#: How many times in a row a slot tries its room (a socket refused, timed out or closed).
ATTEMPTS = 3
#: The processes of the database and of Redis (``/proc/<pid>/comm``), measured with the servers.
SERVICE_COMMANDS = frozenset({"postgres", "redis-server"})
#: An action still unanswered this many seconds after it was sent when the run ends is counted
#: as unanswered (one sent just before the end has not had the time).
UNANSWERED_AFTER = 1.0
#: setup name → (the servers' kind for ``bench.load.started_group``, processes, label)
SETUPS: dict[str, tuple[str, int, str]] = {
    "embedded": ("embedded", 1, "SQLite + in-memory layer, 1 process"),
    "services": ("services", 1, "PostgreSQL + Redis, 1 process"),
    "services-2": ("services", 2, "PostgreSQL + Redis, 2 processes"),
}
#: Where a thread waits (py-spy counts some of these samples as working): left out of the profile.
WAITS = frozenset(
    {
        "_worker (concurrent/futures/thread.py)",
        "EpollSelector.select (selectors.py)",
        "wait (threading.py)",
        "get (queue.py)",
    }
)
#: Frames of the event loop, of thread start-up and of the sync/async bridges: under nearly
#: everything, so left out of the profile's total-time list (they stay in the own-time list).
BASE_FRAMES = (
    "(asyncio/", "(threading.py)", "(concurrent/futures/", "(twisted/", "(asgiref/", "(daphne/",
    "<module>",
)  # fmt: skip


# --------------------------------------------------------------------------- the clients


class Thinker:
    """The think times of one room's human: uniform in ``THINK_SECONDS`` × ``scale``, from a
    generator seeded by the run's seed and the room's slot (the same run, the same delays)."""

    def __init__(self, seed: int, slot: int, scale: float = 1.0) -> None:
        self._rng = random.Random(f"{seed}:{slot}")
        self._scale = scale

    def delay(self) -> float:
        return self._rng.uniform(*THINK_SECONDS) * self._scale


@dataclass(frozen=True)
class Plan:
    """What one client process runs: its room slots, and the run's clock (``time.monotonic``,
    the same in every process)."""

    ports: tuple[int, ...]
    slots: tuple[int, ...]
    rooms: int
    start: float
    stagger: float
    warmup: float
    duration: float
    time_scale: float = 1.0
    seed: int = 1

    @property
    def window(self) -> tuple[float, float]:
        return self.start + self.warmup, self.start + self.duration

    def starts_at(self, slot: int) -> float:
        return self.start + self.stagger * slot / self.rooms


@dataclass
class Tally:
    """What the clients saw; ``waits`` are in seconds, for actions sent inside the window."""

    waits: list[float] = field(default_factory=list)
    events: int = 0
    refused: int = 0
    unanswered: int = 0
    rooms: int = 0
    games: int = 0
    failures: Counter[str] = field(default_factory=Counter)
    up: float = 0.0  # when the last slot's first room was created (monotonic)

    def add(self, other: Tally) -> None:
        self.waits += other.waits
        self.events += other.events
        self.refused += other.refused
        self.unanswered += other.unanswered
        self.rooms += other.rooms
        self.games += other.games
        self.failures.update(other.failures)
        self.up = max(self.up, other.up)


class Address(Endpoint):
    """A server known by its port only (in a client process)."""

    def __init__(self, port: int) -> None:
        self.port = port


@dataclass
class Human(Player):
    """A scripted player that thinks before acting, on a timer, while it keeps reading."""

    thinker: Thinker = field(default_factory=lambda: Thinker(0, 0))
    window: tuple[float, float] = (0.0, math.inf)
    tally: Tally = field(default_factory=Tally)
    sent_at: float = 0.0
    considered: int = -1
    ws: Any = None
    timer: asyncio.TimerHandle | None = None
    sending: asyncio.Task[None] | None = None

    def inside(self, moment: float) -> bool:
        return self.window[0] <= moment < self.window[1]

    async def send(self, ws: Any, action: str, **args: Any) -> None:
        self.sent_at = time.monotonic()
        await super().send(ws, action, **args)

    def handle(self, message: dict[str, Any]) -> None:
        kind = message["type"]
        if kind == "update":
            if self.inside(time.monotonic()):
                self.tally.events += len(message["events"])
        elif (
            self.pending is not None
            and message.get("request_id") == self.pending
            and self.inside(self.sent_at)
        ):
            self.tally.waits.append(time.monotonic() - self.sent_at)
            self.tally.refused += kind == "error"
        super().handle(message)

    def consider(self) -> None:
        """Start thinking when the newest view wants an action and none is under way."""
        if self.timer is not None or self.pending is not None or self.version <= self.acted_at:
            return
        if self.version == self.considered:
            return
        self.considered = self.version
        if choose(self.view) is not None:
            loop = asyncio.get_running_loop()
            self.timer = loop.call_later(self.thinker.delay(), self._act)

    def _act(self) -> None:
        self.timer = None
        command = choose(self.view) if self.pending is None else None
        if command is None:
            self.considered = -1  # think again on the next message
            return
        self.sending = asyncio.ensure_future(self.send(self.ws, command.type, **command.args))

    async def play_game(self, ws: Any) -> bool:
        """Play the game (starting it first if it has not started); True once it is over,
        False if the socket closed."""
        self.ws = ws
        await self.first_update(ws)
        if self.view["phase"] == "waiting":
            await self.send(ws, "start_game")
        try:
            async for raw in ws:
                self.handle(json.loads(raw))
                if self.view["phase"] == "game_over":
                    return True
                self.consider()
            return False
        finally:
            if self.timer is not None:
                self.timer.cancel()
            late = time.monotonic() - self.sent_at > UNANSWERED_AFTER
            if self.pending is not None and self.inside(self.sent_at) and late:
                self.tally.unanswered += 1


async def _create_room(server: Address, name: str, seed: int) -> dict[str, Any]:
    body = {"player_name": name, "bots": 3, "seed": seed}
    status, created = await asyncio.to_thread(server.post, "/api/rooms/", body)
    if status != 201:
        raise RuntimeError(f"POST /api/rooms/ answered {status}: {created}")
    return created


async def run_slot(plan: Plan, slot: int, tally: Tally) -> None:
    """Room slot ``slot``: one room after another, each played by its human until the run ends.
    A socket that fails or closes is opened again on the same room (as a browser does), up to
    ``ATTEMPTS`` times in a row."""
    server = Address(plan.ports[slot % len(plan.ports)])
    thinker = Thinker(plan.seed, slot, plan.time_scale)
    await asyncio.sleep(max(0.0, plan.starts_at(slot) - time.monotonic()))
    generation = 0
    human: Human | None = None
    failed = 0
    while True:
        stage = "create"
        try:
            if human is None:
                name = f"H{slot}-{generation}"
                seed = plan.seed * 1_000_003 + slot * 1009 + generation
                created = await _create_room(server, name, seed)
                tally.rooms += 1
                if generation == 0:
                    tally.up = max(tally.up, time.monotonic())
                human = Human(
                    name, created["room_id"], created["seat"], created["token"],
                    thinker=thinker, window=plan.window, tally=tally,
                )  # fmt: skip
            stage = "play"
            async with connect_ws(server, human) as ws:
                if await human.play_game(ws):
                    tally.games += 1
                    human = None
                    generation += 1
        except asyncio.CancelledError:
            raise
        except Exception as error:  # noqa: BLE001 - counted, reported, and the slot goes on
            tally.failures[f"{stage}: {type(error).__name__} {str(error)[:120]}".strip()] += 1
            failed += 1
            if failed >= ATTEMPTS:  # a room that cannot be played: the slot takes a new one
                human, failed = None, 0
                generation += 1
            await asyncio.sleep(1.0)
        else:
            failed = 0


async def run_clients(plan: Plan) -> Tally:
    """Every slot of ``plan`` until the run's end."""
    tally = Tally()
    end = plan.start + plan.duration
    tasks = [asyncio.ensure_future(run_slot(plan, slot, tally)) for slot in plan.slots]
    await asyncio.sleep(max(0.0, end - time.monotonic()))
    for task in tasks:
        task.cancel()
    await asyncio.gather(*tasks, return_exceptions=True)
    return tally


def client_process(plan: Plan, results: Any) -> None:
    """The entry point of a client process: runs ``plan`` and puts its ``Tally`` on ``results``."""
    results.put(asyncio.run(run_clients(plan)))


# --------------------------------------------------------------------------- the profile


@dataclass(frozen=True)
class ProfileEntry:
    function: str
    own: float  # share of the working samples with this function on top
    total: float  # share of the working samples with this function anywhere on the stack


@dataclass(frozen=True)
class Profile:
    samples: int  # every sample py-spy took, of every thread
    waiting: float  # the share of them left out, a thread waiting (``WAITS`` on top)
    by_own: list[ProfileEntry]
    by_total: list[ProfileEntry]


def _short(frame: str) -> str:
    """``func (…/site-packages/django/db/x.py)`` → ``func (django/db/x.py)``."""
    for cut in ("site-packages/", "/lib/python3.11/", f"{ROOT}/"):
        if cut in frame:
            head, _, tail = frame.partition("(")
            return head + "(" + tail.split(cut, 1)[1]
    return frame


def summarise_profile(raw: str, top: int = 10) -> Profile:
    """py-spy's ``--format raw`` output (one ``frame;frame;… count`` line per stack) →
    the ``top`` functions by own time and by total time (the latter without ``BASE_FRAMES``),
    as shares of the samples of working threads: py-spy does not tell every waiting thread
    from a working one, so samples with one of ``WAITS`` on top are left out."""
    own: Counter[str] = Counter()
    total: Counter[str] = Counter()
    samples = working = 0
    for line in raw.splitlines():
        stack, _, count = line.rpartition(" ")
        if not stack or not count.isdigit():
            continue
        frames = [_short(frame) for frame in stack.split(";")]
        samples += int(count)
        if frames[-1] in WAITS:
            continue
        working += int(count)
        own[frames[-1]] += int(count)
        for frame in set(frames):
            total[frame] += int(count)

    def entry(name: str) -> ProfileEntry:
        return ProfileEntry(name, own[name] / working, total[name] / working)

    def ranked(counts: Counter[str]) -> list[str]:  # most first, ties by name
        return sorted(counts, key=lambda name: (-counts[name], name))

    by_own = [entry(name) for name in ranked(own)[:top]]
    kept = (name for name in ranked(total) if not any(b in name for b in BASE_FRAMES))
    by_total = [entry(name) for name in itertools.islice(kept, top)]
    return Profile(samples, 1 - working / samples if samples else 0.0, by_own, by_total)


def py_spy() -> str:
    found = shutil.which("py-spy") or str(Path(sys.executable).with_name("py-spy"))
    if not Path(found).exists():
        raise SystemExit("--profile needs py-spy (pip install py-spy)")
    return found


class Profiler:
    """py-spy sampling process ``pid`` at 100 Hz for ``seconds``, without stopping it (the
    answer times of a profiled run are still a little longer), into a file of its own."""

    def __init__(self, pid: int, seconds: int, keep: Path | None = None) -> None:
        self._keep = keep
        self._dir = tempfile.TemporaryDirectory()
        self._out = Path(self._dir.name) / "profile.txt"
        command = [py_spy(), "record", "--pid", str(pid), "--rate", "100"]
        command += ["--duration", str(seconds), "--format", "raw", "--nolineno", "--nonblocking"]
        command += ["--output", str(self._out)]
        self._spy = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)

    def result(self) -> Profile:
        """Wait for the recording to end, and summarise it."""
        _, errors = self._spy.communicate(timeout=60)
        if self._spy.returncode != 0:
            print(f"py-spy failed: {errors.decode(errors='replace')}", file=sys.stderr)
        raw = self._out.read_text() if self._out.exists() else ""
        if self._keep is not None:
            self._keep.write_text(raw)
        return summarise_profile(raw)

    def stop(self) -> None:
        if self._spy.poll() is None:
            self._spy.kill()
            self._spy.wait()
        self._dir.cleanup()


# --------------------------------------------------------------------------- one run


def machine_busy() -> tuple[float, float]:
    """(busy, total) jiffies of every CPU together, from the first line of ``/proc/stat``."""
    with open("/proc/stat") as stat:
        values = [int(v) for v in stat.readline().split()[1:]]
    idle = values[3] + values[4]  # idle + iowait
    return sum(values) - idle, sum(values)


@dataclass
class Sample:
    """The processes' CPU seconds (and the servers' memory) at one moment."""

    servers: list[Usage]
    clients: list[float]
    machine: tuple[float, float]
    services: dict[int, float] = field(default_factory=dict)  # pid → CPU s
    at: float = 0.0  # time.monotonic()
    updates: Counter[str] = field(default_factory=Counter)  # the servers' liaptui_updates_total

    @classmethod
    def take(cls, servers: Sequence[Server], clients: Iterable[int]) -> Sample:
        return cls(
            [Usage.of(server) for server in servers],
            [cpu_seconds(pid) for pid in clients],
            machine_busy(),
            service_cpu(),
            time.monotonic(),
            sum((updates_sent(server) for server in servers), Counter()),
        )


UPDATES_SAMPLE = re.compile(r'^liaptui_updates_total\{built="(\w+)"\} ([0-9.e+]+)$', re.M)


def updates_sent(server: Server) -> Counter[str]:
    """A server's updates sent so far, by where they were built (its ``/metrics``)."""
    opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
    with opener.open(server.base + "/metrics", timeout=10) as response:
        text = response.read().decode()
    return Counter({built: float(value) for built, value in UPDATES_SAMPLE.findall(text)})


def service_cpu() -> dict[int, float]:
    """The CPU seconds of every PostgreSQL and Redis process of the machine (whoever uses them)."""
    found = {}
    for comm in Path("/proc").glob("[0-9]*/comm"):
        try:
            if comm.read_text().strip() in SERVICE_COMMANDS:
                pid = int(comm.parent.name)
                found[pid] = cpu_seconds(pid)
        except (OSError, ValueError):
            continue  # gone meanwhile
    return found


@dataclass
class Run:
    setup: str
    rooms: int
    seconds: float
    load: float
    tally: Tally
    idle: list[Usage]
    first: Sample
    last: Sample
    profile: Profile | None = None
    warmup: float = 0.0
    up: float = 0.0  # seconds from the start until every room was created

    def started_late(self) -> bool:
        """Whether rooms were still being created inside the window (their creation, and
        their games' first moves all at once, are then measured as if they were play)."""
        return self.up > self.warmup

    def server_cpu(self) -> list[float]:
        """Each server process's CPU time in the window, as a share of one core."""
        return [
            (b.cpu - a.cpu) / self.seconds
            for a, b in zip(self.first.servers, self.last.servers, strict=True)
        ]

    def client_cpu(self) -> float:
        spent = sum(b - a for a, b in zip(self.first.clients, self.last.clients, strict=True))
        return spent / self.seconds

    def service_cpu(self) -> float:
        """PostgreSQL's and Redis's CPU in the window (a process that ended in it is missed)."""
        first = self.first.services
        spent = sum(cpu - first.get(pid, 0.0) for pid, cpu in self.last.services.items())
        return spent / self.seconds

    def machine_cpu(self) -> float:
        busy = self.last.machine[0] - self.first.machine[0]
        return busy / max(1, self.last.machine[1] - self.first.machine[1])

    def log_share(self) -> str:
        """The share of the window's updates that were read from the log."""
        sent = self.last.updates - self.first.updates
        total = sum(sent.values())
        return f"{100 * sent['log'] / total:.1f}" if total else "—"

    def p99_ms(self) -> float:
        waits = sorted(self.tally.waits)
        return percentile(waits, 99) * 1000 if waits else math.inf

    def row(self) -> dict[str, str]:
        waits = sorted(w * 1000 for w in self.tally.waits)
        answers = (
            " / ".join(milliseconds(percentile(waits, pct)) for pct in (50, 95, 99))
            if waits
            else "—"
        )
        cpu = self.server_cpu()
        idle = sum(u.rss_kib for u in self.idle)
        rss = sum(u.rss_kib for u in self.last.servers)
        return {
            "setup": self.setup,
            "rooms": str(self.rooms),
            "load at start": f"{self.load:.2f}",
            "answer ms p50 / p95 / p99": answers,
            "max ms": f"{waits[-1]:.0f}" if waits else "—",
            "actions/s": f"{len(waits) / self.seconds:,.1f}",
            "events/s": f"{self.tally.events / self.seconds:,.0f}",
            "server CPU %": f"{100 * sum(cpu):.0f}"
            + (" (" + " + ".join(f"{100 * c:.0f}" for c in cpu) + ")" if len(cpu) > 1 else ""),
            "CPU ms per room-s": f"{1000 * sum(cpu) / self.rooms:.2f}",
            "RSS MiB idle → end": f"{idle / 1024:.0f} → {rss / 1024:.0f}",
            "RSS KiB per room": f"{(rss - idle) / self.rooms:,.0f}",
            "client CPU %": f"{100 * self.client_cpu():.0f}",
            "PostgreSQL + Redis CPU %": f"{100 * self.service_cpu():.0f}",
            "machine busy %": f"{100 * self.machine_cpu():.0f}",
            "unanswered / refused / failures": (
                f"{self.tally.unanswered} / {self.tally.refused} / "
                f"{sum(self.tally.failures.values())}"
            ),
            "games over": str(self.tally.games),
            "updates read from the log %": self.log_share(),
            "rooms up at s / window s": f"{self.up:.0f}{' ⚠' if self.started_late() else ''}"
            f" / {self.warmup:.0f} → {self.warmup + self.seconds:.0f}",
        }

    def summary(self) -> str:
        return " ".join(f"{key}={value}" for key, value in self.row().items())


def _sleep_until(moment: float) -> None:
    time.sleep(max(0.0, moment - time.monotonic()))


def measure(
    setup: str,
    servers: Sequence[Server],
    rooms: int,
    *,
    duration: float = 120.0,
    warmup: float = 15.0,
    stagger: float = 5.0,
    clients: int = 2,
    time_scale: float = 1.0,
    seed: int = 1,
    profile: bool = False,
    profile_raw: Path | None = None,
) -> Run:
    """Play ``rooms`` rooms against ``servers`` (already started) and measure the window."""
    if not 0 <= warmup < duration:
        raise ValueError("the warm-up must be shorter than the duration")
    load = os.getloadavg()[0]
    idle = [Usage.of(server) for server in servers]
    clients = max(1, min(clients, rooms))
    start = time.monotonic() + 2.0  # the client processes start and import meanwhile
    ports = tuple(server.port for server in servers)
    plans = [
        Plan(ports, tuple(range(n, rooms, clients)), rooms, start, stagger, warmup, duration,
             time_scale, seed)
        for n in range(clients)
    ]  # fmt: skip
    context = multiprocessing.get_context("spawn")
    results = context.Queue()
    processes = [context.Process(target=client_process, args=(plan, results)) for plan in plans]
    for process in processes:
        process.start()
    pids = [process.pid for process in processes if process.pid is not None]
    profiler = None
    try:
        _sleep_until(start + warmup)
        first = Sample.take(servers, pids)
        if profile:
            keep = None
            if profile_raw is not None:
                profile_raw.mkdir(parents=True, exist_ok=True)
                slug = re.sub(r"[^a-z0-9]+", "-", setup.lower()).strip("-")
                keep = profile_raw / f"{slug}-{rooms}.txt"
            seconds = max(1, int(duration - warmup - 1))
            profiler = Profiler(servers[0].proc.pid, seconds, keep)
        _sleep_until(start + duration)
        last = Sample.take(servers, pids)
        tally = Tally()
        for _ in processes:
            tally.add(results.get(timeout=60))
        for process in processes:
            process.join(10)
        summary = profiler.result() if profiler is not None else None
    finally:
        for process in processes:
            if process.is_alive():
                process.terminate()
        if profiler is not None:
            profiler.stop()
    run = Run(setup, rooms, last.at - first.at, load, tally, idle, first, last, summary)
    run.warmup, run.up = warmup, max(0.0, tally.up - start)
    return run


def run_setup(setup: str, rooms: int, **options: Any) -> Run:
    """Fresh servers of ``setup`` on a fresh database, at real timings, for one measurement."""
    kind, processes, label = SETUPS[setup]
    # As deployed: DEBUG off (with it on, Django formats and keeps every query it runs).
    env = {"LIAPTUI_TIME_SCALE": str(options.get("time_scale", 1.0)), "DJANGO_DEBUG": "0"}
    with (
        tempfile.TemporaryDirectory() as workdir,
        started_group(kind, Path(workdir), processes, env) as servers,
    ):
        return measure(label, servers, rooms, **options)


# --------------------------------------------------------------------------- the report


def largest_holding(runs: Sequence[Run]) -> dict[str, int | None]:
    """Per setup, the largest room count whose answer p99 stayed under ``TARGET_P99_MS``."""
    best: dict[str, int | None] = {}
    for run in runs:
        best.setdefault(run.setup, None)
        if run.p99_ms() < TARGET_P99_MS and run.rooms > (best[run.setup] or 0):
            best[run.setup] = run.rooms
    return best


def profile_lines(run: Run) -> list[str]:
    if run.profile is None:
        return []
    profile = run.profile
    lines = [
        "",
        f"Profile of the first server process ({run.setup}, {run.rooms} rooms; py-spy at 100 Hz "
        f"through the window, every thread): {profile.samples:,} samples, of which "
        f"{100 * profile.waiting:.0f} % a thread waiting (left out); shares of the others:",
        "",
        "| own time | function | | total time | function |",
        "|---:|---|---|---:|---|",
    ]
    for own, total in zip(profile.by_own, profile.by_total, strict=False):
        lines.append(
            f"| {100 * own.own:.1f} % | `{own.function}` | | "
            f"{100 * total.total:.1f} % | `{total.function}` |"
        )
    return lines


def section(runs: Sequence[Run], info: dict[str, str], command: str, **settings: object) -> str:
    start, end = markers(NAME)
    holding = largest_holding(runs)
    lines = [
        start,
        "## Scale: rooms at real timings (`make bench-scale`)",
        "",
        written_by(command)
        + " Each room: one scripted human (a WebSocket client that thinks 0.5–1.5 s before each "
        "action, seeded) and three server bots, at the server's default timings; a room whose "
        "game ends is replaced at once. Rooms start staggered; the figures are those of the "
        "steady window after the warm-up, on fresh servers and a fresh database for each row. "
        "Answer time: from sending an action to its `ack` or `error`. CPU % is of one core; "
        "the clients, and PostgreSQL and Redis, share the machine's cores with the servers.",
        "",
        *machine_table(info, **settings),
        "",
        *table([run.row() for run in runs]),
        "",
        f"Largest room count with an answer p99 under {TARGET_P99_MS:.0f} ms:",
        "",
        *(
            f"- {setup}: **{rooms if rooms else 'none measured'}**"
            for setup, rooms in holding.items()
        ),
    ]
    for run in runs:
        lines += profile_lines(run)
    lines.append(end)
    return "\n".join(lines)


def timing(rooms: int, args: argparse.Namespace) -> tuple[float, float]:
    """The stagger and the warm-up of a row of ``rooms`` rooms: as given, else rooms started at
    ``STAGGER_RATE`` a second (creating a room costs the server milliseconds: a thousand at
    once would measure the start-up, not the play) and measured from 10 s after the last."""
    stagger = args.stagger if args.stagger is not None else max(MIN_STAGGER, rooms / STAGGER_RATE)
    warmup = args.warmup if args.warmup is not None else stagger + 10.0
    return stagger, warmup


def _room_counts(text: str) -> list[int]:
    counts = [int(part) for part in text.split(",") if part.strip()]
    if not counts or min(counts) < 1:
        raise argparse.ArgumentTypeError("room counts are whole numbers >= 1, comma-separated")
    return counts


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m bench.scale",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--rooms", type=_room_counts, default=[50, 100, 200, 400])
    parser.add_argument("--setups", default=",".join(SETUPS))
    parser.add_argument("--duration", type=float, default=120.0, help="seconds, warm-up included")
    parser.add_argument(
        "--warmup", type=float,
        help="seconds not measured (default: the stagger + 10 s, so that every room is up)",
    )  # fmt: skip
    parser.add_argument(
        "--stagger", type=float,
        help=f"seconds to start every room (default: one room every {1000 / STAGGER_RATE:.0f} ms,"
        f" at least {MIN_STAGGER:.0f} s)",
    )  # fmt: skip
    parser.add_argument("--clients", type=int, default=2, help="client processes")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument(
        "--time-scale", type=float, default=1.0, help="the servers' LIAPTUI_TIME_SCALE and the "
        "humans' think times are multiplied by it (1: real timings)"
    )  # fmt: skip
    parser.add_argument("--profile", action="store_true", help="py-spy the first server")
    parser.add_argument(
        "--profile-raw", type=Path, metavar="DIR",
        help="with --profile, keep each row's py-spy stacks (--format raw) in DIR",
    )  # fmt: skip
    parser.add_argument("--no-write", action="store_true", help="print only")
    args = parser.parse_args(argv)
    setups = args.setups.split(",")
    if not set(setups) <= set(SETUPS):
        parser.error(f"--setups takes {', '.join(SETUPS)}")
    for rooms in args.rooms:
        if not 0 <= timing(rooms, args)[1] < args.duration:
            parser.error(f"the warm-up at {rooms} rooms must be shorter than --duration")
    if args.profile:
        py_spy()
    info = machine()
    options = {
        "duration": args.duration,
        "clients": args.clients,
        "time_scale": args.time_scale,
        "seed": args.seed,
        "profile": args.profile,
        "profile_raw": args.profile_raw,
    }
    runs = []
    for setup in setups:
        for rooms in args.rooms:
            stagger, warmup = timing(rooms, args)
            run = run_setup(setup, rooms, stagger=stagger, warmup=warmup, **options)
            print(run.summary(), flush=True)
            if run.started_late():
                print(f"  rooms were still being created {run.up - warmup:.0f} s into the window")
            for failure, count in run.tally.failures.most_common(5):
                print(f"  failure ×{count}: {failure}", flush=True)
            for line in profile_lines(run):
                print(line, flush=True)
            runs.append(run)
    for setup, rooms in largest_holding(runs).items():
        print(f"largest room count with p99 < {TARGET_P99_MS:.0f} ms: {setup}: {rooms}")
    command = "python -m bench.scale " + " ".join(argv if argv is not None else sys.argv[1:])
    text = section(
        runs,
        info,
        command.strip(),
        client_processes=args.clients,
        time_scale=args.time_scale,
    )
    publish(NAME, text, print_only=args.no_write)
    return 0


if __name__ == "__main__":
    sys.exit(main())
