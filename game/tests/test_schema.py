"""Event schema versions and upcasters (game.schema, docs/events.md)."""

from __future__ import annotations

import copy
from typing import Any

import pytest

from game.engine import EVENT_TYPES
from game.schema import CURRENT_VERSIONS, EVENT_SCHEMAS, EventSchemas, UnknownSchema


def test_every_event_type_has_a_current_version():
    assert set(CURRENT_VERSIONS) == set(EVENT_TYPES)
    assert set(EVENT_SCHEMAS.types) == set(EVENT_TYPES)
    assert all(EVENT_SCHEMAS.current(t) >= 1 for t in EVENT_TYPES)


def test_a_current_payload_is_read_as_it_is():
    payload = {"seat": 1, "value": 3}
    assert EVENT_SCHEMAS.upcast("declared", 1, payload) is payload


# A synthetic history, in a registry of the test's own: ``declared`` was {"seat", "bid"} in
# version 1, {"seat", "bid", "forced"} in version 2 and is {"seat", "value"} in version 3.
def _bid_to_forced(p: dict[str, Any]) -> dict[str, Any]:
    p["forced"] = False
    return p


def _forced_to_value(p: dict[str, Any]) -> dict[str, Any]:
    return {"seat": p["seat"], "value": p["bid"]}


HISTORY = EventSchemas(
    {"declared": 3, "played": 1},
    {("declared", 1): _bid_to_forced, ("declared", 2): _forced_to_value},
)


def test_upcasters_apply_in_order_until_the_current_version():
    assert HISTORY.upcast("declared", 1, {"seat": 2, "bid": 4}) == {"seat": 2, "value": 4}
    assert HISTORY.upcast("declared", 2, {"seat": 2, "bid": 0, "forced": True}) == {
        "seat": 2,
        "value": 0,
    }
    assert HISTORY.upcast("declared", 3, {"seat": 2, "value": 5}) == {"seat": 2, "value": 5}


def test_an_upcast_never_changes_the_stored_payload():
    stored = {"seat": 2, "bid": 4, "nested": {"a": [1]}}
    before = copy.deepcopy(stored)
    HISTORY.upcast("declared", 1, stored)
    assert stored == before


@pytest.mark.parametrize(
    ("event_type", "version"),
    [("declared", 0), ("declared", 4), ("played", 2), ("no_such_event", 1)],
)
def test_an_unreadable_version_or_type_is_refused(event_type, version):
    with pytest.raises(UnknownSchema):
        HISTORY.upcast(event_type, version, {})


def test_a_registry_without_every_upcaster_is_refused():
    with pytest.raises(ValueError, match="no upcaster from version"):
        EventSchemas({"declared": 3}, {("declared", 1): _bid_to_forced})


@pytest.mark.parametrize("key", [("declared", 2), ("played", 1), ("no_such_event", 1)])
def test_an_upcaster_past_the_current_version_is_refused(key):
    with pytest.raises(ValueError, match="past the current"):
        EventSchemas({"declared": 2, "played": 1}, {("declared", 1): _bid_to_forced, key: dict})


def test_a_registry_cannot_be_changed():
    with pytest.raises(TypeError):
        HISTORY._current["declared"] = 1  # type: ignore[index]
    with pytest.raises(AttributeError):
        HISTORY.extra = 1  # type: ignore[attr-defined]
