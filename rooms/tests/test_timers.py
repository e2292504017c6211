"""Deadlines: what the room does by itself, when, and that firing is idempotent."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from channels.db import database_sync_to_async
from django.conf import settings as django_settings
from django.utils import timezone

from game.engine import execute
from game.state import Command, GameState
from rooms import services
from rooms.models import Room, RoomStatus
from rooms.sweeper import sweep_once
from rooms.timers import bot_delay, next_deadline

#: The default timings of docs/rules.md §6, unscaled.
TIMINGS = dict(django_settings.LIAPTUI_TIMINGS)
T0 = datetime(2026, 1, 1, tzinfo=UTC)


def _room(bots: int, seed: int = 7) -> GameState:
    state = GameState()
    _, state = execute(state, Command("create_room", None, {"room_id": "ROOM42", "name": "Ann"}))
    for seat in range(1, bots + 1):
        _, state = execute(state, Command("add_bot", 0, {"seat": seat}))
    for name in ("Bo", "Cy", "Di")[bots:]:
        _, state = execute(state, Command("join", None, {"name": name}))
    for seat in range(4):
        if state.seats[seat].is_human:
            _, state = execute(state, Command("connect", seat))
    _, state = execute(state, Command("start_game", 0, {"seed": seed}))
    return state


def _no_weak_seed() -> int:
    return next(s for s in range(200) if not _room(0, s).weak)


def test_round_start_pause_ends_after_its_display_time():
    state = _room(0, _no_weak_seed())
    assert state.phase == "round_start"
    at, action = next_deadline(state, pause_since=T0, due_since=T0, timings=TIMINGS)
    assert action == {"kind": "advance", "timer": "round_start"}
    assert at == T0 + timedelta(seconds=5)


def test_connected_human_gets_idle_deadline_and_zero_means_wait_forever():
    state = _room(0, _no_weak_seed())
    _, state = execute(state, Command("advance"))
    seat = state.starter
    at, action = next_deadline(state, pause_since=T0, due_since=T0, timings=TIMINGS)
    assert action == {"kind": "bot", "seat": seat, "idle": True}
    assert at == T0 + timedelta(seconds=60)
    assert (
        next_deadline(state, pause_since=T0, due_since=T0, timings={**TIMINGS, "idle": 0}) is None
    )


def test_bot_and_absent_human_move_after_a_stable_thinking_delay():
    state = _room(0, _no_weak_seed())
    _, state = execute(state, Command("advance"))
    seat = state.starter
    _, away = execute(state, Command("disconnect", seat))
    at, action = next_deadline(away, pause_since=T0, due_since=T0, timings=TIMINGS)
    assert action == {"kind": "bot", "seat": seat}
    delay = (at - T0).total_seconds()
    assert 0.5 <= delay <= 1.5
    assert delay == pytest.approx(bot_delay(away.room_id, T0, seat, TIMINGS), abs=1e-5)
    again, _ = next_deadline(away, pause_since=T0, due_since=T0, timings=TIMINGS)
    assert again == at


def test_redeal_window_runs_from_the_deal_not_from_later_decisions():
    seed = next(s for s in range(500) if len(_room(0, s).weak) >= 1)
    state = _room(0, seed)
    at, action = next_deadline(state, pause_since=T0, due_since=T0, timings=TIMINGS)
    assert action == {"kind": "timeout", "timer": "redeal_window"}
    assert at == T0 + timedelta(seconds=30)


@pytest.mark.django_db(transaction=True)
async def test_firing_is_idempotent_and_only_when_due(settings):
    settings.LIAPTUI_TIME_SCALE = 10  # long delays: nothing is due right after a write
    created = await database_sync_to_async(services.room_create_sync)("Ann", 3)
    await database_sync_to_async(services.room_act_sync)(created.room_id, 0, "start_game", {})
    room = await database_sync_to_async(Room.objects.get)(pk=created.room_id)
    assert room.deadline_at is not None and room.deadline_at > timezone.now()
    assert await database_sync_to_async(services.room_fire_sync)(room.id) is None  # not due
    version = room.version
    room.deadline_at = timezone.now() - timedelta(seconds=1)
    await database_sync_to_async(room.save)()
    fired = await database_sync_to_async(services.room_fire_sync)(room.id)
    assert fired is not None and fired.version > version
    # The deadline moved with the write: a second firing of the old one changes nothing.
    after = await database_sync_to_async(Room.objects.get)(pk=room.id)
    assert after.deadline_at is not None and after.deadline_at > timezone.now()
    assert await database_sync_to_async(services.room_fire_sync)(room.id) is None
    assert (await database_sync_to_async(Room.objects.get)(pk=room.id)).version == after.version
    await services.shutdown()


@pytest.mark.django_db(transaction=True)
async def test_sweeper_closes_abandoned_and_finished_rooms(settings):
    empty = await database_sync_to_async(services.room_create_sync)("Ann", 0)
    recent = await database_sync_to_async(services.room_create_sync)("Bea", 0)
    long_ago = timezone.now() - timedelta(seconds=settings.LIAPTUI_ABANDON_AFTER + 5)
    await database_sync_to_async(Room.objects.filter(pk=empty.room_id).update)(empty_since=long_ago)
    await sweep_once()
    closed = await database_sync_to_async(Room.objects.get)(pk=empty.room_id)
    kept = await database_sync_to_async(Room.objects.get)(pk=recent.room_id)
    assert closed.status == RoomStatus.CLOSED
    assert kept.status == RoomStatus.WAITING
    state, _ = await database_sync_to_async(services.room_state)(empty.room_id)
    assert state.closed
    await services.shutdown()


@pytest.mark.django_db(transaction=True)
async def test_sweeper_fires_overdue_deadlines_of_rooms_this_process_never_scheduled():
    created = await database_sync_to_async(services.room_create_sync)("Ann", 3)
    # Written and not published: no local timer exists, as if another process had died.
    await database_sync_to_async(services.room_act_sync)(created.room_id, 0, "start_game", {})
    before = (await database_sync_to_async(Room.objects.get)(pk=created.room_id)).version
    await sweep_once()
    after = (await database_sync_to_async(Room.objects.get)(pk=created.room_id)).version
    assert after > before
    await services.shutdown()


@pytest.mark.django_db
def test_the_sweeper_closes_only_rooms_still_abandoned_on_the_locked_row(settings):
    room_id = services.room_create_sync("Ann", 0).room_id
    limit = timezone.now() - timedelta(seconds=settings.LIAPTUI_ABANDON_AFTER)
    # Found abandoned a moment ago, but someone came back since: empty_since is recent again.
    Room.objects.filter(pk=room_id).update(empty_since=timezone.now())
    assert services.room_close_sync(room_id, "abandoned", limit) is None
    assert Room.objects.get(pk=room_id).status == RoomStatus.WAITING
    Room.objects.filter(pk=room_id).update(empty_since=limit - timedelta(seconds=1))
    assert services.room_close_sync(room_id, "abandoned", limit) is not None
    assert Room.objects.get(pk=room_id).status == RoomStatus.CLOSED


@pytest.mark.django_db(transaction=True)
async def test_shutdown_stops_a_game_of_bots_that_plays_on_its_own(ws):
    """Fires still running when ``shutdown`` starts schedule nothing new: once it returns, no
    timer or fire is left and the room stops moving (a test's database flush relies on it)."""
    import asyncio

    created = await database_sync_to_async(services.room_create_sync)("Ann", 3)
    ann = await ws.seat(created)
    await ann.ok("start_game")
    await ann.close()  # a bot plays her seat too: the game runs on timers alone
    version = database_sync_to_async(lambda: Room.objects.get(pk=created.room_id).version)
    left = await version()
    for _ in range(500):
        if await version() > left + 40:
            break
        await asyncio.sleep(0.01)
    assert await version() > left + 40, "the bots did not play on their own"
    await services.shutdown()
    stopped = await version()
    assert services.clock.idle()
    await asyncio.sleep(0.3)
    assert await version() == stopped
    room = await database_sync_to_async(Room.objects.get)(pk=created.room_id)
    assert room.status != RoomStatus.CLOSED and room.deadline_at is not None
