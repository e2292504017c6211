"""What one seat may see (docs/protocol.md): its own hand and nothing of the others' but counts.

``seat_view`` is the ``view`` field of every ``update`` message, and ``bot_view`` the part of it
a bot decides from; ``public_event`` strips the secrets of an event before it goes to a seat or a
spectator. ``omniscient_view`` is for staff (debug API and replay) only.
"""

from __future__ import annotations

import copy
from typing import Any

from .engine import declaration_context, to_act
from .rules import MAX_PLAY, valid_declarations
from .state import Event, GameState, LastTurn, Phase, Play, SeatState, Turn

# Every view is built afresh (callers may change it). Seat views go to every socket on every
# update, and ``_turn``/``_legal`` serve every bot decision too, so phases are compared with
# module constants (reading a member through an Enum class is slow on CPython 3.11:
# ``EnumType.__getattr__`` runs on every access).
_WAITING, _PREPARATION, _DECLARATION, _TURN = (
    Phase.WAITING,
    Phase.PREPARATION,
    Phase.DECLARATION,
    Phase.TURN,
)
_PHASE_VALUES = {phase: phase.value for phase in Phase}


def _plays(plays: tuple[Play, ...]) -> list[dict[str, Any]]:
    return [{"seat": p.seat, "pieces": list(p.pieces), "play_type": p.play_type} for p in plays]


def _turn(turn: Turn | None) -> dict[str, Any] | None:
    if turn is None:
        return None
    plays = turn.plays
    return {
        "number": turn.number,
        "leader": turn.leader,
        "required": len(plays[0].pieces) if plays else None,
        "plays": _plays(plays),
        "winning_seat": plays[turn.best].seat if plays else None,
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
        "plays": _plays(last.plays),
    }


def _seat(index: int, seat: SeatState, started: bool) -> dict[str, Any]:
    return {
        "seat": index,
        "name": seat.name,
        "is_bot": seat.is_bot,
        "bot": seat.bot,  # a bot seat's strategy (greedy, smart or expert), else None
        "connected": seat.connected,
        # A human seat that is away while the game runs is played by a bot until they return.
        "bot_playing": seat.is_human and not seat.connected and started,
        "score": seat.score,
        "declared": seat.declared,
        "piles": seat.piles,
        "hand_count": len(seat.hand),
        "turns_won": seat.turns_won,
        "perfect_rounds": seat.perfect_rounds,
        "zero_streak": seat.zero_streak,
    }


def _seats(state: GameState) -> list[dict[str, Any]]:
    started = state.phase is not _WAITING
    return [_seat(index, seat, started) for index, seat in enumerate(state.seats)]


def legal(state: GameState, seat: int | None) -> dict[str, Any]:
    """What ``seat`` may do now; all false/empty for a spectator."""
    return _legal(state, seat, to_act(state))


def _legal(state: GameState, seat: int | None, waiting_on: list[int]) -> dict[str, Any]:
    """``legal``, given ``to_act(state)``."""
    if seat is None or state.closed:
        return {"start": False, "redeal": False, "declare": [], "play": None}
    result: dict[str, Any] = {
        "start": (
            state.phase is _WAITING
            and state.host_seat == seat
            and all(s.taken for s in state.seats)
        ),
        "redeal": False,
        "declare": [],
        "play": None,
    }
    if seat not in waiting_on:
        return result
    phase = state.phase
    if phase is _PREPARATION:
        result["redeal"] = True
    elif phase is _DECLARATION:
        result["declare"] = valid_declarations(*declaration_context(state, seat))
    elif phase is _TURN and state.turn is not None:
        required = state.turn.required
        hand = len(state.seats[seat].hand)
        low, high = (1, min(MAX_PLAY, hand)) if required is None else (required, required)
        result["play"] = {"min": low, "max": high}
    return result


def seat_view(state: GameState, seat: int | None) -> dict[str, Any]:
    """The table as ``seat`` sees it (``None``: a spectator, who sees no hand)."""
    waiting_on = to_act(state)
    view = _common_view(state, waiting_on)
    view.update(_seat_part(state, seat, waiting_on))
    return view


def public_view(state: GameState) -> dict[str, Any]:
    """The part of every seat's view that is the same for all of them (and for spectators):
    ``seat_view(state, seat) == {**public_view(state), **seat_part(state, seat)}``. The room
    service builds it once per room version and shares it between sockets, so nobody may
    change it."""
    return _common_view(state, to_act(state))


def seat_part(state: GameState, seat: int | None) -> dict[str, Any]:
    """The part of ``seat``'s view that is its own: its hand and what it may do."""
    return _seat_part(state, seat, to_act(state))


def _seat_part(state: GameState, seat: int | None, waiting_on: list[int]) -> dict[str, Any]:
    you = None
    if seat is not None:
        you = {"seat": seat, "hand": list(state.seats[seat].hand)}
    return {"you": you, "legal": _legal(state, seat, waiting_on)}


def bot_view(state: GameState, seat: int, history: bool = False) -> dict[str, Any]:
    """The part of ``seat_view(state, seat)`` that a bot reads: the same values at the same
    places (each seat reduced to its declaration and piles), and nothing else. Bots decide
    hundreds of times a game, in the simulator and in every room, and most of a full view is
    the public table they never look at. ``bots.choose`` accepts either view.

    With ``history`` (for the ``expert``, which reasons about the hidden hands; ``autoplay``)
    it also holds the public history of the round: every finished turn (``round_turns``), each
    seat's hand count and zero streak, and the seats that revealed a weak hand (``redeal``). Only
    the expert gets it: the other bots never read it, and they decide far more often."""
    view: dict[str, Any] = {
        "starter": state.starter,
        "seats": [{"declared": s.declared, "piles": s.piles} for s in state.seats],
        "turn": _turn(state.turn),
        "you": {"seat": seat, "hand": list(state.seats[seat].hand)},
        "legal": _legal(state, seat, to_act(state)),
    }
    if history:
        for row, s in zip(view["seats"], state.seats, strict=True):
            row["hand_count"] = len(s.hand)
            row["zero_streak"] = s.zero_streak
        view["round_turns"] = [_last_turn(t) for t in state.round_turns]
        view["redeal"] = {"weak": list(state.weak)}
    return view


def omniscient_view(state: GameState) -> dict[str, Any]:
    """Everything, hands included: for staff replay and the debug API only."""
    view = _common_view(state, to_act(state))
    view["hands"] = [list(s.hand) for s in state.seats]
    view["seed"] = state.seed
    view["redeal_choices"] = list(state.redeal_choices)
    return view


def _common_view(state: GameState, waiting_on: list[int]) -> dict[str, Any]:
    config = state.config
    choices = state.redeal_choices
    return {
        "room_id": state.room_id,
        "phase": _PHASE_VALUES[state.phase],
        "closed": state.closed,
        "round": state.round,
        "max_rounds": config.max_rounds,
        "win_score": config.win_score,
        "host_seat": state.host_seat,
        "multiplier": state.multiplier,
        "starter": state.starter,
        "deadline": None,  # the room service fills in the wall-clock deadline
        "seats": _seats(state),
        "to_act": list(waiting_on),
        "redeal": {
            "weak": list(state.weak),
            "decided": [s for s in state.weak if choices[s] is not None],
        },
        "turn": _turn(state.turn),
        "last_turn": _last_turn(state.last_turn),
        "round_turns": [_last_turn(t) for t in state.round_turns],
        "rounds": [
            {
                "round": r.round,
                "multiplier": r.multiplier,
                "declared": list(r.declared),
                "piles": list(r.piles),
                "deltas": list(r.deltas),
                "scores": list(r.scores),
            }
            for r in state.history
        ],
        "winners": list(state.winners),
        # Views are the caller's to change.
        "result": None if state.result is None else copy.deepcopy(state.result),
    }


def public_event(event: Event, seat: int | None) -> dict[str, Any]:
    """An event as ``seat`` may see it: a deal shows only that seat's own hand, another seat's
    redeal answer is not shown, and the game's seed (from which every deal can be computed)
    is never shown."""
    payload = event.payload
    if event.type == "game_started":
        payload = {k: v for k, v in payload.items() if k != "seed"}
    elif event.type == "redeal_decided" and seat != payload["seat"]:
        # Weak seats decide at once: nobody sees another's answer before the redeal is settled.
        payload = {k: v for k, v in payload.items() if k != "accept"}
    elif event.type == "hands_dealt":
        payload = {k: v for k, v in payload.items() if k != "hands"}
        payload["hand_counts"] = [len(h) for h in event.payload["hands"]]
        if seat is not None:
            payload["hand"] = event.payload["hands"][seat]
    return {"type": event.type, "actor": event.actor, "payload": payload}
