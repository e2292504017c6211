"""The staff replay page (open while DEBUG is on): a slider over the room's events, the event
list marking the current one, and the table as it was then, with every hand."""

from __future__ import annotations

from playwright.sync_api import expect

from .table import PIECES, open_table, take_room


def test_the_replay_page_steps_through_the_events(open_context):
    context = open_context()
    room_id = take_room(context, player_name="Mei", bots=3)["room_id"]
    table = open_table(context, room_id)
    table.get_by_role("button", name="Start the game").click()
    # Dealt: from here the game waits for Mei at the latest, with every hand still full.
    expect(table.locator(PIECES)).to_have_count(8)

    page = context.new_page()
    page.goto(f"/rooms/{room_id}/replay/")
    events = page.locator("#replay-events li")
    slider = page.locator("#seq-slider")
    label = page.locator("#seq-label")
    expect(events.first).to_be_visible()
    last = events.count()
    assert last >= 10  # the room, its seats, the start, the deal
    expect(page.locator("#seq-max")).to_have_text(str(last))
    expect(label).to_have_text(str(last))
    expect(slider).to_have_value(str(last))
    current = page.locator("#replay-events li.current")
    expect(current).to_have_attribute("data-seq", str(last))
    seats = page.locator("#replay-seats .seat")
    expect(seats).to_have_count(4)
    # Every hand is shown (the staff view), not only Mei's.
    for seat in range(4):
        expect(seats.nth(seat).locator(".pieces .piece")).not_to_have_count(0)
    expect(page.locator("#replay-seats .piece")).to_have_count(32)

    # The slider goes back to the start of the log: no hands were dealt yet.
    slider.focus()
    page.keyboard.press("Home")
    expect(label).to_have_text("0")
    expect(current).to_have_count(0)
    expect(page.locator("#replay-events li.future")).to_have_count(last)
    page.keyboard.press("ArrowRight")
    page.keyboard.press("ArrowRight")
    expect(label).to_have_text("2")
    expect(slider).to_have_value("2")
    expect(current).to_have_attribute("data-seq", "2")
    expect(page.locator("#replay-events li.future")).to_have_count(last - 2)
    expect(page.locator("#replay-seats .piece")).to_have_count(0)

    # The buttons step one event; the list's own links jump to an event.
    page.get_by_role("button", name="Next ▶").click()
    expect(label).to_have_text("3")
    expect(current).to_have_attribute("data-seq", "3")
    page.get_by_role("button", name="◀ Previous").click()
    expect(current).to_have_attribute("data-seq", "2")
    page.get_by_role("button", name=f"#{last}", exact=True).click()
    expect(label).to_have_text(str(last))
    expect(slider).to_have_value(str(last))
    expect(page.locator("#replay-seats .piece")).to_have_count(32)
    expect(page.locator("#replay-phase")).to_contain_text("round 1")
