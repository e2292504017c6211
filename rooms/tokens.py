"""Seat tokens. Room ids are the event log's (``eventlog.room_ids``); their names are here too
for the room service and the consumers."""

from __future__ import annotations

import hashlib
import secrets

from eventlog.room_ids import is_room_id, new_room_id

__all__ = ["hash_token", "is_room_id", "new_room_id", "new_token"]


def new_token() -> str:
    """A seat token: 256 random bits, URL-safe."""
    return secrets.token_urlsafe(32)


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()
