"""Frame validation of the room WebSocket (rooms/protocol.py): malformed frames get an error and
never reach the room; oversized frames close the socket; the rate limit; resync."""

from __future__ import annotations

import json

import pytest

from rooms.consumers import CLOSE_TOO_BIG
from rooms.json_input import MAX_DEPTH
from rooms.protocol import MAX_FRAME_BYTES, MAX_VERSION_DIGITS
from rooms.tests.wsclient import (
    CLOSE,
    check_hand_paths,
    create_room,
    event_rows,
    room_version,
)

pytestmark = pytest.mark.django_db(transaction=True)

# (frame text, expected code, request_id echoed in the error)
MALFORMED = [
    ("{not json", "bad_json", None),
    ("   ", "bad_json", None),
    ('["ping"]', "bad_message", None),
    ('"ping"', "bad_message", None),
    ("42", "bad_message", None),
    ('{"request_id": 1}', "unknown_action", 1),
    ('{"type": "fly", "request_id": "a"}', "unknown_action", "a"),
    ('{"type": 7, "request_id": "b"}', "unknown_action", "b"),
    ('{"type": "declare", "request_id": "c"}', "missing_field", "c"),
    ('{"type": "play", "request_id": "d"}', "missing_field", "d"),
    ('{"type": "add_bot", "request_id": "e"}', "missing_field", "e"),
    ('{"type": "resync", "request_id": "f"}', "missing_field", "f"),
    ('{"type": "declare", "value": "3", "request_id": "g"}', "wrong_type", "g"),
    ('{"type": "declare", "value": true, "request_id": "h"}', "wrong_type", "h"),
    ('{"type": "declare", "value": 2.5, "request_id": "i"}', "wrong_type", "i"),
    ('{"type": "declare", "value": null, "request_id": "j"}', "wrong_type", "j"),
    ('{"type": "play", "pieces": "x", "request_id": "k"}', "wrong_type", "k"),
    ('{"type": "play", "pieces": [1, 2], "request_id": "l"}', "wrong_type", "l"),
    (
        '{"type": "play", "pieces": ["SOLDIER_RED"], "request_id": "l2", "x": 1}',
        "unexpected_field",
        "l2",
    ),
    ('{"type": "redeal", "accept": "yes", "request_id": "m"}', "wrong_type", "m"),
    ('{"type": "remove_seat", "seat": "1", "request_id": "n"}', "wrong_type", "n"),
    ('{"type": "ping", "extra": 1, "request_id": "o"}', "unexpected_field", "o"),
    ('{"type": "start_game", "seed": 5, "request_id": "p"}', "unexpected_field", "p"),
    ('{"type": "ping", "request_id": {"a": 1}}', "wrong_type", None),
    ('{"type": "ping", "request_id": true}', "wrong_type", None),
    ('{"type": "ping", "request_id": "' + "x" * 65 + '"}', "wrong_type", None),
    ('{"type": "ping", "request_id": 9007199254740992}', "wrong_type", None),
    # Nesting deeper than MAX_DEPTH, however it comes: never a RecursionError.
    ("[" * 3000 + "]" * 3000, "bad_json", None),
    ('{"a":' * 2700 + "1" + "}" * 2700, "bad_json", None),
    ('{"type": "ping", "request_id": ' + "[" * 1000 + "]" * 1000 + "}", "bad_json", None),
    (
        '{"type": "play", "request_id": "q", "pieces": ' + "[" * 1000 + "]" * 1000 + "}",
        "bad_json",
        None,
    ),
    (
        '{"type": "ping", "request_id": "r", "x": ' + "[" * MAX_DEPTH + "]" * MAX_DEPTH + "}",
        "bad_json",
        None,
    ),
    # Under the limit, the frame is read and refused for what it is.
    (
        '{"type": "ping", "request_id": "s", "x": ' + "[" * 7 + "]" * 7 + "}",
        "unexpected_field",
        "s",
    ),
    ('{"type": "declare", "value": 9007199254740992, "request_id": "t"}', "invalid_argument", "t"),
    (
        '{"type": "resync", "version": -9007199254740992, "request_id": "u"}',
        "invalid_argument",
        "u",
    ),
    ('{"type": "declare", "value": NaN, "request_id": "v"}', "bad_json", None),
    ('{"type": "declare", "value": 1' + "0" * 4400 + ', "request_id": "w"}', "bad_json", None),
]


async def test_malformed_frames_get_errors_and_change_nothing(ws):
    created = await create_room("Ann", 3)
    ann = await ws.seat(created)
    before = await room_version(created.room_id)
    for text, code, request_id in MALFORMED:
        await ann.send_text(text)
        reply = await ann.receive()
        assert reply["type"] == "error", (text, reply)
        assert reply["code"] == code, (text, reply)
        assert reply["request_id"] == request_id, (text, reply)
        assert reply["message"]
    # Binary frames are not JSON text.
    await ann.comm.send_to(bytes_data=b'{"type": "ping"}')
    assert (await ann.receive())["code"] == "bad_json"
    assert await ann.nothing()
    assert await room_version(created.room_id) == before
    # The socket still works.
    assert (await ann.request("ping", request_id=99)) == {"type": "ack", "request_id": 99}


async def test_frames_over_16_kib_close_the_socket(ws):
    created = await create_room("Ann", 3)
    ann = await ws.seat(created)
    before = await room_version(created.room_id)
    # Exactly 16 KiB is still a frame (padded with JSON whitespace).
    head, tail = '{"type": "ping", "request_id": "edge"', "}"
    text = head + " " * (MAX_FRAME_BYTES - len(head) - len(tail)) + tail
    assert len(text.encode()) == MAX_FRAME_BYTES
    await ann.send_text(text)
    assert (await ann.receive()) == {"type": "ack", "request_id": "edge"}
    # One byte more is answered with frame_too_big, then the socket is closed with 4009.
    await ann.send_text(text[:-1] + " }")
    await too_big_and_closed(ann)
    assert await room_version(created.room_id) == before


async def too_big_and_closed(client) -> None:
    error = await client.receive()
    assert error["type"] == "error" and error["code"] == "frame_too_big", error
    assert (await client.receive()) == {"type": CLOSE, "code": CLOSE_TOO_BIG}


async def test_multibyte_frames_are_measured_in_bytes(ws):
    created = await create_room("Ann", 3)
    ann = await ws.seat(created)
    # 6000 three-byte characters: under 16 Ki characters, over 16 KiB.
    await ann.send_text(json.dumps({"type": "ping", "pad": "中" * 6000}, ensure_ascii=False))
    await too_big_and_closed(ann)


async def test_rate_limit(ws, settings):
    settings.LIAPTUI_WS_RATE = 0.001  # no token comes back during the test, however slow
    settings.LIAPTUI_WS_BURST = 3
    created = await create_room("Ann", 3)
    ann = await ws.seat(created)
    before = await room_version(created.room_id)
    for n in range(8):
        await ann.send({"type": "ping", "request_id": n})
    replies = [await ann.receive() for _ in range(8)]
    assert replies[:3] == [{"type": "ack", "request_id": n} for n in range(3)]
    assert all(r["type"] == "error" and r["code"] == "rate_limited" for r in replies[3:]), replies
    # Each refusal names the request it refuses, so a client can settle it.
    assert [r["request_id"] for r in replies[3:]] == list(range(3, 8))
    # A limited action is not run: a start_game sent while limited changes nothing.
    await ann.send({"type": "start_game", "request_id": "s"})
    reply = await ann.receive()
    assert reply["type"] == "error" and reply["code"] == "rate_limited", reply
    assert await room_version(created.room_id) == before


async def test_resync_from_zero_returns_every_public_event(ws):
    created = await create_room("Ann", 3)
    ann = await ws.seat(created)
    await ann.ok("start_game")
    # The room stops when the human must act.
    await ann.until(lambda v: 0 in v["to_act"] and v["phase"] in ("declaration", "turn"))
    version = await room_version(created.room_id)
    assert ann.version == version
    assert (await ann.request("resync", request_id="rs", version=0))["type"] == "ack"
    update = await ann.receive()
    assert update["type"] == "update" and update["version"] == version
    rows = await event_rows(created.room_id)
    assert [e["seq"] for e in update["events"]] == list(range(1, version + 1))
    assert [e["type"] for e in update["events"]] == [r["type"] for r in rows]
    check_hand_paths(update, seat=0)
    dealt = [e for e in update["events"] if e["type"] == "hands_dealt"]
    truth = [r for r in rows if r["type"] == "hands_dealt"]
    assert dealt and [e["payload"]["hand"] for e in dealt] == [
        r["payload"]["hands"][0] for r in truth
    ]
    # A resync from the current version has no events; a negative one counts from 0.
    await ann.ok("resync", version=version)
    assert (await ann.receive())["events"] == []
    await ann.ok("resync", version=-5)
    assert len((await ann.receive())["events"]) == version
    assert await room_version(created.room_id) == version


@pytest.mark.parametrize("raw", ["1" * (MAX_VERSION_DIGITS + 1), "1" * 4301, "-3", "x", "٣"])
async def test_a_bad_version_in_the_url_is_an_error_not_a_crash(raw, ws):
    created = await create_room("Ann", 3)
    client = await ws.open(created.room_id, created.token, version=raw)
    await client.connect(first=None)
    error = await client.receive()
    assert error["type"] == "error" and error["code"] == "wrong_type", error
    update = await client.receive()
    assert update["type"] == "update" and update["events"] == [], update
    assert (await client.request("ping", request_id=1)) == {"type": "ack", "request_id": 1}


@pytest.mark.parametrize(
    "origin",
    [
        b"http://evil.example",
        b"null",
        b"https://127.0.0.1",
        b"http://127.0.0.1:1",
        b"http://localhost",
        b"ws://127.0.0.1",
        b"http://127.0.0.1.evil.example",
        b"",
    ],
)
async def test_a_foreign_origin_is_refused(origin, ws):
    """Only same-origin pages (scheme, host and port) may open a socket (rooms/origins.py)."""
    from channels.testing import WebsocketCommunicator

    from gameproject.asgi import application

    created = await create_room("Ann", 3)
    for path in (f"/ws/rooms/{created.room_id}/?token={created.token}", "/ws/lobby/"):
        comm = WebsocketCommunicator(
            application, path, headers=[(b"origin", origin), (b"host", b"127.0.0.1")]
        )
        connected, _ = await comm.connect()
        assert not connected
        await comm.disconnect()
    assert await room_version(created.room_id) == created.version


async def test_resyncs_have_a_stricter_limit_of_their_own(ws, settings):
    """A resync answers with the room's whole log: after a burst of 3, one every 2 s (at the
    default rate), while other frames still pass."""
    settings.LIAPTUI_WS_RATE = 10
    settings.LIAPTUI_WS_BURST = 30
    created = await create_room("Ann", 3)
    ann = await ws.seat(created)
    replies = []
    for n in range(5):
        replies.append(await ann.request("resync", request_id=f"r{n}", version=0))
    assert [r["type"] for r in replies] == ["ack"] * 3 + ["error"] * 2
    assert [r["code"] for r in replies[3:]] == ["rate_limited"] * 2
    assert [r["request_id"] for r in replies] == [f"r{n}" for n in range(5)]
    assert (await ann.request("ping", request_id="p")) == {"type": "ack", "request_id": "p"}
