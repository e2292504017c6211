"""Checks of what a page shows, run inside the browser tests: the table fits the screen, seats
are counted from 1, the points badge leaves the character alone, and axe-core finds no serious
or critical accessibility problem."""

from __future__ import annotations

from pathlib import Path

from playwright.sync_api import Page

AXE = Path(__file__).parent / "vendor" / "axe.min.js"
#: axe-core impacts that fail a test.
FAILING_IMPACTS = ("serious", "critical")

#: With the page scrolled to the top: the shown parts (of ``selectors``) not wholly inside the
#: viewport, and the document's size against the viewport's (no scrolling at all).
IN_VIEW_JS = """(selectors) => {
  window.scrollTo(0, 0);
  const outside = [];
  for (const selector of selectors) {
    for (const node of document.querySelectorAll(selector)) {
      const r = node.getBoundingClientRect();
      if (!r.width && !r.height) continue; // not shown now
      if (r.top < 0 || r.left < 0 || r.bottom > innerHeight + 0.5 || r.right > innerWidth + 0.5) {
        const [x1, y1, x2, y2] = [r.left, r.top, r.right, r.bottom].map(Math.round);
        outside.push(`${selector}: ${x1},${y1} to ${x2},${y2}`);
      }
    }
  }
  const doc = document.scrollingElement;
  return { outside, scroll: [doc.scrollWidth, doc.scrollHeight, innerWidth, innerHeight, scrollY] };
}"""

#: The table's parts a person needs at a decision: the hand, the buttons of the decision, the trick.
DECISION_PARTS = [
    "#hand",
    "#trick",
    "#redeal button",
    "#declare-buttons button",
    "#play-actions button",
]


def outside_viewport(page: Page, selectors: list[str] = DECISION_PARTS) -> list[str]:
    """What of ``selectors`` is shown but not wholly inside the viewport at scroll 0, and any
    page scrolling; [] when all is in view."""
    result = page.evaluate(IN_VIEW_JS, selectors)
    problems = result["outside"]
    width, height, inner_w, inner_h, scroll_y = result["scroll"]
    if width > inner_w + 1 or height > inner_h + 1 or scroll_y:
        problems.append(f"the page scrolls: {width}x{height} in {inner_w}x{inner_h}, at {scroll_y}")
    return problems


#: Every "seat N" a person can read or hear: the text, titles and labels of the page.
SEAT_NUMBERS_JS = """() => {
  const texts = [document.body.innerText, document.title];
  const names = ["title", "aria-label", "placeholder"];
  for (const node of document.querySelectorAll("[title], [aria-label], [placeholder]")) {
    for (const name of names) texts.push(node.getAttribute(name) || "");
  }
  return [...texts.join("\\n").matchAll(/\\bseat\\s+#?(\\d+)/gi)].map((m) => m[0]);
}"""


def zero_based_seats(page: Page) -> list[str]:
    """Mentions of a seat by a number outside 1–4 (a 0-based "seat 0" in particular)."""
    mentions = page.evaluate(SEAT_NUMBERS_JS)
    return [m for m in mentions if not 1 <= int(m.split()[-1].lstrip("#")) <= 4]


#: For every token on the page: its size, and the area its points badge shares with its glyph.
BADGE_OVERLAP_JS = """() => [...document.querySelectorAll(".piece")].map((piece) => {
  const g = piece.querySelector(".glyph").getBoundingClientRect();
  const p = piece.querySelector(".points").getBoundingClientRect();
  const w = Math.min(g.right, p.right) - Math.max(g.left, p.left);
  const h = Math.min(g.bottom, p.bottom) - Math.max(g.top, p.top);
  return [Math.round(piece.getBoundingClientRect().width), w > 0 && h > 0 ? w * h : 0];
}).filter(([size]) => size > 0)"""


def badge_overlaps(page: Page) -> tuple[set[int], list[tuple[int, float]]]:
    """The token sizes (px) on the page, and each (size, area) where a badge covers a glyph."""
    tokens = page.evaluate(BADGE_OVERLAP_JS)
    return {size for size, _ in tokens}, [(size, area) for size, area in tokens if area > 0.5]


#: The score panel: whether the table is cut (scrolls sideways), how many names at the lines'
#: ends stick out of the chart, the number of axis values, and the pairs of names that overlap.
SCORES_JS = """() => {
  const scroller = document.querySelector("#scores .scroll");
  const labels = [...document.querySelectorAll(".score-svg text.end-label")]
    .map((n) => n.getBoundingClientRect());
  const chart = document.querySelector(".score-svg").getBoundingClientRect();
  const meet = (a, b) =>
    a.top < b.bottom && b.top < a.bottom && a.left < b.right && b.left < a.right;
  const overlapping = [];
  labels.forEach((a, i) => labels.slice(i + 1).forEach((b, j) => {
    if (meet(a, b)) overlapping.push([i, i + j + 1]);
  }));
  return {
    cut: scroller.scrollWidth > scroller.clientWidth + 1,
    labelsCut: labels.filter((r) => r.right > chart.right + 1 || r.left < chart.left - 1).length,
    axisValues: document.querySelectorAll(".score-svg text:not(.end-label)").length,
    labels: labels.length,
    overlapping,
  };
}"""


def score_panel(page: Page) -> dict:
    """What the score panel shows: see SCORES_JS."""
    return page.evaluate(SCORES_JS)


AXE_RUN_JS = """async () => {
  const result = await axe.run(document, { resultTypes: ["violations"] });
  return result.violations.map((v) => ({
    id: v.id, impact: v.impact, help: v.help,
    nodes: v.nodes.slice(0, 3).map((n) => n.target.join(" ")),
  }));
}"""


def axe_violations(page: Page) -> list[str]:
    """axe-core's serious and critical violations on the page as it is now, in words."""
    if not page.evaluate("() => Boolean(window.axe)"):
        page.add_script_tag(path=str(AXE))
    return [
        f"{v['id']} ({v['impact']}): {v['help']} at {v['nodes']}"
        for v in page.evaluate(AXE_RUN_JS)
        if v["impact"] in FAILING_IMPACTS
    ]
