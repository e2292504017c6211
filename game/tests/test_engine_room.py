"""The room life cycle through decide/execute/apply: create, join, bots, seats, connections,
the host and closing."""

from __future__ import annotations

import re

import pytest

from game.engine import deadline, decide, execute, fold, to_act
from game.state import Config, GameState, Phase

from .helpers import NAMES, cmd, full_room, new_room, refused, run, started, types


def test_create_room():
    state = GameState()
    events, after = execute(state, cmd("create_room", 0, room_id="R1", name="Ann"))
    assert types(events) == ["room_created", "seat_taken", "host_changed"]
    assert events[0].payload == {
        "room_id": "R1",
        "max_rounds": 20,
        "win_score": 50,
        "language": "en",
    }
    assert after.room_id == "R1"
    assert after.config == Config(max_rounds=20, win_score=50)
    assert after.phase is Phase.WAITING
    assert after.host_seat == 0
    assert after.seats[0].name == "Ann"
    assert after.seats[0].is_human and not after.seats[0].connected
    assert [s.taken for s in after.seats] == [True, False, False, False]
    assert state == GameState()  # decide never mutates
    assert to_act(after) == []
    assert deadline(after) is None


def test_create_room_with_config_and_trimmed_name():
    state = run(
        GameState(), cmd("create_room", 0, room_id="R", name="  Ann  ", max_rounds=3, win_score=9)
    )
    assert state.config == Config(max_rounds=3, win_score=9)
    assert state.seats[0].name == "Ann"


def test_decide_equals_execute_and_fold():
    state = new_room()
    command = cmd("join", name="Bob")
    events = decide(state, command)
    _, after = execute(state, command)
    assert events == execute(state, command)[0]
    assert fold(events, state) == after


def test_join_fills_the_first_empty_seat():
    state = full_room()
    assert [s.name for s in state.seats] == list(NAMES)
    assert state.host_seat == 0
    state = run(state, cmd("remove_seat", 0, seat=2))
    assert not state.seats[2].taken
    events, state = execute(state, cmd("join", name="Eve"))
    assert types(events) == ["seat_taken"]
    assert events[0].payload == {"seat": 2, "name": "Eve"}
    assert events[0].actor == 2
    assert state.seats[2].name == "Eve"


def test_add_bot_and_remove_it():
    state = new_room()
    events, state = execute(state, cmd("add_bot", 0, seat=2))
    assert types(events) == ["bot_added"]
    assert events[0].payload["strategy"] == "smart"
    bot = state.seats[2]
    assert bot.is_bot and bot.bot == "smart" and bot.connected and bot.taken
    assert bot.name.startswith("Bot ")
    events, state = execute(state, cmd("add_bot", 0, seat=3, strategy="greedy"))
    assert state.seats[3].bot == "greedy"
    assert state.seats[3].name != state.seats[2].name
    events, state = execute(state, cmd("remove_seat", 0, seat=2))
    assert types(events) == ["seat_freed"]
    assert events[0].payload == {"seat": 2, "reason": "removed"}
    assert not state.seats[2].taken and not state.seats[2].is_bot


def test_three_bots_get_distinct_names():
    state = run(new_room(), *[cmd("add_bot", 0, seat=s) for s in (1, 2, 3)])
    names = [s.name.casefold() for s in state.seats]
    assert len(set(names)) == 4


def test_bot_name_never_clashes_case_insensitively_with_a_human():
    state = run(GameState(), cmd("create_room", 0, room_id="R", name="bot ada"))
    state = run(state, cmd("add_bot", 0, seat=1))
    assert state.seats[1].name.casefold() != "bot ada"


@pytest.mark.parametrize(
    ("language", "script"),
    [
        ("en", r"^Bot [A-Z][a-z]+$"),
        ("th", r"^บอท [\u0e00-\u0e7f]+$"),
        ("zh-hans", r"^机器人[\u4e00-\u9fff]{2}$"),
    ],
)
def test_bots_are_named_in_the_language_of_the_room(language, script):
    create = cmd("create_room", 0, room_id="R", name="Ann", language=language)
    events, state = execute(GameState(), create)
    assert events[0].payload["language"] == language
    assert state.config.language == language
    state = run(state, *[cmd("add_bot", 0, seat=s) for s in (1, 2, 3)])
    names = [s.name for s in state.seats[1:]]
    assert len(set(names)) == 3
    assert all(re.match(script, name) for name in names), names


def test_a_room_in_an_unknown_language_is_refused():
    create = cmd("create_room", 0, room_id="R", name="Ann", language="fr")
    error = refused(GameState(), create, "invalid_argument")
    assert error.params == {"reason": "language", "choices": ["en", "th", "zh-hans"]}


def test_a_removed_human_seat_is_freed():
    state = run(full_room(), cmd("remove_seat", 0, seat=1))
    assert not state.seats[1].taken
    assert state.host_seat == 0


def test_leave_before_the_start_frees_the_seat():
    events, state = execute(full_room(), cmd("leave", 2))
    assert types(events) == ["seat_freed"]
    assert events[0].payload == {"seat": 2, "reason": "left"}
    assert not state.seats[2].taken
    assert state.host_seat == 0
    assert not state.closed


def test_host_leaving_passes_host_to_the_next_human_clockwise():
    state = full_room()  # Ann 0 (host), Bob 1, Cat 2, Dan 3, nobody connected
    events, state = execute(state, cmd("leave", 0))
    assert types(events) == ["seat_freed", "host_changed"]
    assert state.host_seat == 1
    state = run(state, cmd("leave", 1))
    assert state.host_seat == 2
    state = run(state, cmd("join", name="Eve"))  # takes seat 0
    assert state.seats[0].name == "Eve"
    # From seat 2 clockwise: Dan (3) comes before Eve (0).
    assert run(state, cmd("leave", 2)).host_seat == 3
    # A connected human is preferred to an absent one.
    state = run(state, cmd("connect", 0))
    assert run(state, cmd("leave", 2)).host_seat == 0


def test_last_human_leaving_closes_the_room():
    state = run(new_room(), *[cmd("add_bot", 0, seat=s) for s in (1, 2, 3)])
    events, state = execute(state, cmd("leave", 0))
    assert types(events) == ["seat_freed", "room_closed"]
    assert events[-1].payload == {"reason": "empty"}
    assert state.closed
    assert to_act(state) == []
    assert deadline(state) is None
    refused(state, cmd("join", name="Zed"), "room_closed")
    refused(state, cmd("add_bot", 0, seat=0), "room_closed")


def test_close_command():
    events, state = execute(full_room(), cmd("close", reason="expired"))
    assert types(events) == ["room_closed"]
    assert events[0].payload == {"reason": "expired"}
    assert state.closed
    refused(state, cmd("start_game", 0, seed=1), "room_closed")
    assert execute(full_room(), cmd("close"))[0][0].payload == {"reason": "closed"}


def test_connect_and_disconnect():
    state = full_room()
    events, state = execute(state, cmd("connect", 1))
    assert types(events) == ["player_connected"]
    assert state.seats[1].connected
    assert execute(state, cmd("connect", 1))[0] == []  # already connected: nothing happens
    events, state = execute(state, cmd("disconnect", 1))
    assert types(events) == ["player_disconnected"]
    assert events[0].payload == {"seat": 1, "left": False}
    assert not state.seats[1].connected
    assert state.seats[1].name == "Bob"  # a dropped player keeps the seat
    assert execute(state, cmd("disconnect", 1))[0] == []  # not connected: nothing happens


def test_bot_seat_cannot_connect():
    state = run(new_room(), cmd("add_bot", 0, seat=1))
    refused(state, cmd("connect", 1), "seat_empty")
    refused(state, cmd("connect", 2), "seat_empty")
    assert execute(state, cmd("disconnect", 1))[0] == []


def test_host_dropping_passes_host_to_a_connected_human():
    state = run(full_room(), cmd("connect", 0), cmd("connect", 3))
    events, state = execute(state, cmd("disconnect", 0))
    assert types(events) == ["player_disconnected", "host_changed"]
    assert state.host_seat == 3
    assert state.seats[0].name == "Ann"
    # a non-host dropping changes nothing about the host
    state = run(state, cmd("connect", 0))
    events, state = execute(state, cmd("disconnect", 0))
    assert types(events) == ["player_disconnected"]
    assert state.host_seat == 3


def test_sole_host_reconnecting_is_still_host():
    state = run(new_room(), cmd("connect", 0), cmd("disconnect", 0), cmd("connect", 0))
    assert state.host_seat == 0
    state = run(state, cmd("add_bot", 0, seat=1))  # host powers still work
    assert state.seats[1].is_bot


def test_leave_from_an_empty_seat_is_refused():
    state = new_room()
    refused(state, cmd("leave", 2), "seat_empty")


def test_leaving_during_the_game_keeps_the_seat():
    state = run(full_room(), cmd("connect", 0), cmd("connect", 1))
    state = run(state, cmd("start_game", 0, seed=3))
    waiting = to_act(state)
    events, after = execute(state, cmd("leave", 0))
    assert types(events) == ["player_disconnected", "host_changed"]
    assert events[0].payload == {"seat": 0, "left": True}
    assert after.host_seat == 1
    assert after.seats[0].name == "Ann" and after.seats[0].hand == state.seats[0].hand
    assert after.phase is state.phase
    assert to_act(after) == waiting
    # leaving again while already away changes nothing
    assert execute(after, cmd("leave", 0))[0] == []


def test_start_game():
    state = full_room()
    events, state = execute(state, cmd("start_game", 0, at=12.5, seed=77))
    assert types(events)[:3] == ["game_started", "phase_change", "hands_dealt"]
    assert events[0].payload == {"seed": 77, "at": 12.5}
    assert events[0].actor == 0
    assert events[1].payload == {"phase": "preparation", "round": 1}
    assert state.seed == 77 and state.started_at == 12.5
    assert state.round == 1
    assert state.multiplier == 1
    assert state.started
    assert state.phase in (Phase.PREPARATION, Phase.ROUND_START)


def test_start_game_with_bots():
    state = run(new_room(), *[cmd("add_bot", 0, seat=s) for s in (1, 2, 3)])
    state = run(state, cmd("start_game", 0, seed=5))
    assert state.started
    assert all(len(s.hand) == 8 for s in state.seats)


def test_join_after_start_is_refused():
    state = started(1)
    refused(state, cmd("join", name="Late"), "wrong_phase")
    refused(state, cmd("add_bot", 0, seat=1), "wrong_phase")
    refused(state, cmd("remove_seat", 0, seat=1), "wrong_phase")
