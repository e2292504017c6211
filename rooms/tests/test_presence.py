"""Presence across processes (``rooms.presence``): a process marks itself alive, one row
whatever its sockets; another process's rows go only once that process is gone, checked again
under the room's lock."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from rooms import services
from rooms.models import Presence, ServerProcess, presence_gone
from rooms.presence import forget_processes_sync, process_beat_sync

pytestmark = pytest.mark.django_db

TTL = timedelta(seconds=6)


def _row(room_id: str, seat: int, channel: str, process: str, age: timedelta) -> None:
    Presence.objects.create(
        room_id=room_id, seat=seat, channel_name=channel, process=process,
        seen_at=timezone.now() - age,
    )  # fmt: skip


def _process(process: str, age: timedelta) -> None:
    ServerProcess.objects.update_or_create(pk=process, defaults={"seen_at": timezone.now() - age})


def _gone(one_process: bool) -> list[str]:
    limit = timezone.now() - TTL
    rows = Presence.objects.filter(presence_gone(limit, "me", one_process))
    return sorted(rows.values_list("channel_name", flat=True))


def test_only_the_old_rows_of_a_process_not_seen_are_gone():
    created = services.room_create_sync("Ann", 0)
    room = created.room_id
    _process("me", TTL * 10)  # a process's own rows are never gone here, even if it stalled
    _process("alive", timedelta(seconds=1))
    _process("dead", TTL * 2)
    _row(room, 0, "own", "me", TTL * 3)
    _row(room, 0, "alive-old", "alive", TTL * 3)
    _row(room, 1, "dead-old", "dead", TTL * 3)
    _row(room, 1, "dead-new", "dead", timedelta(seconds=1))  # recorded just now: not yet
    _row(room, 2, "unknown-old", "never-beat", TTL * 3)  # a process that never marked itself
    assert _gone(one_process=False) == ["dead-old", "unknown-old"]
    # With one process, every other process's row is an earlier run's.
    assert _gone(one_process=True) == ["alive-old", "dead-new", "dead-old", "unknown-old"]


def test_the_heartbeat_is_one_row_and_says_when_it_had_lapsed():
    assert process_beat_sync("p1") is False  # the first beat
    assert process_beat_sync("p1") is True
    assert ServerProcess.objects.count() == 1
    _process("p1", TTL * 2)  # stalled past the TTL
    assert process_beat_sync("p1") is False
    assert process_beat_sync("p1") is True


def test_a_process_back_before_its_rows_are_dropped_keeps_them(monkeypatch):
    """The sweeper read a row as gone; before it drops it, under the room's lock, the process
    beats again: the row stays, and the seat with it."""
    monkeypatch.setattr(services, "single_process", lambda: False)
    created = services.room_create_sync("Ann", 0)
    room = created.room_id
    _process("slow", TTL * 2)
    services.presence_mark_sync(room, 0, "slow-socket")
    Presence.objects.filter(channel_name="slow-socket").update(
        process="slow", seen_at=timezone.now() - TTL * 3
    )
    limit = timezone.now() - TTL
    process_beat_sync("slow")  # back
    assert services.presence_remove_sync(room, 0, "slow-socket", gone_before=limit) is None
    assert Presence.objects.filter(channel_name="slow-socket").exists()
    state, _ = services.room_state(room)
    assert state.seats[0].connected
    # Gone for good: its rows go, and the seat is away.
    _process("slow", TTL * 2)
    written = services.presence_remove_sync(room, 0, "slow-socket", gone_before=limit)
    assert [e["type"] for e in written.events] == ["player_disconnected"]
    assert not Presence.objects.filter(channel_name="slow-socket").exists()


def test_processes_long_gone_are_forgotten():
    _process("old", timedelta(hours=2))
    _process("recent", TTL * 2)
    assert forget_processes_sync() == 1
    assert list(ServerProcess.objects.values_list("id", flat=True)) == ["recent"]
