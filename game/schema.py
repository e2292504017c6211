"""Schema versions of the event payloads, and the upcasters that bring an old payload to the
current shape (docs/events.md).

Every event type has a current schema version; the event log stores the version each event was
written with. A payload is read through ``EventSchemas.upcast``, which applies the upcasters
``(type, v) -> v + 1`` in order until the current version, so the engine only ever folds current
payloads and a log written by any earlier version replays exactly.

To change the shape of an event's payload: raise its version in ``CURRENT_VERSIONS``, add the
upcaster from the previous version to ``UPCASTERS`` (a pure function of the old payload), and
document both in docs/events.md. ``EventSchemas`` checks at construction that every version
below the current one has its upcaster.
"""

from __future__ import annotations

import copy
from collections.abc import Callable, Mapping
from types import MappingProxyType
from typing import Any

Payload = dict[str, Any]
#: Turns a payload of version ``v`` into one of version ``v + 1``; it may change its argument.
Upcaster = Callable[[Payload], Payload]

#: The first version of every event type: the payloads written before versions were recorded.
FIRST_VERSION = 1

#: The current schema version of each event type (docs/events.md describes each payload).
CURRENT_VERSIONS: Mapping[str, int] = MappingProxyType(
    {
        "room_created": 2,
        "seat_taken": 1,
        "bot_added": 1,
        "seat_freed": 1,
        "host_changed": 1,
        "player_connected": 1,
        "player_disconnected": 1,
        "room_closed": 1,
        "game_started": 1,
        "phase_change": 1,
        "hands_dealt": 1,
        "redeal_decided": 1,
        "redeal": 1,
        "declared": 1,
        "played": 1,
        "turn_won": 1,
        "round_scored": 1,
        "game_over": 1,
    }
)


def _room_created_language(payload: Payload) -> Payload:
    """room_created 1 -> 2: the room's language came in; rooms before it named their bots in
    English."""
    payload["language"] = "en"
    return payload


#: ``(type, from_version) -> upcaster`` (docs/events.md).
UPCASTERS: Mapping[tuple[str, int], Upcaster] = MappingProxyType(
    {("room_created", 1): _room_created_language}
)


class UnknownSchema(ValueError):
    """A payload whose type or version this server cannot read (an unknown type, a version
    from a newer server, or one with no upcaster)."""


class EventSchemas:
    """The current version of each event type and the upcasters between versions. Immutable:
    a registry is built whole and checked once."""

    __slots__ = ("_current", "_upcasters")

    def __init__(
        self, current: Mapping[str, int], upcasters: Mapping[tuple[str, int], Upcaster]
    ) -> None:
        for event_type, version in current.items():
            if not isinstance(version, int) or version < FIRST_VERSION:
                raise ValueError(f"{event_type}: a schema version is an int >= {FIRST_VERSION}")
            missing = [v for v in range(FIRST_VERSION, version) if (event_type, v) not in upcasters]
            if missing:
                raise ValueError(f"{event_type}: no upcaster from version(s) {missing}")
        for event_type, version in upcasters:
            if version >= current.get(event_type, FIRST_VERSION):
                raise ValueError(f"{event_type}: an upcaster from {version} is past the current")
        self._current = MappingProxyType(dict(current))
        self._upcasters = MappingProxyType(dict(upcasters))

    @property
    def types(self) -> tuple[str, ...]:
        return tuple(self._current)

    def current(self, event_type: str) -> int:
        """The version an event of ``event_type`` is written with now."""
        try:
            return self._current[event_type]
        except KeyError:
            raise UnknownSchema(f"unknown event type {event_type!r}") from None

    def upcast(self, event_type: str, version: int, payload: Payload) -> Payload:
        """``payload``, written with ``version``, in the current shape. A current payload is
        returned as it is; an older one is copied first (the argument is never changed)."""
        current = self.current(event_type)
        if version == current:
            return payload
        if not FIRST_VERSION <= version < current:
            raise UnknownSchema(
                f"{event_type} version {version}: this server reads versions "
                f"{FIRST_VERSION} to {current}"
            )
        payload = copy.deepcopy(payload)
        for step in range(version, current):
            payload = self._upcasters[(event_type, step)](payload)
        return payload


#: The registry the event log reads and writes with.
EVENT_SCHEMAS = EventSchemas(CURRENT_VERSIONS, UPCASTERS)
