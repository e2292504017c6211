"""A game through nginx with the project's ``deploy/nginx.conf``: the lobby, the table, its
scripts (served by nginx from the collected static files) and the room socket (passed on as a
WebSocket upgrade) all work through the proxy; a person creates a room and plays a turn."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from playwright.sync_api import expect

from tests.ci import in_ci
from tests.liveserver import Proxy, Server, Servers

from .table import Table, play_together

ROOM_URL = re.compile(r"/rooms/([A-Z2-9]{6})/$")


@pytest.fixture(scope="module")
def proxy(
    e2e_servers: Servers, e2e_server: Server, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Proxy]:
    from deploy.nginx import nginx_binary

    if nginx_binary() is None:
        reason = "nginx is missing (apt-get install nginx-light)"
        if in_ci():
            pytest.fail(f"{reason} (under CI a missing proxy is a failure)", pytrace=False)
        pytest.skip(f"proxy test skipped: {reason}")
    proxied = Proxy(tmp_path_factory.mktemp("nginx"), [e2e_server], e2e_servers.collect_static())
    try:
        yield proxied
    finally:
        proxied.stop()


def test_a_turn_played_through_the_proxy(open_context, proxy):
    page = open_context(base_url=proxy.base).new_page()
    # nginx's own static files carry its Expires header (deploy/nginx.conf); daphne's do not.
    expires: dict[str, str | None] = {}
    page.on(
        "response",
        lambda r: expires.setdefault(r.url.split(proxy.base, 1)[-1], r.headers.get("expires")),
    )
    page.goto("/")
    expect(page.locator("#lobby-status")).to_have_text("live")
    page.get_by_label("Your name").fill("Pia")
    page.get_by_role("button", name="Create a room").click()
    page.wait_for_url(ROOM_URL)
    expect(page.locator("#conn")).to_have_text("● live")
    page.get_by_role("button", name="Start the game").click()
    expect(page.locator("#table")).not_to_have_attribute("data-phase", "waiting")

    pia = Table(page, "Pia")
    play_together([pia], lambda: pia.plays >= 1, seconds=60)
    assert pia.plays >= 1 and pia.refusals == []
    # The page's scripts came from nginx itself, the page from daphne behind it.
    assert expires["/static/js/room.js"] is not None
    assert expires[page.url.split(proxy.base, 1)[-1]] is None
