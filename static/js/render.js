// Rendering shared by the table and the staff replay: pieces, seats, the plays of a turn, the
// story's lines. Every word goes through i18n.js; seats are named, or counted from 1.

import { gettext, ngettext } from "./i18n.js";
import { GLYPHS, POINTS, colorOf, pieceLabel, typeLabel } from "./pieces.js";

export function el(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs)) {
    if (value === null || value === undefined || value === false) continue;
    if (key === "class") node.className = value;
    else if (key === "text") node.textContent = value;
    else if (key.startsWith("on")) node.addEventListener(key.slice(2), value);
    else node.setAttribute(key, value === true ? "" : value);
  }
  for (const child of children.flat()) {
    if (child === null || child === undefined || child === false) continue;
    node.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return node;
}

/** A round token with the glyph, in its colour, with the points in a badge; a ``class`` given
 * in ``attrs`` is added to the token's own classes. A span token is an image to assistive
 * technology, named by its label; a button token says its label as its (hidden) text. */
export function pieceToken(kind, { tag = "span", class: extraClass, ...attrs } = {}) {
  const color = colorOf(kind).toLowerCase();
  const label = ngettext("%(piece)s, %(n)s point", "%(piece)s, %(n)s points", POINTS[kind], { piece: pieceLabel(kind) });
  const button = tag === "button";
  return el(
    tag,
    { class: `piece ${color}${extraClass ? ` ${extraClass}` : ""}`, role: button ? null : "img", title: label, "aria-label": button ? null : label, "data-kind": kind, ...attrs },
    el("span", { class: "glyph", "aria-hidden": "true", text: GLYPHS[kind] }),
    el("span", { class: "points", "aria-hidden": "true", text: POINTS[kind] }),
    button ? el("span", { class: "sr-only", text: label }) : null,
  );
}

export function piecesRow(kinds, cls = "pieces") {
  return el("span", { class: cls }, kinds.map((k) => pieceToken(k)));
}

/** The seat's player's name, or "Seat 1" … "Seat 4" (counted from 1). */
export function seatName(view, seat) {
  const s = view.seats[seat];
  return (s && s.name) || gettext("Seat %(n)s", { n: seat + 1 });
}

/** "Ana, Ben, Cai": items in a list, with the language's own separator. */
export function commaList(items) {
  return items.reduce((list, item) => gettext("%(list)s, %(item)s", { list, item }));
}

/** "Ana", "Ana and Ben", "Ana, Ben and Cai". */
export function nameList(names) {
  if (names.length < 2) return names.join("");
  return gettext("%(first)s and %(last)s", { first: commaList(names.slice(0, -1)), last: names.at(-1) });
}

/** Bot levels as players see them, by the strategy names of the protocol (``add_bot``). */
export const BOT_LEVELS = [
  { strategy: "greedy", level: "easy" },
  { strategy: "smart", level: "normal" },
  { strategy: "expert", level: "hard" },
];
const LEVEL_WORDS = { easy: () => gettext("easy"), normal: () => gettext("normal"), hard: () => gettext("hard") };
export const DEFAULT_BOT_STRATEGY = "smart";
export const botLevel = (strategy) => (BOT_LEVELS.find((b) => b.strategy === strategy) || { level: strategy }).level;
const levelWord = (strategy) => (LEVEL_WORDS[botLevel(strategy)] || (() => strategy))();

/** The options of a bot level ``<select>`` (value: the strategy), ``smart`` chosen. */
export const botLevelOptions = () => BOT_LEVELS.map((b) =>
  el("option", { value: b.strategy, selected: b.strategy === DEFAULT_BOT_STRATEGY, text: LEVEL_WORDS[b.level]() }));

/** One seat's card: name, marks, score, declared/won, pieces left; ``hand`` for staff. */
export function seatCard(view, s, { you = null, hand = null, clock = null } = {}) {
  const acting = (view.to_act || []).includes(s.seat);
  const marks = [];
  if (s.seat === view.host_seat) marks.push(el("span", { class: "mark host", text: gettext("host") }));
  if (s.is_bot) marks.push(el("span", { class: `mark bot level-${botLevel(s.bot)}`, title: gettext("%(level)s bot", { level: levelWord(s.bot) }), text: gettext("bot · %(level)s", { level: levelWord(s.bot) }) }));
  else if (s.name && s.bot_playing) marks.push(el("span", { class: "mark away", text: gettext("away · bot playing") }));
  else if (s.name && !s.connected && view.phase === "waiting") marks.push(el("span", { class: "mark away", text: gettext("offline") }));
  if (s.seat === you) marks.push(el("span", { class: "mark you", text: gettext("you") }));
  const inRound = !["waiting", "game_over"].includes(view.phase);
  const stats = [el("span", { class: "score", text: gettext("score %(n)s", { n: s.score }) })];
  if (inRound) {
    const declared = s.declared === null ? "–" : s.declared;
    stats.push(el("span", { class: "declared", title: gettext("declared / won"), text: gettext("declared %(d)s", { d: declared }) }));
    stats.push(el("span", { class: "won", text: gettext("won %(n)s", { n: s.piles }) }));
    stats.push(el("span", { class: "left", text: ngettext("%(n)s piece", "%(n)s pieces", s.hand_count) }));
  }
  return el(
    "article",
    { class: `seat${acting ? " acting" : ""}${s.name ? "" : " empty"}`, "data-seat": s.seat, "aria-label": seatName(view, s.seat) },
    el("header", {}, el("strong", { class: "seat-name", text: s.name || gettext("Empty seat") }), ...marks),
    s.name ? el("div", { class: "stats" }, stats) : null,
    acting ? el("div", { class: "acting-note", text: clock || gettext("to act") }) : null,
    hand ? piecesRow(hand, "pieces small") : null,
  );
}

/** The four seats' cards (the staff replay); ``hands`` for staff. */
export function seatCards(view, { you = null, hands = null } = {}) {
  return view.seats.map((s) => seatCard(view, s, { you, hand: hands ? hands[s.seat] || [] : null }));
}

/** The plays of a turn, each seat's pieces and play type, the winning one marked. */
export function playsList(view, plays, winningSeat) {
  return plays.map((p) =>
    el(
      "div",
      { class: `play${p.seat === winningSeat ? " winning" : ""}`, "data-seat": p.seat },
      el("span", { class: "play-seat", text: seatName(view, p.seat) }),
      piecesRow(p.pieces),
      el("span", { class: "play-type", text: typeLabel(p.play_type) }),
    ),
  );
}

const PHASE_TITLES = {
  waiting: () => gettext("Waiting for players"),
  preparation: () => gettext("Dealing"),
  round_start: () => gettext("Round starting"),
  declaration: () => gettext("Declarations"),
  turn: () => gettext("Playing"),
  turn_results: () => gettext("Turn result"),
  scoring: () => gettext("Round scores"),
  game_over: () => gettext("Game over"),
};
export const phaseTitle = (phase) => (PHASE_TITLES[phase] ? PHASE_TITLES[phase]() : phase);

/** "+7", "−2", "0": a score change. */
export const signed = (n) => (n > 0 ? `+${n}` : n < 0 ? `−${-n}` : "0");

const FREED = { removed: () => gettext("freed by the host"), left: () => gettext("the player left") };

/** One line of the story, in words, or null for an event the story leaves out. */
export function describeEvent(view, event) {
  const p = event.payload || {};
  const who = (seat) => seatName(view, seat);
  switch (event.type) {
    case "room_created": return gettext("Room created.");
    case "seat_taken": return gettext("%(name)s sat down in seat %(n)s.", { name: p.name, n: p.seat + 1 });
    case "bot_added": return gettext("%(name)s (%(level)s bot) joined seat %(n)s.", { name: p.name, level: levelWord(p.strategy), n: p.seat + 1 });
    case "seat_freed": return gettext("Seat %(n)s is free (%(why)s).", { n: p.seat + 1, why: FREED[p.reason] ? FREED[p.reason]() : p.reason });
    case "host_changed": return p.seat === null ? gettext("No host.") : gettext("%(name)s is the host.", { name: who(p.seat) });
    case "player_connected": return gettext("%(name)s connected.", { name: who(p.seat) });
    case "player_disconnected": return p.left ? gettext("%(name)s left; a bot plays for them.", { name: who(p.seat) }) : gettext("%(name)s disconnected; a bot plays for them.", { name: who(p.seat) });
    case "room_closed": return p.reason === "staff" ? gettext("Room closed by staff.") : gettext("Room closed.");
    case "game_started": return gettext("The game started.");
    case "phase_change": return null;
    case "hands_dealt": {
      if (!p.weak || !p.weak.length) return gettext("Hands dealt; %(name)s starts.", { name: who(p.starter) });
      return gettext("Hands dealt; %(name)s starts. Weak hands: %(names)s.", { name: who(p.starter), names: nameList(p.weak.map(who)) });
    }
    case "redeal_decided": {
      const name = who(p.seat);
      if (p.accept === undefined) return p.timed_out ? gettext("%(name)s has decided (time ran out).", { name }) : gettext("%(name)s has decided.", { name });
      if (p.accept) return p.timed_out ? gettext("%(name)s asks for a redeal (time ran out).", { name }) : gettext("%(name)s asks for a redeal.", { name });
      return p.timed_out ? gettext("%(name)s keeps the hand (time ran out).", { name }) : gettext("%(name)s keeps the hand.", { name });
    }
    case "redeal": return gettext("Redeal for %(name)s: the round now counts ×%(m)s.", { name: who(p.seat), m: p.multiplier });
    case "declared": return gettext("%(name)s declared %(n)s.", { name: who(p.seat), n: p.value });
    case "played": return ngettext("%(name)s played %(n)s piece (%(type)s).", "%(name)s played %(n)s pieces (%(type)s).", p.pieces.length, { name: who(p.seat), type: typeLabel(p.play_type) });
    case "turn_won": return ngettext("%(name)s won turn %(turn)s and %(n)s pile.", "%(name)s won turn %(turn)s and %(n)s piles.", p.piles, { name: who(p.winner), turn: p.turn });
    case "round_scored": return gettext("Round %(round)s scores: %(scores)s.", { round: p.round, scores: commaList(p.seats.map((s) => `${who(s.seat)} ${signed(s.delta)}`)) });
    case "game_over": {
      const rounds = ngettext("%(n)s round", "%(n)s rounds", p.rounds);
      const names = nameList(p.winners.map(who));
      return ngettext("Game over after %(rounds)s. Winner: %(names)s.", "Game over after %(rounds)s. Winners: %(names)s.", p.winners.length, { rounds, names });
    }
    default: return null;
  }
}
