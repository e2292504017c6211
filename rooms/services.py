"""The room service: the commands that change rooms (docs/architecture.md).

Every change of a room goes through the process's ``RoomRepository`` (``repository.write``):
in one transaction it locks the room row, brings the cached state up to the row's version,
asks the engine what the command means, appends the events and moves the row. When the
transaction commits, the repository hands the write to the ``Broadcaster``, which sends it to
the room's sockets and the lobby and sets the room's next deadline on this process's
``RoomClock``. Consumers, REST views, the admin and the sweeper call the functions below.

The synchronous ``*_sync`` functions do the database work (called through ``db.db_async`` from
async code, in the room's database thread); the async ones run them there.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import secrets
import uuid
from datetime import datetime
from typing import Any, NamedTuple

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from eventlog.models import Event as EventRow
from game.autoplay import bot_command
from game.engine import DEFAULT_BOT, LANGUAGES, execute, to_act
from game.errors import RuleError
from game.expert import Budget
from game.state import Command, GameState

from .broadcast import Broadcaster, room_group, single_process, update_message
from .clock import RoomClock
from .db import db_async
from .errors import RoomError
from .live import live_sockets
from .lobby import LOBBY_GROUP, LobbyWatchers
from .models import Presence, Room, SeatToken, presence_gone
from .repository import RoomRepository, RoomRow, Written
from .selectors import seat_for_token
from .timers import scaled
from .tokens import hash_token, new_room_id, new_token

log = logging.getLogger(__name__)

#: This server process; presence rows carry it so that a dead process's sockets can be dropped.
PROCESS_ID = uuid.uuid4().hex
MAX_BOTS = 3
#: A bot's move is worked out outside the write, from the cached state; when another write
#: came first, it is worked out again from the newer state, at most this many times, then
#: decided inside the write.
THINK_ATTEMPTS = 3


def timings() -> dict[str, float]:
    return scaled(settings.LIAPTUI_TIMINGS, settings.LIAPTUI_TIME_SCALE)


# The process's room machinery: objects that own all of its state.
lobby_watchers = LobbyWatchers()
repository = RoomRepository(timings, cache_size=settings.LIAPTUI_ROOM_CACHE)


async def _fire_from_clock(room_id: str, version: int, action: dict[str, Any] | None) -> None:
    await room_fire(room_id, expected=(version, action))


clock = RoomClock(_fire_from_clock)
broadcaster = Broadcaster(clock, lobby_watchers)
repository.on_saved = broadcaster.saved


def room_state(room_id: str, version: int | None = None) -> tuple[GameState, int]:
    """A room's state at its current version (or ``version``), through the repository."""
    return repository.load(room_id, version)


def cached_state(room_id: str, version: int) -> GameState | None:
    return repository.cached(room_id, version)


def cache_clear() -> None:
    """Forget every cached room (tests use it to prove a room is rebuilt from its log)."""
    repository.forget()


def _now_ts() -> float:
    return timezone.now().timestamp()


def _issue_token(room_id: str, seat: int) -> str:
    token = new_token()
    SeatToken.objects.update_or_create(
        room_id=room_id, seat=seat, defaults={"token_hash": hash_token(token)}
    )
    return token


def _unused_room_id() -> str:
    """A fresh id, unused by any room and by any event ever logged."""
    while True:
        room_id = new_room_id()
        taken = Room.objects.filter(pk=room_id).exists()
        if not taken and not EventRow.objects.filter(room_id=room_id).exists():
            return room_id


def room_create_sync(
    player_name: Any,
    bots: int = 0,
    seed: int | None = None,
    bot_strategy: str = DEFAULT_BOT,
    language: str | None = None,
) -> Written:
    """A new room with the creator as host in seat 0 and ``bots`` bots of ``bot_strategy`` in
    the next seats. The room's bots are named in ``language``, the creator's (English when it
    is none the game knows)."""
    if not isinstance(bots, int) or isinstance(bots, bool) or not 0 <= bots <= MAX_BOTS:
        raise RoomError("invalid_argument", reason="bots_range", max=MAX_BOTS)
    with transaction.atomic():
        room = Room.objects.create(id=_unused_room_id(), seed=seed)
        state = GameState()
        language = language if language in LANGUAGES else "en"
        args = {"room_id": room.id, "name": player_name, "language": language}
        events, state = execute(state, Command("create_room", None, args))
        for seat in range(1, bots + 1):
            args = {"seat": seat, "strategy": bot_strategy}
            more, state = execute(state, Command("add_bot", 0, args))
            events += more
        written = repository.create(room, events, state)
        written.seat, written.token = 0, _issue_token(room.id, 0)
    return written


def room_join_sync(room_id: str, player_name: Any) -> Written:
    """Take the first empty seat of a waiting room."""

    def make(state: GameState, room: RoomRow) -> Command:
        return Command("join", None, {"name": player_name})

    with transaction.atomic():
        written = repository.write(room_id, make)
        assert written is not None
        seat = next(e["payload"]["seat"] for e in written.events if e["type"] == "seat_taken")
        written.seat = seat
        written.token = _issue_token(room_id, seat)
    return written


def room_act_sync(room_id: str, seat: int | None, action: str, args: dict[str, Any]) -> Written:
    """A seated player's (or spectator's) action from the WebSocket, as an engine command."""

    def make(state: GameState, room: RoomRow) -> Command:
        command_args = dict(args)
        if action == "start_game":
            command_args["seed"] = room.seed if room.seed is not None else secrets.randbits(63)
        return Command(action, seat, command_args, at=_now_ts())

    written = repository.write(room_id, make, optimistic=True)
    assert written is not None
    return written


def _bot_command(state: GameState, seat: int, version: int) -> Command:
    """The bot's move for ``seat`` in ``state`` (the room at ``version``): the seat's own
    strategy, or ``smart`` for a human who is away. The simulator decides the same way."""
    strategy = state.seats[seat].bot or DEFAULT_BOT
    budget = Budget(cpu_ms=settings.LIAPTUI_EXPERT_BUDGET_MS)
    command = bot_command(state, seat, strategy, version, budget)
    if command is None:
        raise RuntimeError(f"bot for seat {seat} has nothing to do in {state.phase}")
    return command


class Thought(NamedTuple):
    """A bot's move worked out outside the write, for the room at ``version``."""

    version: int
    seat: int
    command: Command


class Rethink(Exception):
    """The room's deadline is a bot's move, and no move was worked out for this version and
    seat: work it out (outside the write) and fire again."""

    def __init__(self, version: int, seat: int) -> None:
        super().__init__(f"a move for seat {seat} at version {version}")
        self.version, self.seat = version, seat


def think(room_id: str, version: int, seat: int) -> Thought | None:
    """The bot's move for ``seat`` of the cached room at ``version`` (no lock, no database);
    None when the cache holds another version, or the seat has nothing to do."""
    return _think(repository.cached(room_id, version), version, seat)


def _think(state: GameState | None, version: int, seat: int) -> Thought | None:
    if state is None or seat not in to_act(state):
        return None
    return Thought(version, seat, _bot_command(state, seat, version))


def room_fire_sync(
    room_id: str, thought: Thought | None = None, *, decide: bool = True, skip_locked: bool = False
) -> Written | None:
    """Do what the room's deadline asks, if it is due (idempotent: a deadline that moved or was
    already done is left alone). A bot's move is ``thought`` when it was worked out for the
    room's current version and the same seat (it is then the move the bot would make now);
    otherwise ``Rethink`` is raised, or, with ``decide``, the move is decided here."""

    def make(state: GameState, room: RoomRow) -> Command | None:
        now = timezone.now()
        if room.deadline_at is None or room.deadline_at > now or not room.deadline_action:
            return None
        action = room.deadline_action
        if action["kind"] == "bot":
            seat = action["seat"]
            if thought is not None and (thought.version, thought.seat) == (room.version, seat):
                command = thought.command
            elif decide:
                command = _bot_command(state, seat, room.version)
            else:
                raise Rethink(room.version, seat)
            return command._replace(at=now.timestamp())
        return Command(action["kind"], None, at=now.timestamp())

    # The sweeper's fires (``skip_locked``) are of rooms other processes may have written.
    return repository.write(room_id, make, skip_locked=skip_locked, optimistic=not skip_locked)


def room_close_sync(
    room_id: str, reason: str, idle_before: datetime | None = None
) -> Written | None:
    """Close a room. With ``idle_before`` (the sweeper), only if it is still abandoned, or
    finished, since before then: checked on the locked row, as a player may have come back."""

    def make(state: GameState, room: RoomRow) -> Command | None:
        if state.closed:
            return None
        if idle_before is not None:
            since = room.finished_at if reason == "finished" else room.empty_since
            if since is None or since >= idle_before:
                return None
        return Command("close", None, {"reason": reason})

    return repository.write(room_id, make)


def presence_add_sync(room_id: str, token: str, channel_name: str) -> tuple[int, Written | None]:
    """A seat's socket opened: record it, and connect the seat if it was away."""
    seat = seat_for_token(room_id, token)
    return seat, presence_mark_sync(room_id, seat, channel_name)


def presence_mark_sync(room_id: str, seat: int, channel_name: str) -> Written | None:
    """Record that ``channel_name``, a socket of ``seat``, is open in this process, and connect
    the seat if it was away (a new socket, or a live one whose row had expired). The row is
    written under the room's lock, like every presence change: one lock order, no deadlock."""

    def make(state: GameState, room: RoomRow) -> Command | None:
        Presence.objects.update_or_create(
            channel_name=channel_name,
            defaults={
                "room_id": room_id,
                "seat": seat,
                "process": PROCESS_ID,
                "seen_at": timezone.now(),
            },
        )
        if state.closed or state.seats[seat].connected:
            return None
        return Command("connect", seat, at=_now_ts())

    return repository.write(room_id, make)


def presence_remove_sync(
    room_id: str, seat: int, channel_name: str, gone_before: datetime | None = None
) -> Written | None:
    """A seat's socket closed: the seat is away once its last socket is gone. With
    ``gone_before`` (the sweeper, of another process's socket), only if its process is still
    gone then (``presence_gone``): checked under the lock, as that process may be back."""

    def make(state: GameState, room: RoomRow) -> Command | None:
        # Under the room lock: another process may be adding a socket of this seat.
        rows = Presence.objects.filter(channel_name=channel_name)
        if gone_before is not None:
            rows = rows.filter(presence_gone(gone_before, PROCESS_ID, single_process()))
        if not rows.delete()[0] and gone_before is not None:
            return None  # its process is alive (or the row went already): not ours to drop
        if Presence.objects.filter(room_id=room_id, seat=seat).exists():
            return None
        player = state.seats[seat]
        if state.closed or not player.is_human or not player.connected:
            return None
        return Command("disconnect", seat, at=_now_ts())

    return repository.write(room_id, make)


# --------------------------------------------------------------------------- async side


def _collecting(fn: Any, *args: Any, **kwargs: Any) -> tuple[Any, list[Written]]:
    with broadcaster.collecting() as outbox:
        return fn(*args, **kwargs), outbox


async def _room_call(room_id: str, fn: Any, *args: Any, **kwargs: Any) -> Any:
    """``fn(room_id, *args)`` in the room's database thread, which runs one room's calls one at a
    time and in order (between processes, the row lock does); then the writes it committed are
    broadcast, here on the loop."""
    broadcaster.bind(asyncio.get_running_loop())
    call = asyncio.ensure_future(db_async(_collecting, room_id)(fn, room_id, *args, **kwargs))
    try:
        result, outbox = await clock.calling(asyncio.shield(call))
    except asyncio.CancelledError:
        # The caller is gone (its socket closed, the server stops), but a database thread's
        # work cannot be stopped: what it commits is broadcast all the same.
        call.add_done_callback(_publish_when_done)
        raise
    for written in outbox:
        await broadcaster.publish(written)
    return result


def _publish_when_done(call: asyncio.Future[tuple[Any, list[Written]]]) -> None:
    if call.cancelled() or call.exception() is not None:
        return  # a failed call's writes went to the broadcaster as it failed (``collecting``)
    for written in call.result()[1]:
        clock.start(broadcaster.publish(written))


async def publish(written: Written | None) -> None:
    """Broadcast a write now (it is broadcast on commit anyway, once: awaiting this makes sure
    it went out before the caller goes on)."""
    await broadcaster.publish(written)


async def _thought(room_id: str, version: int, seat: int) -> Thought | None:
    """The bot's move for ``seat`` at ``version``, worked out outside any write: an expert's
    search (milliseconds of CPU) in a worker thread, the other bots' choice right here."""
    state = repository.cached(room_id, version)
    if state is not None and state.seats[seat].bot == "expert":
        return await asyncio.to_thread(_think, state, version, seat)
    return _think(state, version, seat)


async def room_fire(
    room_id: str,
    expected: tuple[int, dict[str, Any] | None] | None = None,
    *,
    skip_locked: bool = False,
) -> None:
    """Fire a room's deadline if due; errors are logged, never raised into the event loop.

    A bot's move is worked out before the write, from the cached state, and submitted for that
    version: ``expected`` is the version and action this process's timer was set for, so the
    bot usually thinks before the first attempt. When another write came first, it thinks
    again from the newer state; after ``THINK_ATTEMPTS`` the write decides itself."""
    try:
        thought = None
        if expected is not None and expected[1] and expected[1]["kind"] == "bot":
            thought = await _thought(room_id, expected[0], expected[1]["seat"])
        for attempt in range(THINK_ATTEMPTS + 1):
            try:
                await _room_call(
                    room_id,
                    room_fire_sync,
                    thought,
                    decide=attempt == THINK_ATTEMPTS,
                    skip_locked=skip_locked,
                )
            except Rethink as rethink:
                thought = await _thought(room_id, rethink.version, rethink.seat)
                continue
            return
    except Exception:
        log.exception("firing the deadline of room %s failed", room_id)


async def room_act(room_id: str, seat: int | None, action: str, args: dict[str, Any]) -> Written:
    """Run a player's action; raises ``RuleError``/``RoomError`` when refused (nothing changed).
    Returns the write, so the caller can answer from it without reading the room again."""
    return await _room_call(room_id, room_act_sync, seat, action, args)


async def room_connect(room_id: str, token: str, channel_name: str) -> int:
    """A seat's socket opened in this process: its seat (``RoomError`` for a bad token)."""
    seat, _ = await _room_call(room_id, presence_add_sync, token, channel_name)
    live_sockets.add(channel_name, room_id, seat)
    return seat


async def room_disconnect(
    room_id: str, seat: int, channel_name: str, gone_before: datetime | None = None
) -> None:
    """A seat's socket is gone (closed here, or held by a process that died: ``gone_before``,
    see ``presence_remove_sync``)."""
    await _room_call(room_id, presence_remove_sync, seat, channel_name, gone_before)


async def socket_closed(room_id: str | None, seat: int | None, channel_name: str) -> None:
    """A room socket of this process ended, holding the presence of ``seat`` (or none)."""
    live_sockets.discard(channel_name)
    if room_id is not None and seat is not None:
        # When the room's row is gone, its presence rows went with it.
        with contextlib.suppress(RoomError):
            await room_disconnect(room_id, seat, channel_name)


async def presence_mark_again(channel: str, room_id: str, seat: int) -> None:
    """Record the presence of a live socket of this process again (its row expired)."""
    if not live_sockets.holds(channel):  # it closed meanwhile
        return
    try:
        await _room_call(room_id, presence_mark_sync, seat, channel)
    except (RoomError, RuleError) as error:  # the room or the seat is gone: so is the socket
        log.info("socket %s of room %s seat %s not marked again: %s", channel, room_id, seat, error)
        live_sockets.discard(channel)


async def room_close(room_id: str, reason: str, idle_before: datetime | None = None) -> None:
    await _room_call(room_id, room_close_sync, reason, idle_before)


async def shutdown() -> None:
    """Stop this process's timers and wait until no fire, broadcast or other room call is
    running (the tests call it after closing their sockets). The service works again once
    this returns."""
    await clock.shutdown(broadcaster.drain)


__all__ = [
    "LOBBY_GROUP",
    "RoomError",
    "RuleError",
    "Written",
    "broadcaster",
    "cache_clear",
    "cached_state",
    "clock",
    "publish",
    "repository",
    "room_act",
    "room_close",
    "room_connect",
    "room_create_sync",
    "room_disconnect",
    "room_fire",
    "room_group",
    "room_join_sync",
    "room_state",
    "shutdown",
    "update_message",
]
