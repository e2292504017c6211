"""The room repository: one per process, the only way to load and save a room
(docs/architecture.md).

It owns

- **loading**: a bounded LRU cache of room states. A state is caught up from the log when
  another process wrote since (only the missing events are read), or from the events a
  broadcast carries, without any query, when they follow the cached version;
- **saving**: one write is one transaction that locks the room's row, runs the engine on the
  cached state, appends the events and moves the row; the new state enters the cache and the
  broadcast is handed to ``on_saved`` when the transaction commits (so no caller can forget
  it, and a rolled-back write leaves nothing behind);
- **views**: the public part of a room's view is built once per room version and shared by
  every socket of the room; each socket adds only its seat's hand and what it may do.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Sequence
from contextlib import AbstractContextManager, nullcontext
from dataclasses import dataclass, field, fields, replace
from datetime import datetime
from typing import Any, NamedTuple

from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from eventlog.selectors import event_dict, replay
from eventlog.services import event_append_after
from eventlog.statements import UpdateWhere
from game.engine import apply, execute, to_act
from game.errors import RuleError
from game.state import Command, Event, GameState, Phase
from game.views import public_view, seat_part

from .db import GroupCommitThread
from .errors import RoomError
from .lobby import lobby_entry, room_summary
from .metrics import server_metrics
from .models import Presence, Room, RoomStatus, SeatToken, presence_rows_locked
from .timers import next_deadline

#: A write's new anchors of the timers start at these events (a pause begins).
PAUSE_EVENTS = frozenset(("phase_change", "hands_dealt"))


@dataclass(frozen=True, slots=True)
class RoomRow:
    """The columns of a room's row that a write reads (not the ``summary``: the old one is
    rebuilt from the cached state, cheaper than decoding it), without a model instance. The
    repository keeps the row of the version it last wrote or read under the lock."""

    id: str
    version: int
    status: str
    seed: int | None
    pause_since: datetime | None
    due_since: datetime | None
    deadline_at: datetime | None
    deadline_action: dict[str, Any] | None
    empty_since: datetime | None
    finished_at: datetime | None
    created_at: datetime


ROW_FIELDS = tuple(f.name for f in fields(RoomRow))
#: The row's columns a write moves (the others never change).
MOVED_FIELDS = tuple(name for name in ROW_FIELDS if name not in ("id", "seed", "created_at"))
#: A write's UPDATE of the row, on the condition that it is still at the version read.
_MOVE = UpdateWhere(Room, ("id", "version"))


@dataclass
class Written:
    """What one write changed: for the broadcast after the commit, and for the caller."""

    room_id: str
    version: int
    state: GameState
    events: list[dict[str, Any]] = field(default_factory=list)
    deadline_at: datetime | None = None
    deadline_action: dict[str, Any] | None = None
    #: The room's new lobby entry, when its summary changed.
    lobby: dict[str, Any] | None = None
    freed: list[dict[str, Any]] = field(default_factory=list)
    seat: int | None = None
    token: str | None = None
    published: bool = False


class Conflict(Exception):
    """A write was made for a version of the room that is no longer its current one."""


class _Unsure(Exception):
    """An optimistic write found nothing to do: only the locked row can say so."""


#: How many of a room's newest events its cache entry keeps.
RECENT_EVENTS = 16


class Cached(NamedTuple):
    version: int
    state: GameState
    row: RoomRow | None
    #: The room's newest events, up to ``version`` without a gap (as a broadcast carries them):
    #: a socket that missed one of them is caught up from here, not from the log.
    recent: tuple[dict[str, Any], ...] = ()


def _recent(hit: Cached | None, version: int, events: Sequence[dict[str, Any]]) -> tuple:
    """The newest events of a room moving to ``version`` with ``events`` (its last ones)."""
    if not events or events[-1]["seq"] != version:
        return hit.recent if hit is not None and hit.version == version else ()
    if hit is not None and hit.version == events[0]["seq"] - 1:  # a hit's recent end at it
        return (*hit.recent, *events)[-RECENT_EVENTS:]
    return tuple(events[-RECENT_EVENTS:])


class StateCache:
    """The newest known state of each recently used room, at most ``size`` of them (the least
    recently used goes first). Used from the database threads and the event loop: locked."""

    def __init__(self, size: int) -> None:
        self.size = max(1, size)
        self._states: OrderedDict[str, Cached] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, room_id: str) -> Cached | None:
        with self._lock:
            hit = self._states.get(room_id)
            if hit is not None:
                self._states.move_to_end(room_id)
            return hit

    def put(
        self,
        room_id: str,
        version: int,
        state: GameState,
        row: RoomRow | None = None,
        events: Sequence[dict[str, Any]] = (),
    ) -> None:
        """Keep the newest state of a room (with its row, when known at that version, and the
        events that led to it, when known); a closed room is never written again: forget it."""
        with self._lock:
            hit = self._states.get(room_id)
            if hit is not None and hit.version > version:
                return
            if state.closed:
                self._states.pop(room_id, None)
                return
            if row is None and hit is not None and hit.version == version:
                row = hit.row
            self._states[room_id] = Cached(version, state, row, _recent(hit, version, events))
            self._states.move_to_end(room_id)
            while len(self._states) > self.size:
                self._states.popitem(last=False)

    def clear(self) -> None:
        with self._lock:
            self._states.clear()


class SharedViews:
    """The public part of the view of each room's newest version (``game.views.public_view``):
    every socket of a room reads the same one. One per room (an older version's view is built
    again when asked for, which only a socket that is behind does): the views are large, and a
    bigger heap makes every full garbage collection longer. Built on the event loop only."""

    def __init__(self, size: int) -> None:
        self.size = max(1, size)
        self._views: OrderedDict[str, tuple[int, dict[str, Any]]] = OrderedDict()

    def get(self, room_id: str, version: int, state: GameState) -> dict[str, Any]:
        hit = self._views.get(room_id)
        if hit is not None and hit[0] == version:
            return hit[1]
        view = public_view(state)
        if hit is None or hit[0] < version:
            self._views[room_id] = (version, view)
            self._views.move_to_end(room_id)
            while len(self._views) > self.size:
                self._views.popitem(last=False)
        return view

    def clear(self) -> None:
        self._views.clear()


def _phases(start: Phase, events: list[Event]) -> list[str]:
    """The phase after each event: it changes only at ``phase_change``."""
    phases, phase = [], start.value
    for event in events:
        if event.type == "phase_change":
            phase = event.payload["phase"]
        phases.append(phase)
    return phases


#: What a write asks the engine for, given the room's state and row (None: nothing).
CommandMaker = Callable[[GameState, RoomRow], "Command | None"]


def _optimistic_transaction() -> AbstractContextManager[Any]:
    """What an optimistic write runs in: nothing on PostgreSQL, where its reads are the cache's
    and its write is one statement (``save``); a transaction elsewhere (on SQLite, a savepoint
    of the group commit's)."""
    if connection.vendor == "postgresql":
        return nullcontext()
    return transaction.atomic()


class RoomRepository:
    """Loads, caches, catches up and saves this process's rooms."""

    def __init__(
        self,
        timings: Callable[[], dict[str, float]],
        cache_size: int = 5000,
        on_saved: Callable[[Written], None] | None = None,
    ) -> None:
        self.timings = timings
        self.states = StateCache(cache_size)
        self.views = SharedViews(cache_size)
        #: Called with every committed write (the process's broadcaster).
        self.on_saved = on_saved

    # ------------------------------------------------------------------ loading

    def cached(self, room_id: str, version: int) -> GameState | None:
        """The cached state of a room if the cache holds exactly ``version`` (no database)."""
        hit = self.states.get(room_id)
        return hit.state if hit is not None and hit.version == version else None

    def load(self, room_id: str, version: int | None = None) -> tuple[GameState, int]:
        """A room's state at its current version (or ``version``): the cached state, caught
        up with the log when another process wrote since, or a full replay when not cached."""
        if version is None:
            version = Room.objects.values_list("version", flat=True).get(pk=room_id)
        hit = self.states.get(room_id)
        if hit is not None and hit.version == version:
            return hit.state, version
        if hit is not None and hit.version < version:
            state, last = replay(room_id, upto=version, state=hit.state, after=hit.version)
        else:
            state, last = replay(room_id, upto=version)
        if GroupCommitThread.grouping():
            # What this call reads may be an earlier call's of its group, not yet committed
            # (rooms.db, group commit): the cache takes it once it is.
            transaction.on_commit(lambda: self.states.put(room_id, last, state))
        else:
            self.states.put(room_id, last, state)
        return state, last

    def fold(self, room_id: str, version: int, events: list[dict[str, Any]]) -> GameState | None:
        """The state at ``version``, from the cache or by folding a broadcast's ``events`` onto
        the cached state they follow; None when they do not follow it (no query)."""
        hit = self.states.get(room_id)
        if hit is None:
            return None
        cached_version, state = hit.version, hit.state
        if cached_version == version:
            return state
        if not events or events[-1]["seq"] != version or cached_version > version:
            return None
        ahead = [e for e in events if e["seq"] > cached_version]
        if not ahead or ahead[0]["seq"] != cached_version + 1:
            return None
        for row in ahead:
            state = apply(state, Event(row["type"], row["payload"], row["actor"]))
        self.states.put(room_id, version, state, events=ahead)
        return state

    def between(self, room_id: str, since: int, version: int) -> list[dict[str, Any]] | None:
        """The events after ``since`` up to ``version`` if the cache still holds them all (a
        socket that missed a broadcast), else None (no query)."""
        hit = self.states.get(room_id)
        if hit is None or not hit.recent or since >= version:
            return None
        first = hit.recent[0]["seq"]
        if first > since + 1 or hit.recent[-1]["seq"] < version:
            return None
        return list(hit.recent[since + 1 - first : version + 1 - first])

    def forget(self) -> None:
        """Forget every cached room (tests use it to prove a room is rebuilt from its log)."""
        self.states.clear()
        self.views.clear()

    # ------------------------------------------------------------------ views

    def view(
        self, room_id: str, version: int, state: GameState, seat: int | None
    ) -> dict[str, Any]:
        """``seat_view(state, seat)`` for the room at ``version``, its public part shared."""
        return {**self.views.get(room_id, version, state), **seat_part(state, seat)}

    # ------------------------------------------------------------------ saving

    def write(
        self,
        room_id: str,
        make: CommandMaker,
        *,
        skip_locked: bool = False,
        optimistic: bool = False,
    ) -> Written | None:
        """Run the command ``make`` returns for the room's current state, as one write.

        ``make`` may return None (nothing to do: no write). A ``RuleError`` or ``Conflict``
        rolls everything back. With ``skip_locked`` (PostgreSQL), a room whose row another
        writer holds is left alone (None) instead of waited for.

        ``optimistic`` (for commands whose ``make`` reads and writes nothing but the room):
        when the cache holds the room's row of its cached version, the write goes without
        reading the row: the row moves only if it is still at that version (and the log's
        unique ``seq`` refuses the events otherwise). If not, or if there was nothing to do or
        the command was refused (which a state that is behind might say), it is made again the
        usual way, under the row's lock."""
        hit = self.states.get(room_id)
        if optimistic and hit is not None and hit.row is not None:
            try:
                with _optimistic_transaction():
                    written = self._run(hit.row, hit.state, make)
                    if written is None or not written.events:
                        raise _Unsure  # "nothing to do" may come from a row that moved
                    return written
            except (Conflict, IntegrityError, _Unsure, RuleError, RoomError):
                # Another process wrote since, or the cached state found nothing to do or
                # refused (it may be behind the room): ask the locked row.
                pass
        with transaction.atomic():
            rows = Room.objects.select_for_update(skip_locked=skip_locked).filter(pk=room_id)
            found = rows.values(*ROW_FIELDS).first()
            if found is None:
                if skip_locked:
                    return None
                raise RoomError("room_not_found", room=room_id)
            row = RoomRow(**found)
            old, _ = self.load(room_id, row.version)
            return self._run(row, old, make)

    def _run(self, row: RoomRow, old: GameState, make: CommandMaker) -> Written | None:
        command = make(old, row)
        if command is None:
            return None
        events, state = execute(old, command)
        if not events:
            return Written(room_id=row.id, version=row.version, state=old)
        return self.save(row, old, events, state)

    def create(self, room: Room, events: list[Event], state: GameState) -> Written:
        """Save the first events of a new ``room`` (inside the caller's transaction)."""
        row = RoomRow(**{name: getattr(room, name) for name in ROW_FIELDS})
        return self.save(row, GameState(), events, state)

    def save(self, row: RoomRow, old: GameState, events: list[Event], new: GameState) -> Written:
        """Append ``events`` and move the room row from ``row``'s version, inside the caller's
        transaction (``Conflict`` when the row is no longer at that version); the cache and the
        broadcast follow when it commits."""
        now = timezone.now()
        summary = room_summary(new)
        status = summary["status"]
        pause_since = now if any(e.type in PAUSE_EVENTS for e in events) else row.pause_since
        # An awaited seat's clock starts when it becomes due; leaving and coming back does not
        # restart it (a player could otherwise hold the table forever), so a player who goes
        # away after the bot's thinking time is played for at once (docs/rules.md §6).
        due_since = now if to_act(new) != to_act(old) or pause_since == now else row.due_since
        upcoming = None
        if status == RoomStatus.PLAYING:
            upcoming = next_deadline(
                new, pause_since=pause_since, due_since=due_since, timings=self.timings()
            )
        anyone_here = any(s.is_human and s.connected for s in new.seats)
        finished = status == RoomStatus.FINISHED and row.finished_at is None
        moved = replace(
            row,
            version=row.version + len(events),
            status=status,
            pause_since=pause_since,
            due_since=due_since,
            deadline_at=upcoming[0] if upcoming else None,
            deadline_action=upcoming[1] if upcoming else None,
            empty_since=None if anyone_here else (row.empty_since or now),
            finished_at=now if finished else row.finished_at,
        )
        # Only what changed: the stored summary is the old state's (each write stores its
        # own), so it is written when the new one differs.
        changes = {
            name: getattr(moved, name)
            for name in MOVED_FIELDS
            if getattr(moved, name) != getattr(row, name)
        }
        before = room_summary(old)
        if summary != before:
            changes.update(summary=summary, listed=summary["listed"])
        changes["updated_at"] = now
        freed = [e.payload for e in events if e.type == "seat_freed"]
        # The row and the log are one statement on PostgreSQL, which needs no transaction of
        # its own (an optimistic write runs outside any); a freed seat's rows go with them.
        with transaction.atomic() if freed else nullcontext():
            # The row first, then the log: every writer takes the row's lock before the log's
            # index entries (the other order deadlocks against a writer holding the row).
            rows = event_append_after(
                _MOVE, changes, (row.id, row.version),
                row.id, row.version, events, _phases(old.phase, events), now,
            )  # fmt: skip
            if rows is None:
                raise Conflict(f"room {row.id} is no longer at version {row.version}")
            for payload in freed:
                SeatToken.objects.filter(room_id=row.id, seat=payload["seat"]).delete()
                sockets = Presence.objects.filter(room_id=row.id, seat=payload["seat"])
                presence_rows_locked(sockets)
                sockets.delete()
        # The lobby hears of a room that is, or was, on its list.
        changed = summary != before and (summary["listed"] or before["listed"])
        written = Written(
            room_id=row.id,
            version=moved.version,
            state=new,
            events=[event_dict(appended) for appended in rows],
            deadline_at=moved.deadline_at,
            deadline_action=moved.deadline_action,
            lobby=(
                lobby_entry(summary, row.created_at.isoformat(), moved.version) if changed else None
            ),
            freed=freed,
        )
        transaction.on_commit(lambda: self._committed(written, moved))
        return written

    def _committed(self, written: Written, row: RoomRow) -> None:
        self.states.put(written.room_id, written.version, written.state, row, written.events)
        server_metrics.events_written.inc(len(written.events))
        if self.on_saved is not None:
            self.on_saved(written)


__all__ = ["CommandMaker", "Conflict", "RoomRepository", "RoomRow", "StateCache", "Written"]
