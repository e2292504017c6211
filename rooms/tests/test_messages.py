"""Every refusal the server can send has a message in every language, made of the params its
raiser gives: read off the source, every ``RuleError``, ``RoomError``, ``ProtocolError`` and
``send_error`` with a literal code is rendered with the keyword params it is raised with."""

from __future__ import annotations

import ast
import json
import re
from pathlib import Path
from typing import Any

import pytest

from game.rules import declaration_error
from rooms.messages import MESSAGES, error_body, error_message, scope_language
from rooms.protocol import ProtocolError, parse_action

ROOT = Path(__file__).resolve().parents[2]
SOURCES = [*sorted((ROOT / "game").glob("*.py")), *sorted((ROOT / "rooms").glob("*.py"))]
RAISERS = {"RuleError", "RoomError", "ProtocolError", "send_error"}
SCRIPTS = {
    "en": re.compile(r"^[\x20-\x7e×將炮]+$"),
    "th": re.compile(r"[\u0e01-\u0e5b]"),
    "zh-hans": re.compile(r"[\u4e00-\u9fff]"),
}
#: A value for each param a raiser may give (the test fails on a param it does not know).
SAMPLES: dict[str, Any] = {
    "seat": 2,
    "name": "Mei",
    "action": "play",
    "phase": "turn",
    "expected": "int",
    "choices": ["smart", "greedy"],
    "pieces": ["CANNON_RED", "CANNON_RED", "GENERAL_BLACK"],
    "field": "value",
    "type": "declare",
    "command": "fly",
    "room": "ABCDEF",
    "max": 8,
    "min": 0,
    "required": 2,
}
#: Params spread from a helper rather than written at the raise.
SPREAD = {"_seat_params": {"seat": 1, "name": "Mei"}}


def _literal(node: ast.AST) -> Any:
    return node.value if isinstance(node, ast.Constant) else ...


def raised() -> list[tuple[str, str, dict[str, Any]]]:
    """(where, code, params) of every refusal with a literal code in game/ and rooms/."""
    found = []
    for path in SOURCES:
        for node in ast.walk(ast.parse(path.read_text())):
            if not isinstance(node, ast.Call):
                continue
            name = getattr(node.func, "id", None) or getattr(node.func, "attr", None)
            if name not in RAISERS:
                continue
            args = [a for a in node.args if not isinstance(_literal(a), type(None))]
            code = next((_literal(a) for a in args if isinstance(_literal(a), str)), None)
            if code is None:
                continue  # passes on a refusal's code and params (**error.params)
            params: dict[str, Any] | None = {}
            for keyword in node.keywords:
                if keyword.arg is None:  # **something: a helper's params, or the declaration's
                    helper = getattr(getattr(keyword.value, "func", None), "id", None)
                    if helper not in SPREAD:
                        params = None  # the declaration rules: DECLARATIONS below
                        break
                    params.update(SPREAD[helper])
                elif keyword.arg == "reason":
                    params["reason"] = _literal(keyword.value)
                else:
                    params[keyword.arg] = SAMPLES[keyword.arg]
            if params is not None:
                found.append((f"{path.name}:{node.lineno}", code, params))
    return found


RAISED = raised()
DECLARATIONS = [declaration_error(9, 0, False, 0), declaration_error(0, 0, False, 2)]
DECLARATIONS.append(declaration_error(2, 6, True, 0))


def test_the_source_scan_finds_the_refusals():
    codes = {code for _, code, _ in RAISED}
    assert {"not_your_turn", "room_not_found", "bad_json", "rate_limited", "seat_taken"} <= codes
    assert len(RAISED) > 50


@pytest.mark.parametrize("language", list(SCRIPTS))
def test_every_refusal_has_a_message_in_every_language(language):
    cases = [*RAISED, *(("rules.py", "illegal_declaration", p) for p in DECLARATIONS)]
    for where, code, params in cases:
        assert (code, params.get("reason")) in MESSAGES, (where, code, params)
        text = error_message(code, params, language)
        assert "%(" not in text and text != code, (where, text)
        assert SCRIPTS[language].search(text), (where, language, text)


def test_every_message_is_raised_somewhere():
    raised_keys = {(code, params.get("reason")) for _, code, params in RAISED}
    raised_keys |= {("illegal_declaration", p["reason"]) for p in DECLARATIONS}
    assert set(MESSAGES) - raised_keys == set()


def test_params_are_shown_as_players_read_them():
    params = {"action": "play", "seat": 2, "name": "Mei"}
    assert error_message("not_your_turn", params, "en") == "It is Mei (seat 3)'s turn to play."
    assert error_message("not_your_turn", {"action": "declare", "seat": 0, "name": None}, "en") == (
        "It is seat 1's turn to declare."
    )
    assert error_message("pieces_not_in_hand", {"pieces": SAMPLES["pieces"]}, "en") == (
        "You do not hold: 炮×2, 將."
    )
    assert error_message("wrong_piece_count", {"required": 1}, "en") == (
        "You must play exactly 1 piece, as the leader did."
    )
    assert error_message("wrong_piece_count", {"required": 3}, "zh-hans") == (
        "你必须和领出的人一样，正好出 3 枚棋子。"
    )
    # A client's own value is shown escaped and cut short.
    long = error_message("unknown_action", {"type": "x\x00" + "y" * 100, "choices": []}, "en")
    assert "x\\x00yyy" in long and "…" in long and len(long) < 120


def test_the_body_keeps_code_and_params_whatever_the_language():
    params = {"seat": 1}
    bodies = [error_body("seat_taken", params, language) for language in SCRIPTS]
    assert [(b["code"], b["params"]) for b in bodies] == [("seat_taken", params)] * 3
    assert [b["message"] for b in bodies] == [
        "Seat 2 is taken.",
        "ที่นั่ง 2 มีคนนั่งแล้ว",
        "2 号座位已经有人了。",
    ]


def test_an_unknown_refusal_is_its_code():
    assert error_message("no_such_code", {}, "th") == "no_such_code"


def scope(cookie: str | None = None, accept: str | None = None) -> dict[str, Any]:
    headers = [(b"accept-language", accept.encode())] if accept else []
    return {"cookies": {"django_language": cookie} if cookie else {}, "headers": headers}


@pytest.mark.parametrize(
    ("cookie", "accept", "language"),
    [
        (None, None, "en"),
        (None, "th-TH,th;q=0.9", "th"),
        (None, "zh-CN,zh;q=0.9", "zh-hans"),
        (None, "fr-FR,de;q=0.8", "en"),
        (None, "fr,zh-Hans;q=0.5", "zh-hans"),
        ("th", "zh-CN", "th"),
        ("xx", "zh-CN", "zh-hans"),
        ("zh-hans", None, "zh-hans"),
    ],
)
def test_a_socket_s_language_is_its_cookie_else_its_accept_language(cookie, accept, language):
    assert scope_language(scope(cookie, accept)) == language


def test_a_refused_frame_gives_back_at_most_64_characters_of_what_the_client_wrote():
    long = "x" * 5000
    for frame, key in (({"type": long}, "type"), ({"type": "ping", long: 1}, "field")):
        with pytest.raises(ProtocolError) as refused:
            parse_action(json.dumps(frame))
        assert refused.value.params[key] == "x" * 63 + "…"
    with pytest.raises(ProtocolError) as refused:
        parse_action(json.dumps({"type": {"nested": [1, 2]}}))
    assert refused.value.params["type"] == '{"nested": [1, 2]}'
    with pytest.raises(ProtocolError) as refused:
        parse_action("{}")
    assert refused.value.params["type"] is None
