"""JSON from clients, decoded with a depth limit.

``json.loads`` recurses once per nesting level and raises ``RecursionError`` a thousand levels
down; a frame or a body that deep would otherwise escape every ``except ValueError``. Nothing a
client may send is nested more than two levels (a request body, or a frame with its ``pieces``),
so anything over ``MAX_DEPTH`` is refused as not JSON we take (docs/protocol.md).
"""

from __future__ import annotations

import json
from typing import Any

#: Arrays and objects inside one another, the outermost one counted.
MAX_DEPTH = 8
#: The largest integer JSON carries exactly (JavaScript's Number.MAX_SAFE_INTEGER).
MAX_SAFE_INTEGER = 2**53 - 1


class TooDeep(ValueError):
    """The JSON nests arrays and objects more than ``MAX_DEPTH`` levels deep."""

    def __init__(self, max_depth: int = MAX_DEPTH) -> None:
        super().__init__(f"JSON nested more than {max_depth} levels deep")
        self.max_depth = max_depth


def _reject_constant(name: str) -> Any:
    raise ValueError(f"{name} is not valid JSON")


def loads(text: str | bytes, max_depth: int = MAX_DEPTH) -> Any:
    """``json.loads`` that raises ``TooDeep`` (a ``ValueError``) for nesting over ``max_depth``
    and ``ValueError`` for anything else that is not strict JSON (``NaN``, ``Infinity``, numbers
    of over 4,300 digits)."""
    try:
        value = json.loads(text, parse_constant=_reject_constant)
    except RecursionError:
        raise TooDeep(max_depth) from None
    if depth(value, max_depth) > max_depth:
        raise TooDeep(max_depth)
    return value


def depth(value: Any, limit: int = MAX_DEPTH) -> int:
    """How deep arrays and objects nest in ``value`` (a scalar is 0), counted level by level
    without recursion, and only up to ``limit + 1``."""
    deepest = 0
    level = [value]
    while deepest <= limit:
        containers = [item for item in level if isinstance(item, (dict, list))]
        if not containers:
            break
        deepest += 1
        level = [
            child
            for item in containers
            for child in (item.values() if isinstance(item, dict) else item)
        ]
    return deepest
