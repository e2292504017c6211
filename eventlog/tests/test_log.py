"""The event log of a whole game (docs/architecture.md): gapless sequences, phases, replay at every
point, and one transaction per write. The debug API that reads it: rooms/tests/test_debug_api.py."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from typing import Any

import pytest
from django.db import IntegrityError, transaction

from eventlog.models import Event
from eventlog.selectors import replay
from eventlog.services import event_append
from game.errors import RuleError
from game.state import Event as GameEvent
from game.state import Phase
from rooms import services
from rooms.errors import RoomError
from rooms.models import Room, RoomStatus
from rooms.tests.games import Game, fire_until, recorded_game

PHASES = {phase.value for phase in Phase}


# --------------------------------------------------------------------------- one game for all


@pytest.fixture(scope="module")
def game(django_db_setup, django_db_blocker) -> Iterator[Game]:
    """One full bot game, played once for the module."""
    yield from recorded_game(django_db_blocker)


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
