"""Hostile input against the real server (daphne in a subprocess, not the in-process test
client, which skips the WebSocket server that refuses close codes): one test per finding of the
attack that this server must withstand. The kill -9 of one of two processes is in
``test_crash.py`` (it needs PostgreSQL and Redis)."""

from __future__ import annotations

import asyncio
import http.cookiejar
import json
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from websockets.exceptions import InvalidStatus

from tests.liveserver import Server, Servers

from .hostile import CLOSE_TOO_BIG, answer, closed_with, ws_connect

DEPTH_LIMIT = 8


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    group = Servers(tmp_path_factory.mktemp("hostile"))
    try:
        yield group.start()
    finally:
        group.stop_all()


@pytest.fixture(autouse=True)
def no_traceback(server: Server) -> Iterator[None]:
    """Whatever a test sends, the server logs no traceback and refuses no close code."""
    start = server.log_path.stat().st_size
    yield
    server.output()  # flushes
    log = server.log_path.read_bytes()[start:].decode(errors="replace")
    assert "Traceback" not in log, log[-4000:]
    assert "invalid close code" not in log, log[-4000:]


def new_room(server: Server, bots: int = 2) -> dict[str, Any]:
    status, created = server.post("/api/rooms/", {"player_name": "Ann", "bots": bots})
    assert status == 201, created
    return created


def join(server: Server, room_id: str, name: str) -> dict[str, Any]:
    status, joined = server.post(f"/api/rooms/{room_id}/join/", {"player_name": name})
    assert status == 201, joined
    return joined


def seat_path(room_id: str, token: str, **query: str) -> str:
    extra = "".join(f"&{k}={v}" for k, v in query.items())
    return f"/ws/rooms/{room_id}/?token={token}{extra}"


def summary(server: Server, room_id: str) -> dict[str, Any]:
    status, room = server.get(f"/api/rooms/{room_id}/")
    assert status == 200, room
    return room


async def eventually_disconnected(server: Server, room_id: str, seat: int) -> None:
    async with asyncio.timeout(10):
        while summary(server, room_id)["seats"][seat]["connected"]:
            await asyncio.sleep(0.1)


async def first_update(ws) -> dict[str, Any]:
    message = json.loads(await asyncio.wait_for(ws.recv(), 10))
    assert message["type"] == "update", message
    return message


# 1 ------------------------------------------------------------------------ oversized frames


async def test_an_oversized_frame_is_refused_and_closed_with_4009(server):
    created = new_room(server)
    async with ws_connect(server, seat_path(created["room_id"], created["token"])) as ws:
        await first_update(ws)
        await ws.send("x" * 16385)
        error = await answer(ws)
        assert error["code"] == "frame_too_big", error
        assert await closed_with(ws) == CLOSE_TOO_BIG


# 2 ------------------------------------------------------------------------ deep nesting


@pytest.mark.parametrize(
    "text",
    [
        "[" * 3000 + "]" * 3000,
        '{"a":' * 2700 + "1" + "}" * 2700,
        '{"type": "ping", "request_id": ' + "[" * 1000 + "]" * 1000 + "}",
        '{"type": "play", "pieces": ' + "[" * 1000 + "]" * 1000 + "}",
    ],
    ids=["list-3000", "object-2700", "request_id-1000", "pieces-1000"],
)
async def test_deep_nesting_is_bad_json_and_the_socket_lives(server, text):
    created = new_room(server)
    async with ws_connect(server, seat_path(created["room_id"], created["token"])) as ws:
        await first_update(ws)
        await ws.send(text)
        error = await answer(ws)
        assert error["code"] == "bad_json" and str(DEPTH_LIMIT) in error["message"], error
        await ws.send(json.dumps({"type": "ping", "request_id": "alive"}))
        assert await answer(ws) == {"type": "ack", "request_id": "alive"}


async def test_a_huge_version_in_the_url_is_an_error_not_a_crash(server):
    created = new_room(server)
    path = seat_path(created["room_id"], created["token"], version="9" * 4301)
    async with ws_connect(server, path) as ws:
        error = await answer(ws)
        assert error["code"] == "wrong_type", error
        update = await first_update(ws)
        assert update["events"] == [] and update["view"]["you"]["seat"] == 0


# 3 ------------------------------------------------------------------------ no ghost seats


async def test_a_seat_sent_a_hostile_frame_is_away_once_its_socket_closes(server):
    created = new_room(server, bots=1)
    bob = join(server, created["room_id"], "Bob")
    async with ws_connect(server, seat_path(created["room_id"], bob["token"])) as ws:
        await first_update(ws)
        assert summary(server, created["room_id"])["seats"][bob["seat"]]["connected"]
        await ws.send("[" * 3000 + "]" * 3000)
        await answer(ws)
    await eventually_disconnected(server, created["room_id"], bob["seat"])


async def test_a_socket_dropped_without_a_close_leaves_no_ghost(server):
    created = new_room(server, bots=1)
    bob = join(server, created["room_id"], "Bob")
    ws = await ws_connect(server, seat_path(created["room_id"], bob["token"]))
    await first_update(ws)
    ws.transport.abort()  # the TCP connection ends with no closing handshake
    await eventually_disconnected(server, created["room_id"], bob["seat"])


# 4 ------------------------------------------------------------------------ cross-site POSTs


class Browser:
    """urllib with a cookie jar: one browser's session."""

    def __init__(self, server: Server) -> None:
        self.server = server
        self.jar = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(
            urllib.request.ProxyHandler({}), urllib.request.HTTPCookieProcessor(self.jar)
        )

    def post(self, path: str, data: bytes, headers: dict[str, str]) -> tuple[int, Any]:
        request = urllib.request.Request(self.server.base + path, data=data, method="POST")
        for name, value in headers.items():
            request.add_header(name, value)
        try:
            with self.opener.open(request, timeout=10) as response:
                return response.status, json.loads(response.read())
        except urllib.error.HTTPError as error:
            return error.code, json.loads(error.read())

    def cookies(self) -> dict[str, str]:
        return {cookie.name: cookie.value for cookie in self.jar}


FORGED = [
    ("application/x-www-form-urlencoded", b"player_name=Mallory&bots=3"),
    (
        "multipart/form-data; boundary=zz",
        b'--zz\r\nContent-Disposition: form-data; name="player_name"\r\n\r\nMallory\r\n--zz--\r\n',
    ),
    ("text/plain", b'{"player_name": "Mallory", "bots": 3}'),
]


@pytest.mark.parametrize(("content_type", "body"), FORGED, ids=["form", "multipart", "text"])
async def test_a_form_from_another_site_cannot_replace_the_session(server, content_type, body):
    victim = Browser(server)
    status, created = victim.post(
        "/api/rooms/",
        json.dumps({"player_name": "Ann", "bots": 3}).encode(),
        {"Content-Type": "application/json", "Origin": server.origin},
    )
    assert status == 201, created
    session_before = victim.cookies()
    assert "sessionid" in session_before
    forged = {
        "Content-Type": content_type,
        "Origin": "http://evil.example",
        "Sec-Fetch-Site": "cross-site",
    }
    for path in ("/api/rooms/", f"/api/rooms/{created['room_id']}/join/"):
        status, refused = victim.post(path, body, forged)
        assert status == 403 and refused["error"]["code"] == "cross_site_request", refused
    assert victim.cookies() == session_before
    # Even from this site, a form is not a body the API takes.
    same_site = {"Content-Type": content_type, "Origin": server.origin}
    status, refused = victim.post("/api/rooms/", body, same_site)
    assert status == 415 and refused["error"]["code"] == "unsupported_media_type", refused
    assert victim.cookies() == session_before
    hosts = [room["host"] for room in server.get("/api/rooms/")[1]]
    assert "Mallory" not in hosts
    # The browser's session still holds the seat: its socket is seat 0's.
    cookie = "; ".join(f"{k}={v}" for k, v in victim.cookies().items())
    async with ws_connect(server, f"/ws/rooms/{created['room_id']}/") as ws:
        assert (await first_update(ws))["view"]["you"] is None  # no cookie: a spectator
    from websockets.asyncio.client import connect

    async with connect(
        server.ws_url(f"/ws/rooms/{created['room_id']}/"),
        origin=server.origin,
        additional_headers={"Cookie": cookie},
        proxy=None,
    ) as ws:
        assert (await first_update(ws))["view"]["you"]["seat"] == 0


# 5, 6 --------------------------------------------------------------------- REST bodies


@pytest.mark.parametrize(
    "raw",
    ["[" * 3000 + "]" * 3000, '{"player_name": ' + "[" * 2000 + "]" * 2000 + "}"],
    ids=["list", "field"],
)
def test_deeply_nested_rest_bodies_are_400_parse_error(server, raw):
    for path in ("/api/rooms/", f"/api/rooms/{new_room(server)['room_id']}/join/"):
        request = urllib.request.Request(
            server.base + path,
            data=raw.encode(),
            method="POST",
            headers={"Content-Type": "application/json"},
        )
        with pytest.raises(urllib.error.HTTPError) as refused:
            urllib.request.build_opener(urllib.request.ProxyHandler({})).open(request, timeout=10)
        assert refused.value.code == 400
        body = json.loads(refused.value.read())
        assert body["error"]["code"] == "parse_error", body


@pytest.mark.parametrize("bots", ["3", 1.0, True, "1"])
def test_bots_must_be_an_integer(server, bots):
    rooms_before = len(server.get("/api/rooms/")[1])
    status, body = server.post("/api/rooms/", {"player_name": "Ann", "bots": bots})
    assert status == 400 and body["error"]["code"] == "invalid_argument", body
    assert len(server.get("/api/rooms/")[1]) == rooms_before


# 7 ------------------------------------------------------------------------ origins


@pytest.mark.parametrize(
    "origin", ["https://localhost", "http://127.0.0.1:1", "https://127.0.0.1", "http://localhost"]
)
async def test_a_socket_from_another_origin_is_refused(server, origin):
    created = new_room(server)
    for path in (seat_path(created["room_id"], created["token"]), "/ws/lobby/"):
        with pytest.raises(InvalidStatus) as refused:
            async with ws_connect(server, path, origin=origin):
                pass
        assert refused.value.response.status_code == 403
    assert summary(server, created["room_id"])["seats"][0]["connected"] is False


async def test_a_socket_from_this_origin_is_served(server):
    created = new_room(server)
    async with ws_connect(server, seat_path(created["room_id"], created["token"])) as ws:
        assert (await first_update(ws))["view"]["you"]["seat"] == 0


# 8 ------------------------------------------------------------------------ rate limit


async def test_rate_limited_errors_echo_the_request_id(tmp_path: Path):
    group = Servers(tmp_path, {"LIAPTUI_WS_RATE": "0.001", "LIAPTUI_WS_BURST": "3"})
    try:
        limited = group.start()
        created = new_room(limited)
        async with ws_connect(limited, seat_path(created["room_id"], created["token"])) as ws:
            await first_update(ws)
            for n in range(8):
                await ws.send(json.dumps({"type": "ping", "request_id": f"r{n}"}))
            replies = [await answer(ws) for _ in range(8)]
        assert [r["type"] for r in replies] == ["ack"] * 3 + ["error"] * 5
        assert {r.get("code") for r in replies[3:]} == {"rate_limited"}
        assert [r["request_id"] for r in replies] == [f"r{n}" for n in range(8)]
        assert "Traceback" not in limited.output(tail=100_000)
    finally:
        group.stop_all()


async def test_behind_an_https_proxy_only_https_pages_open_sockets(tmp_path: Path):
    """With DJANGO_BEHIND_HTTPS_PROXY, the proxy's X-Forwarded-Proto says the page was https:
    an https page of this host may open a socket, an http one may not."""
    from websockets.asyncio.client import connect

    group = Servers(tmp_path, {"DJANGO_BEHIND_HTTPS_PROXY": "1"})
    try:
        server = group.start()
        request = urllib.request.Request(
            server.base + "/api/rooms/",
            data=json.dumps({"player_name": "Ann", "bots": 3}).encode(),
            method="POST",
            headers={"Content-Type": "application/json", "X-Forwarded-Proto": "https"},
        )
        opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
        with opener.open(request, timeout=10) as answer:
            created = json.loads(answer.read())
        path = seat_path(created["room_id"], created["token"])
        proxied = {"X-Forwarded-Proto": "https"}
        https_page = f"https://127.0.0.1:{server.port}"
        async with connect(
            server.ws_url(path), origin=https_page, additional_headers=proxied, proxy=None
        ) as ws:
            assert (await first_update(ws))["view"]["you"]["seat"] == 0
        with pytest.raises(InvalidStatus) as refused:
            async with connect(
                server.ws_url(path), origin=server.origin, additional_headers=proxied, proxy=None
            ):
                pass
        assert refused.value.response.status_code == 403
        assert "Traceback" not in server.output(tail=100_000)
    finally:
        group.stop_all()


async def test_unknown_socket_paths_and_room_ids_close_cleanly(server):
    for path in ("/ws/nope/", "/ws/rooms/%ZZ/", "/ws/rooms/" + "A" * 300 + "/", "/ws/"):
        try:
            async with ws_connect(server, path) as ws:
                error = await answer(ws)
                assert error["code"] == "room_not_found", (path, error)
                assert await closed_with(ws) == 4404
        except InvalidStatus as refused:  # refused at the handshake: as good
            assert refused.response.status_code == 403, path
