"""What one seat may see (DESIGN.md §6): its own hand and nothing of the others' but counts.

``seat_view`` is the ``view`` field of every ``update`` message; ``public_event`` strips the
secrets of an event before it goes to a seat or a spectator. ``omniscient_view`` is for staff
(debug API and replay) only.
"""

from __future__ import annotations

from typing import Any

from .engine import declaration_context, to_act
from .rules import MAX_PLAY, valid_declarations
from .state import Event, GameState, LastTurn, Phase, Play, SeatState, Turn


def _play(play: Play) -> dict[str, Any]:
    return {"seat": play.seat, "pieces": list(play.pieces), "play_type": play.play_type}


def _turn(turn: Turn | None) -> dict[str, Any] | None:
    if turn is None:
        return None
    best = turn.plays[turn.best].seat if turn.plays else None
    return {
        "number": turn.number,
        "leader": turn.leader,
        "required": turn.required,
        "plays": [_play(p) for p in turn.plays],
        "winning_seat": best,
    }


def _last_turn(last: LastTurn | None) -> dict[str, Any] | None:
    if last is None:
        return None
    return {
        "number": last.number,
        "winner": last.winner,
        "play_type": last.play_type,
        "pieces": list(last.pieces),
        "piles": last.piles,
        "plays": [_play(p) for p in last.plays],
    }


def _seat(state: GameState, index: int, seat: SeatState) -> dict[str, Any]:
    return {
        "seat": index,
        "name": seat.name,
        "is_bot": seat.is_bot,
        "connected": seat.connected,
        # A human seat that is away while the game runs is played by a bot until they return.
        "bot_playing": seat.is_human and not seat.connected and state.started,
        "score": seat.score,
        "declared": seat.declared,
        "piles": seat.piles,
        "hand_count": len(seat.hand),
        "turns_won": seat.turns_won,
        "perfect_rounds": seat.perfect_rounds,
        "zero_streak": seat.zero_streak,
    }


def legal(state: GameState, seat: int | None) -> dict[str, Any]:
    """What ``seat`` may do now; all false/empty for a spectator."""
    nothing: dict[str, Any] = {"start": False, "redeal": False, "declare": [], "play": None}
    if seat is None or state.closed:
        return nothing
    waiting_on = to_act(state)
    result = dict(nothing)
    result["start"] = (
        state.phase is Phase.WAITING
        and state.host_seat == seat
        and all(s.taken for s in state.seats)
    )
    if seat not in waiting_on:
        return result
    if state.phase is Phase.PREPARATION:
        result["redeal"] = True
    elif state.phase is Phase.DECLARATION:
        result["declare"] = valid_declarations(*declaration_context(state, seat))
    elif state.phase is Phase.TURN and state.turn is not None:
        required = state.turn.required
        hand = len(state.seats[seat].hand)
        low, high = (1, min(MAX_PLAY, hand)) if required is None else (required, required)
        result["play"] = {"min": low, "max": high}
    return result


def seat_view(state: GameState, seat: int | None, *, history: bool = True) -> dict[str, Any]:
    """The table as ``seat`` sees it (``None``: a spectator, who sees no hand). Without
    ``history`` the past rounds are left out (bots do not read them)."""
    view = _common_view(state, history)
    you = None
    if seat is not None:
        you = {"seat": seat, "hand": list(state.seats[seat].hand)}
    view["you"] = you
    view["legal"] = legal(state, seat)
    return view


def omniscient_view(state: GameState) -> dict[str, Any]:
    """Everything, hands included: for staff replay and the debug API only."""
    view = _common_view(state, history=True)
    view["hands"] = [list(s.hand) for s in state.seats]
    view["seed"] = state.seed
    view["redeal_choices"] = list(state.redeal_choices)
    return view


def _common_view(state: GameState, history: bool) -> dict[str, Any]:
    return {
        "room_id": state.room_id,
        "phase": state.phase.value,
        "closed": state.closed,
        "round": state.round,
        "max_rounds": state.config.max_rounds,
        "win_score": state.config.win_score,
        "host_seat": state.host_seat,
        "multiplier": state.multiplier,
        "starter": state.starter,
        "deadline": None,  # the room service fills in the wall-clock deadline
        "seats": [_seat(state, i, s) for i, s in enumerate(state.seats)],
        "to_act": to_act(state),
        "redeal": {
            "weak": list(state.weak),
            "decided": [s for s in state.weak if state.redeal_choices[s] is not None],
        },
        "turn": _turn(state.turn),
        "last_turn": _last_turn(state.last_turn),
        "rounds": [
            {
                "round": r.round,
                "multiplier": r.multiplier,
                "declared": list(r.declared),
                "piles": list(r.piles),
                "deltas": list(r.deltas),
                "scores": list(r.scores),
            }
            for r in (state.history if history else ())
        ],
        "winners": list(state.winners),
        "result": state.result,
    }


def public_event(event: Event, seat: int | None) -> dict[str, Any]:
    """An event as ``seat`` may see it: a deal shows only that seat's own hand."""
    payload = event.payload
    if event.type == "hands_dealt":
        payload = {k: v for k, v in payload.items() if k != "hands"}
        payload["hand_counts"] = [len(h) for h in event.payload["hands"]]
        if seat is not None:
            payload["hand"] = event.payload["hands"][seat]
    return {"type": event.type, "actor": event.actor, "payload": payload}
