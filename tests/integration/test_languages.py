"""Refusals are worded in the reader's language, through the real server (daphne in a
subprocess): a socket's language is its handshake's language cookie, else its
``Accept-Language``; a request's, the same (``LocaleMiddleware``). The code and the params never
change with the language; the message does. A room's bots are named in its creator's language."""

from __future__ import annotations

import asyncio
import json
import re
from collections.abc import Iterator
from typing import Any

import pytest

from tests.liveserver import Server, Servers

from .hostile import CALM_SEED, answer, ws_connect

#: How each language is asked for, and the script its words are written in.
LANGUAGES = {
    "en": ({}, re.compile(r"^[\x20-\x7e]+$")),
    "th": ({"Accept-Language": "th-TH,th;q=0.9,en;q=0.5"}, re.compile(r"[\u0e01-\u0e5b]")),
    # The cookie (the language switcher's) beats the browser's Accept-Language.
    "zh-hans": (
        {"Cookie": "django_language=zh-hans", "Accept-Language": "th,en;q=0.5"},
        re.compile(r"[\u4e00-\u9fff]"),
    ),
}
BOT_NAMES = {
    "en": re.compile(r"^Bot [A-Za-z]+$"),
    "th": re.compile(r"^บอท [\u0e01-\u0e5b]+$"),
    "zh-hans": re.compile(r"^机器人[\u4e00-\u9fff]+$"),
}


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    # Every delay at 0 (bots act at once), and a connected human is never hurried by a bot.
    servers = Servers(tmp_path_factory.mktemp("languages"), {"LIAPTUI_IDLE_SECONDS": "0"})
    try:
        yield servers.start()
    finally:
        servers.stop_all()


def create_room(server: Server, headers: dict[str, str]) -> dict[str, Any]:
    status, created = server.post(
        "/api/rooms/", {"player_name": "Mei", "bots": 3, "seed": CALM_SEED}, headers=headers
    )
    assert status == 201, created
    return created


async def refused_declaration(server: Server, created: dict[str, Any], headers: dict[str, str]):
    """Start the game and, when the seat is to declare, declare 9 piles: the error frame."""
    path = f"/ws/rooms/{created['room_id']}/?token={created['token']}"
    async with ws_connect(server, path, headers=headers) as ws:
        await ws.send(json.dumps({"type": "start_game", "request_id": "start"}))
        async with asyncio.timeout(30):
            while True:
                message = json.loads(await ws.recv())
                assert message["type"] != "error", message
                view = message.get("view")
                if view and view["phase"] == "declaration" and created["seat"] in view["to_act"]:
                    break  # (the seed deals no weak hand: no redeal to answer first)
            await ws.send(json.dumps({"type": "declare", "value": 9, "request_id": "nine"}))
            message = await answer(ws)
    assert message["type"] == "error", message
    return message


async def test_the_same_illegal_declaration_is_refused_in_each_language(server):
    errors = {}
    for language, (headers, script) in LANGUAGES.items():
        created = create_room(server, headers)
        error = await refused_declaration(server, created, headers)
        assert error["request_id"] == "nine"
        assert script.search(error["message"]), (language, error)
        errors[language] = error
    assert {e["code"] for e in errors.values()} == {"illegal_declaration"}
    assert [e["params"] for e in errors.values()] == [{"reason": "range", "max": 8}] * 3
    assert len({e["message"] for e in errors.values()}) == 3
    assert errors["en"]["message"] == "A declaration is a number of piles from 0 to 8."


def test_a_room_s_bots_are_named_in_its_creator_s_language(server):
    for language, (headers, _) in LANGUAGES.items():
        created = create_room(server, headers)
        status, room = server.get(f"/api/rooms/{created['room_id']}/")
        assert status == 200
        names = [seat["name"] for seat in room["seats"][1:]]
        assert all(BOT_NAMES[language].match(name) for name in names), (language, names)


def test_a_rest_refusal_is_worded_in_the_request_s_language(server):
    created = create_room(server, {})
    answers = {}
    for language, (headers, script) in LANGUAGES.items():
        status, body = server.post(
            f"/api/rooms/{created['room_id']}/join/", {"player_name": "Mei"}, headers=headers
        )
        assert status == 409, body
        assert script.search(body["error"]["message"]), (language, body)
        answers[language] = body["error"]
    assert {(a["code"], json.dumps(a["params"])) for a in answers.values()} == {
        ("name_taken", '{"name": "Mei"}')
    }
    assert answers["en"]["message"] == "Someone in this room is already called 'Mei'."
