"""Errors of the room service that are not game rules (those are ``game.errors.RuleError``)."""

from __future__ import annotations

#: code -> HTTP status, for the REST API.
ROOM_ERROR_STATUS = {
    "room_not_found": 404,
    "bad_token": 403,
    "seed_not_allowed": 400,
    "invalid_argument": 400,
}


class RoomError(Exception):
    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message

    @property
    def status(self) -> int:
        return ROOM_ERROR_STATUS.get(self.code, 400)
