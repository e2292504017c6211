"""Property tests (hypothesis) over whole seeded bot games played in the engine alone."""

from __future__ import annotations

from collections import Counter

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from game.engine import apply, decide, execute, fold
from game.pieces import deck
from game.state import Command, GameState, Phase
from game.views import public_event, seat_view

from .helpers import rule_score

SEEDS = st.integers(min_value=0, max_value=2**31 - 1)
LINEUPS = st.lists(st.sampled_from(["smart", "greedy"]), min_size=4, max_size=4)
GAME_SETTINGS = settings(
    max_examples=12, deadline=None, suppress_health_check=[HealthCheck.too_slow]
)


@GAME_SETTINGS
@given(seed=SEEDS, bots=LINEUPS, max_rounds=st.integers(min_value=1, max_value=4))
def test_every_bot_game_ends_legally_and_replays_exactly(seed, bots, max_rounds):
    from game.simulate import play_game

    state = GameState()
    live: list[GameState] = []  # the live state after each event
    events = []
    for command_events, after in play_game(seed, bots, max_rounds=max_rounds):
        # Every command the bots sent was accepted by decide (else play_game would raise),
        # and its events fold from the previous state to the same live state.
        for event in command_events:
            state = apply(state, event)
            events.append(event)
            live.append(state)
        assert state == after
    assert state.phase is Phase.GAME_OVER
    assert state.round <= max_rounds
    top = max(s.score for s in state.seats)
    assert list(state.winners) == [i for i, s in enumerate(state.seats) if s.score == top]

    # Folding the first k events from scratch gives the live state after event k, for every k
    # (checked from scratch at a spread of k, and incrementally — the same fold — at all k).
    step = max(1, len(events) // 15)
    for k in [*range(1, len(events) + 1, step), len(events)]:
        assert fold(events[:k]) == live[k - 1]

    scores = [0, 0, 0, 0]
    for round_ in state.history:
        assert sum(round_.piles) == 8  # the piles of a round add up to 8
        for seat in range(4):
            delta = rule_score(round_.declared[seat], round_.piles[seat], round_.multiplier)
            assert round_.deltas[seat] == delta
            scores[seat] += delta
            assert round_.scores[seat] == scores[seat]
    assert scores == [s.score for s in state.seats]


@GAME_SETTINGS
@given(seed=SEEDS, bots=LINEUPS)
def test_no_view_or_public_event_shows_another_seats_pieces(seed, bots):
    from game.simulate import play_game

    for events, state in play_game(seed, bots, max_rounds=2):
        for seat in range(4):
            view = seat_view(state, seat)
            assert view["you"]["hand"] == list(state.seats[seat].hand)
            assert "hands" not in view
            for other in view["seats"]:
                assert set(other) >= {"hand_count"} and "hand" not in other
            for event in events:
                shown = public_event(event, seat)["payload"]
                assert "hands" not in shown and "seed" not in shown
                if event.type == "hands_dealt":
                    assert shown["hand"] == event.payload["hands"][seat]
        spectator = seat_view(state, None)
        assert spectator["you"] is None
        # Pieces are conserved: every piece of the deck is in a hand, in a finished turn of this
        # round (each took one piece from every seat per pile its winner won), or on the table.
        if state.phase is not Phase.WAITING and state.round:
            in_hands = Counter(k for s in state.seats for k in s.hand)
            played = 4 * sum(s.piles for s in state.seats)
            on_table = sum(len(p.pieces) for p in state.turn.plays) if state.turn else 0
            assert sum(in_hands.values()) + played + on_table == len(deck())
            assert not in_hands - Counter(deck())


@GAME_SETTINGS
@given(seed=SEEDS, bots=LINEUPS)
def test_the_same_seed_and_commands_give_the_same_events(seed, bots):
    from game.simulate import play_game

    first = [(e.type, e.payload, e.actor) for es, _ in play_game(seed, bots, 2) for e in es]
    second = [(e.type, e.payload, e.actor) for es, _ in play_game(seed, bots, 2) for e in es]
    assert first == second


@GAME_SETTINGS
@given(seed=SEEDS)
def test_replaying_the_commands_of_a_game_gives_the_same_events(seed):
    """Record a game's commands, run them again through decide on a new room: same events."""
    from game.bots import choose
    from game.engine import deadline, to_act

    def run(commands: list[Command] | None) -> tuple[list, list[Command]]:
        state = GameState()
        log, sent = [], []
        script = iter(commands) if commands is not None else None
        setup = [
            Command("create_room", 0, {"room_id": "R", "name": "A", "max_rounds": 2}),
            *[Command("add_bot", 0, {"seat": s}) for s in (1, 2, 3)],
            Command("start_game", 0, {"seed": seed}),
        ]
        for command in setup:
            events, state = execute(state, command)
            log += events
        while state.phase is not Phase.GAME_OVER:
            if script is not None:
                command = next(script)
            elif to_act(state):
                command = choose(seat_view(state, to_act(state)[0]), "smart")
            else:
                command = Command(deadline(state).command)
            sent.append(command)
            log += decide(state, command)
            _, state = execute(state, command)
        return log, sent

    events, commands = run(None)
    again, _ = run(commands)
    assert again == events
