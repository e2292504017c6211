"""Checks of what a page shows, run inside the browser tests: the table fits the screen, seats
are counted from 1 (in any language), no English is left on a page in another language, the top
bar is one row, the points badge leaves the character alone, and axe-core finds no serious or
critical accessibility problem. ``tr`` reads the page's own catalog, so that a test can expect
a sentence in whatever language the page is in."""

from __future__ import annotations

import re
from pathlib import Path

from playwright.sync_api import Page

from tests.liveserver import ROOT

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


#: The scripts' sentences that name a seat by its number (``seat %(n)s``), read from their source.
SEAT_SENTENCE = r'gettext\(\s*"([^"]*\bseat %\(n\)s[^"]*)"'
SEAT_SENTENCES = sorted(
    {
        sentence
        for script in (ROOT / "static" / "js").glob("*.js")
        for sentence in re.findall(SEAT_SENTENCE, script.read_text(), re.I)
    }
)

#: Every text a person can read or hear on the page: its visible text (screen-reader-only text
#: included), the title, and the titles, labels and placeholders of shown elements; each with
#: the id of the closest element that has one. Text marked as another language than the page's
#: (``lang``: the switcher's language names) is left out.
TEXTS_JS = """() => {
  const page = document.documentElement.lang;
  const foreign = (node) => { const l = node.closest("[lang]"); return l && l.lang !== page; };
  const shown = (node) => {
    const box = node.closest("option") ? node.closest("select") : node;
    return box.checkVisibility({ visibilityProperty: true, opacityProperty: false });
  };
  const where = (node) => (node.closest("[id]") || { id: "" }).id;
  const out = [[document.title, "title"]];
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  for (let text = walker.nextNode(); text; text = walker.nextNode()) {
    const node = text.parentElement;
    if (!node || !text.data.trim() || node.closest("script, style, template")) continue;
    if (foreign(node) || !shown(node)) continue;
    out.push([text.data, where(node)]);
  }
  const names = ["title", "aria-label", "placeholder", "alt"];
  for (const node of document.body.querySelectorAll(names.map((n) => `[${n}]`).join(","))) {
    if (foreign(node) || !shown(node)) continue;
    for (const name of names) {
      if (node.getAttribute(name)) out.push([node.getAttribute(name), where(node)]);
    }
  }
  return out;
}"""

#: Each sentence of SEAT_SENTENCES in the page's language as a pattern whose group is the seat's
#: number; then the numbers found in ``texts`` by them (and by English's "seat N", which the
#: server's messages may use).
SEAT_NUMBERS_JS = """([sentences, texts]) => {
  const escape = (s) => s.replace(/[.*+?^${}()|[\\]\\\\]/g, "\\\\$&");
  const patterns = sentences.map((sentence) => {
    const translated = window.gettext ? gettext(sentence) : sentence;
    const parts = translated.split(/(%\\(\\w+\\)s)/).map((part) =>
      part === "%(n)s" ? "#?(\\\\d+)" : /^%\\(\\w+\\)s$/.test(part) ? ".*?" : escape(part));
    return new RegExp(parts.join(""), "gi");
  });
  patterns.push(/\\bseat\\s+#?(\\d+)/gi);
  const found = [];
  for (const text of texts) {
    for (const pattern of patterns) {
      for (const match of text.matchAll(pattern)) found.push([match[0], Number(match[1])]);
    }
  }
  return found;
}"""


def page_texts(page: Page) -> list[tuple[str, str]]:
    """What a person can read or hear on the page: (text, the id of its closest element with
    one); see TEXTS_JS."""
    return [tuple(pair) for pair in page.evaluate(TEXTS_JS)]


def zero_based_seats(page: Page) -> list[str]:
    """Mentions of a seat by a number outside 1–4 (a 0-based "seat 0" in particular), in the
    page's language: every sentence of the scripts that names a seat's number, translated."""
    texts = [text for text, _ in page_texts(page)]
    mentions = page.evaluate(SEAT_NUMBERS_JS, [SEAT_SENTENCES, texts])
    assert SEAT_SENTENCES, "no sentence of the scripts names a seat"
    return [text for text, number in mentions if not 1 <= number <= 4]


#: Words in the Latin script (two or more Latin letters, with inner apostrophes or hyphens; a
#: single letter is a variable, like the rules' d for a declaration). Not × nor ÷.
LATIN = "A-Za-z\u00c0-\u00d6\u00d8-\u00f6\u00f8-\u024f"
LATIN_WORD = re.compile(f"[{LATIN}][{LATIN}]+(?:['’-][{LATIN}]+)*")
#: Latin words that belong on a page in any language: the game's name.
ANY_LANGUAGE = {"Liap", "Tui"}


def english_words(page: Page, names: set[str] = frozenset()) -> list[str]:
    """The Latin-script words a person can read or hear on a page in another script (Thai,
    Chinese): a sentence left untranslated. Players' names (those of ``names``, the seat cards'
    and the lobby's), room codes and the game's name may be Latin; text marked with another
    ``lang`` (the switcher's "English") is left out."""
    allowed = set(ANY_LANGUAGE)
    allowed |= set(page.locator(".seat-name, .mini-seat").all_inner_texts())
    allowed |= set(page.locator("#room-id, .room-code").all_inner_texts())
    for name in set(names) | set(allowed):
        allowed |= set(LATIN_WORD.findall(name))
    words = []
    for text, where in page_texts(page):
        if re.fullmatch(r"\s*[A-Z2-9]{6}\s*", text):  # a room code (or an example of one)
            continue
        for word in LATIN_WORD.findall(text):
            if word not in allowed:
                words.append(f"{word!r} in #{where}: {text.strip()[:80]!r}")
    return words


#: The rows of the top bar: its items from the top down, a new row for each one that starts
#: below the bottom of the row before.
TOPBAR_ROWS_JS = """() => {
  const boxes = [...document.querySelectorAll(".topbar > *")]
    .map((n) => n.getBoundingClientRect()).filter((r) => r.width > 0)
    .sort((a, b) => a.top - b.top);
  let rows = 0, bottom = -Infinity;
  for (const r of boxes) {
    if (r.top >= bottom - 1) {
      rows += 1;
      bottom = r.bottom;
    } else {
      bottom = Math.max(bottom, r.bottom);
    }
  }
  return rows;
}"""


def topbar_rows(page: Page) -> int:
    """How many rows the top bar takes (1: everything on one line)."""
    return page.evaluate(TOPBAR_ROWS_JS)


def page_tr(page: Page, msgid: str) -> str:
    """A word of the templates (the django domain, not the scripts' catalog) in the page's
    language (its <html lang>), as the server translates it."""
    from django.utils import translation

    with translation.override(page.locator("html").get_attribute("lang")):
        return translation.gettext(msgid)


def tr(page: Page, msgid: str, **values) -> str:
    """A sentence of the scripts in the page's language, from the page's own catalog (/jsi18n/),
    placeholders filled."""
    return page.evaluate(
        "([msgid, values]) => interpolate(gettext(msgid), values, true)", [msgid, values]
    )


def ntr(page: Page, singular: str, plural: str, n: int, **values) -> str:
    """The singular or plural of a sentence for ``n`` in the page's language, filled."""
    return page.evaluate(
        "([s, p, n, values]) => interpolate(ngettext(s, p, n), { n, ...values }, true)",
        [singular, plural, n, values],
    )


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
