"""The Django admin of the event log and of rooms: read-only events with filters, search and
pretty JSON; rooms with their seats and a link to their events."""

from __future__ import annotations

import html
import json

import pytest
from django.contrib.auth.models import Permission
from django.test import Client

from eventlog.models import Event
from rooms import services
from rooms.models import Room
from rooms.tests.games import fire_until

pytestmark = pytest.mark.django_db

EVENTS = "/admin/eventlog/event/"
ROOMS = "/admin/rooms/room/"


@pytest.fixture
def rooms() -> tuple[str, str]:
    """A running room that has reached the first turn results, and a waiting one."""
    running = services.room_create_sync("Alice", 3).room_id
    services.room_act_sync(running, 0, "start_game", {})
    fire_until(running, lambda: Event.objects.filter(room_id=running, type="turn_won").exists())
    waiting = services.room_create_sync("Bob", 1).room_id
    return running, waiting


def listed(response) -> list[Event]:
    assert response.status_code == 200, response.content[:500]
    return list(response.context["cl"].result_list)


def all_listed(response) -> list[Event]:
    assert response.status_code == 200
    return list(response.context["cl"].queryset)


# --------------------------------------------------------------------------- events


def test_event_changelist_loads(admin_client, rooms):
    events = listed(admin_client.get(EVENTS))
    assert events
    # Newest first.
    assert [e.id for e in events] == sorted((e.id for e in events), reverse=True)


def test_event_changelist_filters_by_room(admin_client, rooms):
    running, waiting = rooms
    response = admin_client.get(EVENTS, {"room_id": waiting})
    events = all_listed(response)
    assert {e.room_id for e in events} == {waiting}
    assert len(events) == Event.objects.filter(room_id=waiting).count()
    assert waiting.encode() in response.content


def test_event_changelist_filters_by_type(admin_client, rooms):
    events = all_listed(admin_client.get(EVENTS, {"type": "played"}))
    assert events
    assert {e.type for e in events} == {"played"}
    assert len(events) == Event.objects.filter(type="played").count()


def test_event_changelist_filters_by_phase(admin_client, rooms):
    events = all_listed(admin_client.get(EVENTS, {"phase": "turn"}))
    assert events
    assert {e.phase for e in events} == {"turn"}
    assert len(events) == Event.objects.filter(phase="turn").count()


def test_event_changelist_filters_combine(admin_client, rooms):
    running, _ = rooms
    events = all_listed(admin_client.get(EVENTS, {"room_id": running, "type": "hands_dealt"}))
    assert events
    assert {(e.room_id, e.type) for e in events} == {(running, "hands_dealt")}


def test_event_changelist_filters_by_date(admin_client, rooms):
    events = all_listed(admin_client.get(EVENTS, {"created_at__gte": "2000-01-01 00:00:00+00:00"}))
    assert len(events) == Event.objects.count() > 0
    later = all_listed(admin_client.get(EVENTS, {"created_at__gte": "2100-01-01 00:00:00+00:00"}))
    assert later == []


def test_event_changelist_search(admin_client, rooms):
    running, waiting = rooms
    by_room = all_listed(admin_client.get(EVENTS, {"q": waiting}))
    assert {e.room_id for e in by_room} == {waiting}
    by_type = all_listed(admin_client.get(EVENTS, {"q": "turn_won"}))
    assert by_type
    assert {e.type for e in by_type} == {"turn_won"}
    assert all_listed(admin_client.get(EVENTS, {"q": "nothing-like-this"})) == []


def test_event_change_view_shows_pretty_json_and_no_form(admin_client, rooms):
    running, _ = rooms
    event = Event.objects.filter(room_id=running, type="hands_dealt").first()
    url = f"{EVENTS}{event.id}/change/"
    response = admin_client.get(url)
    assert response.status_code == 200
    text = response.content.decode()
    assert "<pre>" in text
    pretty = json.dumps(event.payload, indent=2, ensure_ascii=False, sort_keys=True)
    assert html.escape(pretty, quote=True) in text or pretty in html.unescape(text)
    # Nothing is editable: no payload field, no save button.
    assert 'name="payload"' not in text
    assert "<textarea" not in text
    assert 'name="_save"' not in text
    for field in ("room_id", "seq", "type", "phase"):
        assert f'name="{field}"' not in text


def test_event_payload_html_is_escaped(admin_client):
    created = services.room_create_sync("<b>Mallory</b>")
    event = Event.objects.get(room_id=created.room_id, type="seat_taken")
    text = admin_client.get(f"{EVENTS}{event.id}/change/").content.decode()
    assert "<b>Mallory</b>" not in text
    assert "&lt;b&gt;Mallory&lt;/b&gt;" in text


def test_events_cannot_be_added_changed_or_deleted(admin_client, rooms):
    running, _ = rooms
    event = Event.objects.filter(room_id=running).first()
    before = (event.type, event.payload, Event.objects.count())
    change = f"{EVENTS}{event.id}/change/"
    response = admin_client.post(change, {"type": "hacked", "payload": "{}", "_save": "Save"})
    assert response.status_code == 403
    assert admin_client.get(f"{EVENTS}add/").status_code == 403
    assert admin_client.post(f"{EVENTS}add/", {"type": "x"}).status_code == 403
    assert admin_client.get(f"{EVENTS}{event.id}/delete/").status_code == 403
    assert admin_client.post(f"{EVENTS}{event.id}/delete/", {"post": "yes"}).status_code == 403
    # No bulk delete from the changelist either.
    response = admin_client.post(
        EVENTS, {"action": "delete_selected", "_selected_action": [event.id], "post": "yes"}
    )
    assert Event.objects.count() == before[2]
    event.refresh_from_db()
    assert (event.type, event.payload) == before[:2]
    assert "delete_selected" not in admin_client.get(EVENTS).content.decode()


def test_staff_with_the_view_permission_can_only_view(django_user_model, rooms):
    running, _ = rooms
    staff = django_user_model.objects.create_user("viewer", password="pw-123456-long")
    staff.is_staff = True
    staff.save()
    staff.user_permissions.add(Permission.objects.get(codename="view_event"))
    client = Client()
    client.force_login(staff)
    event = Event.objects.filter(room_id=running).first()
    assert client.get(EVENTS, {"room_id": running}).status_code == 200
    assert client.get(f"{EVENTS}{event.id}/change/").status_code == 200
    assert client.post(f"{EVENTS}{event.id}/change/", {"type": "x"}).status_code == 403


def test_non_staff_are_sent_to_the_login(client, django_user_model, rooms):
    user = django_user_model.objects.create_user("player", password="pw-123456-long")
    client.force_login(user)
    response = client.get(EVENTS)
    assert response.status_code == 302
    assert "/admin/login/" in response["Location"]


# --------------------------------------------------------------------------- rooms


def test_room_changelist_loads_with_seats_and_status(admin_client, rooms):
    running, waiting = rooms
    response = admin_client.get(ROOMS)
    assert response.status_code == 200
    text = response.content.decode()
    assert running in text and waiting in text
    assert "Alice" in text and "Bob" in text
    assert "(bot)" in text
    assert {r.id for r in response.context["cl"].result_list} == {running, waiting}


def test_room_changelist_filters_by_status(admin_client, rooms):
    running, waiting = rooms
    playing = admin_client.get(ROOMS, {"status__exact": "playing"})
    assert {r.id for r in playing.context["cl"].queryset} == {running}
    found = admin_client.get(ROOMS, {"q": waiting})
    assert {r.id for r in found.context["cl"].queryset} == {waiting}


def test_room_change_view_links_to_its_events(admin_client, rooms):
    running, _ = rooms
    room = Room.objects.get(pk=running)
    response = admin_client.get(f"{ROOMS}{running}/change/")
    assert response.status_code == 200
    text = response.content.decode()
    link = f'href="{EVENTS}?room_id={running}"'
    assert link in text
    assert f"{room.version} events" in text
    # The link lists exactly this room's events.
    events = all_listed(admin_client.get(EVENTS, {"room_id": running}))
    assert len(events) == room.version
    assert sorted(e.seq for e in events) == list(range(1, room.version + 1))


def test_rooms_cannot_be_added_in_the_admin(admin_client, rooms):
    assert admin_client.get(f"{ROOMS}add/").status_code == 403


def test_a_hands_dealt_event_shows_each_seats_name_and_pieces_as_tokens(admin_client, rooms):
    from game.pieces import GLYPHS, POINTS

    running, _ = rooms
    dealt = Event.objects.filter(room_id=running, type="hands_dealt").first()
    page = admin_client.get(f"{EVENTS}{dealt.id}/change/").content.decode()
    names = dict(
        Event.objects.filter(room_id=running, type__in=("seat_taken", "bot_added")).values_list(
            "payload__seat", "payload__name"
        )
    )
    for seat, hand in enumerate(dealt.payload["hands"]):
        assert f"{seat + 1}. {names[seat]}" in page
        for kind in set(hand):
            assert f'title="{kind}">{GLYPHS[kind]}<sub>{POINTS[kind]}</sub>' in page
    assert f"/rooms/{running}/replay/?seq={dealt.seq}" in page
