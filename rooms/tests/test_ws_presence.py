"""Disconnecting and reconnecting (docs/rules.md §6: a bot plays a disconnected human's seat at
once, until the human reconnects with the seat token).

To disconnect "in" a phase that lasts no time at all with every delay at 0, the tests make that
one pause last an hour (``hold``) and let it pass on demand (``release``), as the sweeper would
fire an overdue deadline."""

from __future__ import annotations

import asyncio
import time

import pytest
from channels.db import database_sync_to_async

from rooms.models import Presence, ServerProcess
from rooms.sweeper import sweep_once
from rooms.tests.wsclient import (
    GAME_TIMEOUT,
    WEAK_SEED,
    assert_secrecy,
    create_room,
    event_rows,
    eventually,
    game_over,
    hold,
    join_room,
    live_state,
    release,
    room_version,
)

pytestmark = pytest.mark.django_db(transaction=True)

SEED = 123
#: A seed whose first deal gives seat 0 a weak hand (so it is asked about a redeal).
ACTIONS = ("redeal_decided", "declared", "played")


async def seat_actions(room_id: str, seat: int, after: int, upto: int | None = None) -> list:
    """The actions logged for ``seat`` after seq ``after`` (and up to ``upto``)."""
    rows = await event_rows(room_id, after)
    return [
        r
        for r in rows
        if r["actor"] == seat and r["type"] in ACTIONS and (upto is None or r["seq"] <= upto)
    ]


def _in_turn(v: dict) -> bool:
    turn = v["turn"]
    return v["phase"] == "turn" and 0 in v["to_act"] and bool(turn["plays"]) and turn["number"] >= 2


# case -> (the pause held to stop there, when the human is "in" that phase, the seed)
CASES = {
    "preparation": (
        "redeal_window",
        lambda v: v["phase"] == "preparation" and 0 in v["to_act"],
        WEAK_SEED,
    ),
    "round_start": ("round_start", lambda v: v["phase"] == "round_start", SEED),
    "declaration": (None, lambda v: v["phase"] == "declaration" and 0 in v["to_act"], SEED),
    "turn": (None, _in_turn, SEED),
    "turn_results": ("turn_results", lambda v: v["phase"] == "turn_results", SEED),
    "scoring": ("scoring", lambda v: v["phase"] == "scoring", SEED),
}


@pytest.mark.parametrize("case", list(CASES))
async def test_disconnect_and_reconnect_in_game(ws, settings, case):
    held, there, seed = CASES[case]
    hold(settings, *([held] if held else []))
    created = await create_room("Alice", 3, seed=seed)
    room_id = created.room_id
    alice = await ws.seat(created)
    await alice.ok("start_game")
    await alice.play_until(there)
    assert alice.view["phase"] == case
    before = await room_version(room_id)
    assert alice.version == before  # the room is standing still

    # From now on the room stops at the next turn result, so it can be watched mid-game.
    hold(settings, "turn_results")
    await alice.close()
    rows = await event_rows(room_id, before)
    assert rows[0]["type"] == "player_disconnected" and rows[0]["payload"]["seat"] == 0
    if case == "turn_results":
        await release(room_id)

    # The game goes on without her: a bot acts for seat 0, then the room waits on a turn result.
    async def bot_played() -> bool:
        state, _ = await live_state(room_id)
        acted = await seat_actions(room_id, 0, before)
        return state.phase == "turn_results" and any(r["type"] == "played" for r in acted)

    await eventually(bot_played)
    spectator = await ws.spectator(room_id)
    seat0 = spectator.view["seats"][0]
    assert seat0["connected"] is False and seat0["bot_playing"] is True
    assert spectator.view["phase"] == "turn_results"

    # Back with the same token: the full current view, her hand as the room knows it, and
    # (asking with ?version=) every event she missed.
    back = await ws.open(room_id, created.token, seat=0, version=before)
    await back.connect()
    state, version = await live_state(room_id)
    view = back.view
    assert back.version == version
    missed = back.messages[0]["events"]
    assert [e["seq"] for e in missed] == list(range(before + 1, version + 1))
    assert missed[0]["type"] == "player_disconnected"
    assert missed[-1]["type"] == "player_connected"
    assert any(e["type"] == "played" and e["actor"] == 0 for e in missed)
    assert view["phase"] == state.phase == "turn_results"
    assert view["you"] == {"seat": 0, "hand": list(state.seats[0].hand)}
    assert [s["hand_count"] for s in view["seats"]] == [len(s.hand) for s in state.seats]
    assert [s["score"] for s in view["seats"]] == [s.score for s in state.seats]
    assert view["seats"][0]["connected"] is True and view["seats"][0]["bot_playing"] is False
    assert view["last_turn"] is not None
    await spectator.until(lambda v: v["seats"][0]["connected"])
    reconnected = version

    # Then she finishes the game herself.
    hold(settings)
    await release(room_id)
    final = await back.play_until(game_over)
    assert final["winners"]
    assert await seat_actions(room_id, 0, before, reconnected)  # the bot's, while she was away
    own = await seat_actions(room_id, 0, reconnected)
    assert any(r["type"] == "declared" for r in own) and any(r["type"] == "played" for r in own)
    await spectator.until(game_over, timeout=GAME_TIMEOUT)
    await assert_secrecy(room_id, [alice, back, spectator])


async def test_disconnect_and_reconnect_while_waiting(ws):
    created = await create_room("Ann", 2)
    bob_seat = await join_room(created.room_id, "Bob")
    assert bob_seat.seat == 3
    ann = await ws.seat(created)
    bob = await ws.seat(bob_seat)
    await bob.until(lambda v: v["seats"][0]["connected"])
    await ann.close()
    view = await bob.until(lambda v: not v["seats"][0]["connected"])
    assert view["phase"] == "waiting"
    assert view["seats"][0]["name"] == "Ann" and view["seats"][0]["bot_playing"] is False
    # The host dropped: the next connected human is host.
    view = await bob.until(lambda v: v["host_seat"] == 3)
    assert view["legal"]["start"] is True

    again = await ws.seat(created)
    assert again.view["you"] == {"seat": 0, "hand": []}
    assert again.view["seats"][0]["connected"] is True
    assert again.view["host_seat"] == 3 and again.view["legal"]["start"] is False
    await bob.until(lambda v: v["seats"][0]["connected"])
    await bob.ok("start_game")
    async with asyncio.timeout(GAME_TIMEOUT):
        views = await asyncio.gather(again.play_until(game_over), bob.play_until(game_over))
    assert views[0]["winners"] and views[0]["winners"] == views[1]["winners"]


async def test_lone_host_reconnecting_can_still_start(ws):
    created = await create_room("Ann", 3)
    ann = await ws.seat(created)
    await ann.close()
    again = await ws.seat(created)
    assert again.view["host_seat"] == 0
    assert again.view["legal"]["start"] is True
    await again.ok("start_game")
    assert (await again.play_until(game_over))["winners"]


async def test_two_sockets_of_one_seat(ws):
    created = await create_room("Ann", 3, seed=SEED)
    room_id = created.room_id
    first = await ws.seat(created)
    await first.ok("start_game")
    await first.play_until(lambda v: v["phase"] == "declaration" and 0 in v["to_act"])
    second = await ws.seat(created)
    assert second.view["you"] == first.view["you"]
    assert second.version == first.version
    before = await room_version(room_id)
    await first.close()
    # One socket is still open: the seat stays connected and nothing happens.
    assert await _presences(room_id) == 1
    assert await second.nothing()
    assert await room_version(room_id) == before
    state, _ = await live_state(room_id)
    assert state.seats[0].connected and state.phase == "declaration"

    spectator = await ws.spectator(room_id)
    await second.close()
    view = await spectator.until(lambda v: not v["seats"][0]["connected"])
    assert view["seats"][0]["bot_playing"] is True
    assert await _presences(room_id) == 0
    # A bot plays the seat; the game runs to its end.
    final = await spectator.until(game_over, timeout=GAME_TIMEOUT)
    assert final["winners"]
    assert await seat_actions(room_id, 0, before)


async def _presences(room_id: str) -> int:
    return await database_sync_to_async(Presence.objects.filter(room_id=room_id).count)()


async def test_host_disconnect_in_game_passes_the_host(ws):
    created = await create_room("Ann", 2, seed=SEED)
    bob_seat = await join_room(created.room_id, "Bob")
    ann = await ws.seat(created)
    bob = await ws.seat(bob_seat)
    await ann.until(lambda v: all(s["connected"] for s in v["seats"]))
    await ann.ok("start_game")
    await bob.until(lambda v: v["phase"] != "waiting")
    assert bob.view["host_seat"] == 0
    await ann.close()
    view = await bob.until(lambda v: v["host_seat"] == 3)
    assert view["seats"][0]["connected"] is False and view["seats"][0]["bot_playing"] is True
    rows = await event_rows(created.room_id)
    changes = [r["payload"]["seat"] for r in rows if r["type"] == "host_changed"]
    assert changes == [0, 3]
    # Ann comes back: Bob stays host, and both finish the game.
    again = await ws.seat(created)
    assert again.view["host_seat"] == 3
    async with asyncio.timeout(GAME_TIMEOUT):
        views = await asyncio.gather(again.play_until(game_over), bob.play_until(game_over))
    assert views[0]["winners"] == views[1]["winners"] != []


def _age_every_presence(seconds: float) -> None:
    from datetime import timedelta

    from django.utils import timezone

    # As if the sockets were recorded that long ago, and no process had beaten since.
    Presence.objects.update(seen_at=timezone.now() - timedelta(seconds=seconds))
    ServerProcess.objects.update(seen_at=timezone.now() - timedelta(seconds=seconds))


async def _channel(room_id: str, seat: int) -> str:
    return await database_sync_to_async(
        lambda: Presence.objects.get(room_id=room_id, seat=seat).channel_name
    )()


async def _connected(room_id: str) -> list[bool]:
    state, _ = await live_state(room_id)
    return [seat.connected for seat in state.seats]


async def test_a_row_no_socket_holds_expires_and_its_seat_goes_away(ws, settings):
    """A socket that ended without its consumer cleaning up (or whose process died) leaves a
    presence row: the heartbeat marks only the sockets this process holds, so that row expires
    after LIAPTUI_PRESENCE_TTL and the sweeper makes the seat away."""
    from rooms import services
    from rooms.live import live_sockets

    created = await create_room("Ann", 0)
    bob = await join_room(created.room_id, "Bob")
    await ws.seat(created)
    ann_channel = await _channel(created.room_id, 0)
    await database_sync_to_async(services.presence_add_sync)(created.room_id, bob.token, "ghost")
    assert await _connected(created.room_id) == [True, True, False, False]

    await database_sync_to_async(_age_every_presence)(settings.LIAPTUI_PRESENCE_TTL + 1)
    live_sockets.beat.reset()  # a heartbeat is due
    await sweep_once()

    assert await _connected(created.room_id) == [True, False, False, False]
    channels = await database_sync_to_async(
        lambda: list(Presence.objects.values_list("channel_name", flat=True))
    )()
    assert channels == [ann_channel]  # the live one, marked again


async def test_a_live_socket_whose_row_expired_is_recorded_again(ws, settings):
    """A process that stalled past the TTL had its sockets dropped by another process's
    sweeper: its next heartbeat records them again, and the seat is back."""
    from rooms import services
    from rooms.live import live_sockets

    created = await create_room("Ann", 0)
    bob = await join_room(created.room_id, "Bob")
    await ws.seat(created)
    await ws.seat(bob)
    channel = await _channel(created.room_id, 0)
    await services.publish(
        await database_sync_to_async(services.presence_remove_sync)(created.room_id, 0, channel)
    )
    assert await _connected(created.room_id) == [False, True, False, False]

    # This process stalled past the TTL: its heartbeat finds its mark lapsed, and checks its
    # rows against its sockets at once.
    await database_sync_to_async(_age_every_presence)(settings.LIAPTUI_PRESENCE_TTL + 1)
    live_sockets.beat.reset()
    live_sockets.reconcile.last = time.monotonic()  # not due on its own
    await sweep_once()

    assert await _connected(created.room_id) == [True, True, False, False]
    assert await _presences(created.room_id) == 2


async def test_a_freed_seats_socket_leaves_no_trace(ws, settings):
    """The host frees Bob's seat: Bob's socket is closed (4000) and leaves this process's live
    sockets, so no heartbeat marks it again; Cat, who takes the seat without a socket, is not
    shown connected."""
    from rooms.live import live_sockets

    created = await create_room("Ann", 0)
    bob = await join_room(created.room_id, "Bob")
    ann = await ws.seat(created)
    bob_socket = await ws.seat(bob)
    await ann.until(lambda v: v["seats"][1]["connected"])
    bob_channel = await _channel(created.room_id, 1)
    await ann.ok("remove_seat", seat=1)
    assert await bob_socket.receive_until(lambda m: m.get("type") == "websocket.close")
    await bob_socket.close()  # as the WebSocket server does after the server's close
    assert not live_sockets.holds(bob_channel)
    cat = await join_room(created.room_id, "Cat")
    assert cat.seat == 1

    await database_sync_to_async(_age_every_presence)(settings.LIAPTUI_PRESENCE_TTL + 1)
    live_sockets.beat.reset()
    await sweep_once()
    assert await _connected(created.room_id) == [True, False, False, False]


async def test_a_slow_process_does_not_drop_its_own_live_sockets(ws, settings):
    """This process's own rows look stale (it was too slow to beat in time), but it still holds
    the sockets: the sweep marks them again instead of making the seats away."""
    from rooms.live import live_sockets

    created = await create_room("Ann", 0)
    await ws.seat(created)
    channel = await _channel(created.room_id, 0)
    await database_sync_to_async(_age_every_presence)(settings.LIAPTUI_PRESENCE_TTL + 1)
    live_sockets.beat.last = time.monotonic()  # no heartbeat due: only the stale check
    await sweep_once()
    assert await _connected(created.room_id) == [True, False, False, False]
    assert live_sockets.holds(channel)
    assert await _channel(created.room_id, 0) == channel
