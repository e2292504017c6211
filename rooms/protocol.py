"""The client → server frames of the room WebSocket: parsing and validation (docs/protocol.md).

Everything a client can send is checked here before the room service sees it, so a malformed
frame is answered with an ``error`` and never reaches a room.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from . import json_input
from .json_input import MAX_DEPTH, MAX_SAFE_INTEGER
from .messages import client_value

MAX_FRAME_BYTES = 16 * 1024
MAX_REQUEST_ID = 64
#: ``?version=`` on the socket URL: at most this many digits.
MAX_VERSION_DIGITS = 15


@dataclass(frozen=True)
class Field:
    kind: type
    required: bool = True
    items: type | None = None  # for lists: the type of each item
    max_items: int | None = None


#: action -> its fields. Actions that reach the room service keep their names as engine commands.
ACTIONS: dict[str, dict[str, Field]] = {
    "start_game": {},
    "add_bot": {"seat": Field(int), "strategy": Field(str, required=False)},
    "remove_seat": {"seat": Field(int)},
    "redeal": {"accept": Field(bool)},
    "declare": {"value": Field(int)},
    "play": {"pieces": Field(list, items=str, max_items=8)},
    "leave": {},
    "ping": {},
    "resync": {"version": Field(int)},
}
#: Actions the connection answers itself, without the room service.
LOCAL_ACTIONS = frozenset(("ping", "resync"))


class ProtocolError(Exception):
    """A frame refused: a stable ``code`` and the ``params`` its message is made of (worded by
    ``rooms.messages``), with the frame's ``request_id`` when it had a readable one."""

    def __init__(self, code: str, request_id: Any = None, **params: Any) -> None:
        super().__init__(code, params)
        self.code = code
        self.params = params
        self.request_id = request_id


@dataclass(frozen=True)
class Action:
    type: str
    request_id: Any
    args: dict[str, Any]


def _is(value: Any, kind: type) -> bool:
    if kind is int:
        return isinstance(value, int) and not isinstance(value, bool)
    return isinstance(value, kind)


def _readable_id(request_id: Any) -> bool:
    if _is(request_id, int):
        return -MAX_SAFE_INTEGER <= request_id <= MAX_SAFE_INTEGER
    return isinstance(request_id, str) and len(request_id) <= MAX_REQUEST_ID


def parse_action(text: str | None) -> Action:
    """Validate one text frame; raises ``ProtocolError`` naming what is wrong, with the frame's
    ``request_id`` whenever it had a readable one."""
    if text is None:
        raise ProtocolError("bad_json", reason="binary")
    try:
        frame = json_input.loads(text)
    except json_input.TooDeep:
        raise ProtocolError("bad_json", reason="too_deep", max=MAX_DEPTH) from None
    except ValueError:
        raise ProtocolError("bad_json") from None
    if not isinstance(frame, dict):
        raise ProtocolError("bad_message")
    request_id = frame.get("request_id")
    if request_id is not None and not _readable_id(request_id):
        raise ProtocolError("wrong_type", reason="request_id", max=MAX_REQUEST_ID)
    action = frame.get("type")
    if not isinstance(action, str) or action not in ACTIONS:
        raise ProtocolError(
            "unknown_action",
            request_id,
            type=None if action is None else client_value(action),
            choices=list(ACTIONS),
        )
    fields = ACTIONS[action]
    args: dict[str, Any] = {}
    for name, value in frame.items():
        if name in ("type", "request_id"):
            continue
        spec = fields.get(name)
        if spec is None:
            raise ProtocolError(
                "unexpected_field", request_id, type=action, field=client_value(name)
            )
        if not _is(value, spec.kind) or (
            spec.items is not None and not all(_is(item, spec.items) for item in value)
        ):
            expected = spec.kind.__name__
            if spec.items is not None:
                expected += f"[{spec.items.__name__}]"
            raise ProtocolError(
                "wrong_type", request_id, reason="field", type=action, field=name, expected=expected
            )
        if spec.max_items is not None and len(value) > spec.max_items:
            raise ProtocolError(
                "wrong_type",
                request_id,
                reason="max_items",
                type=action,
                field=name,
                max=spec.max_items,
            )
        if spec.kind is int and not -MAX_SAFE_INTEGER <= value <= MAX_SAFE_INTEGER:
            raise ProtocolError(
                "invalid_argument", request_id, reason="out_of_range", type=action, field=name
            )
        args[name] = value
    missing = [name for name, spec in fields.items() if spec.required and name not in args]
    if missing:
        raise ProtocolError("missing_field", request_id, type=action, field=missing[0])
    return Action(action, request_id, args)


def parse_version(raw: str | None) -> int | None:
    """The socket URL's ``?version=``: None when absent; ``ProtocolError`` unless it is a whole
    number of at most ``MAX_VERSION_DIGITS`` digits."""
    if raw is None or raw == "":
        return None
    if not (raw.isascii() and raw.isdigit() and len(raw) <= MAX_VERSION_DIGITS):
        raise ProtocolError("wrong_type", reason="version", max=MAX_VERSION_DIGITS)
    return int(raw)


class RateLimiter:
    """A token bucket per connection: ``rate`` messages a second, bursts up to ``burst``."""

    def __init__(self, rate: float = 10.0, burst: float = 30.0) -> None:
        self.rate, self.burst = rate, burst
        self.tokens = burst
        self.last: float | None = None

    def allow(self, now: float) -> bool:
        if self.last is not None:
            self.tokens = min(self.burst, self.tokens + (now - self.last) * self.rate)
        self.last = now
        if self.tokens >= 1:
            self.tokens -= 1
            return True
        return False
