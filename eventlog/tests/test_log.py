"""The event log of a whole game (docs/architecture.md): gapless sequences, phases, replay at every
point, the debug API, its permissions, and one transaction per write."""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

import pytest
from django.core.management import call_command
from django.db import IntegrityError, transaction
from django.test import Client, override_settings

from eventlog.models import Event
from eventlog.selectors import event_dict, log_stats, replay
from eventlog.services import event_append
from game.engine import apply
from game.errors import RuleError
from game.state import Event as GameEvent
from game.state import GameState, Phase
from game.views import omniscient_view
from rooms import services
from rooms.errors import RoomError
from rooms.models import Room, RoomStatus

from .conftest import fire_until, play_bot_game

PHASES = {phase.value for phase in Phase}


# --------------------------------------------------------------------------- one game for all


@dataclass
class Game:
    room_id: str
    rows: list[Event]
    #: the states live play produced (``execute``, not a replay), by version
    written: dict[int, GameState] = field(default_factory=dict)
    #: the state after event k, folded with ``apply`` over the stored events: ``live[k]``
    live: list[GameState] = field(default_factory=list)

    @property
    def n(self) -> int:
        return len(self.rows)


@pytest.fixture(scope="module")
def game(django_db_setup, django_db_blocker) -> Game:
    """One full bot game, played once for the module (committed; deleted afterwards)."""
    written: dict[int, GameState] = {}

    def record(w: services.Written) -> None:
        written[w.version] = w.state

    quick = {"LIAPTUI_TIME_SCALE": 0, "LIAPTUI_SWEEP_INTERVAL": 0, "LIAPTUI_ALLOW_SEED": True}
    with django_db_blocker.unblock(), override_settings(**quick):
        services.cache_clear()
        room_id = play_bot_game(on_write=record)
        rows = list(Event.objects.filter(room_id=room_id).order_by("seq"))
    live = [GameState()]
    for row in rows:
        live.append(apply(live[-1], GameEvent(row.type, row.payload, row.actor)))
    yield Game(room_id, rows, written, live)
    with django_db_blocker.unblock():
        # The log is append-only (a trigger on PostgreSQL): only a flush, as between
        # transactional tests, empties it.
        call_command("flush", "--noinput")
    services.cache_clear()


def as_json(value: Any) -> Any:
    return json.loads(json.dumps(value))


# --------------------------------------------------------------------------- the log itself


@pytest.mark.django_db
def test_seq_is_gapless_and_the_version_is_the_last_seq(game):
    seqs = [row.seq for row in game.rows]
    assert seqs == list(range(1, game.n + 1))
    assert len(set(seqs)) == len(seqs)
    room = Room.objects.get(pk=game.room_id)
    assert room.status == RoomStatus.FINISHED
    assert room.version == game.n
    assert room.finished_at is not None
    assert room.deadline_at is None
    # Ids grow with seq (one writer, appends only).
    ids = [row.id for row in game.rows]
    assert ids == sorted(ids)


@pytest.mark.django_db
def test_the_game_has_every_kind_of_game_event(game):
    types = Counter(row.type for row in game.rows)
    for kind in (
        "room_created",
        "seat_taken",
        "host_changed",
        "bot_added",
        "game_started",
        "phase_change",
        "hands_dealt",
        "declared",
        "played",
        "turn_won",
        "round_scored",
        "game_over",
    ):
        assert types[kind] > 0, kind
    assert types["room_created"] == types["game_started"] == types["game_over"] == 1
    assert game.rows[0].type == "room_created"
    assert game.rows[-1].type == "game_over"
    assert types["round_scored"] == game.live[-1].round
    assert types["turn_won"] == sum(s.turns_won for s in game.live[-1].seats)


@pytest.mark.django_db
def test_every_event_has_a_phase_and_it_changes_only_at_phase_change(game):
    previous = "waiting"
    for row, after in zip(game.rows, game.live[1:], strict=True):
        assert row.phase in PHASES, row
        assert row.phase == after.phase.value, row
        if row.type == "phase_change":
            assert row.phase == row.payload["phase"], row
            assert row.phase != previous, f"phase_change to the same phase at {row}"
        else:
            assert row.phase == previous, f"phase moved without a phase_change at {row}"
        previous = row.phase
    assert game.rows[0].phase == "waiting"
    assert game.rows[-1].phase == "game_over"


@pytest.mark.django_db
def test_actors_are_seats_or_system(game):
    for row in game.rows:
        assert row.actor is None or 0 <= row.actor <= 3, row
        if row.type in ("declared", "played", "redeal_decided") and row.actor is not None:
            assert row.actor == row.payload["seat"], row
        if row.type in ("phase_change", "hands_dealt", "turn_won", "round_scored", "game_over"):
            assert row.actor is None, row


@pytest.mark.django_db
def test_replay_equals_the_live_state_after_every_event(game):
    for k in range(game.n + 1):
        state, applied = replay(game.room_id, upto=k)
        assert applied == k
        assert state == game.live[k], f"replay differs after event {k}"


@pytest.mark.django_db
def test_replay_equals_the_state_live_play_produced(game):
    """The service's states came from ``execute`` (decide + apply while deciding): the log's
    fold must reach exactly the same states."""
    assert max(game.written) == game.n
    for version, state in game.written.items():
        assert game.live[version] == state, f"live play and the log differ at version {version}"
    assert replay(game.room_id)[0] == game.written[game.n]


@pytest.mark.django_db
def test_replay_without_upto_is_the_last_state(game):
    state, applied = replay(game.room_id)
    assert applied == game.n
    assert state == game.live[-1]
    assert state.phase is Phase.GAME_OVER
    assert state.winners


@pytest.mark.django_db
def test_catching_up_a_cached_state_equals_a_full_replay(game):
    for k in range(0, game.n + 1, 50):
        state, last = replay(game.room_id, state=game.live[k], after=k)
        assert last == game.n
        assert state == game.live[-1]


@pytest.mark.django_db
def test_room_state_rebuilds_from_the_log(game):
    services.cache_clear()
    state, version = services.room_state(game.room_id)
    assert version == game.n
    assert state == game.live[-1]
    # The rebuilt state is cached for the current version.
    assert services.cached_state(game.room_id, game.n) == state


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


# --------------------------------------------------------------------------- transactions


def _snapshot(room_id: str) -> tuple[int, int, int, dict[str, Any]]:
    room = Room.objects.get(pk=room_id)
    return (
        Event.objects.count(),
        Event.objects.filter(room_id=room_id).count(),
        room.version,
        room.summary,
    )


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("seat", "action", "args", "code"),
    [
        (1, "start_game", {}, "not_host"),
        (0, "declare", {"value": 3}, "wrong_phase"),
        (0, "add_bot", {"seat": 1}, "seat_taken"),
        (0, "remove_seat", {"seat": 0}, "invalid_argument"),
        (0, "fly", {}, "unknown_command"),
        (None, "start_game", {}, "not_seated"),
    ],
)
def test_a_refused_action_changes_nothing_before_the_start(seat, action, args, code):
    room_id = services.room_create_sync("Alice", 3).room_id
    before = _snapshot(room_id)
    with pytest.raises(RuleError) as refused:
        services.room_act_sync(room_id, seat, action, args)
    assert refused.value.code == code
    assert _snapshot(room_id) == before
    services.cache_clear()
    assert services.room_state(room_id)[0] == replay(room_id)[0]


@pytest.mark.django_db
def test_a_refused_move_in_a_running_game_changes_nothing():
    room_id = services.room_create_sync("Alice", 3).room_id
    services.room_act_sync(room_id, 0, "start_game", {})
    # Go to the first turn.
    fire_until(room_id, lambda: Room.objects.get(pk=room_id).summary["phase"] == "turn")
    state, version = services.room_state(room_id)
    leader = state.turn.leader
    other = (leader + 1) % 4
    before = _snapshot(room_id)
    attempts = [
        (other, "play", {"pieces": [state.seats[other].hand[0]]}, "not_your_turn"),
        (leader, "play", {"pieces": ["GENERAL_RED", "GENERAL_BLACK"]}, None),
        (leader, "play", {"pieces": []}, "invalid_play"),
        (leader, "declare", {"value": 1}, "wrong_phase"),
        (leader, "redeal", {"accept": True}, "no_redeal_pending"),
        (leader, "start_game", {}, None),
    ]
    for seat, action, args, code in attempts:
        with pytest.raises(RuleError) as refused:
            services.room_act_sync(room_id, seat, action, args)
        if code is not None:
            assert refused.value.code == code
        assert _snapshot(room_id) == before, (action, args)
    assert services.room_state(room_id) == (state, version)


@pytest.mark.django_db
@pytest.mark.parametrize(
    "failing", ["rooms.repository.room_summary", "rooms.services._issue_token"]
)
def test_a_failure_after_the_append_rolls_the_events_back(monkeypatch, failing):
    """The append and the room row move together: if anything fails after the events were
    inserted (the lobby summary, the seat token), none of them stays."""
    room_id = services.room_create_sync("Alice").room_id
    before = _snapshot(room_id)
    cached = services.room_state(room_id)

    def boom(*args):
        raise RuntimeError("disk on fire")

    monkeypatch.setattr(failing, boom)
    with pytest.raises(RuntimeError):
        services.room_join_sync(room_id, "Bob")
    monkeypatch.undo()
    assert _snapshot(room_id) == before
    assert services.room_state(room_id) == cached
    services.cache_clear()
    assert services.room_state(room_id)[0].seats[1].name is None
    # The room goes on with a gapless log.
    assert services.room_join_sync(room_id, "Bob").seat == 1
    seqs = list(Event.objects.filter(room_id=room_id).order_by("seq").values_list("seq", flat=True))
    assert seqs == list(range(1, len(seqs) + 1))


@pytest.mark.django_db
def test_a_failed_create_leaves_no_room_and_no_events(monkeypatch):
    def boom(room_id, seat):
        raise RuntimeError("no entropy")

    before = (Room.objects.count(), Event.objects.count())
    monkeypatch.setattr(services, "_issue_token", boom)
    with pytest.raises(RuntimeError):
        services.room_create_sync("Alice", 2)
    assert (Room.objects.count(), Event.objects.count()) == before


@pytest.mark.django_db
def test_a_refused_create_leaves_no_room_and_no_events():
    before = (Room.objects.count(), Event.objects.count())
    with pytest.raises(RuleError):
        services.room_create_sync("   ", 2)
    with pytest.raises(RoomError):
        services.room_create_sync("Alice", 4)
    assert (Room.objects.count(), Event.objects.count()) == before


@pytest.mark.django_db
def test_a_stale_writer_cannot_append():
    """Two writers with the same expected version: the second append fails."""
    room_id = services.room_create_sync("Alice").room_id
    version = Room.objects.get(pk=room_id).version
    event = GameEvent("player_connected", {"seat": 0}, 0)
    with transaction.atomic():
        event_append(room_id, version, [event], ["waiting"])
    with pytest.raises(IntegrityError), transaction.atomic():
        event_append(room_id, version, [event], ["waiting"])
    assert Event.objects.filter(room_id=room_id).count() == version + 1


@pytest.mark.django_db
def test_firing_is_idempotent_when_nothing_is_due():
    room_id = services.room_create_sync("Alice", 3).room_id
    before = _snapshot(room_id)
    assert services.room_fire_sync(room_id) is None
    assert _snapshot(room_id) == before


@pytest.mark.django_db
def test_a_deadline_in_the_future_is_not_fired(settings):
    settings.LIAPTUI_TIME_SCALE = 1
    room_id = services.room_create_sync("Alice", 3).room_id
    services.room_act_sync(room_id, 0, "start_game", {})
    room = Room.objects.get(pk=room_id)
    assert room.deadline_at is not None
    before = _snapshot(room_id)
    assert services.room_fire_sync(room_id) is None
    assert _snapshot(room_id) == before


@pytest.mark.django_db
def test_an_unknown_room_is_room_not_found():
    with pytest.raises(RoomError) as missing:
        services.room_act_sync("ZZZZZZ", 0, "start_game", {})
    assert missing.value.code == "room_not_found"
    assert Event.objects.filter(room_id="ZZZZZZ").count() == 0


@pytest.mark.django_db
def test_a_rolled_back_join_does_not_poison_the_cache(monkeypatch):
    room_id = services.room_create_sync("Alice").room_id
    version = Room.objects.get(pk=room_id).version

    def boom(room_id, seat):
        raise RuntimeError("no entropy")

    monkeypatch.setattr(services, "_issue_token", boom)
    with pytest.raises(RuntimeError):
        services.room_join_sync(room_id, "Bob")
    monkeypatch.undo()
    # Another process (same database, its own cache) lets Carol join: the log reaches the
    # version the phantom join had, with different events.
    with transaction.atomic():
        event_append(
            room_id,
            version,
            [GameEvent("seat_taken", {"seat": 1, "name": "Carol"}, 1)],
            ["waiting"],
        )
        Room.objects.filter(pk=room_id).update(version=version + 1)
    state, now = services.room_state(room_id)
    assert now == version + 1
    assert state.seats[1].name == "Carol"
    assert state == replay(room_id)[0]
