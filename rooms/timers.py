"""When a room must act on its own, and what it must do then.

Pure: given the game state and the anchors stored on the room row, the same answer every time
it is asked (bot "thinking" delays are drawn from a generator seeded by the room and the moment
the seat became due), so any process may recompute or fire a room's deadline.
"""

from __future__ import annotations

import random
from datetime import datetime, timedelta
from typing import Any

from game.engine import deadline, to_act
from game.state import GameState


def scaled(timings: dict[str, float], scale: float) -> dict[str, float]:
    return {name: seconds * scale for name, seconds in timings.items()}


def bot_delay(room_id: str, due_since: datetime, seat: int, timings: dict[str, float]) -> float:
    """A bot's thinking time, random within [bot_min, bot_max] but stable for this moment."""
    rng = random.Random(f"{room_id}:{due_since.isoformat()}:{seat}")
    return rng.uniform(timings["bot_min"], timings["bot_max"])


def next_deadline(
    state: GameState,
    *,
    pause_since: datetime | None,
    due_since: datetime | None,
    timings: dict[str, float],
) -> tuple[datetime, dict[str, Any]] | None:
    """The earliest thing the room must do by itself: end a pause (``advance``/``timeout``),
    let a bot act (for a bot seat, a disconnected human, or an idle connected human)."""
    candidates: list[tuple[datetime, dict[str, Any]]] = []
    wanted = deadline(state)
    if wanted is not None and pause_since is not None:
        at = pause_since + timedelta(seconds=timings[wanted.timer])
        candidates.append((at, {"kind": wanted.command, "timer": wanted.timer}))
    if due_since is not None:
        for seat in to_act(state):
            player = state.seats[seat]
            if player.is_bot or not player.connected:
                delay = bot_delay(state.room_id, due_since, seat, timings)
                candidates.append(
                    (due_since + timedelta(seconds=delay), {"kind": "bot", "seat": seat})
                )
            elif timings["idle"] > 0:
                at = due_since + timedelta(seconds=timings["idle"])
                candidates.append((at, {"kind": "bot", "seat": seat, "idle": True}))
    if not candidates:
        return None
    return min(candidates, key=lambda c: c[0])
