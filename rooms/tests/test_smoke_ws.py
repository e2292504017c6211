import asyncio

import pytest
from channels.db import database_sync_to_async
from channels.testing import WebsocketCommunicator

from gameproject.asgi import application
from rooms import services

pytestmark = pytest.mark.django_db(transaction=True)


async def test_one_human_three_bots_full_game():
    created = await database_sync_to_async(services.room_create_sync)("Alice", 3)
    ws = WebsocketCommunicator(
        application,
        f"/ws/rooms/{created.room_id}/?token={created.token}",
        headers=[(b"origin", b"http://127.0.0.1"), (b"host", b"127.0.0.1")],
    )
    connected, _ = await ws.connect()
    assert connected
    first = await ws.receive_json_from()
    assert first["type"] == "update"
    await ws.send_json_to({"type": "start_game", "request_id": 1})
    from game.bots import choose
    from game.state import GameState  # noqa: F401

    phase = None
    pending = True
    view = None
    n = 0
    while phase != "game_over":
        msg = await asyncio.wait_for(ws.receive_json_from(), 10)
        n += 1
        if msg["type"] == "update":
            view = msg["view"]
            phase = view["phase"]
        else:
            # With every delay at 0 the redeal window closes at once: a late decision is refused.
            assert msg["type"] == "ack" or msg["code"] == "no_redeal_pending", msg
            pending = False
        if not pending and view is not None:
            command = choose(view, "smart")
            if command is not None:
                pending = True
                await ws.send_json_to({"type": command.type, **command.args})
    print("messages", n, view["round"], view["seats"])
    await ws.disconnect()
    await services.shutdown()
