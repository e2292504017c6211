"""The event log is append-only everywhere: the model layer refuses to change or delete an
event (on every database), PostgreSQL's trigger refuses it whoever asks, and a room whose row is
gone still replays from its log."""

from __future__ import annotations

import json

import pytest
from django.db import DatabaseError, connection, transaction

from eventlog.models import AppendOnlyError, Event
from eventlog.selectors import replay
from game.views import seat_view
from rooms import services
from rooms.models import Room

pytestmark = pytest.mark.django_db


@pytest.fixture
def logged() -> str:
    room_id = services.room_create_sync("Ann", 3).room_id
    services.room_act_sync(room_id, 0, "start_game", {})
    return room_id


def snapshot(room_id: str) -> list[tuple]:
    return list(Event.objects.filter(room_id=room_id).values_list("seq", "type", "payload"))


def test_the_model_layer_refuses_to_change_or_delete_events(logged):
    before = snapshot(logged)
    event = Event.objects.filter(room_id=logged).first()
    events = Event.objects.filter(room_id=logged)
    refusals = [
        lambda: events.update(type="hacked"),
        lambda: events.delete(),
        lambda: Event.objects.all().delete(),
        lambda: event.delete(),
        lambda: Event.objects.bulk_update([event], ["type"]),
    ]
    event.type = "hacked"
    refusals.append(lambda: event.save())
    for refusal in refusals:
        with pytest.raises(AppendOnlyError, match="append-only"):
            refusal()
    assert snapshot(logged) == before


@pytest.mark.services
def test_postgresql_refuses_update_and_delete_of_events_whoever_asks(logged):
    assert connection.vendor == "postgresql", "the service-backed run is on PostgreSQL"
    before = snapshot(logged)
    for sql in (
        "UPDATE eventlog_event SET type = 'hacked' WHERE room_id = %s",
        "DELETE FROM eventlog_event WHERE room_id = %s",
    ):
        with (
            pytest.raises(DatabaseError, match="append-only"),
            transaction.atomic(),
            connection.cursor() as cursor,
        ):
            cursor.execute(sql, [logged])
    assert snapshot(logged) == before


def test_a_room_whose_row_is_gone_still_replays(logged, admin_client):
    version = Room.objects.get(pk=logged).version
    replayed = admin_client.get(f"/api/debug/replay/{logged}/").json()
    Room.objects.filter(pk=logged).delete()
    services.cache_clear()

    events = admin_client.get(f"/api/debug/events/{logged}/", {"limit": 1000})
    assert events.status_code == 200
    assert [e["seq"] for e in events.json()["events"]] == list(range(1, version + 1))
    assert admin_client.get(f"/api/debug/replay/{logged}/").json() == replayed
    assert admin_client.get(f"/api/debug/rooms/{logged}/state/").json() == replayed
    page = admin_client.get(f"/rooms/{logged}/replay/")
    assert page.status_code == 200 and f'data-room-id="{logged}"' in page.content.decode()
    # A room the log never saw is still unknown.
    assert admin_client.get("/api/debug/replay/NOROOM/").status_code == 404
    assert admin_client.get("/rooms/NOROOM/replay/").status_code == 404


def test_replay_as_a_seat_is_that_seats_view_at_that_version(logged, admin_client):
    upto = Room.objects.get(pk=logged).version - 1
    for seat in range(4):
        answer = admin_client.get(f"/api/debug/replay/{logged}/", {"upto": upto, "seat": seat})
        assert answer.status_code == 200, answer.content
        state, _ = replay(logged, upto=upto)
        expected = seat_view(state, seat)
        assert answer.json()["state"] == json.loads(json.dumps(expected))
        assert answer.json()["state"]["you"]["seat"] == seat
        assert "hands" not in answer.json()["state"]
    for bad in ("4", "-1", "x", "1.5"):
        refused = admin_client.get(f"/api/debug/replay/{logged}/", {"seat": bad})
        assert refused.status_code == 400, bad
        assert refused.json()["error"]["code"] == "invalid_argument"
