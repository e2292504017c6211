"""WebSocket consumers: thin. They validate frames, call the room service, and turn its
broadcasts into what their own seat may see (docs/protocol.md)."""

from __future__ import annotations

import logging
import time
from typing import Any
from urllib.parse import parse_qs

from channels.consumer import get_handler_name
from channels.exceptions import StopConsumer
from channels.generic.websocket import AsyncJsonWebsocketConsumer
from django.conf import settings

from eventlog.selectors import event_dict, room_events
from game.errors import RuleError
from game.state import Event
from game.views import public_event

from . import services
from .catchup import socket_versions
from .db import db_async
from .errors import RoomError
from .lobby import LOBBY_GROUP, SeenVersions, client_message, lobby_list
from .messages import error_body, scope_language
from .metrics import server_metrics
from .models import Room
from .protocol import (
    LOCAL_ACTIONS,
    MAX_FRAME_BYTES,
    ProtocolError,
    RateLimiter,
    parse_action,
    parse_version,
)
from .tokens import is_room_id

log = logging.getLogger(__name__)

# Close codes (docs/protocol.md). The WebSocket server under daphne lets an application close
# only with 1000 or 3000-4999: 1009 or 1011 from here would kill the socket instead.
CLOSE_REMOVED = 4000
CLOSE_TOO_BIG = 4009
CLOSE_BAD_TOKEN = 4403
CLOSE_NO_ROOM = 4404
CLOSE_SERVER_ERROR = 4500
#: resyncs a second (at the default LIAPTUI_WS_RATE of 10; they scale with it) and in a burst.
RESYNC_RATE = 0.5
RESYNC_BURST = 3


def session_key(room_id: str) -> str:
    """Where a browser session keeps its seat token for a room."""
    return f"liaptui.token.{room_id}"


class GuardedConsumer(AsyncJsonWebsocketConsumer):
    """A consumer that no message can kill: an unexpected error while handling a frame is
    logged and answered with an ``error``; anywhere else the socket is closed with
    ``CLOSE_SERVER_ERROR`` (the client reconnects). ``release`` runs however the socket ends."""

    released = False
    language: str = ""

    async def __call__(self, scope: dict[str, Any], receive: Any, send: Any) -> None:
        try:
            await super().__call__(scope, receive, send)
        finally:
            await self._release_once()

    async def dispatch(self, message: dict[str, Any]) -> None:
        # As channels' own ``dispatch``, without the hop to asgiref's one shared thread that it
        # makes before every message to close that thread's stale database connections: these
        # consumers never use that thread's connections (all their database work runs in the
        # room service's threads, ``rooms.db``, which look after their own), and the hop cost
        # about a tenth of a busy server's CPU, and a wait behind any REST request in it.
        try:
            handler = getattr(self, get_handler_name(message), None)
            if handler is None:
                raise ValueError(f"no handler for message type {message['type']}")
            await handler(message)
        except StopConsumer:
            raise
        except Exception:
            log.exception("%s failed on %s", type(self).__name__, message.get("type"))
            if message.get("type") == "websocket.receive":
                server_metrics.actions.labels("unknown", "error").inc()
                await self.send_error(None, "server_error")
            else:
                await self.close(code=CLOSE_SERVER_ERROR)

    async def websocket_receive(self, message: dict[str, Any]) -> None:
        """A frame over ``MAX_FRAME_BYTES`` is refused and the socket closed (4009); any other
        goes to ``receive_frame`` (``text`` is None for a binary frame)."""
        text = message.get("text")
        if text is not None:
            size = len(text.encode("utf-8", "surrogatepass"))
        else:
            size = len(message.get("bytes") or b"")
        if size > MAX_FRAME_BYTES:
            await self.send_error(None, "frame_too_big", max=MAX_FRAME_BYTES)
            await self.close(code=CLOSE_TOO_BIG)
            return
        await self.receive_frame(text)

    async def receive_frame(self, text: str | None) -> None:
        raise NotImplementedError

    async def disconnect(self, code: int) -> None:
        await self._release_once()

    async def _release_once(self) -> None:
        if not self.released:
            self.released = True
            await self.release()

    async def release(self) -> None:
        """Leave the groups and whatever else the socket held (once)."""

    async def send_error(self, request_id: Any, code: str, **params: Any) -> None:
        """An ``error`` frame: ``code`` and ``params``, and their message in the socket's
        language (its language cookie, else the handshake's ``Accept-Language``)."""
        if not self.language:
            self.language = scope_language(self.scope)
        body = error_body(code, params, self.language)
        await self.send_json({"type": "error", "request_id": request_id, **body})


class NoSuchSocket(AsyncJsonWebsocketConsumer):
    """Any WebSocket path that is not the lobby's or a room's: refused at the handshake."""

    async def connect(self) -> None:
        await self.close()


class LobbyConsumer(GuardedConsumer):
    """``/ws/lobby/``: the list of listed rooms on connect, then each room that changes."""

    watching = False

    async def connect(self) -> None:
        self.seen = SeenVersions([])
        await self.channel_layer.group_add(LOBBY_GROUP, self.channel_name)
        services.lobby_watchers.opened()
        self.watching = True
        await self.accept()
        await self._send_list()

    async def _send_list(self) -> None:
        rooms = await db_async(lobby_list)()
        self.seen = SeenVersions(rooms)
        await self.send_json({"type": "rooms", "rooms": rooms})

    async def release(self) -> None:
        if self.watching:
            services.lobby_watchers.closed()
        await self.channel_layer.group_discard(LOBBY_GROUP, self.channel_name)

    async def receive_frame(self, text: str | None) -> None:
        # Whatever the frame (binary, not JSON, too deep): the lobby only sends.
        await self.send_error(None, "read_only")

    async def lobby_room(self, message: dict[str, Any]) -> None:
        if self.seen.newer(message["room"]):
            await self.send_json(client_message(message["room"]))

    async def layer_gap(self, message: dict[str, Any]) -> None:
        """The channel layer may have lost changes (``rooms.redis_layer``): the whole list
        again, as on connect."""
        await self._send_list()

    async def lobby_rooms(self, message: dict[str, Any]) -> None:
        """The whole list, as a process of the previous version still sends it during a
        rolling restart (clients take it as on connect)."""
        self.seen = SeenVersions([r for r in message["rooms"] if "version" in r])
        await self.send_json({"type": "rooms", "rooms": message["rooms"]})


class RoomConsumer(GuardedConsumer):
    """``/ws/rooms/<room_id>/?token=…``: one seat's (or a spectator's) view of a room."""

    room_id: str
    seat: int | None = None  # the seat this socket acts for (None: a spectator)
    presence_seat: int | None = None  # the seat whose presence row this socket holds
    in_group: bool = False
    version: int = 0
    leaving: bool = False

    async def connect(self) -> None:
        self.room_id = self.scope["url_route"]["kwargs"]["room_id"].upper()
        self.limiter = RateLimiter(settings.LIAPTUI_WS_RATE, settings.LIAPTUI_WS_BURST)
        # A resync answers with the room's whole log: a few in a row, then one every 2 s.
        self.resync_limiter = RateLimiter(RESYNC_RATE * settings.LIAPTUI_WS_RATE / 10, RESYNC_BURST)
        await self.accept()
        known = is_room_id(self.room_id)
        if not known or not await db_async(Room.objects.filter(pk=self.room_id).exists)():
            shown = self.room_id if known else self.room_id[:16]
            await self.send_error(None, "room_not_found", room=shown)
            await self.close(code=CLOSE_NO_ROOM)
            return
        token = await self._token()
        await self.channel_layer.group_add(services.room_group(self.room_id), self.channel_name)
        self.in_group = True
        if token:
            try:
                self.seat = await services.room_connect(self.room_id, token, self.channel_name)
                self.presence_seat = self.seat
            except (RoomError, RuleError) as error:
                await self.send_error(None, error.code, **error.params)
                await self.close(code=CLOSE_BAD_TOKEN)
                return
        # Events since the client's last version (``?version=N``); a new client gets the view only.
        try:
            since = parse_version(self._query("version"))
        except ProtocolError as error:
            await self.send_error(None, error.code, **error.params)
            since = None
        await self._send_update(since=since, force=True)

    def _query(self, name: str) -> str | None:
        query = parse_qs(self.scope.get("query_string", b"").decode("latin-1"))
        return (query.get(name) or [None])[0]

    async def _token(self) -> str | None:
        """The seat token from the query string, else from the browser's session."""
        token = self._query("token")
        session = self.scope.get("session")
        if token or session is None:
            return token
        return await db_async(session.get, self.room_id)(session_key(self.room_id))

    async def release(self) -> None:
        """Leave the room's group and drop this socket's presence, each step on its own: a
        failing channel layer must not leave the seat connected."""
        try:
            if self.in_group:
                await self.channel_layer.group_discard(
                    services.room_group(self.room_id), self.channel_name
                )
        except Exception:
            log.exception("leaving the group of room %s failed", self.room_id)
        finally:
            # Even when the seat was freed meanwhile (``room_removed``): the socket's presence
            # row and its place among this process's live sockets go with it.
            room_id = getattr(self, "room_id", None)
            if room_id is not None:
                socket_versions.gone(room_id, self.channel_name)
            await services.socket_closed(room_id, self.presence_seat, self.channel_name)

    # ----------------------------------------------------------------- client → server

    async def receive_frame(self, text: str | None) -> None:
        # Parsed before the rate limit, so that even a refusal for speed names its request.
        try:
            action, refusal = parse_action(text), None
        except ProtocolError as error:
            action, refusal = None, error
        request_id = action.request_id if action is not None else refusal.request_id
        started = time.monotonic()
        limited = not self.limiter.allow(started)
        if action is not None and action.type == "resync" and not limited:
            limited = not self.resync_limiter.allow(started)
        if limited:
            await self.send_error(request_id, "rate_limited")
            outcome = "rate_limited"
        elif refusal is not None:
            await self.send_error(request_id, refusal.code, **refusal.params)
            outcome = "invalid"
        else:
            outcome = await self._handle(action.type, request_id, action.args)
        # Only names from ACTIONS label the metrics, never what a client wrote.
        name = action.type if action is not None else "invalid_frame"
        server_metrics.actions.labels(name, outcome).inc()
        server_metrics.answer_seconds.observe(time.monotonic() - started)

    async def _handle(self, action: str, request_id: Any, args: dict[str, Any]) -> str:
        """Answer one valid action; returns its outcome for the metrics (ok / refused)."""
        if action in LOCAL_ACTIONS:
            await self.send_json({"type": "ack", "request_id": request_id})
            if action == "resync":
                await self._send_update(since=max(0, args["version"]), force=True)
            return "ok"
        try:
            written = await services.room_act(self.room_id, self.seat, action, args)
        except (RuleError, RoomError) as error:
            await self.send_error(request_id, error.code, **error.params)
            return "refused"
        # The update comes before the ack, so an acknowledged action is already in the view.
        # It is built from the write itself (the room is read again only when this socket
        # had not caught up with the versions before it).
        await self._send_update(since=self.version, broadcast=services.update_message(written))
        await self.send_json({"type": "ack", "request_id": request_id})
        if action == "leave":
            self.leaving = True  # the ack said it all: no "removed" notice to this socket
            await self.close()
        return "ok"

    # ----------------------------------------------------------------- server → client

    async def room_update(self, message: dict[str, Any]) -> None:
        if message["version"] > self.version:
            await self._send_update(since=self.version, broadcast=message)

    async def layer_gap(self, message: dict[str, Any]) -> None:
        """The channel layer may have lost broadcasts (``rooms.redis_layer``): whatever this
        socket missed, from the log."""
        await self._send_update(since=self.version)

    async def room_removed(self, message: dict[str, Any]) -> None:
        if self.seat is not None and message["seat"] == self.seat and not self.leaving:
            self.seat = None
            reason = message.get("reason", "removed")
            await self.send_json({"type": "removed", "reason": reason})
            await self.close(code=CLOSE_REMOVED)

    async def _send_update(
        self, since: int | None, broadcast: dict[str, Any] | None = None, force: bool = False
    ) -> None:
        """Send the events after ``since`` (None: no events) and the seat view at the newest
        version."""
        update = await self._update(since, broadcast)
        if update["version"] > self.version or force:
            self.version = update["version"]
            await self.send_json(update)
            socket_versions.sent(self.room_id, self.channel_name, self.version)

    async def _update(self, since: int | None, broadcast: dict[str, Any] | None) -> dict[str, Any]:
        """The update after ``since``: from a broadcast (with the cache's newest events when it
        does not follow ``since``), folded onto the process's cached state without a query
        when it can be, else read from the database. A broadcast with no events (a catch-up,
        ``rooms.catchup``) is always read from the database."""
        repository = services.repository
        state = None
        if broadcast is not None and broadcast["events"] and since is not None:
            events = broadcast["events"]
            if events[0]["seq"] != since + 1:
                # This socket missed a version (another write's broadcast is still on its way,
                # or was lost): the cache may still hold the events between.
                events = repository.between(self.room_id, since, broadcast["version"])
            if events:
                state = repository.fold(self.room_id, broadcast["version"], events)
        if state is not None:
            version, deadline = broadcast["version"], broadcast["deadline"]
            server_metrics.updates.labels("memory").inc()
        else:
            state, version, events, deadline = await db_async(self._load, self.room_id)(since)
            server_metrics.updates.labels("log").inc()
        view = repository.view(self.room_id, version, state, self.seat)
        view["deadline"] = deadline
        return {
            "type": "update",
            "version": version,
            "events": [self._public(e) for e in events],
            "view": view,
        }

    def _load(self, since: int | None) -> tuple[Any, int, list[dict[str, Any]], str | None]:
        room = Room.objects.only("version", "deadline_at").get(pk=self.room_id)
        state, version = services.room_state(self.room_id, room.version)
        rows = []
        if since is not None:
            rows = [event_dict(e) for e in room_events(self.room_id, after=since, upto=version)]
        deadline = room.deadline_at.isoformat() if room.deadline_at else None
        return state, version, rows, deadline

    def _public(self, row: dict[str, Any]) -> dict[str, Any]:
        event = public_event(Event(row["type"], row["payload"], row["actor"]), self.seat)
        return {"seq": row["seq"], "phase": row["phase"], "created_at": row["created_at"], **event}
