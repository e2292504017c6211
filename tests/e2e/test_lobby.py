"""Two people in two browsers: one creates a room, the other sees it appear in the lobby
without reloading, joins it; the host adds two bots and starts; both play. A friend joins from
the room's link alone, another by the room's code."""

from __future__ import annotations

import re

from playwright.sync_api import expect

from .table import Table, open_table, play_together, take_room

ROOM_URL = re.compile(r"/rooms/([A-Z2-9]{6})/$")


def test_two_people_meet_in_the_lobby_and_play(open_context, screenshots):
    ana_page = open_context().new_page()
    ben_page = open_context().new_page()

    # Ben looks at the lobby first: the room must come to him over the lobby socket.
    ben_page.goto("/")
    expect(ben_page.locator("#lobby-status")).to_have_text("live")
    ana_page.goto("/")
    ana_page.get_by_label("Your name").fill("Ana")
    ana_page.get_by_label("Fill the empty seats with bots").uncheck()
    ana_page.get_by_role("button", name="Create a room").click()
    ana_page.wait_for_url(ROOM_URL)
    room_id = ROOM_URL.search(ana_page.url).group(1)

    room_item = ben_page.locator(f"#room-list li[data-room-id='{room_id}']")
    expect(room_item).to_be_visible()
    expect(room_item.locator(".badge")).to_have_text("waiting · 1/4")
    expect(room_item.locator(".mini-seat").first).to_have_text("Ana")
    ben_page.get_by_label("Your name").fill("Ben")
    ben_page.screenshot(path=screenshots / "lobby.png", full_page=True)
    room_item.get_by_role("button", name="Join").click()
    ben_page.wait_for_url(f"**/rooms/{room_id}/")

    # Both see both names; only the host has the host controls.
    for page in (ana_page, ben_page):
        expect(page.locator(".seat[data-seat='0'] .seat-name")).to_have_text("Ana")
        expect(page.locator(".seat[data-seat='1'] .seat-name")).to_have_text("Ben")
    expect(ana_page.locator(".seat[data-seat='0'] .mark.you")).to_be_visible()
    expect(ben_page.locator(".seat[data-seat='1'] .mark.you")).to_be_visible()
    expect(ben_page.locator("#start-game")).to_be_hidden()
    expect(ben_page.locator(".add-bot")).to_have_count(0)
    expect(ben_page.locator("#waiting-help")).to_have_text(re.compile("Waiting for Ana"))
    start = ana_page.get_by_role("button", name="Start the game")
    expect(start).to_be_disabled()

    # The host fills the two empty seats with bots from the seat cards, a level for each.
    add_bot = ana_page.get_by_role("button", name="Add a bot")
    expect(add_bot).to_have_count(2)
    expect(ana_page.get_by_label("Bot level for seat 3")).to_have_value("smart")
    ana_page.get_by_label("Bot level for seat 3").select_option(label="hard")
    ana_page.locator(".seat[data-seat='2']").get_by_role("button", name="Add a bot").click()
    expect(add_bot).to_have_count(1)
    ana_page.get_by_label("Bot level for seat 4").select_option(label="easy")
    add_bot.first.click()
    expect(add_bot).to_have_count(0)
    expect(ben_page.locator("#seats .seat .mark.bot")).to_have_count(2)
    for page in (ana_page, ben_page):
        expect(page.locator(".seat[data-seat='2'] .mark.bot")).to_have_text("bot · hard")
        expect(page.locator(".seat[data-seat='3'] .mark.bot")).to_have_text("bot · easy")
    expect(start).to_be_enabled()
    start.click()
    for page in (ana_page, ben_page):
        expect(page.locator("#table")).not_to_have_attribute("data-phase", "waiting")

    # Each plays when the page says so, until several turns are over.
    ana, ben = Table(ana_page, "Ana"), Table(ben_page, "Ben")
    turns_won = ana_page.locator("#log li", has_text=re.compile(r" won turn \d+ "))

    def done() -> bool:
        return ana.plays >= 2 and ben.plays >= 2 and turns_won.count() >= 3

    play_together([ana, ben], done, seconds=60)
    assert ana.declarations >= 1 and ben.declarations >= 1
    assert [r for r in ana.refusals + ben.refusals if "redeal" not in r.lower()] == []
    # Both pages show the same table.
    for seat in range(4):
        cards = [p.locator(f".seat[data-seat='{seat}'] .seat-name") for p in (ana_page, ben_page)]
        expect(cards[1]).to_have_text(cards[0].inner_text())


def test_a_room_created_with_hard_bots_shows_their_level(open_context):
    page = open_context().new_page()
    page.goto("/")
    page.get_by_label("Your name").fill("Cai")
    expect(page.get_by_label("Bot level")).to_have_value("smart")
    page.get_by_label("Bot level").select_option(label="hard")
    page.get_by_role("button", name="Create a room").click()
    page.wait_for_url(ROOM_URL)
    badges = page.locator("#seats .seat .mark.bot")
    expect(badges).to_have_count(3)
    expect(badges).to_have_text(["bot · hard"] * 3)


def test_a_friend_sits_down_from_the_room_link_and_another_by_the_code(open_context):
    """A shared link ``/rooms/<id>/`` is enough: the page offers "Take a seat" while a seat is
    empty; the lobby's "join by code" field takes the next one."""
    ana_context = open_context()
    room_id = take_room(ana_context, player_name="Ana")["room_id"]
    ana_page = open_table(ana_context, room_id)

    ben_page = open_table(open_context(), room_id)  # the URL alone: no seat, no lobby
    expect(ben_page.locator("#phase-detail")).to_contain_text("You are watching.")
    ben_page.get_by_label("Your name").fill("Ben")
    ben_page.get_by_role("button", name="Take a seat").click()
    expect(ben_page.locator(".seat[data-seat='1'] .mark.you")).to_be_visible()
    expect(ben_page.locator("#take-seat")).to_be_hidden()
    expect(ben_page.locator("#phase-detail")).not_to_contain_text("You are watching.")
    expect(ana_page.locator(".seat[data-seat='1'] .seat-name")).to_have_text("Ben")

    cai_page = open_context().new_page()
    cai_page.goto("/")
    cai_page.get_by_label("Your name").fill("Cai")
    cai_page.get_by_label("Join by code").fill(room_id.lower())
    cai_page.locator("#code-form").get_by_role("button", name="Join").click()
    cai_page.wait_for_url(f"**/rooms/{room_id}/")
    expect(cai_page.locator(".seat[data-seat='2'] .mark.you")).to_be_visible()
    expect(ana_page.locator(".seat[data-seat='2'] .seat-name")).to_have_text("Cai")
    # A code that names no room says so, on the lobby.
    cai_page.goto("/")
    cai_page.get_by_label("Join by code").fill("ZZZZZZ")
    cai_page.locator("#code-form").get_by_role("button", name="Join").click()
    expect(cai_page.locator("#code-error")).to_contain_text("Could not join ZZZZZZ")
