"""The room repository's cache and its write without reading the row (docs/architecture.md)."""

from __future__ import annotations

import asyncio
from datetime import timedelta

import pytest
from django.db import connection
from django.utils import timezone

from rooms import services
from rooms.clock import RoomClock
from rooms.models import Room

pytestmark = pytest.mark.django_db(transaction=True)


def _stale_cache(room_id: str, cached) -> None:
    """This process's cache as it was at ``cached`` (another process wrote since)."""
    services.repository.forget()
    services.repository.states.put(room_id, cached.version, cached.state, cached.row)


def test_an_action_refused_by_a_stale_cache_is_tried_again_on_the_room_as_it_is():
    room_id = services.room_create_sync("Ann", 3).room_id  # bots in seats 1-3
    cached = services.repository.states.get(room_id)
    assert cached is not None and cached.row is not None
    services.room_act_sync(room_id, 0, "remove_seat", {"seat": 3})
    _stale_cache(room_id, cached)  # this process still sees a bot in seat 3
    written = services.room_act_sync(room_id, 0, "add_bot", {"seat": 3, "strategy": "greedy"})
    assert [e["type"] for e in written.events] == ["bot_added"]
    assert written.version == cached.version + 2


def test_a_stale_cache_never_commits_a_write_made_for_its_version():
    room_id = services.room_create_sync("Ann", 2).room_id  # seat 3 empty
    cached = services.repository.states.get(room_id)
    services.room_act_sync(room_id, 0, "add_bot", {"seat": 3})
    _stale_cache(room_id, cached)  # seat 3 looks empty here, but is taken
    with pytest.raises(services.RuleError) as refused:
        services.room_act_sync(room_id, 0, "add_bot", {"seat": 3})
    assert refused.value.code == "seat_taken"
    assert Room.objects.get(pk=room_id).version == cached.version + 1


async def test_the_clock_holds_a_room_only_for_the_version_of_its_timer():
    clock = RoomClock(fire=lambda *args: asyncio.sleep(0))
    clock.schedule("K7M2QX", 5, timezone.now() + timedelta(hours=1), None)
    assert clock.holds("K7M2QX", 5)
    assert not clock.holds("K7M2QX", 6)  # a newer write elsewhere moved the deadline
    assert not clock.holds("B3C4D5", 5)
    await clock.shutdown()
    assert clock.idle()


def _events(first: int, last: int) -> list[dict]:
    return [
        {"seq": seq, "type": "t", "payload": {}, "actor": None} for seq in range(first, last + 1)
    ]


def test_the_cache_keeps_a_room_s_newest_events_without_a_gap():
    from game.state import GameState
    from rooms.repository import RECENT_EVENTS, RoomRepository

    repository = RoomRepository(lambda: {}, cache_size=10)
    state = GameState()
    repository.states.put("R1", 5, state)  # read from the log: no events known
    assert repository.between("R1", 3, 5) is None
    repository.states.put("R1", 7, state, events=_events(6, 7))
    repository.states.put("R1", 8, state, events=_events(8, 8))
    assert [e["seq"] for e in repository.between("R1", 5, 8)] == [6, 7, 8]
    assert [e["seq"] for e in repository.between("R1", 6, 7)] == [7]
    assert repository.between("R1", 4, 8) is None  # 5 is not known
    assert repository.between("R1", 6, 9) is None  # nor 9
    # Caught up from the log (a gap): what came before is forgotten.
    repository.states.put("R1", 12, state)
    assert repository.between("R1", 8, 12) is None
    repository.states.put("R1", 13, state, events=_events(13, 13))
    assert [e["seq"] for e in repository.between("R1", 12, 13)] == [13]
    # At most RECENT_EVENTS of them.
    repository.states.put(
        "R1", 13 + 2 * RECENT_EVENTS, state, events=_events(14, 13 + 2 * RECENT_EVENTS)
    )
    newest = 13 + 2 * RECENT_EVENTS
    assert len(repository.between("R1", newest - RECENT_EVENTS, newest)) == RECENT_EVENTS
    assert repository.between("R1", newest - RECENT_EVENTS - 1, newest) is None


def test_an_action_on_a_cached_room_is_one_statement_on_postgresql():
    """The write of an action the cache can make moves the row and appends the events: on
    PostgreSQL in one statement outside any transaction (one round trip), on SQLite in two
    inside one."""
    room_id = services.room_create_sync("Ann", 2).room_id  # seat 3 empty
    statements: list[tuple[str, bool]] = []

    def record(execute, sql, params, many, context):
        statements.append((sql.split()[0], connection.get_autocommit()))
        return execute(sql, params, many, context)

    with connection.execute_wrapper(record):
        written = services.room_act_sync(room_id, 0, "add_bot", {"seat": 3})
    assert [e["type"] for e in written.events] == ["bot_added"]
    if connection.vendor == "postgresql":
        assert statements == [("WITH", True)]
    else:
        assert statements == [("BEGIN", True), ("UPDATE", False), ("INSERT", False)]
    assert Room.objects.get(pk=room_id).version == written.version
