"""How the server plays a seat with a bot: which view the bot gets and the seed it samples with.

The room service and the simulator both go through ``bot_command``, so a room's bot and a
simulated one make the same decision in the same state.

The ``expert`` samples hidden hands, so it needs random numbers, and they must be reproducible
(replay, tests) without giving the bot the game's seed (which gives away every deal): it gets
``sampling_seed(seed, event_number)``, a one-way hash of the game's seed and the number of events
the room holds when the bot decides, computed here, outside its view.
"""

from __future__ import annotations

import hashlib

from . import bots, expert
from .collector import collector_paused
from .state import Command, GameState
from .views import bot_view


def sampling_seed(seed: int, event_number: int) -> int:
    """A 64-bit seed for a bot's own random choices, from the game's secret seed and the event
    number: it reveals nothing of the seed, and differs for every decision."""
    digest = hashlib.blake2b(f"{seed}:{event_number}".encode(), digest_size=8).digest()
    return int.from_bytes(digest, "big")


def bot_command(
    state: GameState,
    seat: int,
    strategy: str,
    event_number: int,
    budget: expert.Budget | None = None,
) -> Command | None:
    """The command a bot of ``strategy`` sends for ``seat``, or ``None`` when the game is not
    waiting for it. ``event_number`` is the number of events of the room so far. Only the
    ``expert`` reads the round's history, so only it gets the view that holds it."""
    if strategy == "expert":
        assert state.seed is not None, "the game has not started"
        with collector_paused:
            view = bot_view(state, seat, history=True)
            return expert.choose(view, sampling_seed(state.seed, event_number), budget)
    return bots.choose(bot_view(state, seat), strategy)
