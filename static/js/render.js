// Rendering shared by the table and the staff replay: pieces, seats, the plays of a turn.

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

/** A round token with the glyph, in its colour, with the points small; a ``class`` given in
 * ``attrs`` is added to the token's own classes. */
export function pieceToken(kind, { tag = "span", class: extraClass, ...attrs } = {}) {
  const color = colorOf(kind).toLowerCase();
  return el(
    tag,
    { class: `piece ${color}${extraClass ? ` ${extraClass}` : ""}`, title: `${pieceLabel(kind)} (${POINTS[kind]})`, "aria-label": `${pieceLabel(kind)}, ${POINTS[kind]} points`, "data-kind": kind, ...attrs },
    el("span", { class: "glyph", "aria-hidden": "true", text: GLYPHS[kind] }),
    el("span", { class: "points", "aria-hidden": "true", text: POINTS[kind] }),
  );
}

/** "1 piece", "2 pieces": ``n`` and ``word``, with an "s" unless ``n`` is 1. */
export const plural = (n, word) => `${n} ${word}${n === 1 ? "" : "s"}`;

export function piecesRow(kinds, cls = "pieces") {
  return el("span", { class: cls }, kinds.map((k) => pieceToken(k)));
}

export function seatName(view, seat) {
  const s = view.seats[seat];
  return (s && s.name) || `Seat ${seat + 1}`;
}

/** Bot levels as players see them, by the strategy names of the protocol (``add_bot``). */
export const BOT_LEVELS = [
  { strategy: "greedy", level: "easy" },
  { strategy: "smart", level: "normal" },
  { strategy: "expert", level: "hard" },
];
export const DEFAULT_BOT_STRATEGY = "smart";
export const botLevel = (strategy) => (BOT_LEVELS.find((b) => b.strategy === strategy) || { level: strategy }).level;

/** The options of a bot level ``<select>`` (value: the strategy), ``smart`` chosen. */
export const botLevelOptions = () => BOT_LEVELS.map((b) =>
  el("option", { value: b.strategy, selected: b.strategy === DEFAULT_BOT_STRATEGY, text: b.level }));

/** The four seats: name, marks, score, declared/won, hand count; ``hands`` for staff. */
export function seatCards(view, { you = null, hands = null } = {}) {
  const toAct = new Set(view.to_act || []);
  return view.seats.map((s) => {
    const marks = [];
    if (s.seat === view.host_seat) marks.push(el("span", { class: "mark host", text: "host" }));
    if (s.is_bot) marks.push(el("span", { class: `mark bot level-${botLevel(s.bot)}`, title: `${botLevel(s.bot)} bot (${s.bot})`, text: `bot · ${botLevel(s.bot)}` }));
    else if (s.name && s.bot_playing) marks.push(el("span", { class: "mark away", text: "away · bot playing" }));
    else if (s.name && !s.connected && view.phase === "waiting") marks.push(el("span", { class: "mark away", text: "offline" }));
    if (s.seat === you) marks.push(el("span", { class: "mark you", text: "you" }));
    const inRound = !["waiting", "game_over"].includes(view.phase);
    const stats = [el("span", { text: `score ${s.score}` })];
    if (inRound) {
      stats.push(el("span", { text: `declared ${s.declared === null ? "–" : s.declared}` }));
      stats.push(el("span", { text: `won ${s.piles}` }));
      stats.push(el("span", { text: `${s.hand_count} in hand` }));
    }
    const card = el(
      "article",
      { class: `seat${toAct.has(s.seat) ? " acting" : ""}${s.name ? "" : " empty"}`, "data-seat": s.seat, "aria-label": `Seat ${s.seat + 1}` },
      el("header", {}, el("strong", { class: "seat-name", text: s.name || "Empty seat" }), ...marks),
      s.name ? el("div", { class: "stats" }, stats) : null,
      toAct.has(s.seat) ? el("div", { class: "acting-note", text: "to act" }) : null,
      hands ? piecesRow(hands[s.seat] || [], "pieces small") : null,
    );
    return card;
  });
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
  waiting: "Waiting for players",
  preparation: "Dealing",
  round_start: "Round starting",
  declaration: "Declarations",
  turn: "Playing",
  turn_results: "Turn result",
  scoring: "Round scores",
  game_over: "Game over",
};
export const phaseTitle = (phase) => PHASE_TITLES[phase] || phase;

/** One line of the event log, in words. */
export function describeEvent(view, event) {
  const p = event.payload || {};
  const who = (seat) => seatName(view, seat);
  switch (event.type) {
    case "room_created": return "Room created.";
    case "seat_taken": return `${p.name} sat down in seat ${p.seat + 1}.`;
    case "bot_added": return `${p.name} (${botLevel(p.strategy)} bot) joined seat ${p.seat + 1}.`;
    case "seat_freed": return `Seat ${p.seat + 1} is free (${p.reason}).`;
    case "host_changed": return p.seat === null ? "No host." : `${who(p.seat)} is the host.`;
    case "player_connected": return `${who(p.seat)} connected.`;
    case "player_disconnected": return `${who(p.seat)} ${p.left ? "left" : "disconnected"}; a bot plays for them.`;
    case "room_closed": return p.reason === "staff" ? "Room closed by staff." : `Room closed (${p.reason}).`;
    case "game_started": return "The game started.";
    case "phase_change": return p.phase === "preparation" ? `Round ${p.round}.` : null;
    case "hands_dealt": return `Hands dealt; ${who(p.starter)} starts.${p.weak && p.weak.length ? ` Weak hands: ${p.weak.map(who).join(", ")}.` : ""}`;
    case "redeal_decided": return `${who(p.seat)} ${p.accept === undefined ? "has decided" : p.accept ? "asks for a redeal" : "keeps the hand"}${p.timed_out ? " (time ran out)" : ""}.`;
    case "redeal": return `Redeal for ${who(p.seat)}: the round now counts ×${p.multiplier}.`;
    case "declared": return `${who(p.seat)} declared ${p.value}.`;
    case "played": return `${who(p.seat)} played ${p.pieces.length} (${typeLabel(p.play_type)}).`;
    case "turn_won": return `${who(p.winner)} won turn ${p.turn} and ${plural(p.piles, "pile")}.`;
    case "round_scored": return `Round ${p.round} scored: ${p.seats.map((s) => `${who(s.seat)} ${s.delta >= 0 ? "+" : ""}${s.delta}`).join(", ")}.`;
    case "game_over": return `Game over after ${p.rounds} rounds. Winner: ${p.winners.map(who).join(", ")}.`;
    default: return null;
  }
}
