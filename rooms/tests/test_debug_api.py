"""The debug API (docs/protocol.md): a room's events, its replay at any point, its live state,
log totals, and who may see them."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from typing import Any

import pytest
from django.test import Client

from eventlog.models import Event
from eventlog.selectors import event_dict, log_stats
from game.views import omniscient_view
from rooms import services
from rooms.models import Room
from rooms.tests.games import Game, as_json, fire_until, play_bot_game, recorded_game


@pytest.fixture(autouse=True)
def fast_passwords(settings):
    """A fast password hasher for admin_client and the staff users."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(scope="module")
def game(django_db_setup, django_db_blocker) -> Iterator[Game]:
    """One full bot game, played once for the module."""
    yield from recorded_game(django_db_blocker)


# --------------------------------------------------------------------------- debug API


@pytest.mark.django_db
def test_debug_replay_matches_the_omniscient_view_of_the_live_state(game, admin_client):
    sample = sorted({*range(0, game.n + 1, 25), game.n})
    for k in sample:
        response = admin_client.get(f"/api/debug/replay/{game.room_id}/", {"upto": k})
        assert response.status_code == 200, response.content
        body = response.json()
        assert body["room_id"] == game.room_id
        assert body["version"] == body["events_applied"] == k
        assert body["state"] == as_json(omniscient_view(game.live[k])), f"differs at {k}"
    # Hidden hands are visible there (that is why it is staff-only).
    middle = admin_client.get(f"/api/debug/replay/{game.room_id}/", {"upto": sample[2]}).json()
    assert any(middle["state"]["hands"])


@pytest.mark.django_db
def test_debug_replay_bounds(game, admin_client):
    url = f"/api/debug/replay/{game.room_id}/"
    body = admin_client.get(url).json()
    assert body["events_applied"] == game.n
    assert body["state"]["phase"] == "game_over"
    assert admin_client.get(url, {"upto": ""}).json()["events_applied"] == game.n
    for bad in (game.n + 1, -1, "x", "1.5"):
        response = admin_client.get(url, {"upto": bad})
        assert response.status_code == 400, bad
        assert response.json()["error"]["code"] == "invalid_argument"


@pytest.mark.django_db
def test_debug_state_equals_debug_replay(game, admin_client):
    state_url = f"/api/debug/rooms/{game.room_id}/state/"
    replay_url = f"/api/debug/replay/{game.room_id}/"
    for clear in (False, True, True):
        if clear:
            services.cache_clear()
        live = admin_client.get(state_url)
        replayed = admin_client.get(replay_url)
        assert live.status_code == replayed.status_code == 200
        assert live.json() == replayed.json()
        assert live.json()["version"] == game.n
    # Lowercase ids are accepted too.
    lower = admin_client.get(f"/api/debug/rooms/{game.room_id.lower()}/state/")
    assert lower.json() == admin_client.get(state_url).json()


@pytest.mark.django_db
def test_debug_state_of_a_running_room_equals_replay(admin_client):
    created = services.room_create_sync("Alice", 3)
    room_id = created.room_id
    services.room_act_sync(room_id, 0, "start_game", {})
    fire_until(room_id, lambda: Event.objects.filter(room_id=room_id, type="played").count() > 5)
    state_url = f"/api/debug/rooms/{room_id}/state/"
    replay_url = f"/api/debug/replay/{room_id}/"
    assert admin_client.get(state_url).json() == admin_client.get(replay_url).json()
    services.cache_clear()
    assert admin_client.get(state_url).json() == admin_client.get(replay_url).json()
    assert admin_client.get(state_url).json()["state"]["phase"] != "waiting"


@pytest.mark.django_db
def test_debug_events_lists_the_log(game, admin_client):
    url = f"/api/debug/events/{game.room_id}/"
    body = admin_client.get(url, {"limit": 1000}).json()
    assert body["room_id"] == game.room_id
    expected = min(game.n, 1000)
    assert body["count"] == len(body["events"]) == expected
    assert body["events"] == as_json([event_dict(row) for row in game.rows[:expected]])
    assert body["next_after"] == (None if game.n <= 1000 else game.rows[999].seq)
    # The default page is 100 events.
    first = admin_client.get(url).json()
    assert first["count"] == 100
    assert first["next_after"] == 100
    assert [e["seq"] for e in first["events"]] == list(range(1, 101))


@pytest.mark.django_db
def test_debug_events_filters(game, admin_client):
    url = f"/api/debug/events/{game.room_id}/"
    after = admin_client.get(url, {"after": game.n - 5}).json()
    assert [e["seq"] for e in after["events"]] == list(range(game.n - 4, game.n + 1))
    assert after["next_after"] is None
    assert admin_client.get(url, {"after": game.n}).json()["events"] == []

    played = [row.seq for row in game.rows if row.type == "played"]
    body = admin_client.get(url, {"type": "played", "limit": 1000}).json()
    assert [e["seq"] for e in body["events"]] == played[:1000]
    assert {e["type"] for e in body["events"]} == {"played"}

    combined = admin_client.get(url, {"type": "played", "after": played[9], "limit": 3}).json()
    assert [e["seq"] for e in combined["events"]] == played[10:13]
    assert combined["next_after"] == played[12]

    # An unknown type is an error naming the types there are (not an empty list).
    unknown = admin_client.get(url, {"type": "no_such_type"})
    assert unknown.status_code == 400
    assert unknown.json()["error"]["code"] == "invalid_argument"
    assert "played" in unknown.json()["error"]["message"]
    # A huge limit is capped, not refused.
    capped = admin_client.get(url, {"limit": 10**6})
    assert capped.status_code == 200
    assert capped.json()["count"] == min(game.n, 1000)


@pytest.mark.django_db
@pytest.mark.parametrize("limit", [7, 100])
def test_debug_events_pagination_covers_the_log_once(game, admin_client, limit):
    url = f"/api/debug/events/{game.room_id}/"
    seen: list[int] = []
    after = 0
    pages = 0
    while after is not None:
        body = admin_client.get(url, {"after": after, "limit": limit}).json()
        assert body["count"] <= limit
        seen += [e["seq"] for e in body["events"]]
        after = body["next_after"]
        pages += 1
        assert pages <= game.n + 1
    assert seen == list(range(1, game.n + 1))


@pytest.mark.django_db
def test_debug_events_pagination_one_by_one(game, admin_client):
    url = f"/api/debug/events/{game.room_id}/"
    seen: list[int] = []
    after = game.n - 20
    while after is not None:
        body = admin_client.get(url, {"after": after, "limit": 1}).json()
        assert body["count"] == len(body["events"]) == 1
        seen.append(body["events"][0]["seq"])
        after = body["next_after"]
    assert seen == list(range(game.n - 19, game.n + 1))


@pytest.mark.django_db
def test_debug_events_pagination_exact_multiple(game, admin_client):
    """When the last page is exactly full, next_after is None (no empty extra page)."""
    url = f"/api/debug/events/{game.room_id}/"
    body = admin_client.get(url, {"after": game.n - 10, "limit": 10}).json()
    assert body["count"] == 10
    assert body["next_after"] is None


@pytest.mark.django_db
@pytest.mark.parametrize(("param", "value"), [("after", "x"), ("after", -1), ("limit", 0)])
def test_debug_events_bad_parameters(game, admin_client, param, value):
    response = admin_client.get(f"/api/debug/events/{game.room_id}/", {param: value})
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "invalid_argument"


@pytest.mark.django_db
@pytest.mark.parametrize(
    "url",
    [
        "/api/debug/events/ZZZZZZ/",
        "/api/debug/replay/ZZZZZZ/",
        "/api/debug/rooms/ZZZZZZ/state/",
    ],
)
def test_debug_unknown_room_is_404(admin_client, url):
    response = admin_client.get(url)
    assert response.status_code == 404
    body = response.json()
    assert set(body) == {"error"}
    assert body["error"]["code"] == "room_not_found"
    assert body["error"]["message"]


# --------------------------------------------------------------------------- stats


@pytest.mark.django_db
def test_stats_count_exactly_the_events_written(admin_client):
    before = log_stats()
    written: list[dict[str, Any]] = []

    def record(w: services.Written) -> None:
        written.extend(w.events)

    room_a = play_bot_game(on_write=record)
    created = services.room_create_sync("Bob", 1)
    record(created)
    record(services.room_join_sync(created.room_id, "Carol"))
    record(services.room_close_sync(created.room_id, "test"))

    body = admin_client.get("/api/debug/stats/").json()
    assert body == log_stats()
    assert body["total_events"] == Event.objects.count()
    assert body["total_events"] - before["total_events"] == len(written)
    assert sum(body["by_type"].values()) == body["total_events"]
    gained = Counter(body["by_type"]) - Counter(before["by_type"])
    assert gained == Counter(e["type"] for e in written)
    assert body["rooms"] - before["rooms"] == 2
    assert body["rooms"] == Event.objects.values("room_id").distinct().count()
    assert body["last_id"] == max(e["id"] for e in written)
    assert body["last_id"] == Event.objects.order_by("-id").first().id
    # Every event the service reported is in the log, once.
    stored = set(Event.objects.filter(room_id__in=[room_a, created.room_id]).values_list("id"))
    assert {(e["id"],) for e in written} == stored


@pytest.mark.django_db
def test_stats_keep_counting_rooms_whose_row_is_gone(admin_client):
    created = services.room_create_sync("Alice")
    before = log_stats()
    Room.objects.filter(pk=created.room_id).delete()
    assert log_stats() == before


# --------------------------------------------------------------------------- permissions

DEBUG_URLS = [
    "/api/debug/events/{room_id}/",
    "/api/debug/replay/{room_id}/",
    "/api/debug/rooms/{room_id}/state/",
    "/api/debug/stats/",
]


@pytest.fixture
def small_room(db) -> str:
    return services.room_create_sync("Alice", 3).room_id


@pytest.mark.django_db
@pytest.mark.parametrize("template", DEBUG_URLS)
def test_debug_api_is_staff_only_without_debug(
    small_room, client, admin_client, settings, template
):
    settings.DEBUG = False
    url = template.format(room_id=small_room)
    response = client.get(url)
    assert response.status_code == 403
    assert set(response.json()) == {"error"}
    assert admin_client.get(url).status_code == 200


@pytest.mark.django_db
@pytest.mark.parametrize("template", DEBUG_URLS)
def test_debug_api_refuses_non_staff_users(
    small_room, client, django_user_model, settings, template
):
    settings.DEBUG = False
    user = django_user_model.objects.create_user("player", password="pw-123456-long")
    client.force_login(user)
    response = client.get(template.format(room_id=small_room))
    assert response.status_code == 403
    assert response.json()["error"]["code"] == "permission_denied"


@pytest.mark.django_db
@pytest.mark.parametrize("template", DEBUG_URLS)
def test_debug_api_is_open_with_debug(small_room, client, settings, template):
    settings.DEBUG = True
    response = client.get(template.format(room_id=small_room))
    assert response.status_code == 200, response.content


@pytest.mark.django_db
def test_debug_api_staff_flag_is_enough(small_room, django_user_model, settings):
    settings.DEBUG = False
    staff = django_user_model.objects.create_user("staff", password="pw-123456-long")
    staff.is_staff = True
    staff.save()
    client = Client()
    client.force_login(staff)
    assert client.get(f"/api/debug/replay/{small_room}/").status_code == 200
