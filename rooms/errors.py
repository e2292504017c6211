"""Errors of the room service that are not game rules (those are ``game.errors.RuleError``)."""

from __future__ import annotations

from typing import Any

#: code -> HTTP status, for the REST API.
ROOM_ERROR_STATUS = {
    "room_not_found": 404,
    "bad_token": 403,
    "seed_not_allowed": 400,
    "invalid_argument": 400,
}


class RoomError(Exception):
    """A room service refusal: a stable ``code`` and the ``params`` its message is made of
    (worded by ``rooms.messages`` in the reader's language)."""

    def __init__(self, code: str, **params: Any) -> None:
        super().__init__(code, params)
        self.code = code
        self.params = params

    def __str__(self) -> str:
        return f"{self.code} {self.params}" if self.params else self.code

    @property
    def status(self) -> int:
        return ROOM_ERROR_STATUS.get(self.code, 400)
