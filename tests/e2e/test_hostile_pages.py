"""What a page of another site, or a server answer without a request id, can do to a player in
the browser: nothing.

- A page served from another origin (another port of 127.0.0.1: another origin, the same
  site, so the browser even sends the player's cookies) auto-submits forms to
  ``POST /api/rooms/``; the player's session and seat stay as they were.
- The table's socket settles every request it sent, even one the server refuses without a
  request id, so no button waits for ever.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from playwright.sync_api import expect

from tests.liveserver import Server, free_port

from .table import open_table, take_room

FORMS = {
    "urlencoded": "application/x-www-form-urlencoded",
    "multipart": "multipart/form-data",
    # The classic way to smuggle JSON in a form: one field whose name is most of the body.
    "text": "text/plain",
}


def forging_page(target: str, enctype: str) -> bytes:
    if enctype == "text/plain":
        fields = '<input name=\'{"player_name": "Mallory", "bots": 3, "x": "\' value=\'"}\'>'
    else:
        fields = '<input name="player_name" value="Mallory"><input name="bots" value="3">'
    return (
        "<!doctype html><title>Free prizes</title>"
        f'<form id="f" method="post" action="{target}" enctype="{enctype}">{fields}</form>'
        "<script>document.getElementById('f').submit()</script>"
    ).encode()


@pytest.fixture
def other_site(e2e_server: Server) -> Iterator[str]:
    """A site of its own on another port, serving one forging page per form encoding."""

    class Pages(BaseHTTPRequestHandler):
        def do_GET(self) -> None:  # noqa: N802 - the http.server API
            enctype = FORMS.get(self.path.strip("/"))
            if enctype is None:
                self.send_error(404)
                return
            body = forging_page(f"{e2e_server.base}/api/rooms/", enctype)
            self.send_response(200)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args: object) -> None:
            pass

    httpd = ThreadingHTTPServer(("127.0.0.1", free_port()), Pages)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{httpd.server_address[1]}"
    finally:
        httpd.shutdown()
        httpd.server_close()
        thread.join(5)


def expect_seated(page, seat: int) -> None:
    expect(page.locator(f".seat[data-seat='{seat}'] .mark.you")).to_be_visible()
    expect(page.locator("#table")).not_to_contain_text("You are watching.")


@pytest.mark.parametrize("form", list(FORMS))
def test_a_form_from_another_site_leaves_the_player_seated(
    open_context, e2e_server, other_site, form
):
    context = open_context()
    created = take_room(context, player_name="Vic", bots=3)
    table = open_table(context, created["room_id"])
    expect_seated(table, 0)
    cookies_before = {c["name"]: c["value"] for c in context.cookies(e2e_server.base)}
    rooms_before = context.request.get("/api/rooms/").json()

    lure = context.new_page()
    with lure.expect_navigation(url=f"{e2e_server.base}/api/rooms/"):
        lure.goto(f"{other_site}/{form}/")
    assert '"cross_site_request"' in lure.content()

    cookies_after = {c["name"]: c["value"] for c in context.cookies(e2e_server.base)}
    assert cookies_after == cookies_before
    assert context.request.get("/api/rooms/").json() == rooms_before
    # Back at the table (a reload, as the victim would), the seat is still theirs.
    table.reload()
    expect(table.locator("#conn")).to_have_text("● live")
    expect_seated(table, 0)


SETTLE_SCRIPT = """
async (roomId) => {
  const { ReconnectingSocket } = await import("/static/js/socket.js");
  let opened;
  const open = new Promise((resolve) => (opened = resolve));
  const socket = new ReconnectingSocket(`/ws/rooms/${roomId}/`, {
    onStatus: (status) => status === "open" && opened(),
  });
  await open;
  // The frame that leaves is one the server cannot read a request id from.
  const realSend = socket.ws.send.bind(socket.ws);
  socket.ws.send = () => realSend("not json");
  const timeout = new Promise((resolve) => setTimeout(() => resolve("never settled"), 5000));
  const outcome = await Promise.race([
    socket.send("ping").then(() => "resolved", (error) => error.code),
    timeout,
  ]);
  socket.ws.send = realSend;
  const after = await socket.send("ping").then(() => "resolved", (error) => error.code);
  socket.close();
  return [outcome, after];
}
"""


def test_a_refusal_without_a_request_id_settles_the_request(open_context):
    context = open_context()
    created = take_room(context, player_name="Sam", bots=3)
    page = open_table(context, created["room_id"])
    assert page.evaluate(SETTLE_SCRIPT, created["room_id"]) == ["bad_json", "resolved"]
