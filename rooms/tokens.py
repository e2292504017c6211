"""Room ids and seat tokens."""

from __future__ import annotations

import hashlib
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
    return "".join(secrets.choice(ROOM_ID_ALPHABET) for _ in range(ROOM_ID_LENGTH))


def new_token() -> str:
    """A seat token: 256 random bits, URL-safe."""
    return secrets.token_urlsafe(32)


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()
