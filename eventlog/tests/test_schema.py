"""Schema versions in the event log: appends record the current version of each type, and every
read (replay, event dicts, the debug API, the admin) upcasts an older payload.

One payload has changed shape for real: ``room_created`` gained the room's ``language`` in
version 2. Besides it, these tests give two event types a synthetic history in a registry of
their own: ``declared`` was ``{"seat", "bid"}`` in version 1 and ``played`` had ``kinds`` for
``pieces``; both are version 2 now, in the engine's current shape."""

from __future__ import annotations

import html
from typing import Any

import pytest

from eventlog import selectors, services
from eventlog.models import Event
from eventlog.selectors import event_dict, replay, room_events
from eventlog.services import event_append
from game.engine import execute
from game.schema import CURRENT_VERSIONS, EVENT_SCHEMAS, UPCASTERS, EventSchemas
from game.state import Command, GameState
from game.state import Event as GameEvent

from .golden.logs import FILES, assert_contains, read, stored_rows
from .golden.record import canonical

#: The old shape of each changed type, from the current one (how version 1 was written).
OLD_SHAPE = {
    "declared": lambda p: {"seat": p["seat"], "bid": p["value"]},
    "played": lambda p: {"seat": p["seat"], "kinds": p["pieces"], "play_type": p["play_type"]},
}


def _declared_v1(p: dict[str, Any]) -> dict[str, Any]:
    return {"seat": p["seat"], "value": p["bid"]}


def _played_v1(p: dict[str, Any]) -> dict[str, Any]:
    p["pieces"] = p.pop("kinds")
    return p


HISTORY = EventSchemas(
    {**CURRENT_VERSIONS, "declared": 2, "played": 2},
    {**UPCASTERS, ("declared", 1): _declared_v1, ("played", 1): _played_v1},
)


@pytest.fixture
def history(monkeypatch) -> EventSchemas:
    """The log reads and writes with the synthetic history."""
    monkeypatch.setattr(selectors, "EVENT_SCHEMAS", HISTORY)
    monkeypatch.setattr(services, "EVENT_SCHEMAS", HISTORY)
    return HISTORY


@pytest.fixture
def old_log(db, history) -> dict[str, Any]:
    """A golden game stored as version 1 of the synthetic history wrote it."""
    recording = read(FILES[-1])
    rows = stored_rows(recording)
    for row in rows:
        if row.type in OLD_SHAPE:
            row.payload = OLD_SHAPE[row.type](row.payload)
    Event.objects.bulk_create(rows)
    return recording


def test_an_old_log_replays_to_the_recorded_state(old_log):
    assert Event.objects.filter(type="declared", payload__has_key="bid").exists()
    state, _ = replay(old_log["room_id"])
    assert_contains(old_log["final"]["canonical"], canonical(state))


def test_event_dicts_carry_current_payloads(old_log):
    column = old_log["columns"].index("payload")
    payloads = [event_dict(row)["payload"] for row in room_events(old_log["room_id"])]
    current = [values[column] for values in old_log["events"]]
    current[0] = {**current[0], "language": "en"}  # room_created, recorded at version 1
    assert payloads == current


def test_the_debug_api_shows_current_payloads_and_replays_the_old_log(old_log, admin_client):
    room_id = old_log["room_id"]
    listed = admin_client.get(f"/api/debug/events/{room_id}/", {"type": "declared"}).json()
    assert listed["count"] > 0
    assert all(set(e["payload"]) == {"seat", "value"} for e in listed["events"])
    replayed = admin_client.get(f"/api/debug/replay/{room_id}/").json()
    assert_contains(old_log["final"]["omniscient_view"], replayed["state"])


def test_the_admin_shows_the_current_payload_and_the_written_version(old_log, admin_client):
    event = Event.objects.filter(room_id=old_log["room_id"], type="played").first()
    text = html.unescape(admin_client.get(f"/admin/eventlog/event/{event.id}/change/").text)
    assert '"pieces": [' in text and '"kinds"' not in text
    assert "Schema" in text


@pytest.mark.django_db
def test_an_append_records_the_current_version_of_each_type(history):
    events = [
        GameEvent("player_connected", {"seat": 1}, 1),
        GameEvent("declared", {"seat": 1, "value": 3}, 1),
    ]
    event_append("ABCDEF", 0, events, ["waiting", "declaration"])
    stored = Event.objects.filter(room_id="ABCDEF").order_by("seq")
    assert [(e.type, e.schema) for e in stored] == [("player_connected", 1), ("declared", 2)]
    # and it reads back as written
    assert [event_dict(e)["payload"] for e in stored] == [e.payload for e in events]


@pytest.mark.django_db
def test_a_row_written_without_a_version_is_version_1():
    """What the database default gives the rows of before the column, and those of a server
    that does not know it (an older process during a rolling restart)."""
    Event.objects.create(
        room_id="ABCDEF", seq=1, type="player_connected", phase="waiting", payload={"seat": 0},
        created_at="2026-11-29T00:00:00Z",
    )  # fmt: skip
    assert Event.objects.get(room_id="ABCDEF").schema == 1
    assert EVENT_SCHEMAS.current("player_connected") == 1


def test_the_synthetic_history_is_the_current_shape():
    """The synthetic old shapes read back as the engine writes them now."""
    current = {
        "declared": {"seat": 2, "value": 0},
        "played": {"seat": 1, "pieces": ["GENERAL_RED"], "play_type": "SINGLE"},
    }
    for kind, payload in current.items():
        assert HISTORY.upcast(kind, 1, OLD_SHAPE[kind](payload)) == payload


@pytest.mark.django_db
def test_a_room_created_before_languages_is_an_english_room():
    """room_created 1 -> 2: a room logged before rooms had a language names its bots in
    English; a room created now records its creator's language."""
    Event.objects.create(
        room_id="ABCDEF", seq=1, type="room_created", phase="waiting", schema=1,
        payload={"room_id": "ABCDEF", "max_rounds": 20, "win_score": 50},
        created_at="2026-11-29T00:00:00Z",
    )  # fmt: skip
    assert event_dict(Event.objects.get(room_id="ABCDEF"))["payload"]["language"] == "en"
    state, _ = replay("ABCDEF")
    assert state.config.language == "en"

    args = {"room_id": "GHJKMN", "name": "Mei", "language": "th"}
    events, _ = execute(GameState(), Command("create_room", None, args))
    event_append("GHJKMN", 0, events, ["waiting"] * len(events))
    stored = Event.objects.get(room_id="GHJKMN", type="room_created")
    assert stored.schema == 2 and stored.payload["language"] == "th"
