"""One person plays a whole game against three bots, only by clicking what the table offers,
once on a 390×844 phone and once on a 1280×800 desktop. At every decision the hand, the
decision's buttons and the trick are on the screen without scrolling, and no seat is counted
from 0; the tokens' points never cover their characters; axe-core finds no serious or critical
problem on the lobby, the table (light and dark) and the rules; a reload mid-game keeps the
story. The README's pictures are taken on the way."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from .checks import (
    axe_violations,
    badge_overlaps,
    outside_viewport,
    score_panel,
    zero_based_seats,
)
from .table import Table

GAME_SECONDS = 240
VIEWPORTS = {"phone": {"width": 390, "height": 844}, "desktop": {"width": 1280, "height": 800}}
DECISIONS = ("redeal", "declare", "play")


def create_room_from_the_lobby(page: Page, name: str) -> str:
    page.goto("/")
    page.get_by_label("Your name").fill(name)
    expect(page.get_by_label("Fill the empty seats with bots")).to_be_checked()
    page.get_by_role("button", name="Create a room").click()
    page.wait_for_url(re.compile(r"/rooms/[A-Z2-9]{6}/$"))
    return page.locator("#room-id").inner_text()


def story_lines(page: Page) -> list[str]:
    """The story's lines, newest first."""
    return page.locator("#log li").all_inner_texts()


@pytest.mark.parametrize("device", list(VIEWPORTS))
def test_a_whole_game_against_three_bots_fits_the_screen(
    device, open_context, e2e_server, screenshots
):
    desktop = device == "desktop"
    page = open_context(viewport=VIEWPORTS[device]).new_page()
    page.goto("/")
    expect(page.locator("#lobby-status")).to_have_text("live")
    if desktop:
        problems = axe_violations(page)
        assert problems == [], f"lobby: {problems}"
    room_id = create_room_from_the_lobby(page, "Mei")
    table = Table(page, "Mei")

    expect(page.locator("#table")).to_have_attribute("data-phase", "waiting")
    expect(page.locator("#seats .seat .mark.bot")).to_have_count(3)
    expect(page.locator(".seat[data-seat='0'] .mark.you")).to_be_visible()
    page.get_by_role("button", name="Start the game").click()
    expect(page.locator("#table")).not_to_have_attribute("data-phase", "waiting")

    seen = {"decisions": 0, "token sizes": set()}
    taken: set[str] = set()

    def at_decision(t: Table, state: str) -> None:
        if state not in DECISIONS:
            return
        seen["decisions"] += 1
        # Your turn is in the tab's title and said once in the live region (not the clock);
        # the game waits for a declaration or a play (a redeal window may close meanwhile).
        if state != "redeal":
            assert page.title().startswith("● Your turn · "), page.title()
            expect(page.locator("#announce")).to_have_text(re.compile(r"^Your turn"))
        assert outside_viewport(page) == [], f"{device}, {state}: {outside_viewport(page)}"
        assert zero_based_seats(page) == [], f"{device}, {state}"
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
        expect(page.locator("#conn")).to_have_text("● live")
        expect(page.locator(".story-round[data-round='1'] li.scored")).to_have_count(1)
        expect(page.locator("#log li")).not_to_have_count(0)
        after = story_lines(page)
        assert set(before) <= set(after) and len(after) >= len(before), (before[:5], after[:5])
        assert "Mei sat down in seat 1." in after
        taken.add("reload")

    def mid_trick(t: Table) -> None:
        """Pieces selected while others have played: the pictures, and axe on the table."""
        # Others have played in this turn: "Turn 3 · pair led · 2 pieces each".
        if "table" in taken or " led · " not in page.locator("#trick-title").inner_text():
            return
        problems = axe_violations(page)
        assert problems == [], f"table, {device}: {problems}"
        page.screenshot(path=screenshots / ("table.png" if desktop else "table-mobile.png"))
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
    expect(page.locator("#phase-title")).to_have_text("Game over")
    expect(page.locator("#over-title")).to_have_text(re.compile(r"^(You win!|Final ranking)$"))
    rankings = page.locator("#rankings li")
    expect(rankings).to_have_count(4)
    assert all(re.fullmatch(r"[1-4]\. \S.*", line) for line in rankings.all_inner_texts())
    expect(page.locator("#over-detail")).to_have_text(re.compile(r"^\d+ rounds"))
    expect(page.get_by_role("button", name="Play again")).to_be_visible()
    expect(page.locator("#leave-room")).to_be_hidden()
    assert outside_viewport(page, ["#game-over"]) == [], device
    assert zero_based_seats(page) == []
    if desktop:
        page.screenshot(path=screenshots / "game-over.png")

    # --- the scores: the table whole, the chart with axis values and names apart
    if not desktop:
        page.get_by_role("button", name="Story, scores, rules").click()
    page.get_by_role("tab", name="Scores").click()
    expect(page.locator("#score-table")).to_be_visible()
    scores = score_panel(page)
    assert scores["labels"] == 4 and scores["overlapping"] == [], scores
    assert scores["axisValues"] >= 4 and not scores["cut"] and not scores["labelsCut"], scores

    assert taken >= {"table"} and (desktop or "reload" in taken), taken
    assert page.locator("[aria-live] #countdown, #countdown[aria-live]").count() == 0
    assert seen["decisions"] >= 10
    # The hand's tokens and the trick's: two sizes on each screen.
    assert len(seen["token sizes"]) >= 2, seen["token sizes"]
    # Every move was legal: the server refused none of them (a redeal prompt may close first).
    assert table.plays >= 8 and table.declarations >= 1, table.actions[-10:]
    assert [r for r in table.refusals if "redeal" not in r.lower()] == []
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
