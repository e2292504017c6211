"""Admin benchmark, not a test: the event log's changelist with a million events.

    python -m bench.admin [--events 1000000] [--rooms 10000] [--database postgres|sqlite]
                          [--repeat 5] [--no-write]

A new PostgreSQL database of its own (``SERVICES_DATABASE_URL``, default the local server's
``test``) is migrated and filled with ``--events`` events spread over ``--rooms`` rooms (their
rows too), then the admin pages staff use are rendered through Django's test client, logged
in as a superuser: each ``--repeat`` times after one warm-up, reporting the median time and the
queries one render makes. The database is dropped afterwards. ``--database sqlite`` runs the
same on a temporary SQLite file (the smoke test does, with a few events).
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from bench.report import machine, machine_table, markers, publish, written_by

DEFAULT_POSTGRES = "postgres://postgres@127.0.0.1:5432/test"
BATCH = 20_000
KINDS = ("GENERAL_RED", "SOLDIER_BLACK", "CHARIOT_RED", "HORSE_BLACK")


@contextmanager
def database(kind: str) -> Iterator[str]:
    if kind == "sqlite":
        with tempfile.TemporaryDirectory() as folder:
            yield f"sqlite:///{Path(folder) / 'admin.sqlite3'}"
        return
    from tests.liveserver import postgres_database

    url = os.environ.get("SERVICES_DATABASE_URL", DEFAULT_POSTGRES)
    with postgres_database(url, "liaptui_admin_bench") as own:
        yield own


def fill(events: int, rooms: int) -> str:
    """``rooms`` room rows and ``events`` events spread over them; returns one room's id."""
    from eventlog.models import Event
    from eventlog.room_ids import ROOM_ID_ALPHABET, ROOM_ID_LENGTH
    from rooms.models import Room, RoomStatus

    start = datetime(2026, 1, 1, tzinfo=UTC)
    # Real room ids (the admin recognises a room id by its shape), one per number.
    base = len(ROOM_ID_ALPHABET)
    ids = [
        "".join(ROOM_ID_ALPHABET[n // base**k % base] for k in range(ROOM_ID_LENGTH))
        for n in range(rooms)
    ]
    Room.objects.bulk_create(
        Room(
            id=room_id,
            status=RoomStatus.FINISHED,
            version=events // rooms,
            summary={
                "phase": "game_over",
                "round": 12,
                "seats": [{"seat": s, "name": f"Player {room_id}-{s}"} for s in range(4)],
            },
        )
        for room_id in ids
    )
    types = ("played", "declared", "phase_change", "turn_won", "hands_dealt")
    per_room = max(1, events // rooms)
    made = 0
    while made < events:
        batch = []
        for n in range(made, min(events, made + BATCH)):
            room, seq = ids[n // per_room % rooms], n % per_room + 1
            kind = types[n % len(types)]
            batch.append(
                Event(
                    room_id=room,
                    seq=seq,
                    type=kind,
                    phase="turn",
                    payload={"seat": n % 4, "pieces": [KINDS[n % len(KINDS)]]},
                    actor=n % 4,
                    created_at=start + timedelta(seconds=n),
                )
            )
        Event.objects.bulk_create(batch)
        made += len(batch)
    return ids[rooms // 2]


def measure(client: Any, path: str, repeat: int) -> tuple[float, int, int]:
    """Median milliseconds of ``repeat`` renders, queries per render, and the status."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.get(path)  # warm-up
    times, queries, status = [], 0, 0
    for _ in range(repeat):
        with CaptureQueriesContext(connection) as captured:
            began = time.perf_counter()
            response = client.get(path)
            times.append((time.perf_counter() - began) * 1000)
        queries, status = len(captured.captured_queries), response.status_code
    return statistics.median(times), queries, status


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--events", type=int, default=1_000_000)
    parser.add_argument("--rooms", type=int, default=10_000)
    parser.add_argument("--database", choices=("postgres", "sqlite"), default="postgres")
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--no-write", action="store_true", help="print, do not write the doc")
    args = parser.parse_args(argv)
    info = machine()
    with database(args.database) as url:
        os.environ["DATABASE_URL"] = url
        os.environ.setdefault("DJANGO_SETTINGS_MODULE", "gameproject.settings")
        os.environ["DJANGO_ALLOWED_HOSTS"] = "testserver"
        import django

        django.setup()
        from django.contrib.auth.models import User
        from django.core.management import call_command
        from django.db import connections
        from django.test import Client

        call_command("migrate", "--noinput", verbosity=0)
        began = time.perf_counter()
        room_id = fill(args.events, args.rooms)
        filled = time.perf_counter() - began
        if connections["default"].vendor == "postgresql":
            with connections["default"].cursor() as cursor:
                cursor.execute("ANALYZE")
        client = Client()
        client.force_login(User.objects.create_superuser("bench", "bench@example.com", "x"))
        pages = [
            ("the log, newest first", "/admin/eventlog/event/"),
            ("one room's events", f"/admin/eventlog/event/?room_id={room_id}"),
            ("one event type", "/admin/eventlog/event/?type=played"),
            ("search a room id", f"/admin/eventlog/event/?q={room_id}"),
            ("search payload text", "/admin/eventlog/event/?q=GENERAL_RED"),
            ("one event", f"/admin/eventlog/event/{args.events // 2}/change/"),
            ("the rooms", "/admin/rooms/room/"),
            ("search rooms by a player", f"/admin/rooms/room/?q=Player+{room_id}-2"),
        ]
        rows = [(label, path, *measure(client, path, args.repeat)) for label, path in pages]
        connections.close_all()
    start, end = markers("admin")
    command = f"python -m bench.admin --events {args.events} --rooms {args.rooms}"
    text = "\n".join(
        [
            start,
            "## Admin: the event log's changelist (`python -m bench.admin`)",
            "",
            written_by(command)
            + f" The log was filled in {filled:.0f} s; each page is rendered once to warm up, "
            f"then {args.repeat} times (the median is shown), through Django's test client "
            "in the same process (no HTTP), logged in as a superuser.",
            "",
            *machine_table(
                info,
                database=args.database,
                events=f"{args.events:,}",
                rooms=f"{args.rooms:,}",
            ),
            "",
            "| page | path | median ms | queries | status |",
            "|---|---|---:|---:|---:|",
            *(f"| {r[0]} | `{r[1]}` | {r[2]:.0f} | {r[3]} | {r[4]} |" for r in rows),
            end,
        ]
    )
    publish("admin", text, print_only=args.no_write)
    return 0


if __name__ == "__main__":
    sys.exit(main())
