"""A person at the table page, as a test drives it: reads only what the page shows and clicks
only what a person could (a prompt's buttons, pieces of the hand, the Play button).

The view may change between reading and clicking (a bot moves, a prompt's window closes), so an
action that the page no longer offers is given up and the page is read again; the server's
refusals shown on the page are recorded in ``refusals``.
"""

from __future__ import annotations

import re
import time
from collections.abc import Callable
from dataclasses import dataclass, field

from playwright.sync_api import BrowserContext, Page, expect
from playwright.sync_api import Error as PlaywrightError

from .checks import tr

#: What the page asks of its person now: "over" (the game-over panel), "redeal", "declare",
#: "play", "held" (the test's hold on updates, see HOLD_SCRIPT) or "" (nothing).
STATE_JS = """() => {
  const shown = (id) => { const e = document.getElementById(id); return Boolean(e && !e.hidden); };
  const table = document.getElementById("table");
  if (window.__e2eHold && window.__e2eHold.holding) return "held";
  if (shown("game-over")) return "over";
  if (shown("redeal") && !document.getElementById("redeal-decline").disabled) return "redeal";
  const declaring = shown("declare") && document.querySelector("#declare-buttons button:enabled");
  if (declaring) return "declare";
  const yours = table.dataset.phase === "turn" && table.classList.contains("your-turn");
  if (yours && shown("hand-panel")) return "play";
  return "";
}"""

#: The seq of the newest event line of the page's log (0 before any).
TOP_SEQ_JS = """() => {
  const li = document.querySelector("#log li");
  return li ? Number(li.dataset.seq) : 0;
}"""

#: Resolves once the log shows a line of ours (an event of ``type`` naming ``name``) newer than
#: ``before`` (the server took the action), or an error paragraph appears (the server refused it).
#: In any language: names are not translated.
OUTCOME_JS = """([before, type, name, errors]) => {
  for (const li of document.querySelectorAll("#log li")) {
    if (Number(li.dataset.seq) <= before) break;
    if (li.dataset.type === type && li.textContent.includes(name)) return "ok";
  }
  for (const id of errors) {
    const e = document.getElementById(id);
    if (e && !e.hidden && e.textContent) return `error in #${id}: ${e.textContent}`;
  }
  return false;
}"""

#: An init script that lets a test freeze the page on a phase: once an update showing
#: ``phase`` (from round ``minRound`` on) is rendered, later socket messages are queued until
#: ``window.__e2eHold.release()``. The server goes on; the page catches up on release.
HOLD_SCRIPT = """(() => {
  const Native = window.WebSocket;
  const hold = (window.__e2eHold = {
    phase: null, minRound: 1, holding: false, queue: [],
    release() {
      this.holding = false;
      this.phase = null;
      const queued = this.queue.splice(0);
      for (const deliver of queued) deliver();
    },
  });
  window.WebSocket = class HeldWebSocket extends Native {
    set onmessage(handler) {
      super.onmessage = (event) => {
        if (hold.holding) return void hold.queue.push(() => handler.call(this, event));
        handler.call(this, event);
        if (!hold.phase) return;
        try {
          const message = JSON.parse(event.data);
          const view = message.type === "update" ? message.view : null;
          if (view && view.phase === hold.phase && view.round >= hold.minRound) hold.holding = true;
        } catch (error) {}
      };
    }
    get onmessage() { return super.onmessage; }
  };
})();"""

DESKTOP = {"width": 1100, "height": 900}
ERROR_IDS = ["redeal-error", "declare-error", "play-error"]
PIECES = "#hand button[data-kind]"


class GiveUp(Exception):
    """The page no longer offers the action being tried."""


@dataclass
class Table:
    page: Page
    name: str
    actions: list[str] = field(default_factory=list)
    refusals: list[str] = field(default_factory=list)
    plays: int = 0
    declarations: int = 0

    # ------------------------------------------------------------------ reading the page

    def state(self) -> str:
        return self.page.evaluate(STATE_JS)

    def wait_state(self, timeout: float) -> str:
        """The next state with something to do (or "held"/"over"); "" after ``timeout`` s."""
        try:
            handle = self.page.wait_for_function(STATE_JS, timeout=timeout * 1000, polling="raf")
        except PlaywrightError:
            return ""
        return handle.json_value()

    def hand(self) -> list[str]:
        return self.page.locator(PIECES).evaluate_all("(nodes) => nodes.map((n) => n.dataset.kind)")

    def phase(self) -> str | None:
        return self.page.locator("#table").get_attribute("data-phase")

    # ------------------------------------------------------------------ acting

    def act(self, state: str, before_play: Callable[[Table], None] | None = None) -> bool:
        """Do what ``state`` asks, once; True if the server took it."""
        try:
            if state == "redeal":
                return self._redeal()
            if state == "declare":
                return self._declare()
            if state == "play":
                return self._play(before_play)
        except (GiveUp, PlaywrightError) as error:
            self.actions.append(f"gave up {state}: {str(error).splitlines()[0]}")
        return False

    def _outcome(self, before: int, event_type: str) -> bool:
        try:
            result = self.page.wait_for_function(
                OUTCOME_JS, arg=[before, event_type, self.name, ERROR_IDS], timeout=5000
            ).json_value()
        except PlaywrightError:
            self.actions.append(f"no outcome for {event_type}")
            return False
        if result != "ok":
            self.refusals.append(result)
            return False
        return True

    def _redeal(self) -> bool:
        # The window is short (0.6 s here): the prompt may be gone before the click.
        before = self.page.evaluate(TOP_SEQ_JS)
        self.page.locator("#redeal-decline").click(timeout=1000)
        self.actions.append("redeal: keep")
        return self._outcome(before, "redeal_decided")

    def _declare(self) -> bool:
        allowed = self.page.locator("#declare-buttons button:not([aria-disabled='true'])")
        values = [int(v) for v in allowed.evaluate_all("(ns) => ns.map((n) => n.dataset.value)")]
        if not values:
            raise GiveUp("no declaration value offered")
        # A modest, always-allowed-looking choice: the smallest offered value above 0 if any.
        value = next((v for v in values if v > 0), values[0])
        before = self.page.evaluate(TOP_SEQ_JS)
        self.page.locator(f"#declare-buttons button[data-value='{value}']").click(timeout=2000)
        self.actions.append(f"declare {value}")
        taken = self._outcome(before, "declared")
        self.declarations += taken
        return taken

    def wanted_count(self) -> int:
        """How many pieces the page asks for: exactly N as a follower ("Select N pieces."), 1 (a
        single) as leader ("Select 1 to N pieces."). In any language: by the numbers only."""
        info = self.page.locator("#selection-info").inner_text(timeout=2000).strip()
        numbers = [int(n) for n in re.findall(r"\d+", info)]
        if len(numbers) == 1:
            return numbers[0]
        if len(numbers) == 2 and numbers[0] == 1:
            return 1
        raise GiveUp(f"no play asked for: {info!r}")

    def select(self, indexes: list[int]) -> None:
        pieces = self.page.locator(PIECES)
        for index in indexes:
            piece = pieces.nth(index)
            piece.click(timeout=2000)
            expect(piece).to_have_attribute("aria-pressed", "true", timeout=2000)

    def clear(self) -> None:
        clear = self.page.locator("#clear-button")
        if clear.is_enabled():
            clear.click(timeout=2000)

    def _play(self, before_play: Callable[[Table], None] | None) -> bool:
        self.clear()
        count = self.wanted_count()
        n = self.page.locator(PIECES).count()
        if count > n:
            raise GiveUp(f"asked for {count} of {n} pieces")
        # Leader: the first (strongest) piece, a single. Follower: the weakest `count` pieces.
        self.select([0] if count == 1 and n > 0 else list(range(n - count, n)))
        info = self.page.locator("#selection-info").inner_text()
        if "—" in info:  # the page explains why the selection cannot be played
            raise GiveUp(f"selection refused by the page: {info!r}")
        button = self.page.locator("#play-button")
        expect(button).to_be_enabled(timeout=2000)
        if before_play is not None:
            before_play(self)
        before = self.page.evaluate(TOP_SEQ_JS)
        button.click(timeout=2000)
        self.actions.append(f"play {count}")
        taken = self._outcome(before, "played")
        self.plays += taken
        return taken

    # ------------------------------------------------------------------ playing on

    def play_until(
        self,
        done: Callable[[str], bool],
        seconds: float,
        on_state: Callable[[Table, str], None] | None = None,
        before_play: Callable[[Table], None] | None = None,
    ) -> str:
        """Act on every state the page shows until ``done(state)``; returns that state."""
        deadline = time.monotonic() + seconds
        while True:
            remaining = deadline - time.monotonic()
            assert remaining > 0, f"{self.name}: not done in {seconds} s; {self.actions[-10:]}"
            state = self.wait_state(min(remaining, 5.0))
            if on_state is not None:
                on_state(self, state)
            if done(state):
                return state
            self.act(state, before_play)


def play_together(tables: list[Table], done: Callable[[], bool], seconds: float) -> None:
    """Several people at one game: each page acts whenever it shows something to do."""
    deadline = time.monotonic() + seconds
    while not done():
        assert time.monotonic() < deadline, [t.actions[-5:] for t in tables]
        for table in tables:
            state = table.wait_state(0.2)
            if state and state not in ("over", "held"):
                table.act(state)
            if done():
                return


def take_room(context: BrowserContext, **body) -> dict:
    """Create a room through the API with this context's cookies, so that its session (and so
    the table page) holds the seat, as when the lobby creates it."""
    response = context.request.post("/api/rooms/", data=body)
    assert response.status == 201, response.text()
    return response.json()


def expect_live(page: Page) -> None:
    """The table's socket is open ("● live" in the page's language)."""
    live = tr(page, "live")
    expect(page.locator("#conn")).to_have_text(f"● {live}")


def open_table(context: BrowserContext, room_id: str) -> Page:
    page = context.new_page()
    page.goto(f"/rooms/{room_id}/")
    expect_live(page)
    return page
