"""Room ids: the key of the event log. An id is never reused, not even one whose room is gone
but whose events remain, so the log, not the rooms, has the last word on which ids are taken."""

from __future__ import annotations

import re
import secrets

#: Uppercase letters and digits without the look-alikes 0/O and 1/I.
ROOM_ID_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"
ROOM_ID_LENGTH = 6

ROOM_ID_PATTERN = re.compile(f"[{ROOM_ID_ALPHABET}]{{{ROOM_ID_LENGTH}}}")


def is_room_id(text: str) -> bool:
    """Whether ``text`` (upper case) has the shape of a room id."""
    return ROOM_ID_PATTERN.fullmatch(text) is not None


def new_room_id() -> str:
    """A random id of the right shape (the caller checks that no room and no event has it)."""
    return "".join(secrets.choice(ROOM_ID_ALPHABET) for _ in range(ROOM_ID_LENGTH))
