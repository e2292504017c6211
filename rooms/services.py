"""The room service: the only writer of rooms (docs/architecture.md).

Every change of a room goes through ``_write``: in one transaction it locks the room row, brings
the process's cached state up to the row's version from the event log, asks the engine what the
command means, appends the events with the next sequence numbers, and moves the row's version,
status, summary and deadline. After the commit the events are broadcast to the room's group and
the deadline is scheduled. Consumers and REST views call the functions below and nothing else.

The synchronous ``*_sync`` functions do the database work (called through ``db.db_async`` from
async code, in the service's database thread); the async ones add the broadcast and the timers.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import secrets
import threading
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer
from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from eventlog.models import Event as EventRow
from eventlog.selectors import event_dict, replay
from eventlog.services import event_append
from game.autoplay import bot_command
from game.engine import DEFAULT_BOT, execute, to_act
from game.errors import RuleError
from game.expert import Budget
from game.state import Command, Event, GameState, Phase

from .db import db_async
from .errors import RoomError
from .live import live_sockets
from .metrics import server_metrics
from .models import Presence, Room, RoomStatus, SeatToken
from .selectors import room_list, room_summary, seat_for_token
from .timers import next_deadline, scaled
from .tokens import hash_token, new_room_id, new_token

log = logging.getLogger(__name__)

#: This server process; presence rows carry it so that a dead process's sockets can be dropped.
PROCESS_ID = uuid.uuid4().hex
LOBBY_GROUP = "lobby"
MAX_BOTS = 3
_PAUSE_EVENTS = frozenset(("phase_change", "hands_dealt"))


def room_group(room_id: str) -> str:
    return f"room.{room_id}"


def timings() -> dict[str, float]:
    return scaled(settings.LIAPTUI_TIMINGS, settings.LIAPTUI_TIME_SCALE)


# --------------------------------------------------------------------------- the cache


_cache: dict[str, tuple[int, GameState]] = {}
_cache_lock = threading.Lock()


def cached_state(room_id: str, version: int) -> GameState | None:
    """The cached state of a room if the cache holds exactly ``version`` (no database)."""
    hit = _cache.get(room_id)
    return hit[1] if hit is not None and hit[0] == version else None


def room_state(room_id: str, version: int | None = None) -> tuple[GameState, int]:
    """A room's state at its current version (or ``version``): the cached aggregate, caught up
    with the log when another process wrote since, or a full replay when not cached."""
    if version is None:
        version = Room.objects.values_list("version", flat=True).get(pk=room_id)
    with _cache_lock:
        hit = _cache.get(room_id)
    if hit is not None and hit[0] == version:
        return hit[1], version
    if hit is not None and hit[0] < version:
        state, last = replay(room_id, upto=version, state=hit[1], after=hit[0])
    else:
        state, last = replay(room_id, upto=version)
    _cache_put(room_id, last, state)
    return state, last


def _cache_put(room_id: str, version: int, state: GameState) -> None:
    """Keep the newest state of a room; a closed room is never written again: forget it."""
    with _cache_lock:
        hit = _cache.get(room_id)
        if hit is not None and hit[0] > version:
            return
        if state.closed:
            _cache.pop(room_id, None)
        else:
            _cache[room_id] = (version, state)


def cache_clear() -> None:
    """Forget every cached room (tests use it to prove a room is rebuilt from its log)."""
    with _cache_lock:
        _cache.clear()


# --------------------------------------------------------------------------- writing


@dataclass
class Written:
    """What one write changed, for the broadcast after the commit."""

    room_id: str
    version: int
    state: GameState
    events: list[dict[str, Any]] = field(default_factory=list)
    deadline_at: datetime | None = None
    summary_changed: bool = False
    freed: list[dict[str, Any]] = field(default_factory=list)
    seat: int | None = None
    token: str | None = None


def _phases(start: Phase, events: list[Event]) -> list[str]:
    """The phase after each event: it changes only at ``phase_change``."""
    phases, phase = [], start.value
    for event in events:
        if event.type == "phase_change":
            phase = event.payload["phase"]
        phases.append(phase)
    return phases


#: The row's fields a write moves (``save`` writes these only).
_COMMITTED_FIELDS = (
    "version",
    "status",
    "summary",
    "pause_since",
    "due_since",
    "deadline_at",
    "deadline_action",
    "empty_since",
    "finished_at",
    "updated_at",
)


def _commit(room: Room, old: GameState, events: list[Event], new: GameState) -> Written:
    """Append ``events`` and move the room row; inside the caller's transaction."""
    now = timezone.now()
    rows = event_append(room.id, room.version, events, _phases(old.phase, events), now)
    summary = room_summary(new)
    room.version += len(events)
    room.status = summary["status"]
    if any(e.type in _PAUSE_EVENTS for e in events):
        room.pause_since = now
    # An awaited seat's clock starts when it becomes due; leaving and coming back does not
    # restart it (a player could otherwise hold the table forever), so a player who goes away
    # after the bot's thinking time is played for at once (docs/rules.md §6).
    if to_act(new) != to_act(old) or room.pause_since == now:
        room.due_since = now
    upcoming = None
    if room.status == RoomStatus.PLAYING:
        upcoming = next_deadline(
            new, pause_since=room.pause_since, due_since=room.due_since, timings=timings()
        )
    room.deadline_at, room.deadline_action = upcoming if upcoming else (None, None)
    changed = summary != room.summary
    room.summary = summary
    anyone_here = any(s.is_human and s.connected for s in new.seats)
    room.empty_since = None if anyone_here else (room.empty_since or now)
    if room.status == RoomStatus.FINISHED and room.finished_at is None:
        room.finished_at = now
    room.save(update_fields=_COMMITTED_FIELDS)
    written_count = len(rows)
    transaction.on_commit(lambda: server_metrics.events_written.inc(written_count))
    freed = [e.payload for e in events if e.type == "seat_freed"]
    for payload in freed:
        SeatToken.objects.filter(room=room, seat=payload["seat"]).delete()
        Presence.objects.filter(room=room, seat=payload["seat"]).delete()
    return Written(
        room_id=room.id,
        version=room.version,
        state=new,
        events=[event_dict(row) for row in rows],
        deadline_at=room.deadline_at,
        summary_changed=changed,
        freed=freed,
    )


CommandMaker = Callable[[GameState, Room], "Command | None"]


def _write(room_id: str, make: CommandMaker) -> Written | None:
    """Run the command ``make`` returns for the room's current state, as one write.

    ``make`` may return None (nothing to do: no write). A ``RuleError`` rolls everything back.
    """
    with transaction.atomic():
        try:
            room = Room.objects.select_for_update().get(pk=room_id)
        except Room.DoesNotExist:
            raise RoomError("room_not_found", f"There is no room {room_id!r}.") from None
        old, _ = room_state(room_id, room.version)
        command = make(old, room)
        if command is None:
            return None
        events, state = execute(old, command)
        if not events:
            return Written(room_id=room_id, version=room.version, state=old)
        written = _commit(room, old, events, state)
        _cache_on_commit(room_id, written.version, state)
    return written


def _cache_on_commit(room_id: str, version: int, state: GameState) -> None:
    """Cache the new state once the outermost transaction commits: a rolled-back write must
    not leave a state that never happened in the cache."""
    transaction.on_commit(lambda: _cache_put(room_id, version, state))


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
    player_name: Any, bots: int = 0, seed: int | None = None, bot_strategy: str = DEFAULT_BOT
) -> Written:
    """A new room with the creator as host in seat 0 and ``bots`` bots of ``bot_strategy`` in
    the next seats."""
    if not isinstance(bots, int) or isinstance(bots, bool) or not 0 <= bots <= MAX_BOTS:
        raise RoomError("invalid_argument", "bots is a number from 0 to 3.")
    with transaction.atomic():
        room = Room.objects.create(id=_unused_room_id(), seed=seed)
        state = GameState()
        events, state = execute(
            state, Command("create_room", None, {"room_id": room.id, "name": player_name})
        )
        for seat in range(1, bots + 1):
            args = {"seat": seat, "strategy": bot_strategy}
            more, state = execute(state, Command("add_bot", 0, args))
            events += more
        written = _commit(room, GameState(), events, state)
        written.seat, written.token = 0, _issue_token(room.id, 0)
        _cache_on_commit(room.id, written.version, state)
    return written


def room_join_sync(room_id: str, player_name: Any) -> Written:
    """Take the first empty seat of a waiting room."""

    def make(state: GameState, room: Room) -> Command:
        return Command("join", None, {"name": player_name})

    with transaction.atomic():
        written = _write(room_id, make)
        assert written is not None
        seat = next(e["payload"]["seat"] for e in written.events if e["type"] == "seat_taken")
        written.seat = seat
        written.token = _issue_token(room_id, seat)
    return written


def room_act_sync(room_id: str, seat: int | None, action: str, args: dict[str, Any]) -> Written:
    """A seated player's (or spectator's) action from the WebSocket, as an engine command."""

    def make(state: GameState, room: Room) -> Command:
        command_args = dict(args)
        if action == "start_game":
            command_args["seed"] = room.seed if room.seed is not None else secrets.randbits(63)
        return Command(action, seat, command_args, at=_now_ts())

    written = _write(room_id, make)
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


@dataclass(frozen=True)
class Thought:
    """A bot move worked out before the write, for the room at ``version``."""

    version: int
    seat: int
    command: Command


_THINKING_PHASES = frozenset((Phase.DECLARATION, Phase.TURN))


def _expert_to_move(room_id: str) -> tuple[int, GameState, int] | None:
    """The cached room's version, state and seat when the one seat it waits for is an
    ``expert`` bot's (cheap: no database, no search), else None."""
    with _cache_lock:
        hit = _cache.get(room_id)
    if hit is None or hit[1].phase not in _THINKING_PHASES:
        return None
    version, state = hit
    waiting = to_act(state)
    if len(waiting) != 1 or state.seats[waiting[0]].bot != "expert":
        return None
    return version, state, waiting[0]


def think_ahead(room_id: str) -> Thought | None:
    """The move of the ``expert`` bot the cached room waits for, worked out outside the write;
    ``None`` when it waits for no expert (the write then decides as usual)."""
    expert = _expert_to_move(room_id)
    if expert is None:
        return None
    version, state, seat = expert
    return Thought(version, seat, _bot_command(state, seat, version))


def room_fire_sync(room_id: str, thought: Thought | None = None) -> Written | None:
    """Do what the room's deadline asks, if it is due (idempotent: a deadline that moved or was
    already done is left alone). A bot's move comes from ``thought`` when it was worked out for
    the room's current version and the same seat (it is then the move the bot would make now)."""

    def make(state: GameState, room: Room) -> Command | None:
        now = timezone.now()
        if room.deadline_at is None or room.deadline_at > now or not room.deadline_action:
            return None
        action = room.deadline_action
        if action["kind"] == "bot":
            seat = action["seat"]
            if thought is not None and (thought.version, thought.seat) == (room.version, seat):
                command = thought.command
            else:
                command = _bot_command(state, seat, room.version)
            return command._replace(at=now.timestamp())
        return Command(action["kind"], None, at=now.timestamp())

    return _write(room_id, make)


def room_close_sync(
    room_id: str, reason: str, idle_before: datetime | None = None
) -> Written | None:
    """Close a room. With ``idle_before`` (the sweeper), only if it is still abandoned, or
    finished, since before then: checked on the locked row, as a player may have come back."""

    def make(state: GameState, room: Room) -> Command | None:
        if state.closed:
            return None
        if idle_before is not None:
            since = room.finished_at if reason == "finished" else room.empty_since
            if since is None or since >= idle_before:
                return None
        return Command("close", None, {"reason": reason})

    return _write(room_id, make)


def presence_add_sync(room_id: str, token: str, channel_name: str) -> tuple[int, Written | None]:
    """A seat's socket opened: record it, and connect the seat if it was away."""
    seat = seat_for_token(room_id, token)
    return seat, presence_mark_sync(room_id, seat, channel_name)


def presence_mark_sync(room_id: str, seat: int, channel_name: str) -> Written | None:
    """Record that ``channel_name``, a socket of ``seat``, is open in this process, and connect
    the seat if it was away (a new socket, or a live one whose row had expired). The row is
    written under the room's lock, like every presence change: one lock order, no deadlock."""

    def make(state: GameState, room: Room) -> Command | None:
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

    return _write(room_id, make)


def presence_remove_sync(room_id: str, seat: int, channel_name: str) -> Written | None:
    """A seat's socket closed: the seat is away once its last socket is gone."""

    def make(state: GameState, room: Room) -> Command | None:
        # Under the room lock: another process may be adding a socket of this seat.
        Presence.objects.filter(channel_name=channel_name).delete()
        if Presence.objects.filter(room_id=room_id, seat=seat).exists():
            return None
        player = state.seats[seat]
        if state.closed or not player.is_human or not player.connected:
            return None
        return Command("disconnect", seat, at=_now_ts())

    return _write(room_id, make)


def presence_touch_sync(channel_names: list[str]) -> list[str]:
    """The heartbeat: mark the presence rows of the sockets this process really holds as seen
    now. Returns those of ``channel_names`` that have no row (it expired while the socket
    lived: a stalled process), for the caller to record again."""
    touched = Presence.objects.filter(channel_name__in=channel_names)
    if touched.update(seen_at=timezone.now()) == len(channel_names):
        return []
    have = set(touched.values_list("channel_name", flat=True))
    return [name for name in channel_names if name not in have]


# --------------------------------------------------------------------------- async side


_timers: dict[str, tuple[int, asyncio.TimerHandle]] = {}
_tasks: set[asyncio.Task[Any]] = set()
# While ``shutdown`` drains the running fires, their writes schedule nothing new.
_stopping = False
_running = 0  # room calls in progress: ``shutdown`` waits for them too


async def _room_call(room_id: str, fn: Callable[..., Any], *args: Any) -> Any:
    """``fn(room_id, *args)`` in the room's database thread, which runs one room's calls one at a
    time and in order (between processes, the row lock does)."""
    global _running
    _running += 1
    try:
        return await db_async(fn, room_id)(room_id, *args)
    finally:
        _running -= 1


async def publish(written: Written | None, rooms: list[dict[str, Any]] | None = None) -> None:
    """Broadcast a write to the room (and the lobby when its summary changed), then schedule
    its deadline in this process. ``rooms`` is the lobby list when the caller read it already."""
    if written is None or not written.events:
        return
    _schedule(written.room_id, written.version, written.deadline_at)
    try:
        await _broadcast(written, rooms)
    except Exception:
        # The write is committed: a failed broadcast must not turn it into an error. Clients
        # catch up at their next update (or resync); the deadline is scheduled already.
        log.exception("broadcasting version %s of room %s failed", written.version, written.room_id)


def update_message(written: Written) -> dict[str, Any]:
    """The ``room.update`` a write broadcasts to the room's consumers."""
    return {
        "type": "room.update",
        "version": written.version,
        "events": written.events,
        "deadline": written.deadline_at.isoformat() if written.deadline_at else None,
    }


async def _broadcast(written: Written, rooms: list[dict[str, Any]] | None) -> None:
    layer = get_channel_layer()
    group = room_group(written.room_id)
    await layer.group_send(group, update_message(written))
    for freed in written.freed:
        await layer.group_send(group, {"type": "room.removed", **freed})
    if written.summary_changed:
        if rooms is None:
            rooms = await db_async(room_list)()
        await layer.group_send(LOBBY_GROUP, {"type": "lobby.rooms", "rooms": rooms})


def publish_sync(written: Written | None) -> None:
    """``publish`` from synchronous code (REST views). The lobby list is read here, in the
    caller's thread and connection, not through ``database_sync_to_async`` (which would close
    the caller's connection around its call)."""
    if written is None or not written.events:
        return
    try:
        rooms = room_list() if written.summary_changed else None
    except Exception:
        log.exception("reading the lobby list failed")
        rooms = None
    async_to_sync(publish)(written, rooms)


def _schedule(room_id: str, version: int, at: datetime | None) -> None:
    """Replace the room's local timer with the deadline of ``version``, unless a newer write of
    the room already scheduled its own (broadcasts may finish out of order)."""
    if _stopping:
        return
    old = _timers.get(room_id)
    if old is not None:
        if old[0] > version:
            return
        old[1].cancel()
        del _timers[room_id]
    if at is None:
        return
    loop = asyncio.get_running_loop()
    delay = max(0.0, (at - timezone.now()).total_seconds())
    _timers[room_id] = (version, loop.call_later(delay, _spawn_fire, room_id))


def _spawn_fire(room_id: str) -> None:
    _timers.pop(room_id, None)
    task = asyncio.ensure_future(room_fire(room_id))
    _tasks.add(task)
    task.add_done_callback(_tasks.discard)


async def room_fire(room_id: str) -> None:
    """Fire a room's deadline if due; errors are logged, never raised into the event loop. An
    expert bot thinks first, in a worker thread, outside the write: its search takes
    milliseconds, and a write holds the room's lock and its database thread (the only one on
    SQLite). Any other fire goes straight to the write."""
    try:
        thought = None
        if _expert_to_move(room_id) is not None:  # only then is a thread worth its hop
            thought = await asyncio.to_thread(think_ahead, room_id)
        await publish(await _room_call(room_id, room_fire_sync, thought))
    except Exception:
        log.exception("firing the deadline of room %s failed", room_id)


async def room_act(room_id: str, seat: int | None, action: str, args: dict[str, Any]) -> Written:
    """Run a player's action; raises ``RuleError``/``RoomError`` when refused (nothing changed).
    Returns the write, so the caller can answer from it without reading the room again."""
    written = await _room_call(room_id, room_act_sync, seat, action, args)
    await publish(written)
    return written


async def room_connect(room_id: str, token: str, channel_name: str) -> int:
    """A seat's socket opened in this process: its seat (``RoomError`` for a bad token)."""
    seat, written = await _room_call(room_id, presence_add_sync, token, channel_name)
    live_sockets.add(channel_name, room_id, seat)
    await publish(written)
    return seat


async def room_disconnect(room_id: str, seat: int, channel_name: str) -> None:
    """A seat's socket is gone (closed here, or held by a process that died)."""
    await publish(await _room_call(room_id, presence_remove_sync, seat, channel_name))


async def socket_closed(room_id: str | None, seat: int | None, channel_name: str) -> None:
    """A room socket of this process ended, holding the presence of ``seat`` (or none)."""
    live_sockets.discard(channel_name)
    if room_id is not None and seat is not None:
        # When the room's row is gone, its presence rows went with it.
        with contextlib.suppress(RoomError):
            await room_disconnect(room_id, seat, channel_name)


async def shutdown() -> None:
    """Stop this process's timers and wait until no fire or other room call is running (the
    tests call it after closing their sockets).

    Fires and calls still running when it starts schedule nothing new, so a game of bots does
    not go on playing behind it. The deadlines stay on the room rows: any process's sweeper
    fires them later. The service works again once this returns."""
    global _stopping
    _stopping = True
    try:
        for _, handle in _timers.values():
            handle.cancel()
        _timers.clear()
        while _tasks or _running:
            if _tasks:
                await asyncio.wait(list(_tasks))  # unlike gather, never cancels them
            else:
                await asyncio.sleep(0.005)
    finally:
        _stopping = False


# --------------------------------------------------------------------------- sweeping


def _due_rooms_sync() -> list[str]:
    now = timezone.now()
    return list(
        Room.objects.filter(deadline_at__lte=now)
        .exclude(status=RoomStatus.CLOSED)
        .values_list("id", flat=True)[:100]
    )


def _single_process() -> bool:
    """With the in-memory channel layer only one server process can exist."""
    return "InMemoryChannelLayer" in settings.CHANNEL_LAYERS["default"]["BACKEND"]


def _stale_presences_sync() -> list[tuple[str, int, str]]:
    """Sockets nobody marked alive for ``LIAPTUI_PRESENCE_TTL`` (their process died, or they
    were left behind); with a single process, every socket of an earlier process is gone at
    once (a restart)."""
    limit = timezone.now() - timedelta(seconds=settings.LIAPTUI_PRESENCE_TTL)
    stale = Q(seen_at__lt=limit)
    if _single_process():
        stale |= ~Q(process=PROCESS_ID)
    return list(Presence.objects.filter(stale).values_list("room_id", "seat", "channel_name"))


async def presence_beat() -> None:
    """Mark this process's live sockets as seen, and record again any whose row expired."""
    sockets = live_sockets.snapshot()
    for channel in await db_async(presence_touch_sync)(list(sockets)):
        await presence_mark_again(channel, *sockets[channel])


async def presence_mark_again(channel: str, room_id: str, seat: int) -> None:
    """Record the presence of a live socket of this process again (its row expired)."""
    if not live_sockets.holds(channel):  # it closed meanwhile
        return
    try:
        await publish(await _room_call(room_id, presence_mark_sync, seat, channel))
    except (RoomError, RuleError) as error:  # the room or the seat is gone: so is the socket
        log.info("socket %s of room %s seat %s not marked again: %s", channel, room_id, seat, error)
        live_sockets.discard(channel)


def _abandon_limit() -> datetime:
    return timezone.now() - timedelta(seconds=settings.LIAPTUI_ABANDON_AFTER)


def _abandoned_rooms_sync() -> list[tuple[str, str]]:
    limit = _abandon_limit()
    open_rooms = Room.objects.exclude(status=RoomStatus.CLOSED)
    finished = open_rooms.filter(finished_at__lt=limit).values_list("id", flat=True)
    empty = open_rooms.filter(empty_since__lt=limit).values_list("id", flat=True)
    return [(r, "finished") for r in finished] + [(r, "abandoned") for r in empty]


async def sweep_once() -> None:
    """Mark this process's sockets alive (every ``LIAPTUI_PRESENCE_HEARTBEAT`` s), drop
    sockets nobody marked for ``LIAPTUI_PRESENCE_TTL`` s, fire overdue deadlines (of any
    process), close rooms nobody is in. Safe to run in every process at once."""
    if live_sockets.beat_due(time.monotonic(), settings.LIAPTUI_PRESENCE_HEARTBEAT):
        await presence_beat()
    for room_id, seat, channel in await db_async(_stale_presences_sync)():
        if live_sockets.holds(channel):  # ours, and open: this process was slow, not dead
            await presence_mark_again(channel, room_id, seat)
        else:
            await room_disconnect(room_id, seat, channel)
    for room_id in await db_async(_due_rooms_sync)():
        await room_fire(room_id)
    for room_id, reason in await db_async(_abandoned_rooms_sync)():
        await publish(await _room_call(room_id, room_close_sync, reason, _abandon_limit()))


_sweeper: asyncio.Task[None] | None = None


async def _sweep_forever(interval: float) -> None:
    while True:
        try:
            await sweep_once()
        except Exception:
            log.exception("room sweep failed")
        await asyncio.sleep(interval)


def ensure_sweeper() -> None:
    """Start this process's sweeper on the running loop, once (idempotent). The ASGI
    application calls it on every connection, so the first request after a start or restart
    brings the rooms of the log back to life."""
    global _sweeper
    interval = settings.LIAPTUI_SWEEP_INTERVAL
    if interval <= 0:
        return
    if _sweeper is None or _sweeper.done() or _sweeper.get_loop() is not asyncio.get_running_loop():
        _sweeper = asyncio.ensure_future(_sweep_forever(interval))


__all__ = [
    "RoomError",
    "RuleError",
    "Written",
    "cache_clear",
    "cached_state",
    "ensure_sweeper",
    "publish",
    "publish_sync",
    "room_act",
    "room_connect",
    "room_create_sync",
    "room_disconnect",
    "room_fire",
    "room_join_sync",
    "room_state",
    "shutdown",
    "sweep_once",
    "update_message",
]
