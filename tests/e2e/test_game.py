"""One person plays a whole game against three bots, only by clicking what the table offers;
the README's pictures of the table, the scores and the game over are taken on the way."""

from __future__ import annotations

import re

from playwright.sync_api import expect

from .table import DESKTOP, HOLD_SCRIPT, Table

GAME_SECONDS = 240
MOBILE = {"width": 360, "height": 780}


def test_a_person_plays_a_whole_game_against_three_bots(open_context, e2e_server, screenshots):
    context = open_context()
    # Freeze the page on the scores of round 2 (the pause lasts 0.14 s here) for its picture.
    context.add_init_script(HOLD_SCRIPT)
    context.add_init_script("window.__e2eHold.phase = 'scoring'; window.__e2eHold.minRound = 2;")
    page = context.new_page()

    # --- the lobby: a name, bots kept, create
    page.goto("/")
    page.get_by_label("Your name").fill("Mei")
    expect(page.get_by_label("Fill the empty seats with bots")).to_be_checked()
    page.get_by_role("button", name="Create a room").click()
    page.wait_for_url(re.compile(r"/rooms/[A-Z2-9]{6}/$"))
    room_id = page.locator("#room-id").inner_text()
    table = Table(page, "Mei")

    # --- the table before the start: four seats, three bots, Mei is host
    expect(page.locator("#table")).to_have_attribute("data-phase", "waiting")
    expect(page.locator("#seats .seat .mark.bot")).to_have_count(3)
    expect(page.locator(".seat[data-seat='0'] .mark.you")).to_be_visible()
    expect(page.locator(".seat[data-seat='0'] .mark.host")).to_be_visible()
    page.get_by_role("button", name="Start the game").click()
    expect(page.locator("#table")).not_to_have_attribute("data-phase", "waiting")

    taken: set[str] = set()

    def pictures_of_the_table(t: Table) -> None:
        """Mid-turn, pieces selected: the desktop picture and the 360 px one."""
        if "table" in taken:
            return
        page.screenshot(path=screenshots / "table.png", full_page=True)
        page.set_viewport_size(MOBILE)
        expect(page.locator("#hand-panel")).to_be_visible()
        page.screenshot(path=screenshots / "table-mobile.png", full_page=True)
        widths = page.evaluate(
            "() => [document.documentElement.scrollWidth, document.documentElement.clientWidth]"
        )
        assert widths[0] <= MOBILE["width"] + 1, f"horizontal scrolling at 360 px: {widths}"
        page.set_viewport_size(DESKTOP)
        taken.add("table")

    def on_state(t: Table, state: str) -> None:
        if state != "held":
            return
        # The page shows the scores of a round and stays there until released.
        expect(page.locator("#table")).to_have_attribute("data-phase", "scoring")
        expect(page.locator("#phase-title")).to_have_text("Round scores")
        expect(page.locator("#scores")).to_be_visible()
        assert page.locator("#score-table tbody tr").count() >= 3  # 2 rounds + the total
        page.screenshot(path=screenshots / "scores.png", full_page=True)
        taken.add("scores")
        page.evaluate("window.__e2eHold.release()")

    final = table.play_until(
        lambda state: state == "over",
        GAME_SECONDS,
        on_state=on_state,
        before_play=pictures_of_the_table,
    )
    assert final == "over"

    # --- game over: rankings of the four seats, the winner said
    expect(page.locator("#table")).to_have_attribute("data-phase", "game_over")
    expect(page.locator("#game-over")).to_be_visible()
    expect(page.locator("#rankings li")).to_have_count(4)
    expect(page.locator("#over-title")).to_have_text(re.compile(r"^(You win!|Game over)$"))
    expect(page.locator("#over-detail")).to_have_text(re.compile(r"^\d+ rounds"))
    expect(page.locator("#leave-room")).to_be_hidden()
    page.screenshot(path=screenshots / "game-over.png", full_page=True)
    assert taken == {"table", "scores"}, taken

    # Every move was legal: the server refused none of them (a redeal prompt may close first).
    assert table.plays >= 8 and table.declarations >= 1, table.actions[-10:]
    assert [r for r in table.refusals if "redeal" not in r.lower()] == []
    status, room = e2e_server.get(f"/api/rooms/{room_id}/")
    assert status == 200 and room["status"] == "finished", room
