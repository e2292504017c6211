"""What the REST API takes (rooms/rest_input.py, rooms/origins.py): JSON bodies only, strictly
typed, shallow and small; and no POST from a page of another site."""

from __future__ import annotations

import json

import pytest

from rooms.json_input import MAX_DEPTH
from rooms.models import Room
from rooms.rest_input import MAX_BODY_BYTES
from rooms.tests.test_rest import assert_error, created_room

pytestmark = pytest.mark.django_db

NAME = {"player_name": "Alice"}
OWN = "http://testserver"


@pytest.mark.parametrize(
    ("content_type", "data"),
    [
        ("application/x-www-form-urlencoded", "player_name=Mallory"),
        (
            "multipart/form-data; boundary=xx",
            '--xx\r\nContent-Disposition: form-data; name="player_name"\r\n\r\n'
            "Mallory\r\n--xx--\r\n",
        ),
        ("text/plain", json.dumps({"player_name": "Mallory"})),
        ("", json.dumps({"player_name": "Mallory"})),
    ],
)
@pytest.mark.parametrize("path", ["/api/rooms/", "/api/rooms/{room}/join/"])
def test_bodies_other_than_json_are_415(client, content_type, data, path):
    room = created_room(client)["room_id"]
    rooms_before = Room.objects.count()
    response = client.post(path.format(room=room), data, content_type=content_type)
    assert_error(response, 415, "unsupported_media_type")
    assert Room.objects.count() == rooms_before
    assert [s["name"] for s in client.get(f"/api/rooms/{room}/").json()["seats"]][1] is None


@pytest.mark.parametrize("bots", ["3", "1", 1.0, 0.0, True, False])
def test_bots_must_be_a_json_integer(client, bots):
    response = client.post("/api/rooms/", {**NAME, "bots": bots}, content_type="application/json")
    assert_error(response, 400, "invalid_argument")
    assert "bots" in response.json()["error"]["message"]
    assert not Room.objects.exists()


@pytest.mark.parametrize("seed", ["7", 7.0, True])
def test_seed_must_be_a_json_integer(client, settings, seed):
    settings.LIAPTUI_ALLOW_SEED = True
    response = client.post("/api/rooms/", {**NAME, "seed": seed}, content_type="application/json")
    assert_error(response, 400, "invalid_argument")


@pytest.mark.parametrize(
    "raw",
    [
        "[" * 3000 + "]" * 3000,
        '{"a":' * 2700 + "1" + "}" * 2700,
        '{"player_name": ' + "[" * 1000 + "]" * 1000 + "}",
        '{"player_name": "A", "bots": ' + "[" * MAX_DEPTH + "]" * MAX_DEPTH + "}",
    ],
)
def test_deeply_nested_bodies_are_parse_errors(client, raw):
    response = client.post("/api/rooms/", raw, content_type="application/json")
    body = assert_error(response, 400, "parse_error")
    assert str(MAX_DEPTH) in body["error"]["message"]
    assert not Room.objects.exists()


def test_nesting_up_to_the_limit_is_read_as_json(client):
    nested = "[" * (MAX_DEPTH - 1) + "]" * (MAX_DEPTH - 1)
    response = client.post(
        "/api/rooms/", f'{{"player_name": "A", "bots": {nested}}}', content_type="application/json"
    )
    assert_error(response, 400, "invalid_argument")


def test_a_body_over_the_limit_is_413(client):
    raw = json.dumps({"player_name": "A" * MAX_BODY_BYTES})
    assert_error(
        client.post("/api/rooms/", raw, content_type="application/json"), 413, "payload_too_large"
    )
    assert not Room.objects.exists()


@pytest.mark.parametrize(
    "headers",
    [
        {"Origin": "http://evil.example"},
        {"Origin": "null"},
        {"Origin": "https://testserver"},
        {"Origin": "http://testserver:8080"},
        {"Sec-Fetch-Site": "cross-site", "Origin": "http://evil.example"},
        {"Sec-Fetch-Site": "same-site", "Origin": "http://game.testserver"},
        {"Sec-Fetch-Site": "cross-site"},
    ],
)
def test_posts_from_another_site_are_refused(client, headers):
    room = created_room(client)
    token_before = client.session[f"liaptui.token.{room['room_id']}"]
    for path in ("/api/rooms/", f"/api/rooms/{room['room_id']}/join/"):
        response = client.post(
            path, {"player_name": "Mallory"}, content_type="application/json", headers=headers
        )
        assert_error(response, 403, "cross_site_request")
    assert Room.objects.count() == 1
    # The browser's session still holds its seat.
    assert client.session[f"liaptui.token.{room['room_id']}"] == token_before


@pytest.mark.parametrize(
    "headers",
    [
        {},  # not a browser: no Origin, no Sec-Fetch-Site
        {"Sec-Fetch-Site": "same-origin", "Origin": OWN},
        {"Sec-Fetch-Site": "none"},
        {"Origin": OWN},
        {"Origin": "http://TESTSERVER:80"},
    ],
)
def test_posts_from_this_site_or_no_browser_are_served(client, headers):
    response = client.post("/api/rooms/", NAME, content_type="application/json", headers=headers)
    assert response.status_code == 201, response.content


def test_allowed_origins_may_post(client, settings):
    settings.ALLOWED_ORIGINS = ["https://play.example.com"]
    headers = {"Sec-Fetch-Site": "cross-site", "Origin": "https://play.example.com"}
    response = client.post("/api/rooms/", NAME, content_type="application/json", headers=headers)
    assert response.status_code == 201, response.content
    headers["Origin"] = "https://play.example.com:8443"
    response = client.post("/api/rooms/", NAME, content_type="application/json", headers=headers)
    assert_error(response, 403, "cross_site_request")


def test_reads_from_anywhere_are_served(client):
    room = created_room(client)["room_id"]
    headers = {"Origin": "http://evil.example", "Sec-Fetch-Site": "cross-site"}
    assert client.get("/api/rooms/", headers=headers).status_code == 200
    assert client.get(f"/api/rooms/{room}/", headers=headers).status_code == 200


@pytest.mark.parametrize("charset", ["bz2", "zlib", "base64", "rot13", "utf-16", "latin-1"])
def test_bodies_in_any_charset_but_utf8_are_415(client, charset):
    import bz2

    body = bz2.compress(json.dumps({"player_name": "A" * 100_000}).encode())
    content_type = f"application/json; charset={charset}"
    response = client.generic("POST", "/api/rooms/", body, content_type=content_type)
    assert_error(response, 415, "unsupported_media_type")
    assert not Room.objects.exists()


@pytest.mark.parametrize("charset", ["utf-8", "UTF-8", "utf8"])
def test_utf8_bodies_are_read(client, charset):
    body = json.dumps({"player_name": "Ánh"}).encode()
    content_type = f"application/json; charset={charset}"
    response = client.generic("POST", "/api/rooms/", body, content_type=content_type)
    assert response.status_code == 201, response.content


def test_an_origin_must_be_allowed_whatever_sec_fetch_site_says(client):
    headers = {"Sec-Fetch-Site": "none", "Origin": "http://evil.example"}
    response = client.post("/api/rooms/", NAME, content_type="application/json", headers=headers)
    assert_error(response, 403, "cross_site_request")
