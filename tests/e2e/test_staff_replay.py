"""Staff, with DEBUG off, as support works: log in through the admin's form from the replay
page, open the replay of a finished game, jump to round 3, look at it as seat 2 saw it; and
close a room from the admin while its player is at the table."""

from __future__ import annotations

import re
import subprocess
import sys
import time
from collections.abc import Iterator

import pytest
from playwright.sync_api import Page, expect

from tests.liveserver import ROOT, Server, Servers

from .table import open_table, take_room

PASSWORD = "a long staff password"
ENV = {"DJANGO_DEBUG": "0", "LIAPTUI_TIME_SCALE": "0", "LIAPTUI_ALLOW_SEED": "1"}


@pytest.fixture(scope="module")
def staff_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    group = Servers(tmp_path_factory.mktemp("staff"), env=ENV)
    try:
        server = group.start()
        made = subprocess.run(
            [sys.executable, "manage.py", "createsuperuser", "--noinput", "--username", "staff"]
            + ["--email", "staff@example.com"],
            cwd=ROOT,
            env={**group.env, "DJANGO_SUPERUSER_PASSWORD": PASSWORD},
            capture_output=True,
            text=True,
            timeout=60,
        )
        assert made.returncode == 0, made.stderr
        yield server
    finally:
        group.stop_all()


def finished_game(open_context, server: Server) -> str:
    """A game of three bots and a host who starts it and leaves (a bot plays the seat)."""
    host = open_context(base_url=server.base)
    room_id = take_room(host, player_name="Host", bots=3, seed=77)["room_id"]
    table = open_table(host, room_id)
    table.get_by_role("button", name="Start the game").click()
    expect(table.locator("#table")).not_to_have_attribute("data-phase", "waiting")
    table.close()
    deadline = time.monotonic() + 60
    while server.get(f"/api/rooms/{room_id}/")[1]["status"] != "finished":
        assert time.monotonic() < deadline, "the bots did not finish the game"
        time.sleep(0.2)
    return room_id


def log_in_from(page: Page, path: str) -> None:
    page.goto(path)
    expect(page).to_have_url(re.compile(re.escape("/admin/login/?next=")))
    page.locator("#id_username").fill("staff")
    page.locator("#id_password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url(re.compile(re.escape(path) + "$"))


def test_staff_replay_a_finished_game_as_seat_2_saw_round_3(open_context, staff_server):
    room_id = finished_game(open_context, staff_server)
    page = open_context(base_url=staff_server.base).new_page()
    log_in_from(page, f"/rooms/{room_id}/replay/")
    version = staff_server.get(f"/api/rooms/{room_id}/")[1]["version"]
    expect(page.locator("#seq-label")).to_have_text(str(version))
    # The event list names each phase a phase_change goes to.
    expect(
        page.locator("#replay-events li", has_text="phase_change → declaration").first
    ).to_be_visible()

    page.locator("#jump").select_option(label="Round 3: the deal")
    dealt = int(page.locator("#jump").input_value())
    expect(page.locator("#seq-label")).to_have_text(str(dealt))
    expect(page.locator("#replay-phase")).to_contain_text("round 3")
    page.locator("#as-seat").select_option("2")
    expect(page.locator("#replay-phase")).to_contain_text("as seat 2 sees it")

    seen = page.context.request.get(f"/api/debug/replay/{room_id}/?upto={dealt}&seat=2").json()
    hand = seen["state"]["you"]["hand"]
    tokens = page.locator(".seat[data-seat='2'] .piece")
    expect(tokens).to_have_count(len(hand))
    assert [t.get_attribute("data-kind") for t in tokens.all()] == hand
    for other in (0, 1, 3):  # nothing of the other hands
        expect(page.locator(f".seat[data-seat='{other}'] .piece")).to_have_count(0)
    # Keys: End goes to the last event, Home to the first.
    page.keyboard.press("End")
    expect(page.locator("#seq-label")).to_have_text(str(version))
    page.keyboard.press("Home")
    expect(page.locator("#seq-label")).to_have_text("0")

    # On a 390 px phone, opened at the last event: the event list scrolls itself to that event,
    # never the page, so the slider and the table stay on screen.
    page.set_viewport_size({"width": 390, "height": 844})
    page.reload()
    expect(page.locator("#seq-label")).to_have_text(str(version))
    expect(page.locator("#replay-events li.current")).to_have_count(1)
    assert page.evaluate("window.scrollY") == 0
    expect(page.locator("#seq-slider")).to_be_in_viewport()
    expect(page.locator("#replay-seats")).to_be_in_viewport()


def test_closing_a_room_in_the_admin_shows_on_the_players_table(open_context, staff_server):
    player = open_context(base_url=staff_server.base)
    room_id = take_room(player, player_name="Pat", bots=3)["room_id"]
    table = open_table(player, room_id)

    staff = open_context(base_url=staff_server.base).new_page()
    log_in_from(staff, f"/admin/rooms/room/?q={room_id}")
    staff.locator(f"input[name='_selected_action'][value='{room_id}']").check()
    staff.locator("select[name='action']").select_option("close_rooms")
    staff.get_by_role("button", name="Go").click()
    expect(staff.locator(".messagelist")).to_contain_text("Closed 1 room(s).")

    expect(table.locator("#phase-title")).to_have_text("Room closed by staff")
    expect(table.locator("#log")).to_contain_text("Room closed by staff.")
