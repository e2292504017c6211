"""The REST contract of the rooms app (docs/protocol.md): create, join, list, detail, health, seeds,
the session token and room ids that are never reused."""

from __future__ import annotations

import re
from typing import Any

import pytest

from eventlog.models import Event
from eventlog.room_ids import ROOM_ID_ALPHABET, ROOM_ID_LENGTH, new_room_id
from rooms import services
from rooms.models import Room, SeatToken
from rooms.tokens import hash_token

pytestmark = pytest.mark.django_db

ROOM_ID_RE = re.compile(f"^[{ROOM_ID_ALPHABET}]{{{ROOM_ID_LENGTH}}}$")
TOKEN_RE = re.compile(r"^[A-Za-z0-9_-]{43,}$")


# --------------------------------------------------------------------------- helpers


def post(client, url: str, body: Any):
    return client.post(url, body, content_type="application/json")


def create(client, name: str = "Alice", **extra: Any):
    return post(client, "/api/rooms/", {"player_name": name, **extra})


def join(client, room_id: str, name: str):
    return post(client, f"/api/rooms/{room_id}/join/", {"player_name": name})


def created_room(client, name: str = "Alice", **extra: Any) -> dict[str, Any]:
    response = create(client, name, **extra)
    assert response.status_code == 201, response.content
    return response.json()


def detail(client, room_id: str) -> dict[str, Any]:
    response = client.get(f"/api/rooms/{room_id}/")
    assert response.status_code == 200, response.content
    return response.json()


def assert_error(response, status: int, code: str) -> dict[str, Any]:
    assert response.status_code == status, response.content
    body = response.json()
    assert set(body) == {"error"}, body
    assert body["error"]["code"] == code, body
    assert isinstance(body["error"]["message"], str) and body["error"]["message"], body
    return body


def start(room_id: str) -> None:
    services.room_act_sync(room_id, 0, "start_game", {})


# --------------------------------------------------------------------------- create


def test_create_returns_seat_zero_and_a_token(client):
    response = create(client)
    assert response.status_code == 201
    body = response.json()
    assert set(body) == {"room_id", "seat", "token"}
    assert ROOM_ID_RE.match(body["room_id"]), body["room_id"]
    assert not set(body["room_id"]) & set("0O1I")
    assert body["seat"] == 0
    assert TOKEN_RE.match(body["token"]), body["token"]

    room = Room.objects.get(pk=body["room_id"])
    assert room.status == "waiting"
    assert room.version == Event.objects.filter(room_id=room.id).count()
    # The creator is the host in seat 0; the other seats are empty.
    summary = detail(client, body["room_id"])
    assert summary["host_seat"] == 0
    assert summary["host"] == "Alice"
    assert summary["players"] == 1
    assert [s["name"] for s in summary["seats"]] == ["Alice", None, None, None]


def test_only_the_token_hash_is_stored(client):
    body = created_room(client)
    stored = SeatToken.objects.get(room_id=body["room_id"], seat=0)
    assert stored.token_hash == hash_token(body["token"])
    assert stored.token_hash != body["token"]


def test_tokens_and_room_ids_differ_between_rooms(client):
    rooms = [created_room(client, f"P{i}") for i in range(5)]
    assert len({r["room_id"] for r in rooms}) == 5
    assert len({r["token"] for r in rooms}) == 5


def test_create_with_three_bots_fills_the_table(client):
    body = created_room(client, bots=3)
    summary = detail(client, body["room_id"])
    seats = summary["seats"]
    assert seats[0]["name"] == "Alice" and not seats[0]["is_bot"]
    bots = seats[1:]
    assert all(s["is_bot"] for s in bots)
    names = [s["name"] for s in bots]
    assert all(names)
    assert len({n.casefold() for n in names}) == 3
    assert summary["players"] == 4
    types = list(
        Event.objects.filter(room_id=body["room_id"]).order_by("seq").values_list("type", flat=True)
    )
    assert types.count("bot_added") == 3


@pytest.mark.parametrize("bots", [0, 1, 2, 3])
def test_create_with_n_bots(client, bots):
    body = created_room(client, bots=bots)
    seats = detail(client, body["room_id"])["seats"]
    assert [s["is_bot"] for s in seats] == [False] + [True] * bots + [False] * (3 - bots)
    assert [s["name"] is not None for s in seats] == [True] * (1 + bots) + [False] * (3 - bots)


def test_bot_names_are_unique_case_insensitively(client):
    body = created_room(client, "BOT ADA", bots=3)
    names = [s["name"] for s in detail(client, body["room_id"])["seats"]]
    assert len({n.casefold() for n in names}) == 4, names


@pytest.mark.parametrize("strategy", ["greedy", "smart", "expert"])
def test_create_with_bots_of_one_level(client, strategy):
    body = created_room(client, bots=2, bot_strategy=strategy)
    state, _ = services.room_state(body["room_id"])
    assert [s.bot for s in state.seats] == [None, strategy, strategy, None]


def test_bots_are_smart_unless_a_level_is_given(client):
    body = created_room(client, bots=3)
    state, _ = services.room_state(body["room_id"])
    assert [s.bot for s in state.seats] == [None, "smart", "smart", "smart"]


@pytest.mark.parametrize("strategy", ["hard", "EXPERT", "", 1, True, None, ["expert"], {"s": 1}])
def test_create_with_a_bad_bot_strategy_is_invalid_argument(client, strategy):
    assert_error(create(client, bots=1, bot_strategy=strategy), 400, "invalid_argument")
    assert Room.objects.count() == 0


@pytest.mark.parametrize("bots", [-1, 4, 100, "two", 1.5, True, None, [1], {"n": 1}])
def test_create_with_bad_bots_is_invalid_argument(client, bots):
    before = Room.objects.count()
    assert_error(create(client, bots=bots), 400, "invalid_argument")
    assert Room.objects.count() == before
    assert Event.objects.count() == 0


@pytest.mark.parametrize("body", [{}, {"bots": 1}, {"player_name": None}, []])
def test_create_without_a_name_is_invalid_argument(client, body):
    assert_error(post(client, "/api/rooms/", body), 400, "invalid_argument")
    assert Room.objects.count() == 0


@pytest.mark.parametrize("raw", ["[]", '["Alice"]', '"Alice"', "5", "null"])
def test_a_body_that_is_not_an_object_is_invalid_argument(client, raw):
    response = client.post("/api/rooms/", raw, content_type="application/json")
    error = assert_error(response, 400, "invalid_argument")
    assert error["error"]["message"] == "body: The request body must be a JSON object."
    assert Room.objects.count() == 0


@pytest.mark.parametrize(
    ("path", "body"),
    [
        ("/api/rooms/", {"player_name": "Alice", "bot": 3}),
        ("/api/rooms/", {"player_name": "Alice", "bots": 1, "token": "x"}),
        ("/api/rooms/{room_id}/join/", {"player_name": "Bob", "seat": 2}),
    ],
)
def test_an_unknown_field_is_refused_with_the_fields_a_request_takes(client, path, body):
    room_id = created_room(client, bots=0)["room_id"]
    before = Event.objects.count()
    error = assert_error(post(client, path.format(room_id=room_id), body), 400, "invalid_argument")
    message = error["error"]["message"]
    (unknown,) = set(body) - {"player_name", "bots"}
    assert message.startswith(f"{unknown}: Unknown field; this request takes: player_name")
    assert Event.objects.count() == before


def test_malformed_json_is_an_error_in_the_error_shape(client):
    response = client.post("/api/rooms/", "{not json", content_type="application/json")
    assert response.status_code == 400
    assert set(response.json()) == {"error"}
    assert response.json()["error"]["code"] == "parse_error"


def test_wrong_method_is_an_error_in_the_error_shape(client):
    body = created_room(client)
    assert_error(post(client, f"/api/rooms/{body['room_id']}/", {}), 405, "method_not_allowed")


# --------------------------------------------------------------------------- names


@pytest.mark.parametrize(
    ("given", "stored"),
    [
        ("  Alice  ", "Alice"),
        ("\tBob\n", "Bob"),
        ("x" * 32, "x" * 32),
        ("  " + "y" * 32 + "  ", "y" * 32),
        ("Zoë 李", "Zoë 李"),
        ("A", "A"),
    ],
)
def test_names_are_trimmed_and_kept(client, given, stored):
    body = created_room(client, given)
    assert detail(client, body["room_id"])["seats"][0]["name"] == stored
    joined = join(client, body["room_id"], "Other")
    assert joined.status_code == 201
    # The same through join.
    second = created_room(client, "Host")
    assert join(client, second["room_id"], given).status_code == 201
    assert detail(client, second["room_id"])["seats"][1]["name"] == stored


@pytest.mark.parametrize(
    "name", ["   ", "\t\n", "x" * 33, "a\nb", "tab\there", "zero\u200bwidth", "bell\x07"]
)
def test_invalid_names_are_refused(client, name):
    assert_error(create(client, name), 400, "invalid_name")
    assert Room.objects.count() == 0
    host = created_room(client, "Host")
    assert_error(join(client, host["room_id"], name), 400, "invalid_name")
    assert detail(client, host["room_id"])["players"] == 1


@pytest.mark.parametrize(
    "name",
    [
        "",
        "x" * 201,
        "nul\x00byte",
    ],
)
def test_every_invalid_name_gets_invalid_name(client, name):
    assert_error(create(client, name), 400, "invalid_name")


@pytest.mark.parametrize("other", ["Alice", "ALICE", " alice ", "aLiCe"])
def test_names_are_unique_in_a_room_case_insensitively(client, other):
    body = created_room(client, "Alice")
    version = Room.objects.get(pk=body["room_id"]).version
    assert_error(join(client, body["room_id"], other), 409, "name_taken")
    assert Room.objects.get(pk=body["room_id"]).version == version
    # Another room may have a player of that name.
    assert create(client, other).status_code == 201


def test_a_human_may_not_take_a_bots_name(client):
    body = created_room(client, bots=1)
    bot_name = detail(client, body["room_id"])["seats"][1]["name"]
    assert_error(join(client, body["room_id"], bot_name.upper()), 409, "name_taken")


def test_casefolded_names_clash(client):
    body = created_room(client, "Straße")
    assert_error(join(client, body["room_id"], "STRASSE"), 409, "name_taken")


# --------------------------------------------------------------------------- join


def test_join_fills_seats_in_order_until_full(client):
    body = created_room(client)
    room_id = body["room_id"]
    tokens = {body["token"]}
    for seat, name in enumerate(["Bob", "Carol", "Dave"], start=1):
        response = join(client, room_id, name)
        assert response.status_code == 201, response.content
        granted = response.json()
        assert set(granted) == {"room_id", "seat", "token"}
        assert granted["room_id"] == room_id
        assert granted["seat"] == seat
        assert TOKEN_RE.match(granted["token"])
        tokens.add(granted["token"])
    assert len(tokens) == 4
    summary = detail(client, room_id)
    assert [s["name"] for s in summary["seats"]] == ["Alice", "Bob", "Carol", "Dave"]
    assert summary["players"] == 4

    version = Room.objects.get(pk=room_id).version
    assert_error(join(client, room_id, "Eve"), 409, "room_full")
    assert Room.objects.get(pk=room_id).version == version
    assert SeatToken.objects.filter(room_id=room_id).count() == 4


def test_join_after_bots_takes_the_next_empty_seat(client):
    body = created_room(client, bots=2)
    response = join(client, body["room_id"], "Bob")
    assert response.status_code == 201
    assert response.json()["seat"] == 3
    assert_error(join(client, body["room_id"], "Carol"), 409, "room_full")


def test_join_takes_the_first_freed_seat(client):
    body = created_room(client)
    room_id = body["room_id"]
    assert join(client, room_id, "Bob").json()["seat"] == 1
    assert join(client, room_id, "Carol").json()["seat"] == 2
    services.room_act_sync(room_id, 0, "remove_seat", {"seat": 1})
    assert not SeatToken.objects.filter(room_id=room_id, seat=1).exists()
    response = join(client, room_id, "Dave")
    assert response.json()["seat"] == 1
    # The freed name is free again.
    assert join(client, room_id, "Bob").json()["seat"] == 3


def test_join_accepts_a_lowercase_room_id(client):
    body = created_room(client)
    response = join(client, body["room_id"].lower(), "Bob")
    assert response.status_code == 201
    assert response.json()["room_id"] == body["room_id"]


def test_join_an_unknown_room_is_404(client):
    assert_error(join(client, "ZZZZZZ", "Bob"), 404, "room_not_found")
    assert Event.objects.filter(room_id="ZZZZZZ").count() == 0


def test_join_a_started_room_is_wrong_phase(client):
    body = created_room(client, bots=3)
    start(body["room_id"])
    assert Room.objects.get(pk=body["room_id"]).status == "playing"
    version = Room.objects.get(pk=body["room_id"]).version
    assert_error(join(client, body["room_id"], "Bob"), 409, "wrong_phase")
    assert Room.objects.get(pk=body["room_id"]).version == version


def test_join_a_started_room_with_a_free_seat_is_impossible_too(client):
    body = created_room(client, bots=3)
    start(body["room_id"])
    assert_error(join(client, body["room_id"], "Bot Ada"), 409, "wrong_phase")


def test_join_a_closed_room_is_refused(client):
    body = created_room(client)
    services.room_close_sync(body["room_id"], "test")
    assert_error(join(client, body["room_id"], "Bob"), 409, "room_closed")


def test_join_with_a_bad_body(client):
    body = created_room(client)
    assert_error(post(client, f"/api/rooms/{body['room_id']}/join/", {}), 400, "invalid_argument")


# --------------------------------------------------------------------------- list, detail, health


def test_list_shows_waiting_and_playing_rooms_but_not_closed_or_deserted_ones(client):
    created = created_room(client, "W")
    waiting = created["room_id"]
    services.presence_add_sync(waiting, created["token"], "w-socket")  # W is at the table
    playing = created_room(client, "P", bots=3)["room_id"]
    start(playing)
    closed = created_room(client, "C")["room_id"]
    services.room_close_sync(closed, "test")
    # A waiting room whose human left (her socket closed) is no use to anyone: not listed.
    created = created_room(client, "D")
    deserted = created["room_id"]
    services.presence_add_sync(deserted, created["token"], "d-socket")
    services.presence_remove_sync(deserted, created["seat"], "d-socket")

    response = client.get("/api/rooms/")
    assert response.status_code == 200
    listed = {r["room_id"]: r for r in response.json()}
    assert set(listed) == {waiting, playing}
    assert all(r["listed"] for r in listed.values())
    # The deserted room stays joinable by its code.
    assert detail(client, deserted)["listed"] is False
    joined = post(client, f"/api/rooms/{deserted}/join/", {"player_name": "E"})
    assert joined.status_code == 201, joined.content
    assert listed[waiting]["status"] == "waiting"
    assert listed[waiting]["phase"] == "waiting"
    assert listed[playing]["status"] == "playing"
    assert listed[playing]["phase"] != "waiting"
    for summary in listed.values():
        for key in ("host_seat", "host", "players", "seats", "round", "created_at"):
            assert key in summary
        assert len(summary["seats"]) == 4
        # Public summaries: nobody's hand.
        assert "hand" not in str(summary)
    # Newest first.
    assert [r["room_id"] for r in response.json()] == [playing, waiting]
    # The closed room can still be looked at.
    assert detail(client, closed)["status"] == "closed"


def test_list_is_empty_without_rooms(client):
    response = client.get("/api/rooms/")
    assert response.status_code == 200
    assert response.json() == []


def test_detail(client):
    body = created_room(client, bots=1)
    join(client, body["room_id"], "Bob")
    summary = detail(client, body["room_id"])
    assert summary["room_id"] == body["room_id"]
    assert summary["status"] == "waiting"
    assert summary["round"] == 0
    assert summary["version"] == Room.objects.get(pk=body["room_id"]).version
    assert [(s["seat"], s["name"], s["is_bot"]) for s in summary["seats"]] == [
        (0, "Alice", False),
        (1, "Bot Ada", True),
        (2, "Bob", False),
        (3, None, False),
    ]
    assert detail(client, body["room_id"].lower())["room_id"] == body["room_id"]


def test_detail_of_an_unknown_room_is_404(client):
    assert_error(client.get("/api/rooms/ZZZZZZ/"), 404, "room_not_found")


def test_health(client):
    response = client.get("/api/health/")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}


# --------------------------------------------------------------------------- seeds


def first_deal(room_id: str) -> dict[str, Any]:
    return Event.objects.filter(room_id=room_id, type="hands_dealt").order_by("seq").first().payload


def test_seed_is_refused_when_not_allowed(client, settings):
    settings.LIAPTUI_ALLOW_SEED = False
    assert_error(create(client, seed=42), 400, "seed_not_allowed")
    assert Room.objects.count() == 0
    assert Event.objects.count() == 0
    # Without a seed the same request is fine.
    assert create(client).status_code == 201


@pytest.mark.parametrize("seed", [-1, "x", 2**53 + 1, 1.5])
def test_bad_seed_is_invalid_argument(client, settings, seed):
    settings.LIAPTUI_ALLOW_SEED = True
    assert_error(create(client, seed=seed), 400, "invalid_argument")


def test_the_same_seed_gives_the_same_deal(client, settings):
    settings.LIAPTUI_ALLOW_SEED = True
    a = created_room(client, "A", bots=3, seed=12345)["room_id"]
    b = created_room(client, "B", bots=3, seed=12345)["room_id"]
    c = created_room(client, "C", bots=3, seed=54321)["room_id"]
    for room_id in (a, b, c):
        start(room_id)
    assert Room.objects.get(pk=a).seed == 12345
    started = Event.objects.get(room_id=a, type="game_started").payload
    assert started["seed"] == 12345
    deal_a, deal_b, deal_c = first_deal(a), first_deal(b), first_deal(c)
    assert deal_a == deal_b
    assert sorted(sum(deal_a["hands"], [])) == sorted(sum(deal_c["hands"], []))
    assert deal_a["hands"] != deal_c["hands"]


def test_seed_zero_is_a_seed(client, settings):
    settings.LIAPTUI_ALLOW_SEED = True
    a = created_room(client, "A", bots=3, seed=0)["room_id"]
    b = created_room(client, "B", bots=3, seed=0)["room_id"]
    start(a)
    start(b)
    assert Event.objects.get(room_id=a, type="game_started").payload["seed"] == 0
    assert first_deal(a) == first_deal(b)


# --------------------------------------------------------------------------- session


def test_the_session_keeps_the_seat_token(client):
    created = created_room(client)
    room_id = created["room_id"]
    # A later request of the same browser carries the session with the token.
    assert client.get("/api/health/").status_code == 200
    assert client.session[f"liaptui.token.{room_id}"] == created["token"]

    other = created_room(client, "Host")
    joined = join(client, other["room_id"], "Bob").json()
    session = client.session
    assert session[f"liaptui.token.{other['room_id']}"] == joined["token"]
    assert session[f"liaptui.token.{room_id}"] == created["token"]


def test_sessions_are_per_browser(client):
    from django.test import Client

    created = created_room(client)
    stranger = Client()
    stranger.get("/api/health/")
    assert f"liaptui.token.{created['room_id']}" not in stranger.session


# --------------------------------------------------------------------------- room ids


def _ids(monkeypatch, *ids: str) -> list[str]:
    """Make the id generator return ``ids`` in order; returns the list of ids handed out."""
    queue = list(ids)
    handed: list[str] = []

    def fake() -> str:
        room_id = queue.pop(0) if queue else new_room_id()
        handed.append(room_id)
        return room_id

    monkeypatch.setattr(services, "new_room_id", fake)
    return handed


def _fresh(*taken: str) -> str:
    while True:
        room_id = new_room_id()
        if room_id not in taken:
            return room_id


def test_an_existing_room_id_is_not_reused(client, monkeypatch):
    existing = created_room(client)["room_id"]
    before = Room.objects.get(pk=existing)
    fresh = _fresh(existing)
    handed = _ids(monkeypatch, existing, fresh)
    body = created_room(client, "Bob")
    assert handed == [existing, fresh]
    assert body["room_id"] == fresh
    after = Room.objects.get(pk=existing)
    assert (after.version, after.summary) == (before.version, before.summary)
    assert Event.objects.filter(room_id=existing).count() == before.version


def test_an_id_only_in_the_event_log_is_not_reused(client, monkeypatch):
    old = created_room(client)["room_id"]
    events = Event.objects.filter(room_id=old).count()
    Room.objects.filter(pk=old).delete()
    assert Event.objects.filter(room_id=old).count() == events > 0
    fresh = _fresh(old)
    handed = _ids(monkeypatch, old, fresh)
    body = created_room(client, "Bob")
    assert handed == [old, fresh]
    assert body["room_id"] == fresh
    # The old room's history is untouched: nothing was appended under its id.
    assert Event.objects.filter(room_id=old).count() == events
    assert not Room.objects.filter(pk=old).exists()


def test_room_ids_use_the_unambiguous_alphabet():
    assert not set(ROOM_ID_ALPHABET) & set("0O1I")
    for _ in range(200):
        assert ROOM_ID_RE.match(new_room_id())
