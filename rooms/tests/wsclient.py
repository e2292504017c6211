"""Scripted WebSocket clients for the room acceptance tests.

``WsClient`` wraps a ``WebsocketCommunicator``: it records every message, keeps the latest
``view`` and ``version``, acts with ``game.bots.choose`` and waits for the ``ack``/``error`` of each
request before sending the next. The ``ws`` fixture opens clients and, at the end of a test,
closes them all and stops the room service's timers.

Messages are read straight from the communicator's output queue: ``receive_output`` cancels the
application when it times out, which would hide what a test is waiting for.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import Callable, Iterator
from typing import Any
from urllib.parse import urlencode

import pytest
from channels.db import database_sync_to_async
from channels.layers import get_channel_layer
from channels.testing import WebsocketCommunicator
from django.utils import timezone

from eventlog.selectors import room_events, to_game_event
from game.bots import choose
from game.engine import apply, deal_hands
from game.pieces import is_weak
from game.state import GameState
from gameproject.asgi import application
from rooms import services
from rooms.models import Room

HEADERS = [(b"origin", b"http://127.0.0.1"), (b"host", b"127.0.0.1")]
TIMEOUT = 10.0
GAME_TIMEOUT = 120.0
CLOSE = "websocket.close"
HOLD_SECONDS = 3600.0
#: A seed whose first deal gives seat 0 a weak hand (a redeal is offered to the host).
WEAK_SEED = next(s for s in range(10_000) if is_weak(deal_hands(s, 0)[0]))

View = dict[str, Any]
Message = dict[str, Any]


def game_over(view: View | None) -> bool:
    return view is not None and view["phase"] == "game_over"


class WsClient:
    """One socket: a seat (with its token), a spectator (no token) or the lobby."""

    def __init__(self, path: str, *, seat: int | None = None, strategy: str = "smart") -> None:
        self.path = path
        self.seat = seat  # the seat this client expects to be (None: spectator or lobby)
        self.strategy = strategy
        self.comm = WebsocketCommunicator(application, path, headers=HEADERS)
        self.messages: list[Message] = []  # every JSON message received, in order
        self.view: View | None = None
        self.version = 0
        self.close_code: int | None = None
        self.server_closed = False
        self.client_closed = False
        self._ids = 0

    @classmethod
    def room(
        cls,
        room_id: str,
        token: str | None = None,
        *,
        seat: int | None = None,
        strategy: str = "smart",
        **query: Any,
    ) -> WsClient:
        params = {**({"token": token} if token is not None else {}), **query}
        path = f"/ws/rooms/{room_id}/" + (f"?{urlencode(params)}" if params else "")
        return cls(path, seat=seat, strategy=strategy)

    # ------------------------------------------------------------------ receiving

    async def connect(self, *, first: str | None = "update") -> WsClient:
        """Open the socket; wait for the first message of type ``first`` (None: do not wait)."""
        connected, _ = await self.comm.connect(timeout=TIMEOUT)
        assert connected, f"{self.path} refused the connection"
        if first is not None:
            message = await self.receive()
            assert message["type"] == first, message
        return self

    async def _output(self, timeout: float) -> dict[str, Any]:
        getter = asyncio.ensure_future(self.comm.output_queue.get())
        done, _ = await asyncio.wait(
            {getter, self.comm.future}, timeout=timeout, return_when=asyncio.FIRST_COMPLETED
        )
        if getter in done:
            return getter.result()
        getter.cancel()
        if self.comm.future.done():
            self.comm.future.result()  # raises the application's error, if any
            raise AssertionError(f"{self.path}: the application ended without a message")
        raise TimeoutError(f"{self.path}: no message within {timeout}s (view: {self.summary()})")

    async def receive(self, timeout: float = TIMEOUT) -> Message:
        """The next message; a close of the socket by the server is ``{"type": CLOSE, ...}``."""
        output = await self._output(timeout)
        if output["type"] == "websocket.close":
            self.server_closed = True
            self.close_code = output.get("code")
            return {"type": CLOSE, "code": self.close_code}
        assert output["type"] == "websocket.send", output
        message = json.loads(output["text"])
        self.messages.append(message)
        if message["type"] == "update":
            assert message["version"] >= self.version, (message["version"], self.version)
            self.view = message["view"]
            self.version = message["version"]
        return message

    async def receive_until(self, predicate: Callable[[Message], bool], timeout: float = TIMEOUT):
        """Receive until a message matches ``predicate``; returns that message."""
        async with asyncio.timeout(timeout):
            while True:
                message = await self.receive()
                if predicate(message):
                    return message

    async def until(self, predicate: Callable[[View], bool], timeout: float = TIMEOUT) -> View:
        """Receive until the latest view satisfies ``predicate``."""
        async with asyncio.timeout(timeout):
            while self.view is None or not predicate(self.view):
                message = await self.receive()
                assert message["type"] != CLOSE, f"closed ({message}) while waiting"
        return self.view

    async def nothing(self, timeout: float = 0.1) -> bool:
        """Whether no message arrives within ``timeout`` (the application keeps running)."""
        return await self.comm.receive_nothing(timeout=timeout)

    # ------------------------------------------------------------------ sending

    def next_id(self) -> str:
        self._ids += 1
        return f"r{self._ids}"

    async def send(self, frame: dict[str, Any]) -> None:
        await self.comm.send_json_to(frame)

    async def send_text(self, text: str) -> None:
        await self.comm.send_to(text_data=text)

    async def reply(self, request_id: Any, timeout: float = TIMEOUT) -> Message:
        """Receive until the ack/error of ``request_id`` (updates are recorded on the way)."""
        async with asyncio.timeout(timeout):
            while True:
                message = await self.receive()
                assert message["type"] != CLOSE, f"closed ({message}) before the reply"
                if message["type"] in ("ack", "error"):
                    assert message.get("request_id") == request_id, (message, request_id)
                    return message

    async def request(self, action: str, *, request_id: Any = None, **fields: Any) -> Message:
        """Send an action and wait for its ack or error."""
        request_id = self.next_id() if request_id is None else request_id
        await self.send({"type": action, "request_id": request_id, **fields})
        return await self.reply(request_id)

    async def ok(self, action: str, **fields: Any) -> Message:
        reply = await self.request(action, **fields)
        assert reply["type"] == "ack", reply
        return reply

    async def act(self, strategy: str | None = None) -> Message | None:
        """Do what a bot of ``strategy`` would do for this seat now; None when not our turn.

        With every delay at 0 the redeal window closes at once, so a redeal decision may come
        too late: ``no_redeal_pending`` is the only error accepted."""
        if self.view is None:
            return None
        command = choose(self.view, strategy or self.strategy)
        if command is None:
            return None
        reply = await self.request(command.type, **command.args)
        if reply["type"] == "error":
            assert command.type == "redeal" and reply["code"] == "no_redeal_pending", reply
        return reply

    async def play_until(
        self, predicate: Callable[[View], bool] = game_over, timeout: float = GAME_TIMEOUT
    ) -> View:
        """Act whenever the seat is awaited, until the view satisfies ``predicate``."""
        async with asyncio.timeout(timeout):
            while self.view is None or not predicate(self.view):
                if await self.act() is None:
                    message = await self.receive()
                    assert message["type"] != CLOSE, f"closed ({message}) during the game"
        return self.view

    async def close(self) -> None:
        """Close the socket from the client side (idempotent)."""
        if not self.client_closed:
            self.client_closed = True
            await self.comm.disconnect(timeout=TIMEOUT)

    def summary(self) -> str:
        if self.view is None:
            return "none"
        v = self.view
        return f"v{self.version} {v['phase']} round {v['round']} to_act {v['to_act']}"


class Sockets:
    """Opens clients for one test and closes them all at the end."""

    def __init__(self) -> None:
        self.clients: list[WsClient] = []

    def add(self, client: WsClient) -> WsClient:
        self.clients.append(client)
        return client

    async def seat(
        self, written: Any, *, strategy: str = "smart", first: str | None = "update"
    ) -> WsClient:
        """A connected client for the seat a ``room_create_sync``/``room_join_sync`` gave."""
        client = self.add(
            WsClient.room(written.room_id, written.token, seat=written.seat, strategy=strategy)
        )
        return await client.connect(first=first)

    async def spectator(self, room_id: str) -> WsClient:
        return await self.add(WsClient.room(room_id)).connect()

    async def open(self, room_id: str, token: str | None = None, **kw: Any) -> WsClient:
        """A client not yet connected (for tests that look at the connection itself)."""
        return self.add(WsClient.room(room_id, token, **kw))

    async def lobby(self) -> WsClient:
        return await self.add(WsClient("/ws/lobby/")).connect(first="rooms")

    async def close_all(self) -> None:
        for client in self.clients:
            await client.close()


@pytest.fixture
async def ws():
    sockets = Sockets()
    try:
        yield sockets
    finally:
        await sockets.close_all()
        await services.shutdown()
        await get_channel_layer().close()  # its connections to Redis, on this test's loop


# ---------------------------------------------------------------------- rooms and the database


create_room = database_sync_to_async(services.room_create_sync)
join_room = database_sync_to_async(services.room_join_sync)


@database_sync_to_async
def room_version(room_id: str) -> int:
    return Room.objects.values_list("version", flat=True).get(pk=room_id)


@database_sync_to_async
def live_state(room_id: str) -> tuple[GameState, int]:
    """The omniscient live state (the room service's own aggregate) and its version."""
    return services.room_state(room_id)


@database_sync_to_async
def event_rows(room_id: str, after: int = 0) -> list[dict[str, Any]]:
    return [
        {"seq": e.seq, "type": e.type, "payload": e.payload, "actor": e.actor}
        for e in room_events(room_id, after=after)
    ]


@database_sync_to_async
def _truth(room_id: str) -> tuple[dict[int, tuple[tuple[str, ...], ...]], dict[int, list]]:
    """The hands of every seat after every event, and the dealt hands of every deal, by seq."""
    state = GameState()
    hands = {0: ((),) * 4}
    dealt = {}
    for row in room_events(room_id):
        state = apply(state, to_game_event(row))
        hands[row.seq] = tuple(s.hand for s in state.seats)
        if row.type == "hands_dealt":
            dealt[row.seq] = row.payload["hands"]
    return hands, dealt


def hold(settings: Any, *timers: str) -> None:
    """Every delay 0 except ``timers`` (e.g. "turn_results"), which last an hour: the room stops
    there until ``release``. The idle delay stays 0 (wait forever for a connected human)."""
    settings.LIAPTUI_TIME_SCALE = 1.0
    timings = {name: 0.0 for name in settings.LIAPTUI_TIMINGS}
    timings.update({timer: HOLD_SECONDS for timer in timers})
    settings.LIAPTUI_TIMINGS = timings


async def release(room_id: str) -> None:
    """Let the room's pending deadline pass now (as the sweeper would once it is overdue)."""

    def due_now() -> None:
        Room.objects.filter(pk=room_id).exclude(deadline_at=None).update(deadline_at=timezone.now())

    await database_sync_to_async(due_now)()
    await services.room_fire(room_id)


# ---------------------------------------------------------------------- secrecy


def keys(obj: Any, path: tuple[Any, ...] = ()) -> Iterator[tuple[tuple[Any, ...], str]]:
    """Every (path, key) of every dict inside ``obj``."""
    if isinstance(obj, dict):
        for key, value in obj.items():
            yield path, key
            yield from keys(value, (*path, key))
    elif isinstance(obj, list):
        for index, value in enumerate(obj):
            yield from keys(value, (*path, index))


def check_hand_paths(message: Message, seat: int | None) -> None:
    """A message names a hand only at ``view.you.hand`` and in a ``hands_dealt`` event's
    ``payload.hand`` (and only for a seat), and never has a ``hands`` key."""
    for path, key in keys(message):
        assert key != "hands", (path, message["type"])
        if key != "hand":
            continue
        assert seat is not None, ("a spectator got a hand", path)
        own_view = path == ("view", "you")
        dealt = (
            len(path) == 3
            and path[0] == "events"
            and path[2] == "payload"
            and message["events"][path[1]]["type"] == "hands_dealt"
        )
        assert own_view or dealt, ("a hand in an unexpected place", path)


async def assert_secrecy(room_id: str, clients: list[WsClient]) -> int:
    """Every message each client got shows its own seat's pieces only, checked against the
    omniscient truth of the event log. Returns how many messages were checked."""
    hands, dealt = await _truth(room_id)
    checked = 0
    for client in clients:
        seat = client.seat
        last = None
        for message in client.messages:
            checked += 1
            check_hand_paths(message, seat)
            if message["type"] != "update":
                continue
            you = message["view"]["you"]
            if seat is None:
                assert you is None
            else:
                assert you["seat"] == seat
                assert you["hand"] == list(hands[message["version"]][seat]), message["version"]
            counts = [s["hand_count"] for s in message["view"]["seats"]]
            assert counts == [len(h) for h in hands[message["version"]]]
            seqs = [e["seq"] for e in message["events"]]
            if last is not None:
                # Each update carries exactly the events since the previous one.
                assert seqs == list(range(last + 1, message["version"] + 1)), (last, seqs)
            last = message["version"]
            for event in message["events"]:
                if event["type"] != "hands_dealt":
                    continue
                payload = event["payload"]
                truth = dealt[event["seq"]]
                assert payload["hand_counts"] == [len(h) for h in truth]
                if seat is None:
                    assert "hand" not in payload
                else:
                    assert payload["hand"] == truth[seat]
    return checked


def received(client: WsClient, event_type: str) -> list[dict[str, Any]]:
    """The public events of ``event_type`` a client received."""
    return [
        event
        for message in client.messages
        if message["type"] == "update"
        for event in message["events"]
        if event["type"] == event_type
    ]


async def eventually(check: Callable[[], Any], timeout: float = TIMEOUT, every: float = 0.01):
    """Await ``check()`` until it returns something true (the room's timers run meanwhile)."""
    async with asyncio.timeout(timeout):
        while True:
            result = await check()
            if result:
                return result
            await asyncio.sleep(every)
