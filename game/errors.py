"""Typed rule errors: a stable ``code`` and the ``params`` a message is made of.

The engine never words a refusal: the edge (``rooms.messages``) renders ``code`` and ``params``
in the reader's language. ``params`` hold plain JSON values: seats are numbered from 0, as in
the protocol; pieces are piece kinds; ``reason`` tells apart the refusals that share a code.
"""

from __future__ import annotations

from typing import Any

#: Every code the engine raises, with what it means; docs/protocol.md lists the same codes.
CODES = {
    "unknown_command": "the command type does not exist",
    "invalid_argument": "a field is missing or has the wrong type or range",
    "not_seated": "the action needs a seat and the sender has none",
    "wrong_phase": "the action is not possible in the current phase",
    "not_your_turn": "another seat is expected to act",
    "not_host": "only the host may do this",
    "room_closed": "the room is closed",
    "room_full": "all four seats are taken",
    "seat_taken": "the seat is not empty",
    "seat_empty": "the seat has nobody in it",
    "name_taken": "another seat in the room has this name",
    "invalid_name": "names are 1-32 printable characters",
    "seats_not_filled": "the game starts only with four seats taken",
    "no_redeal_pending": "no redeal decision is awaited from this seat",
    "illegal_declaration": "the declaration breaks a declaration rule",
    "invalid_play": "the leader's pieces do not form a valid play",
    "wrong_piece_count": "a follower must play as many pieces as the leader",
    "pieces_not_in_hand": "the seat does not hold these pieces",
}


class RuleError(Exception):
    """A command the rules refuse. Nothing changes when one is raised."""

    def __init__(self, code: str, **params: Any) -> None:
        assert code in CODES, code
        super().__init__(code, params)
        self.code = code
        self.params = params

    def __str__(self) -> str:
        return f"{self.code} {self.params}" if self.params else self.code
