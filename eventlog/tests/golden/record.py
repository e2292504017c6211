"""Record golden logs: complete games played by a given version of this server, with the final
state that version computed.

Run it with the Python of a virtualenv that has the dependencies, against a checkout of any
commit that has the room service and the event log (``git archive <sha> | tar -x -C DIR``)::

    python eventlog/tests/golden/record.py --repo DIR --commit <sha> --out eventlog/tests/golden

It imports *that* checkout's code (nothing of the repository it lives in), plays each scenario
below through that version's own room service on a fresh SQLite database with every delay at 0
(the game is driven by firing the room's deadlines, as its timers would), and writes one JSON
file per game: every logged event as that version stored it (``columns``: seq, type, phase,
actor, payload, and the schema version when that version had one), and the final state, both
as a canonical dump of the ``GameState`` (``canonical``) and as that version's
``omniscient_view``. The golden-log test (``test_golden.py``) replays the events through the
current code and compares.

Only the standard library is imported at module level: the test imports ``canonical`` from here.
"""

from __future__ import annotations

import argparse
import dataclasses
import enum
import importlib
import json
import os
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

#: Scenario name -> (where the seed search starts, bots made with the room).
SCENARIOS: dict[str, tuple[int, int]] = {
    # One human (connected at the start, away after it: a bot plays the seat), three smart bots,
    # a seed whose first deal has a weak hand (redeal events).
    "bots": (0, 3),
    # Two humans (one joins), bots added and one removed by the host, a greedy bot, and an expert
    # bot where the version has one.
    "seats": (1000, 0),
}


#: The stored columns of each logged event, in the order of each event's list in the file (and
#: ``schema`` last, for a version whose log has schema versions).
COLUMNS = ("seq", "type", "phase", "actor", "payload")


def canonical(value: Any) -> Any:
    """A JSON-ready dump of a game state (or any part of one): dataclasses and named tuples as
    objects of their fields, tuples as lists, enums as their values. It reads fields only, so it
    works on the state of any version."""
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: canonical(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if isinstance(value, tuple) and hasattr(value, "_asdict"):
        return {name: canonical(item) for name, item in value._asdict().items()}
    if isinstance(value, enum.Enum):
        return value.value
    if isinstance(value, list | tuple):
        return [canonical(item) for item in value]
    if isinstance(value, dict):
        return {str(key): canonical(item) for key, item in value.items()}
    return value


def _setup(repo: Path, database: Path) -> None:
    sys.path.insert(0, str(repo))
    os.environ.update(
        DJANGO_SETTINGS_MODULE="gameproject.settings",
        DATABASE_URL=f"sqlite:///{database}",
        LIAPTUI_TIME_SCALE="0",
        LIAPTUI_ALLOW_SEED="1",
    )
    os.environ.pop("REDIS_URL", None)
    django = importlib.import_module("django")
    django.setup()
    importlib.import_module("django.core.management").call_command("migrate", verbosity=0)


def _weak_seed(start: int) -> int:
    """The first seed from ``start`` whose first deal gives seat 0 a weak hand (that version's
    deal), so that the human of seat 0 is asked about a redeal."""
    engine = importlib.import_module("game.engine")
    pieces = importlib.import_module("game.pieces")
    return next(
        s for s in range(start, start + 10_000) if pieces.is_weak(engine.deal_hands(s, 0)[0])
    )


def _fire_until_over(services: Any, room_id: str, is_over: Callable[[], bool]) -> None:
    for _ in range(20_000):
        if is_over():
            return
        if services.room_fire_sync(room_id) is None:
            raise RuntimeError(f"room {room_id}: nothing due at time scale 0")
    raise RuntimeError(f"room {room_id}: no game over after 20,000 fires")


def play(scenario: str) -> str:
    """Play one scenario through the room service of the loaded version; the room id."""
    services = importlib.import_module("rooms.services")
    engine = importlib.import_module("game.engine")
    start, bots = SCENARIOS[scenario]
    seed = _weak_seed(start)
    created = services.room_create_sync("Ann", bots, seed)
    room_id = created.room_id
    if scenario == "seats":
        services.room_join_sync(room_id, "Bo")
        services.room_act_sync(room_id, 0, "add_bot", {"seat": 2, "strategy": "greedy"})
        services.room_act_sync(room_id, 0, "add_bot", {"seat": 3})
        services.room_act_sync(room_id, 0, "remove_seat", {"seat": 3})
        last = "expert" if "expert" in engine.BOT_STRATEGIES else "smart"
        services.room_act_sync(room_id, 0, "add_bot", {"seat": 3, "strategy": last})
    seat, _ = services.presence_add_sync(room_id, created.token, "golden.socket")
    services.room_act_sync(room_id, 0, "start_game", {})
    # Seat 0 is weak: its human asks for a redeal in one game and declines in the other.
    services.room_act_sync(room_id, 0, "redeal", {"accept": scenario == "bots"})
    services.presence_remove_sync(room_id, seat, "golden.socket")

    def is_over() -> bool:
        state, _ = services.room_state(room_id)
        return state.phase.value == "game_over"

    _fire_until_over(services, room_id, is_over)
    services.room_close_sync(room_id, "finished")
    return room_id


def dump(room_id: str, commit: str, scenario: str) -> dict[str, Any]:
    """The room's logged events and final state, as the loaded version has them."""
    services = importlib.import_module("rooms.services")
    views = importlib.import_module("game.views")
    events = importlib.import_module("eventlog.models").Event
    rows = events.objects.filter(room_id=room_id).order_by("seq")
    has_schema = any(f.name == "schema" for f in events._meta.get_fields())
    columns = [*COLUMNS, "schema"] if has_schema else list(COLUMNS)
    logged = [[getattr(row, column) for column in columns] for row in rows]
    state, version = services.room_state(room_id)
    return {
        "recorded_by": commit,
        "scenario": scenario,
        "how": "eventlog/tests/golden/record.py: that commit's room service on SQLite, every "
        "delay 0, deadlines fired until game_over, then closed",
        "room_id": room_id,
        "version": version,
        "columns": columns,
        "events": logged,
        "final": {"canonical": canonical(state), "omniscient_view": views.omniscient_view(state)},
    }


def write(path: Path, recording: dict[str, Any]) -> None:
    """One event per line: small, and a diff shows which events changed."""
    head = {k: v for k, v in recording.items() if k not in ("events", "final")}
    lines = ["{"]
    lines += [f"{json.dumps(k)}: {json.dumps(v, ensure_ascii=False)}," for k, v in head.items()]
    lines.append('"events": [')
    events = [json.dumps(e, ensure_ascii=False, separators=(",", ":")) for e in recording["events"]]
    lines.append(",\n".join(events))
    lines.append("],")
    final = json.dumps(recording["final"], ensure_ascii=False, separators=(",", ":"))
    lines.append(f'"final": {final}')
    lines.append("}")
    path.write_text("\n".join(lines) + "\n")


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repo", type=Path, required=True, help="a checkout of the version")
    parser.add_argument("--commit", required=True, help="its commit, named in the files")
    parser.add_argument("--out", type=Path, required=True, help="the directory to write to")
    parser.add_argument("--scenario", action="append", choices=sorted(SCENARIOS))
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as tmp:
        _setup(args.repo.resolve(), Path(tmp) / "golden.sqlite3")
        for scenario in args.scenario or list(SCENARIOS):
            room_id = play(scenario)
            path = args.out / f"{args.commit[:7]}-{scenario}.json"
            write(path, dump(room_id, args.commit, scenario))
            print(f"{path}: {room_id}, {path.stat().st_size} bytes")


if __name__ == "__main__":
    main()
