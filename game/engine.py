"""The event-sourced aggregate: ``decide(state, command) -> events`` and
``apply(state, event) -> state`` (docs/architecture.md).

``decide`` validates a command against the rules and returns the events it causes, never
changing the state it was given. ``apply`` is the only way a state changes; live play and replay
both fold events through it. Time never enters: display pauses and the redeal window are
requested through ``deadline(state)`` and answered by ``advance``/``timeout`` commands.
"""

from __future__ import annotations

import random
from collections import Counter
from collections.abc import Callable, Iterable
from typing import Any, NamedTuple

from .errors import RuleError
from .pieces import POINTS, deck, is_weak, sort_hand
from .rules import MAX_PLAY, beats, declaration_error, play_type
from .scoring import is_perfect, round_score
from .state import (
    SEAT_RANGE,
    SEATS,
    Command,
    Config,
    Event,
    GameState,
    LastTurn,
    Phase,
    Play,
    RoundResult,
    SeatState,
    Turn,
    evolve,
)

HAND_SIZE = 8
NAME_MAX = 32
BOT_STRATEGIES = ("smart", "greedy", "expert")
DEFAULT_BOT = "smart"
#: A room's bots are named in the language of its creator (``Config.language``): eight names a
#: language, so three bots always find one no player in the room has taken.
BOT_NAMES: dict[str, tuple[str, ...]] = {
    "en": tuple(f"Bot {n}" for n in ("Ada", "Bao", "Chen", "Dara", "Emil", "Fei", "Gus", "Hana")),
    "th": tuple(f"บอท {n}" for n in ("ต้น", "แก้ว", "นก", "ส้ม", "เล็ก", "ฟ้า", "มด", "บี")),
    "zh-hans": tuple(
        f"机器人{n}" for n in ("阿福", "小梅", "阿强", "小兰", "大伟", "小芳", "阿杰", "小玲")
    ),
}
#: The languages a room can be created in (``create_room``'s ``language``).
LANGUAGES = tuple(BOT_NAMES)


class Deadline(NamedTuple):
    """A pause the game asks for: when ``timer`` runs out, send the ``command``."""

    command: str  # "advance" or "timeout"
    timer: str  # "redeal_window", "round_start", "turn_results" or "scoring"


# --------------------------------------------------------------------------- queries


# Reading a member through an Enum class is slow on CPython 3.11 (``EnumType.__getattr__`` runs
# on every access): the checks made on every command compare with these.
_TURN = Phase.TURN
_PREPARATION = Phase.PREPARATION
_DECLARATION = Phase.DECLARATION
#: The display pauses, each ended by an ``advance`` command, with their timer names.
_PAUSES = {phase: phase.value for phase in (Phase.ROUND_START, Phase.TURN_RESULTS, Phase.SCORING)}


def to_act(state: GameState) -> list[int]:
    """The seats the game is waiting for now."""
    if state.closed:
        return []
    phase = state.phase
    if phase is _TURN:  # the most frequent case first
        turn = state.turn
        if turn is None or len(turn.plays) == SEATS:
            return []
        return [(turn.leader + len(turn.plays)) % SEATS]
    if phase is _PREPARATION:
        return [s for s in state.weak if state.redeal_choices[s] is None]
    if phase is _DECLARATION:
        seat = next_declarer(state)
        return [] if seat is None else [seat]
    return []


def deadline(state: GameState) -> Deadline | None:
    """The pause the game is in, if any: what the room service must send when it ends."""
    if state.closed:
        return None
    phase = state.phase
    if phase is _PREPARATION and to_act(state):
        return Deadline("timeout", "redeal_window")
    if phase in _PAUSES:
        return Deadline("advance", _PAUSES[phase])
    return None


def next_declarer(state: GameState) -> int | None:
    if state.starter is None:
        return None
    for seat in state.seat_order(state.starter):
        if state.seats[seat].declared is None:
            return seat
    return None


def declaration_context(state: GameState, seat: int) -> tuple[int, bool, int]:
    """(sum declared by the others, whether ``seat`` declares last, its zero streak)."""
    others = [s.declared for i, s in enumerate(state.seats) if i != seat]
    total = sum(d for d in others if d is not None)
    is_last = all(d is not None for d in others)
    return total, is_last, state.seats[seat].zero_streak


def humans(state: GameState) -> list[int]:
    return [i for i, s in enumerate(state.seats) if s.is_human]


def is_game_over(state: GameState) -> bool:
    """After scoring: someone reached the win score, or the round cap was played."""
    top = max(s.score for s in state.seats)
    return top >= state.config.win_score or state.round >= state.config.max_rounds


# --------------------------------------------------------------------------- decide


class _Recorder:
    """Collects the events of one command, applying each so later steps see its effect."""

    __slots__ = ("events", "state")

    def __init__(self, state: GameState) -> None:
        self.state = state
        self.events: list[Event] = []

    def emit(self, type_: str, payload: dict[str, Any], actor: int | None = None) -> None:
        self.events.append(Event(type_, payload, actor))
        self.state = _APPLIERS[type_](self.state, payload)


def execute(state: GameState, command: Command) -> tuple[list[Event], GameState]:
    """``decide`` and the state after its events, without folding them twice."""
    decider = _DECIDERS.get(command.type)
    if decider is None:
        raise RuleError("unknown_command", command=command.type)
    if state.closed and command.type != "create_room":
        raise RuleError("room_closed")
    if command.seat is not None and command.seat not in SEAT_RANGE:
        raise RuleError("invalid_argument", reason="seat_range")
    recorder = _Recorder(state)
    decider(recorder, command)
    return recorder.events, recorder.state


def decide(state: GameState, command: Command) -> list[Event]:
    """The events ``command`` causes in ``state``; raises ``RuleError`` when it is refused."""
    return execute(state, command)[0]


def fold(events: Iterable[Event], state: GameState | None = None) -> GameState:
    """Apply ``events`` in order, from a new room unless ``state`` is given (replay)."""
    state = GameState() if state is None else state
    for event in events:
        state = apply(state, event)
    return state


# ---- argument checks


def _arg(command: Command, name: str, kind: type, *, default: Any = ...) -> Any:
    value = command.args.get(name, default)
    if value is ...:
        raise RuleError("invalid_argument", reason="required", field=name)
    if value is default and default is not ...:
        return value
    if not isinstance(value, kind) or (kind is int and isinstance(value, bool)):
        raise RuleError("invalid_argument", reason="type", field=name, expected=kind.__name__)
    return value


def _seat_arg(command: Command) -> int:
    seat = _arg(command, "seat", int)
    if seat not in SEAT_RANGE:
        raise RuleError("invalid_argument", reason="seat_range")
    return seat


def _actor(command: Command) -> int:
    if command.seat is None:
        raise RuleError("not_seated")
    return command.seat


def _seat_params(state: GameState, seat: int | None) -> dict[str, Any]:
    """A seat in a refusal's params: its number (from 0, None for nobody) and its player's name
    (None when it has none); the edge words it as players read it, counting from 1."""
    if seat is None:
        return {"seat": None, "name": None}
    return {"seat": seat, "name": state.seats[seat].name or None}


def _require_phase(state: GameState, *phases: Phase, action: str) -> None:
    if state.phase not in phases:
        raise RuleError("wrong_phase", reason="phase", action=action, phase=state.phase.value)


def _require_host(state: GameState, seat: int, action: str) -> None:
    if state.host_seat != seat:
        raise RuleError("not_host", action=action)


def clean_name(name: Any) -> str:
    """A player name trimmed and checked: 1–32 printable characters."""
    if not isinstance(name, str):
        raise RuleError("invalid_name", max=NAME_MAX)
    name = name.strip()
    if not 1 <= len(name) <= NAME_MAX or not name.isprintable():
        raise RuleError("invalid_name", max=NAME_MAX)
    return name


def _taken_names(state: GameState) -> set[str]:
    """The names in the room, case-folded (names are unique regardless of case)."""
    return {s.name.casefold() for s in state.seats if s.name}


def _check_unique_name(state: GameState, name: str) -> None:
    if name.casefold() in _taken_names(state):
        raise RuleError("name_taken", name=name)


# ---- room life cycle


def _create_room(rec: _Recorder, command: Command) -> None:
    if rec.state.room_id:
        raise RuleError("wrong_phase", reason="room_exists")
    room_id = _arg(command, "room_id", str)
    name = clean_name(command.args.get("name"))
    config = Config()
    max_rounds = _arg(command, "max_rounds", int, default=config.max_rounds)
    win_score = _arg(command, "win_score", int, default=config.win_score)
    if max_rounds < 1 or win_score < 1:
        raise RuleError("invalid_argument", reason="game_length")
    language = _arg(command, "language", str, default=config.language)
    if language not in LANGUAGES:
        raise RuleError("invalid_argument", reason="language", choices=list(LANGUAGES))
    rec.emit(
        "room_created",
        {
            "room_id": room_id,
            "max_rounds": max_rounds,
            "win_score": win_score,
            "language": language,
        },
    )
    rec.emit("seat_taken", {"seat": 0, "name": name}, 0)
    rec.emit("host_changed", {"seat": 0})


def _join(rec: _Recorder, command: Command) -> None:
    state = rec.state
    _require_phase(state, Phase.WAITING, action="join")
    name = clean_name(command.args.get("name"))
    _check_unique_name(state, name)
    empty = [i for i, s in enumerate(state.seats) if not s.taken]
    if not empty:
        raise RuleError("room_full")
    rec.emit("seat_taken", {"seat": empty[0], "name": name}, empty[0])
    if state.host_seat is None:
        rec.emit("host_changed", {"seat": empty[0]})


def _host_seat_action(state: GameState, command: Command) -> tuple[int, int]:
    """(host, target seat) of a host's seat management before the start, checked."""
    actor = _actor(command)
    _require_host(state, actor, command.type)
    _require_phase(state, Phase.WAITING, action=command.type)
    return actor, _seat_arg(command)


def _add_bot(rec: _Recorder, command: Command) -> None:
    state = rec.state
    actor, seat = _host_seat_action(state, command)
    strategy = _arg(command, "strategy", str, default=DEFAULT_BOT)
    if strategy not in BOT_STRATEGIES:
        raise RuleError("invalid_argument", reason="strategy", choices=list(BOT_STRATEGIES))
    if state.seats[seat].taken:
        raise RuleError("seat_taken", seat=seat)
    used = _taken_names(state)
    names = BOT_NAMES[state.config.language]
    name = next(n for n in names if n.casefold() not in used)
    rec.emit("bot_added", {"seat": seat, "name": name, "strategy": strategy}, actor)


def _remove_seat(rec: _Recorder, command: Command) -> None:
    state = rec.state
    actor, seat = _host_seat_action(state, command)
    if seat == actor:
        raise RuleError("invalid_argument", reason="own_seat")
    if not state.seats[seat].taken:
        raise RuleError("seat_empty", reason="already_empty", seat=seat)
    rec.emit("seat_freed", {"seat": seat, "reason": "removed"}, actor)


def _leave(rec: _Recorder, command: Command) -> None:
    seat = _actor(command)
    if not rec.state.seats[seat].taken:
        raise RuleError("seat_empty", reason="nobody_to_leave", seat=seat)
    if rec.state.phase is Phase.WAITING:
        rec.emit("seat_freed", {"seat": seat, "reason": "left"}, seat)
        if not humans(rec.state):
            rec.emit("room_closed", {"reason": "empty"})
            return
    elif rec.state.seats[seat].connected:
        rec.emit("player_disconnected", {"seat": seat, "left": True}, seat)
    _pass_host(rec, seat)


def _pass_host(rec: _Recorder, seat: int) -> None:
    """When the host leaves or drops, the next connected human in seat order becomes host; a
    host who is still seated keeps the role while nobody else is there. Nobody's seat is lost."""
    state = rec.state
    if state.host_seat != seat:
        return
    if state.seats[seat].is_human and state.seats[seat].connected:
        return
    others = [s for s in state.seat_order(seat) if s != seat and state.seats[s].is_human]
    connected = [s for s in others if state.seats[s].connected]
    if connected:
        new_host: int | None = connected[0]
    elif state.seats[seat].is_human:
        return
    else:
        new_host = others[0] if others else None
    rec.emit("host_changed", {"seat": new_host})


def _connect(rec: _Recorder, command: Command) -> None:
    seat = _actor(command)
    if not rec.state.seats[seat].is_human:
        raise RuleError("seat_empty", reason="no_human", seat=seat)
    if not rec.state.seats[seat].connected:
        rec.emit("player_connected", {"seat": seat}, seat)
    if rec.state.host_seat is None:
        rec.emit("host_changed", {"seat": seat})


def _disconnect(rec: _Recorder, command: Command) -> None:
    seat = _actor(command)
    if rec.state.seats[seat].is_human and rec.state.seats[seat].connected:
        rec.emit("player_disconnected", {"seat": seat, "left": False}, seat)
        _pass_host(rec, seat)


def _close(rec: _Recorder, command: Command) -> None:
    reason = _arg(command, "reason", str, default="closed")
    rec.emit("room_closed", {"reason": reason})


# ---- the game


def _start_game(rec: _Recorder, command: Command) -> None:
    state = rec.state
    actor = _actor(command)
    _require_host(state, actor, "start_game")
    _require_phase(state, Phase.WAITING, action="start_game")
    if not all(s.taken for s in state.seats):
        raise RuleError("seats_not_filled")
    seed = _arg(command, "seed", int)
    rec.emit("game_started", {"seed": seed, "at": command.at}, actor)
    _begin_round(rec)


def _begin_round(rec: _Recorder) -> None:
    rec.emit("phase_change", {"phase": Phase.PREPARATION.value, "round": rec.state.round + 1})
    _deal(rec, redeal_winner=None)


def deal_hands(seed: int, deal: int) -> list[tuple[str, ...]]:
    """The four hands of deal number ``deal`` of a game: a uniform shuffle seeded by both."""
    pieces = deck()
    random.Random(f"{seed}:{deal}").shuffle(pieces)
    return [sort_hand(pieces[i * HAND_SIZE : (i + 1) * HAND_SIZE]) for i in SEAT_RANGE]


def _deal(rec: _Recorder, redeal_winner: int | None) -> None:
    state = rec.state
    assert state.seed is not None
    hands = deal_hands(state.seed, state.deals)
    if redeal_winner is not None:
        starter = redeal_winner
    elif state.round == 1:
        starter = next(i for i, hand in enumerate(hands) if "GENERAL_RED" in hand)
    else:
        assert state.last_winner is not None
        starter = state.last_winner
    weak = [s for s in state.seat_order(starter) if is_weak(hands[s])]
    rec.emit(
        "hands_dealt",
        {
            "round": state.round,
            "deal": state.deals,
            "hands": [list(h) for h in hands],
            "starter": starter,
            "weak": weak,
        },
    )
    if not weak:
        rec.emit("phase_change", {"phase": Phase.ROUND_START.value})


def _redeal(rec: _Recorder, command: Command) -> None:
    seat = _actor(command)
    accept = _arg(command, "accept", bool)
    if rec.state.phase is not Phase.PREPARATION or seat not in to_act(rec.state):
        raise RuleError("no_redeal_pending")
    rec.emit("redeal_decided", {"seat": seat, "accept": accept}, seat)
    _resolve_redeal(rec)


def _timeout(rec: _Recorder, command: Command) -> None:
    pending = to_act(rec.state) if rec.state.phase is Phase.PREPARATION else []
    if not pending:
        raise RuleError("wrong_phase", reason="no_redeal")
    for seat in pending:
        rec.emit("redeal_decided", {"seat": seat, "accept": False, "timed_out": True})
    _resolve_redeal(rec)


def _resolve_redeal(rec: _Recorder) -> None:
    state = rec.state
    if to_act(state):
        return
    assert state.starter is not None
    accepters = [s for s in state.seat_order(state.starter) if state.redeal_choices[s]]
    if accepters:
        rec.emit("redeal", {"seat": accepters[0], "multiplier": state.multiplier + 1}, accepters[0])
        _deal(rec, redeal_winner=accepters[0])
    else:
        rec.emit("phase_change", {"phase": Phase.ROUND_START.value})


def _advance(rec: _Recorder, command: Command) -> None:
    state = rec.state
    if state.phase is Phase.ROUND_START:
        rec.emit("phase_change", {"phase": Phase.DECLARATION.value})
    elif state.phase is Phase.TURN_RESULTS:
        if any(s.hand for s in state.seats):
            rec.emit("phase_change", {"phase": Phase.TURN.value})
        else:
            rec.emit("phase_change", {"phase": Phase.SCORING.value})
            _score_round(rec)
    elif state.phase is Phase.SCORING:
        if is_game_over(state):
            _end_game(rec, command.at)
        else:
            _begin_round(rec)
    else:
        raise RuleError("wrong_phase", reason="nothing_to_advance", phase=state.phase.value)


def _declare(rec: _Recorder, command: Command) -> None:
    state = rec.state
    seat = _actor(command)
    value = _arg(command, "value", int)
    _require_phase(state, Phase.DECLARATION, action="declare")
    expected = next_declarer(state)
    if seat != expected:
        raise RuleError("not_your_turn", action="declare", **_seat_params(state, expected))
    problem = declaration_error(value, *declaration_context(state, seat))
    if problem:
        raise RuleError("illegal_declaration", **problem)
    rec.emit("declared", {"seat": seat, "value": value}, seat)
    if next_declarer(rec.state) is None:
        rec.emit("phase_change", {"phase": Phase.TURN.value})


def _play(rec: _Recorder, command: Command) -> None:
    # The hot path of every game: the checks run inline and call the helpers (which raise the
    # rule error) only when they fail.
    state = rec.state
    seat = command.seat
    if seat is None:
        _actor(command)
    pieces = command.args.get("pieces")
    if not isinstance(pieces, list) or not _all_kinds(pieces):
        _check_kinds(pieces)
    if state.phase is not _TURN:
        _require_phase(state, Phase.TURN, action="play")
    turn = state.turn
    assert turn is not None
    plays = turn.plays
    if len(plays) == SEATS or seat != (turn.leader + len(plays)) % SEATS:
        raise RuleError("not_your_turn", action="play", **_seat_params(state, turn.next_seat))
    kind = play_type(pieces)
    if not plays:
        if not 1 <= len(pieces) <= MAX_PLAY or kind is None:
            raise RuleError("invalid_play", max=MAX_PLAY)
    elif len(pieces) != (required := len(plays[0].pieces)):
        raise RuleError("wrong_piece_count", required=required)
    hand = state.seats[seat].hand
    if not _holds(hand, pieces):
        missing = Counter(pieces) - Counter(hand)
        raise RuleError("pieces_not_in_hand", pieces=sorted(missing.elements()))
    rec.emit("played", {"seat": seat, "pieces": list(sort_hand(pieces)), "play_type": kind}, seat)
    turn = rec.state.turn
    assert turn is not None
    if len(plays) + 1 == SEATS:
        best = turn.plays[turn.best]
        rec.emit(
            "turn_won",
            {
                "turn": turn.number,
                "winner": best.seat,
                "pieces": list(best.pieces),
                "play_type": best.play_type,
                "piles": len(best.pieces),
            },
        )
        rec.emit("phase_change", {"phase": Phase.TURN_RESULTS.value})


_KINDS = frozenset(POINTS)


def _all_kinds(pieces: list[Any]) -> bool:
    """Whether every item is a piece kind (the fast check; ``_check_kinds`` says what is wrong)."""
    try:
        return _KINDS.issuperset(pieces)
    except TypeError:  # an unhashable item
        return False


def _check_kinds(pieces: Any) -> None:
    if not isinstance(pieces, list) or not all(isinstance(p, str) for p in pieces):
        raise RuleError("invalid_argument", reason="pieces_list", field="pieces")
    unknown = sorted({p for p in pieces if p not in POINTS})
    if unknown:
        raise RuleError("invalid_argument", reason="unknown_pieces", pieces=unknown)


def _holds(hand: tuple[str, ...], pieces: list[str]) -> bool:
    """Whether ``hand`` contains ``pieces``, counting repeats."""
    if len(pieces) == 1:  # most plays are singles
        return pieces[0] in hand
    rest = list(hand)
    try:
        for piece in pieces:
            rest.remove(piece)
    except ValueError:
        return False
    return True


def _score_round(rec: _Recorder) -> None:
    state = rec.state
    seats = []
    for i, s in enumerate(state.seats):
        assert s.declared is not None
        delta = round_score(s.declared, s.piles, state.multiplier)
        seats.append(
            {
                "seat": i,
                "declared": s.declared,
                "piles": s.piles,
                "delta": delta,
                "score": s.score + delta,
            }
        )
    rec.emit("round_scored", {"round": state.round, "multiplier": state.multiplier, "seats": seats})


def rankings(state: GameState) -> list[dict[str, Any]]:
    """Seats by score, best first; equal scores share a rank (1, 1, 3, 4)."""
    order = sorted(SEAT_RANGE, key=lambda i: (-state.seats[i].score, i))
    ranked = []
    for i in order:
        s = state.seats[i]
        rank = 1 + sum(1 for other in state.seats if other.score > s.score)
        ranked.append(
            {
                "seat": i,
                "name": s.name,
                "score": s.score,
                "rank": rank,
                "turns_won": s.turns_won,
                "perfect_rounds": s.perfect_rounds,
            }
        )
    return ranked


def _end_game(rec: _Recorder, at: float | None) -> None:
    state = rec.state
    top = max(s.score for s in state.seats)
    started = state.started_at
    duration = round(at - started, 3) if at is not None and started is not None else None
    rec.emit("phase_change", {"phase": Phase.GAME_OVER.value})
    rec.emit(
        "game_over",
        {
            "winners": [i for i, s in enumerate(state.seats) if s.score == top],
            "rankings": rankings(state),
            "rounds": state.round,
            "duration_s": duration,
        },
    )


_DECIDERS: dict[str, Callable[[_Recorder, Command], None]] = {
    "create_room": _create_room,
    "join": _join,
    "add_bot": _add_bot,
    "remove_seat": _remove_seat,
    "leave": _leave,
    "connect": _connect,
    "disconnect": _disconnect,
    "close": _close,
    "start_game": _start_game,
    "redeal": _redeal,
    "timeout": _timeout,
    "advance": _advance,
    "declare": _declare,
    "play": _play,
}
COMMANDS = tuple(_DECIDERS)


# --------------------------------------------------------------------------- apply


def apply(state: GameState, event: Event) -> GameState:
    """The state after ``event``. The only way a state changes."""
    applier = _APPLIERS.get(event.type)
    if applier is None:
        raise ValueError(f"unknown event type {event.type!r}")
    return applier(state, event.payload)


def _with_seat(state: GameState, seat: int, **changes: Any) -> GameState:
    seats = list(state.seats)
    seats[seat] = evolve(seats[seat], **changes)
    return evolve(state, seats=tuple(seats))


def _room_created(state: GameState, p: dict[str, Any]) -> GameState:
    config = Config(max_rounds=p["max_rounds"], win_score=p["win_score"], language=p["language"])
    return evolve(state, room_id=p["room_id"], config=config)


def _seat_taken(state: GameState, p: dict[str, Any]) -> GameState:
    return _with_seat(state, p["seat"], name=p["name"], bot=None, connected=False)


def _bot_added(state: GameState, p: dict[str, Any]) -> GameState:
    return _with_seat(state, p["seat"], name=p["name"], bot=p["strategy"], connected=True)


def _seat_freed(state: GameState, p: dict[str, Any]) -> GameState:
    seats = list(state.seats)
    seats[p["seat"]] = SeatState()
    return evolve(state, seats=tuple(seats))


def _host_changed(state: GameState, p: dict[str, Any]) -> GameState:
    return evolve(state, host_seat=p["seat"])


def _player_connected(state: GameState, p: dict[str, Any]) -> GameState:
    return _with_seat(state, p["seat"], connected=True)


def _player_disconnected(state: GameState, p: dict[str, Any]) -> GameState:
    return _with_seat(state, p["seat"], connected=False)


def _room_closed(state: GameState, p: dict[str, Any]) -> GameState:
    return evolve(state, closed=True)


def _game_started(state: GameState, p: dict[str, Any]) -> GameState:
    return evolve(state, seed=p["seed"], started_at=p["at"])


_PHASES = {phase.value: phase for phase in Phase}


def _phase_change(state: GameState, p: dict[str, Any]) -> GameState:
    phase = _PHASES[p["phase"]]
    if phase is _PREPARATION:
        seats = tuple(evolve(s, hand=(), declared=None, piles=0) for s in state.seats)
        return evolve(
            state,
            phase=phase,
            round=p["round"],
            multiplier=1,
            seats=seats,
            starter=None,
            turn=None,
            last_turn=None,
            round_turns=(),
            weak=(),
            redeal_choices=(None,) * SEATS,
        )
    if phase is _TURN:
        last = state.last_turn
        leader = last.winner if last is not None else state.starter
        assert leader is not None
        number = last.number + 1 if last is not None else 1
        return evolve(state, phase=phase, turn=Turn(number, leader))
    return evolve(state, phase=phase)


def _hands_dealt(state: GameState, p: dict[str, Any]) -> GameState:
    seats = tuple(
        evolve(s, hand=tuple(hand)) for s, hand in zip(state.seats, p["hands"], strict=True)
    )
    return evolve(
        state,
        seats=seats,
        deals=p["deal"] + 1,
        starter=p["starter"],
        weak=tuple(p["weak"]),
        redeal_choices=(None,) * SEATS,
    )


def _redeal_decided(state: GameState, p: dict[str, Any]) -> GameState:
    choices = list(state.redeal_choices)
    choices[p["seat"]] = p["accept"]
    return evolve(state, redeal_choices=tuple(choices))


def _redeal_applied(state: GameState, p: dict[str, Any]) -> GameState:
    return evolve(state, multiplier=p["multiplier"])


def _declared(state: GameState, p: dict[str, Any]) -> GameState:
    seat, value = p["seat"], p["value"]
    streak = state.seats[seat].zero_streak + 1 if value == 0 else 0
    return _with_seat(state, seat, declared=value, zero_streak=streak)


def _played(state: GameState, p: dict[str, Any]) -> GameState:
    seat, pieces = p["seat"], tuple(p["pieces"])
    turn = state.turn
    assert turn is not None
    best = turn.best
    if turn.plays and beats(pieces, turn.plays[best].pieces):
        best = len(turn.plays)
    seats = list(state.seats)
    hand = list(seats[seat].hand)
    for piece in pieces:
        hand.remove(piece)
    seats[seat] = evolve(seats[seat], hand=tuple(hand))
    plays = (*turn.plays, Play(seat, pieces, p["play_type"]))
    return evolve(state, seats=tuple(seats), turn=Turn(turn.number, turn.leader, plays, best))


def _turn_won(state: GameState, p: dict[str, Any]) -> GameState:
    winner = p["winner"]
    assert state.turn is not None
    seats = list(state.seats)
    seat = seats[winner]
    seats[winner] = evolve(seat, piles=seat.piles + p["piles"], turns_won=seat.turns_won + 1)
    last = LastTurn(
        number=p["turn"],
        winner=winner,
        play_type=p["play_type"],
        pieces=tuple(p["pieces"]),
        piles=p["piles"],
        plays=state.turn.plays,
    )
    return evolve(
        state,
        seats=tuple(seats),
        turn=None,
        last_turn=last,
        round_turns=(*state.round_turns, last),
        last_winner=winner,
    )


def _round_scored(state: GameState, p: dict[str, Any]) -> GameState:
    rows = p["seats"]
    seats = tuple(
        evolve(
            s,
            score=row["score"],
            perfect_rounds=s.perfect_rounds + is_perfect(row["declared"], row["piles"]),
        )
        for s, row in zip(state.seats, rows, strict=True)
    )
    result = RoundResult(
        round=p["round"],
        multiplier=p["multiplier"],
        declared=tuple(r["declared"] for r in rows),
        piles=tuple(r["piles"] for r in rows),
        deltas=tuple(r["delta"] for r in rows),
        scores=tuple(r["score"] for r in rows),
    )
    return evolve(state, seats=seats, history=(*state.history, result))


def _game_over(state: GameState, p: dict[str, Any]) -> GameState:
    return evolve(state, winners=tuple(p["winners"]), result=p)


_APPLIERS: dict[str, Callable[[GameState, dict[str, Any]], GameState]] = {
    "room_created": _room_created,
    "seat_taken": _seat_taken,
    "bot_added": _bot_added,
    "seat_freed": _seat_freed,
    "host_changed": _host_changed,
    "player_connected": _player_connected,
    "player_disconnected": _player_disconnected,
    "room_closed": _room_closed,
    "game_started": _game_started,
    "phase_change": _phase_change,
    "hands_dealt": _hands_dealt,
    "redeal_decided": _redeal_decided,
    "redeal": _redeal_applied,
    "declared": _declared,
    "played": _played,
    "turn_won": _turn_won,
    "round_scored": _round_scored,
    "game_over": _game_over,
}
EVENT_TYPES = tuple(_APPLIERS)
