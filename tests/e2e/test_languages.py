"""The language switcher in a browser that asks for English: picked with the keyboard on the
lobby (arrowing through the list does not reload the page, Enter does), it turns the lobby, the
rules and a game into Simplified Chinese on a 390×844 phone, where nothing is left in English
(the server's refusals included) and everything fits; picked on the table mid-game, it reloads
the page in English and the game goes on. Without scripts its button sends it. (Thai, chosen by
Accept-Language, is played through a whole game in test_game.py.)"""

from __future__ import annotations

import re

from playwright.sync_api import expect

from .checks import (
    english_words,
    outside_viewport,
    page_tr,
    topbar_rows,
    tr,
    zero_based_seats,
)
from .table import PIECES, Table, expect_live
from .test_game import PHONE, create_room_from_the_lobby

GAME_SECONDS = 60


def test_the_switcher_turns_a_game_into_chinese_and_back(open_context, screenshots):
    context = open_context(viewport=PHONE, locale="en-US")
    page = context.new_page()
    page.goto("/rules/")
    html = page.locator("html")
    expect(html).to_have_attribute("lang", "en")
    choice = page.get_by_label("Language")
    expect(choice).to_have_value("en")
    # With scripts, a pick sends the form: no button.
    expect(page.locator("#language-submit")).to_be_hidden()

    # The keyboard: each arrow on the closed list would be a pick; none reloads the page, the
    # button comes instead, and Enter sends the form.
    choice.focus()
    page.keyboard.press("ArrowDown")
    page.keyboard.press("ArrowDown")
    expect(choice).to_have_value("zh-hans")
    expect(page.locator("#language-submit")).to_be_visible()
    expect(html).to_have_attribute("lang", "en")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    expect(html).to_have_attribute("lang", "zh-hans")
    assert page.url.endswith("/rules/")
    cookie = next(c for c in context.cookies() if c["name"] == "django_language")
    assert cookie["value"] == "zh-hans" and cookie["httpOnly"] and cookie["sameSite"] == "Lax"
    assert cookie["expires"] > 300 * 24 * 3600 + page.evaluate("Date.now() / 1000")

    # The rules and the lobby in Chinese, on one row of the top bar.
    expect(page.locator(".example .piece").first).to_be_visible()
    assert english_words(page) == [], "rules"
    page.goto("/")
    expect(page.locator("#lobby-status")).to_have_text(tr(page, "live"))
    assert tr(page, "live") != "live"
    assert english_words(page) == [], "lobby"
    assert topbar_rows(page) == 1

    # A game in Chinese, up to a play of Mei's after others played: all on the screen, no
    # English.
    create_room_from_the_lobby(page, "Mei")
    expect(html).to_have_attribute("lang", "zh-hans")
    page.locator("#start-game").click()
    table = Table(page, "Mei")

    def mid_trick(state: str) -> bool:
        return state == "play" and page.locator("#seats .played .piece").count() > 0

    table.play_until(mid_trick, GAME_SECONDS)
    assert outside_viewport(page) == [] and topbar_rows(page) == 1
    assert zero_based_seats(page) == []
    assert english_words(page, {"Mei"}) == [], "table"

    # The server's refusal comes in the socket's language too: a page made to send a wrong
    # number of pieces shows it in Chinese.
    pieces = page.locator(PIECES)
    required = table.wanted_count()
    table.select(list(range(required + 1 if required < pieces.count() else required - 1)))
    expect(page.locator("#play-button")).to_be_disabled()
    page.evaluate(
        "() => { const b = document.getElementById('play-button'); b.disabled = false; b.click(); }"
    )
    expect(page.locator("#play-error")).to_be_visible()
    assert english_words(page, {"Mei"}) == [], "the server's refusal"
    assert re.search(r"[\u4e00-\u9fff]", page.locator("#play-error").inner_text())
    table.clear()

    table.select([pieces.count() - 1])
    page.screenshot(path=screenshots / "table-mobile-zh.png")
    story = page.locator("#log li").count()

    # English again, picked on the table: the page comes back in English, the story whole,
    # and the game goes on.
    with page.expect_navigation():
        page.get_by_label(page_tr(page, "Language")).select_option("en")
    expect(html).to_have_attribute("lang", "en")
    expect_live(page)
    # The story comes with the socket's first update, a moment after it is live.
    page.wait_for_function("n => document.querySelectorAll('#log li').length >= n", arg=story)
    expect(page.locator("#log li", has_text="Mei sat down in seat 1.")).to_have_count(1)
    # (The game waits for a declaration or a play; a redeal window may close before a click.)
    state = table.play_until(lambda state: state in ("declare", "play"), GAME_SECONDS)
    assert table.act(state), table.actions[-3:]


def test_without_scripts_the_switcher_sends_with_its_button(open_context):
    page = open_context(viewport=PHONE, java_script_enabled=False).new_page()
    page.goto("/rules/?from=here")
    expect(page.locator("html")).to_have_attribute("lang", "en")
    page.get_by_label("Language").select_option("th")
    expect(page.locator("html")).to_have_attribute("lang", "en")
    with page.expect_navigation():  # the page loaded, its style sheet too
        page.get_by_role("button", name="Change the language").click()
    expect(page.locator("html")).to_have_attribute("lang", "th")
    assert page.url.endswith("/rules/?from=here")
    assert topbar_rows(page) == 1
