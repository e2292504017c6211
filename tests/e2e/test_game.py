"""One person plays a whole game against three bots, only by clicking what the table offers:
in Thai on a 390×844 phone (the language chosen by the browser's Accept-Language), in English
on a 1280×800 desktop. At every decision the hand, the decision's buttons and the trick are on
the screen without scrolling, the top bar is one row, and no seat is counted from 0; in Thai no
English word is left on the page (the story, the scores and the rules included); the tokens'
points never cover their characters; axe-core finds no serious or critical problem on the
lobby, the table (light and dark, English and Thai) and the rules; a reload mid-game keeps the
story. The sentences expected are read from the page's own catalog (``tr``), so the checks hold
in both languages. The README's pictures are taken on the way."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from .checks import (
    axe_violations,
    badge_overlaps,
    english_words,
    ntr,
    outside_viewport,
    page_tr,
    score_panel,
    topbar_rows,
    tr,
    zero_based_seats,
)
from .table import Table, expect_live

GAME_SECONDS = 240
PHONE = {"width": 390, "height": 844}
VIEWPORTS = {"phone": PHONE, "desktop": {"width": 1280, "height": 800}}
#: Each game's language, as the browser asks for it (Accept-Language), and the page's <html lang>.
LANGUAGES = {"phone": ("th-TH", "th"), "desktop": ("en-US", "en")}
DECISIONS = ("redeal", "declare", "play")


def create_room_from_the_lobby(page: Page, name: str) -> str:
    """By the form's ids: the same in every language."""
    page.goto("/")
    page.locator("#player-name").fill(name)
    expect(page.locator("#fill-bots")).to_be_checked()
    page.locator("#create-room").click()
    page.wait_for_url(re.compile(r"/rooms/[A-Z2-9]{6}/$"))
    return page.locator("#room-id").inner_text()


def one_of(*texts: str) -> re.Pattern[str]:
    return re.compile("^(" + "|".join(re.escape(text) for text in texts) + ")$")


def story_lines(page: Page) -> list[str]:
    """The story's lines, newest first."""
    return page.locator("#log li").all_inner_texts()


@pytest.mark.parametrize("device", list(VIEWPORTS))
def test_a_whole_game_against_three_bots_fits_the_screen(
    device, open_context, e2e_server, screenshots
):
    desktop = device == "desktop"
    locale, language = LANGUAGES[device]
    english = language == "en"
    page = open_context(viewport=VIEWPORTS[device], locale=locale).new_page()
    page.goto("/")
    expect(page.locator("html")).to_have_attribute("lang", language)
    expect(page.locator("#lobby-status")).to_have_text(tr(page, "live"))
    problems = axe_violations(page)
    assert problems == [], f"lobby, {device}: {problems}"
    if not english:
        assert english_words(page) == [], "lobby"
    room_id = create_room_from_the_lobby(page, "Mei")
    table = Table(page, "Mei")

    expect(page.locator("#table")).to_have_attribute("data-phase", "waiting")
    expect(page.locator("#seats .seat .mark.bot")).to_have_count(3)
    expect(page.locator(".seat[data-seat='0'] .mark.you")).to_be_visible()
    page.locator("#start-game").click()
    expect(page.locator("#table")).not_to_have_attribute("data-phase", "waiting")
    your_turn = tr(page, "Your turn")
    announcements = one_of(
        *(
            tr(page, f"Your turn: {what}")
            for what in ("declare.", "keep or redeal your hand.", "play.")
        )
    )

    seen = {"decisions": 0, "token sizes": set()}
    taken: set[str] = set()

    def at_decision(t: Table, state: str) -> None:
        if state not in DECISIONS:
            return
        seen["decisions"] += 1
        # Your turn is in the tab's title and said once in the live region (not the clock);
        # the game waits for a declaration or a play (a redeal window may close meanwhile).
        if state != "redeal":
            assert page.title().startswith(f"● {your_turn} · "), page.title()
            expect(page.locator("#announce")).to_have_text(announcements)
        assert outside_viewport(page) == [], f"{device}, {state}: {outside_viewport(page)}"
        assert topbar_rows(page) == 1, f"{device}, {state}: the top bar wraps"
        assert zero_based_seats(page) == [], f"{device}, {state}"
        if not english:
            assert english_words(page, {"Mei"}) == [], f"{device}, {state}"
        sizes, overlaps = badge_overlaps(page)
        assert overlaps == [], f"{device}: points badges over characters {overlaps}"
        seen["token sizes"] |= sizes
        in_round_2 = page.locator(".story-round[data-round='2']").count() > 0
        if state == "play" and "reload" not in taken and in_round_2:
            reload_keeps_the_story()

    def reload_keeps_the_story() -> None:
        """Mid-game, round 2: a reload (a new socket from version 0) rebuilds the whole story."""
        before = story_lines(page)
        page.reload()
        expect_live(page)
        expect(page.locator(".story-round[data-round='1'] li.scored")).to_have_count(1)
        expect(page.locator("#log li")).not_to_have_count(0)
        after = story_lines(page)
        assert set(before) <= set(after) and len(after) >= len(before), (before[:5], after[:5])
        assert tr(page, "%(name)s sat down in seat %(n)s.", name="Mei", n=1) in after
        taken.add("reload")

    def mid_trick(t: Table) -> None:
        """Pieces selected while others have played: the pictures, and axe on the table."""
        # Others have played in this turn: their pieces are on the table.
        if "table" in taken or page.locator("#seats .played .piece").count() == 0:
            return
        problems = axe_violations(page)
        assert problems == [], f"table, {device}: {problems}"
        if desktop:
            page.screenshot(path=screenshots / "table.png")
            # The same table on a phone, for the README's pictures of each language.
            page.set_viewport_size(PHONE)
            assert outside_viewport(page) == [] and topbar_rows(page) == 1
            page.screenshot(path=screenshots / "table-mobile.png")
            page.set_viewport_size(VIEWPORTS[device])
        else:
            page.screenshot(path=screenshots / f"table-mobile-{language}.png")
        if desktop:
            page.locator("#theme-toggle").click()
            expect(page.locator("html")).to_have_attribute("data-theme", "dark")
            problems = axe_violations(page)
            assert problems == [], f"table, dark theme: {problems}"
            page.screenshot(path=screenshots / "table-dark.png")
            page.locator("#theme-toggle").click()
            expect(page.locator("html")).to_have_attribute("data-theme", "light")
        taken.add("table")

    final = table.play_until(
        lambda state: state == "over", GAME_SECONDS, on_state=at_decision, before_play=mid_trick
    )
    assert final == "over"

    # --- game over: said once, ranks once, the four seats
    expect(page.locator("#table")).to_have_attribute("data-phase", "game_over")
    expect(page.locator("#phase-title")).to_have_text(tr(page, "Game over"))
    expect(page.locator("#over-title")).to_have_text(
        one_of(tr(page, "You win!"), tr(page, "Final ranking"))
    )
    rankings = page.locator("#rankings li")
    expect(rankings).to_have_count(4)
    assert all(re.fullmatch(r"[1-4]\. \S.*", line) for line in rankings.all_inner_texts())
    rounds = page.locator("#score-table tbody tr:not(.total)").count()
    detail = page.locator("#over-detail").inner_text()
    assert ntr(page, "%(n)s round", "%(n)s rounds", rounds) in detail, (rounds, detail)
    expect(page.locator("#play-again")).to_be_visible()
    expect(page.locator("#play-again")).to_have_text(page_tr(page, "Play again"))
    expect(page.locator("#leave-room")).to_be_hidden()
    assert outside_viewport(page, ["#game-over"]) == [], device
    assert zero_based_seats(page) == []
    if not english:
        assert english_words(page, {"Mei"}) == [], "game over"
    picture = "game-over.png" if english else f"game-over-{language}.png"
    page.screenshot(path=screenshots / picture)

    # --- the side panel: the story, then the scores (the table whole, the chart with axis
    # values and names apart), then the rules; in Thai, every word of them
    if not desktop:
        page.locator("#panel-toggle").click()
    expect(page.locator("#story-panel")).to_be_visible()
    if not english:
        assert english_words(page, {"Mei"}) == [], "the story"
    page.locator("#tab-scores").click()
    expect(page.locator("#score-table")).to_be_visible()
    scores = score_panel(page)
    assert scores["labels"] == 4 and scores["overlapping"] == [], scores
    assert scores["axisValues"] >= 4 and not scores["cut"] and not scores["labelsCut"], scores
    if not english:
        assert english_words(page, {"Mei"}) == [], "the scores"
        page.locator("#tab-help").click()
        expect(page.locator("#help")).to_be_visible()
        assert english_words(page, {"Mei"}) == [], "the rules"

    assert taken >= {"table"} and (desktop or "reload" in taken), taken
    assert page.locator("[aria-live] #countdown, #countdown[aria-live]").count() == 0
    assert seen["decisions"] >= 10
    # The hand's tokens and the trick's: two sizes on each screen.
    assert len(seen["token sizes"]) >= 2, seen["token sizes"]
    # Every move was legal: the server refused none of them (a redeal prompt may close first).
    assert table.plays >= 8 and table.declarations >= 1, table.actions[-10:]
    assert [r for r in table.refusals if "#redeal-error" not in r] == []
    status, room = e2e_server.get(f"/api/rooms/{room_id}/")
    assert status == 200 and room["status"] == "finished", room

    if desktop:
        # A spectator who comes late reads the whole story and is offered the lobby only.
        late = open_context(viewport=VIEWPORTS[device]).new_page()
        late.goto(f"/rooms/{room_id}/")
        expect(late.locator("#game-over")).to_be_visible()
        expect(late.get_by_role("link", name="Back to the lobby")).to_be_visible()
        expect(late.get_by_role("button", name="Play again")).to_be_hidden()
        # The same lines, but for the redeal decisions of another seat (whether Mei kept her
        # hand is hers: a spectator reads "Mei has decided.").
        expect(late.locator("#log li")).to_have_count(page.locator("#log li").count())
        public = "#log li:not([data-type='redeal_decided'])"
        assert late.locator(public).all_inner_texts() == page.locator(public).all_inner_texts()
        page.goto("/rules/")
        expect(page.locator("#rules-plays ~ dl .piece").first).to_be_visible()
        assert page.locator(".example .piece").count() > 40
        problems = axe_violations(page)
        assert problems == [], f"rules: {problems}"
        page.screenshot(path=screenshots / "rules.png", full_page=True)
