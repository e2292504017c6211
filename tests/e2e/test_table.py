"""The table page: a refresh keeps the seat, hand and phase; an absent player is marked on the
other's page; the server's refusals are shown; the hand works from the keyboard."""

from __future__ import annotations

import re

from playwright.sync_api import expect

from game.engine import deal_hands
from game.pieces import is_weak

from .table import PIECES, Table, open_table, play_together, take_room


def test_a_refresh_keeps_the_hand_and_an_absence_is_shown(open_context):
    ana_context, ben_context = open_context(), open_context()
    room_id = take_room(ana_context, player_name="Ana", bots=2)["room_id"]
    joined = ben_context.request.post(f"/api/rooms/{room_id}/join/", data={"player_name": "Ben"})
    assert joined.status == 201 and joined.json()["seat"] == 3
    ana_page, ben_page = open_table(ana_context, room_id), open_table(ben_context, room_id)
    ana_page.get_by_role("button", name="Start the game").click()
    ana, ben = Table(ana_page, "Ana"), Table(ben_page, "Ben")

    # Play on until Ben is the one to play, mid-round: the game then waits for him (no idle
    # timeout here), so nothing may change Ana's hand while she reloads.
    for _ in range(20):
        play_together([ana, ben], lambda: ben.state() == "play", seconds=60)
        # Ana's page has its own socket: let it catch up with Ben's before reading it.
        expect(ana_page.locator("#phase-detail")).to_contain_text("Waiting for Ben.")
        if ana_page.locator(PIECES).count() > 0:
            break
        ben.act("play")  # Ana played her last piece of the round: go on to the next round
    hand, phase = ana.hand(), ana.phase()
    assert phase == "turn" and hand
    ana_page.reload()
    expect(ana_page.locator("#table")).to_have_attribute("data-phase", phase)
    expect(ana_page.locator(PIECES)).to_have_count(len(hand))
    assert ana.hand() == hand
    expect(ana_page.locator(".seat[data-seat='0'] .mark.you")).to_be_visible()
    expect(ana_page.locator("#phase-detail")).to_contain_text("Waiting for Ben")

    # Ben closes his page: Ana sees him away (a bot plays his seat meanwhile) ...
    away = ana_page.locator(".seat[data-seat='3'] .mark.away")
    expect(away).to_have_count(0)
    ben_page.close()
    expect(away).to_have_text("away · bot playing")
    expect(ana_page.locator("#table")).not_to_have_attribute("data-phase", "game_over")
    # ... until he opens the room again: his session still holds seat 3.
    ben_page = open_table(ben_context, room_id)
    expect(away).to_have_count(0)
    expect(ben_page.locator(".seat[data-seat='3'] .mark.you")).to_be_visible()
    expect(ben_page.locator(".seat[data-seat='3'] .seat-name")).to_have_text("Ben")


def seed_where_seat_0_declares_last() -> int:
    """A game seed whose first deal has no weak hand and gives the red general to seat 1: seat 1
    starts, so seat 0 is the last to declare in round 1."""
    for seed in range(1, 100_000):
        hands = deal_hands(seed, 0)
        if "GENERAL_RED" in hands[1] and not any(is_weak(hand) for hand in hands):
            return seed
    raise AssertionError("no such seed")


def test_refusals_are_shown_and_the_hand_works_from_the_keyboard(open_context):
    context = open_context()
    room_id = take_room(context, player_name="Mei", bots=3, seed=seed_where_seat_0_declares_last())[
        "room_id"
    ]
    page = open_table(context, room_id)
    page.get_by_role("button", name="Start the game").click()

    # --- the last declarer may not bring the total to 8: the page says so, the server too
    expect(page.locator("#declare")).to_be_visible()
    stats = page.locator("#seats .seat .stats")
    for seat in (1, 2, 3):
        expect(stats.nth(seat)).not_to_contain_text("declared –")
    forbidden = page.locator("#declare-buttons button[aria-disabled='true']")
    expect(forbidden).to_have_count(1)
    expect(forbidden).to_have_attribute("title", re.compile("may not make the total exactly 8"))
    # aria-disabled only (Playwright counts it as disabled, so force its mouse click): the click
    # goes to the server, which refuses it.
    forbidden.click(force=True)
    expect(page.locator("#declare-error")).to_contain_text("may not")
    expect(page.locator("#declare-error")).to_contain_text("exactly 8")
    expect(page.locator("#table")).to_have_attribute("data-phase", "declaration")
    expect(page.locator("#declare")).to_be_visible()
    page.locator("#declare-buttons button:not([aria-disabled])").first.click()
    expect(page.locator("#declare")).to_be_hidden()

    # --- Mei follows in the first turn: pick pieces with the keyboard
    table = Table(page, "Mei")
    assert table.play_until(lambda state: state in ("play", "over"), 30) == "play"
    pieces = page.locator(PIECES)
    focused_kind = "() => document.activeElement.matches('#hand button[data-kind]')"
    for _ in range(30):
        if page.evaluate(focused_kind):
            break
        page.keyboard.press("Tab")
    else:
        raise AssertionError("Tab never reached a piece of the hand")
    first = page.evaluate(
        "() => [...document.querySelectorAll('#hand button')].indexOf(document.activeElement)"
    )
    page.keyboard.press("Space")
    expect(pieces.nth(first)).to_have_attribute("aria-pressed", "true")
    # The focus stays on the piece when the hand is drawn again: Tab goes on to the next one.
    assert page.evaluate(focused_kind)
    page.keyboard.press("Tab")
    page.keyboard.press("Enter")
    expect(pieces.nth(first + 1)).to_have_attribute("aria-pressed", "true")
    expect(page.locator("#hand button[aria-pressed='true']")).to_have_count(2)
    page.keyboard.press("Escape")
    expect(page.locator("#hand button[aria-pressed='true']")).to_have_count(0)

    # --- a wrong number of pieces: the page refuses to send it; a client that sends it anyway
    # gets the server's refusal shown in the same place
    required = table.wanted_count()
    wrong = required + 1 if required < pieces.count() else required - 1
    table.select(list(range(wrong)))
    expect(page.locator("#selection-info")).to_contain_text(f"You must play {required} piece")
    expect(page.locator("#play-button")).to_be_disabled()
    page.evaluate(
        "() => { const b = document.getElementById('play-button'); b.disabled = false; b.click(); }"
    )
    expect(page.locator("#play-error")).to_contain_text(f"You must play exactly {required} piece")
    expect(page.locator("#table")).to_have_attribute("data-phase", "turn")
    expect(pieces).to_have_count(8)

    # --- and the right number is played
    table.clear()
    assert table.act("play")
    expect(page.locator("#play-error")).to_be_hidden()
    expect(pieces).to_have_count(8 - required)
