"""Hostile clients for the tests that attack the real server (daphne in a subprocess): raw
WebSocket helpers, and a seeded generator of frames that no room may accept.

Every generated frame is refused by construction: a valid action with one thing wrong (a field
mistyped, out of range, missing or extra, the type unknown), or not a frame at all (not JSON,
not an object, nested too deep, binary, invalid UTF-8, over 16 KiB). Each comes with what the
server must do: answer with an ``error`` (echoing the request id when the frame had a readable
one) or close the socket with a documented code.
"""

from __future__ import annotations

import asyncio
import json
import random
from dataclasses import dataclass
from typing import Any

from websockets.asyncio.client import ClientConnection, connect
from websockets.exceptions import ConnectionClosed

from game.engine import deal_hands
from game.pieces import POINTS, is_weak

MAX_FRAME_BYTES = 16 * 1024
MAX_SAFE_INTEGER = 2**53 - 1
CLOSE_TOO_BIG = 4009
#: What a client sees when the connection ends without a close frame (RFC 6455 §7.1.5): the
#: WebSocket server under daphne fails a connection that breaks the protocol itself (a text
#: frame that is not UTF-8) by dropping it.
CLOSE_DROPPED = 1006
#: A seed whose first deal has no weak hand: a game goes straight to the declarations.
CALM_SEED = next(s for s in range(10_000) if not any(is_weak(h) for h in deal_hands(s, 0)))
KINDS = sorted(POINTS)


def ws_connect(
    server: Any, path: str, origin: str | None = None, headers: dict[str, str] | None = None
) -> connect:
    return connect(
        server.ws_url(path),
        origin=origin or server.origin,
        additional_headers=headers,
        proxy=None,
        open_timeout=10,
        close_timeout=2,
        max_size=None,
    )


async def answer(ws: ClientConnection, timeout: float = 10.0) -> dict[str, Any]:
    """The next ``ack`` or ``error`` (updates in between are skipped)."""
    async with asyncio.timeout(timeout):
        while True:
            message = json.loads(await ws.recv())
            if message["type"] in ("ack", "error"):
                return message


async def closed_with(ws: ClientConnection, timeout: float = 10.0) -> int:
    """Read until the server closes the socket: the close code it sent (``CLOSE_DROPPED`` when
    the connection ended without a close frame)."""
    try:
        async with asyncio.timeout(timeout):
            while True:
                await ws.recv()
    except ConnectionClosed as closed:
        return closed.rcvd.code if closed.rcvd is not None else CLOSE_DROPPED


@dataclass(frozen=True)
class Frame:
    """One hostile frame and what the server must do with it."""

    data: str | bytes
    text: bool = True  # sent as a text frame (bytes included: invalid UTF-8)
    echo: Any = None  # the request_id the error must carry (None: none readable)
    close: int | None = None  # the close code instead of an answer


#: The actions and a valid value of each of their fields.
TEMPLATES: dict[str, dict[str, Any]] = {
    "start_game": {},
    "add_bot": {"seat": 2, "strategy": "smart"},
    "remove_seat": {"seat": 1},
    "redeal": {"accept": True},
    "declare": {"value": 2},
    "play": {"pieces": ["SOLDIER_RED"]},
    "leave": {},
    "ping": {},
    "resync": {"version": 0},
}
#: Values no room accepts for these fields, whatever the phase and seat.
OUT_OF_RANGE = {
    "seat": [-1, 4, 5, 99, -MAX_SAFE_INTEGER, MAX_SAFE_INTEGER, MAX_SAFE_INTEGER + 1, 10**30],
    "value": [-1, 9, 10, 100, -MAX_SAFE_INTEGER, MAX_SAFE_INTEGER, 2**63, -(10**40)],
    "version": [MAX_SAFE_INTEGER + 1, -(2**63), 10**100],
    "strategy": ["", "SMART", "random", "x" * 5000, "smart\x00", "🤖"],
}
WRONG_TYPES: list[Any] = ["3", "", 1.5, 2.0, True, False, None, [], [1], {}, {"a": 1}, "x" * 3000]
REQUEST_IDS: list[Any] = [1, 0, -7, MAX_SAFE_INTEGER, "a", "", "x" * 64, "ид-💥", "id with spaces"]
BAD_REQUEST_IDS: list[Any] = [
    1.5,
    True,
    None,
    [],
    {"a": 1},
    "x" * 65,
    MAX_SAFE_INTEGER + 1,
    -(10**30),
    [[[1]]],
]
NOT_JSON = [
    "",
    " ",
    "{",
    "}",
    "{not json",
    '{"type": "ping"',
    "[1,]",
    "NaN",
    "Infinity",
    "-Infinity",
    '{"type": "ping", "request_id": NaN}',
    "'single'",
    "undefined",
    "\x00",
    "\ufeff{}",
    '{"type": "ping"}}',
    "1" * 5000,
    '{"type": "declare", "value": 1' + "0" * 4400 + "}",
]
NOT_OBJECTS = ["[]", '["ping"]', '"ping"', "42", "true", "null", "-0.0", '[{"type": "ping"}]']


def _nested(rng: random.Random, depth: int, leaf: Any = 1) -> Any:
    """A value ``depth`` arrays/objects deep."""
    value = leaf
    for _ in range(depth):
        value = [value] if rng.random() < 0.5 else {"k": value}
    return value


def _nested_text(rng: random.Random, depth: int) -> str:
    """Deep nesting as text (json.dumps itself would recurse too deep)."""
    if rng.random() < 0.5:
        return "[" * depth + "]" * depth
    return '{"a":' * depth + "0" + "}" * depth


class HostileFrames:
    """A seeded stream of frames that no room may accept; ``rare`` kinds close the socket."""

    def __init__(self, seed: int, oversized: bool = True) -> None:
        self.rng = random.Random(seed)
        self.count = 0
        self.kinds = [
            self._mistyped,
            self._out_of_range,
            self._missing,
            self._extra,
            self._unknown_type,
            self._bad_request_id,
            self._deep_field,
            self._deep_text,
            self._not_json,
            self._not_object,
            self._binary,
            self._pieces,
        ]
        self.rare = [self._oversized, self._invalid_utf8] if oversized else []

    def __iter__(self) -> HostileFrames:
        return self

    def __next__(self) -> Frame:
        self.count += 1
        if self.rare and self.rng.random() < 0.004:
            return self.rng.choice(self.rare)()
        return self.rng.choice(self.kinds)()

    # ----------------------------------------------------------------- helpers

    def _fresh_id(self) -> Any:
        base = self.rng.choice(REQUEST_IDS)
        if isinstance(base, int):
            return (base + self.count) % MAX_SAFE_INTEGER
        return (str(self.count) + base)[:64]

    def _frame(self, fields: dict[str, Any], echo: bool = True) -> Frame:
        request_id = self._fresh_id()
        body = {**fields, "request_id": request_id}
        items = list(body.items())
        self.rng.shuffle(items)
        text = json.dumps(dict(items), ensure_ascii=self.rng.random() < 0.5)
        return Frame(text, echo=request_id if echo else None)

    def _action(self, with_fields: bool = False) -> tuple[str, dict[str, Any]]:
        names = [a for a, f in TEMPLATES.items() if f] if with_fields else list(TEMPLATES)
        action = self.rng.choice(names)
        return action, dict(TEMPLATES[action])

    # ----------------------------------------------------------------- kinds

    def _mistyped(self) -> Frame:
        action, fields = self._action(with_fields=True)
        name = self.rng.choice(list(fields))
        wrong = [v for v in WRONG_TYPES if type(v) is not type(fields[name])]
        fields[name] = self.rng.choice(wrong)
        return self._frame({"type": action, **fields})

    def _out_of_range(self) -> Frame:
        action = self.rng.choice(["add_bot", "remove_seat", "declare", "resync"])
        fields = dict(TEMPLATES[action])
        name = "version" if action == "resync" else self.rng.choice(list(fields))
        if action == "add_bot" and name == "strategy":
            fields["seat"] = self.rng.choice(OUT_OF_RANGE["seat"])
        fields[name] = self.rng.choice(OUT_OF_RANGE[name])
        return self._frame({"type": action, **fields})

    def _missing(self) -> Frame:
        action = self.rng.choice(["add_bot", "remove_seat", "redeal", "declare", "play", "resync"])
        fields = dict(TEMPLATES[action])
        required = [n for n in fields if n != "strategy"]
        del fields[self.rng.choice(required)]
        return self._frame({"type": action, **fields})

    def _extra(self) -> Frame:
        action, fields = self._action()
        extra = self.rng.choice(["seed", "seat_", "x", "Type", "requestId", "token", "__proto__"])
        fields[extra] = self.rng.choice([*WRONG_TYPES, 1, "smart"])
        return self._frame({"type": action, **fields})

    def _unknown_type(self) -> Frame:
        kind = self.rng.choice(
            ["fly", "", "PING", "start-game", "declare ", 7, None, True, [], {"a": 1}, "x" * 300]
        )
        fields: dict[str, Any] = {"value": 3} if self.rng.random() < 0.5 else {}
        if self.rng.random() < 0.2:
            return self._frame(fields)  # no type at all
        return self._frame({"type": kind, **fields})

    def _bad_request_id(self) -> Frame:
        action, fields = self._action()
        if action in ("leave", "add_bot", "remove_seat", "declare"):
            action, fields = "ping", {}  # the id is refused first; keep the rest harmless anyway
        bad = self.rng.choice(BAD_REQUEST_IDS)
        if bad is None:
            bad = "y" * (65 + self.rng.randrange(200))
        text = json.dumps({"type": action, **fields, "request_id": bad})
        return Frame(text, echo=None)

    def _deep_field(self) -> Frame:
        action, fields = self._action()
        depth = self.rng.choice([8, 9, 50, 200, 500])  # inside the frame's object: 9 and more
        if fields and self.rng.random() < 0.7:
            fields[self.rng.choice(list(fields))] = _nested(self.rng, depth)
        else:
            fields["deep"] = _nested(self.rng, depth)
        text = json.dumps({"type": action, **fields, "request_id": self._fresh_id()})
        return Frame(text, echo=None)

    def _deep_text(self) -> Frame:
        depth = self.rng.choice([1000, 3000, 5000, MAX_FRAME_BYTES // 2 - 10])
        inner = _nested_text(self.rng, depth)
        place = self.rng.choice(["whole", "request_id", "pieces"])
        if place == "whole":
            text = inner
        elif place == "request_id":
            text = '{"type": "ping", "request_id": ' + inner + "}"
        else:
            text = '{"type": "play", "request_id": "p", "pieces": ' + inner + "}"
        if len(text.encode()) > MAX_FRAME_BYTES:
            text = "[" * 4000 + "]" * 4000
        return Frame(text, echo=None)

    def _not_json(self) -> Frame:
        if self.rng.random() < 0.3:
            size = self.rng.randrange(1, 200)
            text = "".join(chr(self.rng.randrange(32, 0x3000)) for _ in range(size))
            return Frame(text, echo=None)
        return Frame(self.rng.choice(NOT_JSON), echo=None)

    def _not_object(self) -> Frame:
        return Frame(self.rng.choice(NOT_OBJECTS), echo=None)

    def _binary(self) -> Frame:
        if self.rng.random() < 0.5:
            data = json.dumps({"type": "ping", "request_id": 1}).encode()
        else:
            data = self.rng.randbytes(self.rng.randrange(0, 300))
        return Frame(data, text=False, echo=None)

    def _pieces(self) -> Frame:
        """A play no seat holds in this phase: unknown kinds, too many, mixed types."""
        choice = self.rng.random()
        if choice < 0.4:
            pieces = ["QUEEN_RED", "GENERAL_GREEN", "general_red", "", "SOLDIER_RED "]
            pieces = self.rng.sample(pieces, self.rng.randrange(1, len(pieces)))
        elif choice < 0.7:
            pieces = [self.rng.choice(KINDS) for _ in range(self.rng.randrange(9, 40))]
        else:
            pieces = [self.rng.choice(KINDS), self.rng.choice([1, None, True, ["SOLDIER_RED"]])]
        return self._frame({"type": "play", "pieces": pieces})

    def _oversized(self) -> Frame:
        pad = "x" * (MAX_FRAME_BYTES + 1 + self.rng.randrange(50_000))
        text = json.dumps({"type": "ping", "request_id": "big", "pad": pad})
        return Frame(text, echo=None, close=CLOSE_TOO_BIG)

    def _invalid_utf8(self) -> Frame:
        data = self.rng.choice([b"\xff", b'{"type": "ping\xc3"}', b"\xed\xa0\x80", b"ok\xf8\x88"])
        return Frame(data, text=True, echo=None, close=CLOSE_DROPPED)


async def send(ws: ClientConnection, frame: Frame) -> None:
    await ws.send(frame.data, text=frame.text)


async def check(ws: ClientConnection, frame: Frame) -> str:
    """Send ``frame`` and check the server's answer; returns the error code (or the close code
    as text). Raises ``AssertionError`` on anything else."""
    await send(ws, frame)
    if frame.close is not None:
        code = await closed_with(ws)
        assert code == frame.close, (frame, code)
        return str(code)
    reply = await answer(ws)
    assert reply["type"] == "error", (frame, reply)
    assert isinstance(reply["code"], str) and reply["message"], (frame, reply)
    assert reply["request_id"] == frame.echo, (frame, reply)
    return reply["code"]
