"""A connected human who does not act within the idle deadline gets one bot move for that
action (docs/rules.md §6), and keeps the seat: the next action is theirs again."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from channels.db import database_sync_to_async

from rooms import services
from rooms.tests.wsclient import create_room, event_rows, hold

pytestmark = pytest.mark.django_db(transaction=True)
IDLE = 1.0


async def test_an_idle_human_gets_a_bot_move_and_keeps_the_seat(settings, ws):
    hold(settings)  # every delay 0 …
    settings.LIAPTUI_TIMINGS = {**settings.LIAPTUI_TIMINGS, "idle": IDLE}  # … but idleness
    created = await create_room("Ann", 3, seed=5)
    ann = await ws.seat(created)
    await ann.ok("start_game")
    # Ann says nothing: whatever the game waits for from her is done for her after IDLE.
    view = await ann.until(
        lambda v: (
            v["phase"] == "turn" and v["round"] == 1 and v["turn"] and v["turn"]["number"] >= 2
        ),
        timeout=30,
    )
    rows = await event_rows(created.room_id)
    hers = [r for r in rows if r["actor"] == 0 and r["type"] in ("declared", "played")]
    assert any(r["type"] == "declared" for r in hers), "a bot declared for the idle player"
    assert view["seats"][0]["connected"] is True and view["seats"][0]["bot_playing"] is False
    # She is still the one asked when it is her turn, and her own move is taken. From now on
    # she has long enough to answer (her turn after this change has a far deadline).
    settings.LIAPTUI_TIMINGS = {**settings.LIAPTUI_TIMINGS, "idle": 60.0}
    soon = datetime.now(UTC) + timedelta(seconds=30)

    def her_turn_with_time(v: dict) -> bool:
        deadline = v["deadline"] and datetime.fromisoformat(v["deadline"])
        return 0 in v["to_act"] and bool(v["legal"]["play"]) and bool(deadline) and deadline > soon

    view = await ann.until(her_turn_with_time, timeout=30)
    reply = await ann.act()
    assert reply is not None and reply["type"] == "ack", reply
    # The game would go on without her once her socket closes: end it here.
    await database_sync_to_async(services.room_close_sync)(created.room_id, "test over")
