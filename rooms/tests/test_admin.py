"""The rooms' admin, logged in through its own form: rooms can be looked at, never changed or
deleted; closing a room is a logged event that reaches the players' sockets."""

from __future__ import annotations

import re

import pytest
from asgiref.sync import sync_to_async
from django.contrib.auth.models import User
from django.test import Client

from eventlog.models import Event
from rooms import services
from rooms.models import Room
from rooms.tests.wsclient import create_room, event_rows

pytestmark = pytest.mark.django_db(transaction=True)

ROOMS = "/admin/rooms/room/"
EVENTS = "/admin/eventlog/event/"
PASSWORD = "a long staff password"


def logged_in() -> Client:
    """A client logged in the way staff are: the admin's login form, with its CSRF token."""
    User.objects.create_superuser("staff", "staff@example.com", PASSWORD)
    client = Client(enforce_csrf_checks=True)
    page = client.get("/admin/login/")
    token = re.search(rb'name="csrfmiddlewaretoken" value="([^"]+)"', page.content).group(1)
    answer = client.post(
        "/admin/login/?next=/admin/",
        {"username": "staff", "password": PASSWORD, "csrfmiddlewaretoken": token.decode()},
    )
    assert answer.status_code == 302 and answer["Location"] == "/admin/", answer
    return client


def csrf(client: Client) -> str:
    return client.cookies["csrftoken"].value


def test_no_admin_url_changes_or_deletes_a_room_or_an_event():
    client = logged_in()
    room_id = services.room_create_sync("Ann", 3).room_id
    before = Room.objects.get(pk=room_id)
    token = {"csrfmiddlewaretoken": csrf(client)}

    page = client.get(f"{ROOMS}{room_id}/change/")
    assert page.status_code == 200
    assert b'name="_save"' not in page.content and b"deletelink" not in page.content
    assert (
        client.post(f"{ROOMS}{room_id}/change/", {**token, "status": "closed"}).status_code == 403
    )
    assert client.get(f"{ROOMS}{room_id}/delete/").status_code == 403
    assert client.post(f"{ROOMS}{room_id}/delete/", {**token, "post": "yes"}).status_code == 403
    assert client.get(f"{ROOMS}add/").status_code == 403
    listing = client.get(ROOMS)
    assert b"delete_selected" not in listing.content and b"close_rooms" in listing.content
    client.post(
        ROOMS, {**token, "action": "delete_selected", "_selected_action": [room_id], "post": "yes"}
    )
    after = Room.objects.get(pk=room_id)
    assert (after.status, after.version) == (before.status, before.version)

    # Nor any event of its log.
    event = Event.objects.filter(room_id=room_id).first()
    log = list(Event.objects.filter(room_id=room_id).values_list("seq", "type", "payload"))
    page = client.get(f"{EVENTS}{event.id}/change/")
    assert page.status_code == 200 and b'name="_save"' not in page.content
    assert client.post(f"{EVENTS}{event.id}/change/", {**token, "type": "x"}).status_code == 403
    assert client.get(f"{EVENTS}{event.id}/delete/").status_code == 403
    assert client.post(f"{EVENTS}{event.id}/delete/", {**token, "post": "yes"}).status_code == 403
    assert client.get(f"{EVENTS}add/").status_code == 403
    client.post(
        EVENTS,
        {**token, "action": "delete_selected", "_selected_action": [event.id], "post": "yes"},
    )
    assert b"delete_selected" not in client.get(EVENTS).content
    assert list(Event.objects.filter(room_id=room_id).values_list("seq", "type", "payload")) == log


def test_rooms_are_found_by_a_players_name():
    client = logged_in()
    alice = services.room_create_sync("Alice Wong", 1).room_id
    other = services.room_create_sync("Bertrand", 2).room_id
    listing = client.get(ROOMS, {"q": "alice"}).content.decode()
    assert alice in listing and other not in listing
    listing = client.get(ROOMS, {"q": other.lower()}).content.decode()
    assert other in listing and alice not in listing


async def test_closing_a_room_from_the_admin_reaches_its_players(ws):
    created = await create_room("Ann", 3)
    ann = await ws.seat(created)
    client = await sync_to_async(logged_in)()

    def close() -> int:
        answer = client.post(
            ROOMS,
            {
                "csrfmiddlewaretoken": csrf(client),
                "action": "close_rooms",
                "_selected_action": [created.room_id],
            },
        )
        return answer.status_code

    assert await sync_to_async(close)() == 302
    view = await ann.until(lambda v: v["closed"])
    assert view["closed"] is True
    closed = [e for e in ann.messages if e.get("type") == "update" for e in e["events"]]
    assert [e["payload"] for e in closed if e["type"] == "room_closed"] == [{"reason": "staff"}]
    rows = await event_rows(created.room_id)
    assert rows[-1]["type"] == "room_closed" and rows[-1]["payload"] == {"reason": "staff"}


def test_the_replay_page_sends_staff_to_the_admin_login_and_back(settings):
    settings.DEBUG = False
    room_id = services.room_create_sync("Ann", 3).room_id
    page = f"/rooms/{room_id}/replay/"
    anonymous = Client()
    answer = anonymous.get(page)
    assert answer.status_code == 302
    assert answer["Location"] == f"/admin/login/?next={page}"
    assert anonymous.get(answer["Location"]).status_code == 200  # a login form, not a 404

    User.objects.create_superuser("staff", "staff@example.com", PASSWORD)
    form = anonymous.post(answer["Location"], {"username": "staff", "password": PASSWORD})
    assert form.status_code == 302 and form["Location"] == page
    assert anonymous.get(page).status_code == 200


def test_the_debug_api_in_a_browser_sends_staff_to_the_login_and_back(settings):
    settings.DEBUG = False
    room_id = services.room_create_sync("Ann", 3).room_id
    page = f"/api/debug/events/{room_id}/"
    anonymous = Client()
    answer = anonymous.get(page, HTTP_ACCEPT="text/html")
    assert answer.status_code == 302
    assert answer["Location"] == f"/admin/login/?next={page}"
    # A program asking for JSON gets the error, not a login page.
    refused = anonymous.get(page, HTTP_ACCEPT="application/json")
    assert refused.status_code == 403 and refused.json()["error"]["code"] == "not_authenticated"

    User.objects.create_superuser("staff", "staff@example.com", PASSWORD)
    form = anonymous.post(answer["Location"], {"username": "staff", "password": PASSWORD})
    assert form.status_code == 302 and form["Location"] == page
    browsed = anonymous.get(page, HTTP_ACCEPT="text/html")
    assert browsed.status_code == 200 and b"<html" in browsed.content
    assert anonymous.get(page, HTTP_ACCEPT="application/json").json()["room_id"] == room_id
