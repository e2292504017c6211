"""The game state: small immutable records, changed only by ``engine.apply``.

``GameState`` and ``SeatState`` are the records the fold copies on every event, so they keep their
fields in an instance ``__dict__`` (no ``__slots__``): ``evolve`` then copies one with a dict copy
instead of one ``setattr`` per field. They are still frozen: assigning a field raises.
``Command``, ``Event``, ``Play``, ``Turn`` and ``LastTurn`` are created afresh on almost every
command or event, so they are named tuples: as immutable, and built at the speed of a tuple rather
than through a frozen dataclass's ``__init__``.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum
from types import MappingProxyType
from typing import Any, NamedTuple, TypeVar

T = TypeVar("T")
_NO_ARGS: Mapping[str, Any] = MappingProxyType({})
_setattr = object.__setattr__
_new = object.__new__

SEATS = 4
SEAT_RANGE = range(SEATS)


class Phase(StrEnum):
    WAITING = "waiting"
    PREPARATION = "preparation"
    ROUND_START = "round_start"
    DECLARATION = "declaration"
    TURN = "turn"
    TURN_RESULTS = "turn_results"
    SCORING = "scoring"
    GAME_OVER = "game_over"


@dataclass(frozen=True, slots=True)
class Config:
    """Per-game settings recorded in ``room_created`` so replay needs nothing else."""

    max_rounds: int = 20
    win_score: int = 50
    #: The language of the room's creator, which names its bots (``engine.BOT_NAMES``).
    language: str = "en"


class Command(NamedTuple):
    """Something a seat (or the room service, ``seat=None``) asks of the game.

    ``at`` is the wall-clock time the service received it; the engine only copies it into events
    (for the game's duration) and never reads a clock itself. ``args`` is read-only by default.
    """

    type: str
    seat: int | None = None
    args: Mapping[str, Any] = _NO_ARGS
    at: float | None = None


class Event(NamedTuple):
    """One fact in a room's history. ``actor`` is the seat that caused it, ``None`` for the
    system. The payload is plain JSON."""

    type: str
    payload: dict[str, Any]
    actor: int | None = None


@dataclass(frozen=True)
class SeatState:
    name: str | None = None
    bot: str | None = None  # the bot strategy of a bot seat; None for a human or an empty seat
    connected: bool = False
    hand: tuple[str, ...] = ()
    declared: int | None = None
    piles: int = 0
    score: int = 0
    zero_streak: int = 0
    perfect_rounds: int = 0
    turns_won: int = 0

    @property
    def taken(self) -> bool:
        return self.name is not None

    @property
    def is_bot(self) -> bool:
        return self.bot is not None

    @property
    def is_human(self) -> bool:
        return self.taken and self.bot is None


class Play(NamedTuple):
    seat: int
    pieces: tuple[str, ...]
    play_type: str | None


class Turn(NamedTuple):
    number: int
    leader: int
    plays: tuple[Play, ...] = ()
    best: int = 0  # index into plays of the winning play so far

    @property
    def required(self) -> int | None:
        return len(self.plays[0].pieces) if self.plays else None

    @property
    def next_seat(self) -> int | None:
        return (self.leader + len(self.plays)) % SEATS if len(self.plays) < SEATS else None


class LastTurn(NamedTuple):
    number: int
    winner: int
    play_type: str | None
    pieces: tuple[str, ...]
    piles: int
    plays: tuple[Play, ...]


@dataclass(frozen=True, slots=True)
class RoundResult:
    round: int
    multiplier: int
    declared: tuple[int, ...]
    piles: tuple[int, ...]
    deltas: tuple[int, ...]
    scores: tuple[int, ...]


@dataclass(frozen=True)
class GameState:
    room_id: str = ""
    phase: Phase = Phase.WAITING
    config: Config = Config()
    seats: tuple[SeatState, ...] = (SeatState(),) * SEATS
    host_seat: int | None = None
    closed: bool = False
    seed: int | None = None
    started_at: float | None = None
    round: int = 0
    deals: int = 0  # deals so far in the game: the deal index seeds the shuffle
    multiplier: int = 1
    starter: int | None = None
    weak: tuple[int, ...] = ()  # seats asked about a redeal on the current deal
    redeal_choices: tuple[bool | None, ...] = (None,) * SEATS
    turn: Turn | None = None
    last_turn: LastTurn | None = None
    round_turns: tuple[LastTurn, ...] = ()  # every finished turn of the current round, in order
    last_winner: int | None = None  # winner of the latest turn, across rounds
    history: tuple[RoundResult, ...] = ()
    winners: tuple[int, ...] = ()
    result: dict[str, Any] | None = None  # the game_over payload: rankings, rounds, duration

    def seat_order(self, first: int) -> list[int]:
        """All seats clockwise, starting from ``first``."""
        return [(first + i) % SEATS for i in SEAT_RANGE]

    @property
    def started(self) -> bool:
        return self.phase is not Phase.WAITING


def evolve(obj: T, **changes: Any) -> T:
    """``dataclasses.replace`` for these frozen classes, without re-running ``__init__``: the fold
    is the hot path of live play, replay and the simulator. ``changes`` must name fields."""
    new = _new(type(obj))
    _setattr(new, "__dict__", {**obj.__dict__, **changes})
    return new
