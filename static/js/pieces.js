// Pieces and play types, mirrored from game/pieces.py and game/rules.py so the table can show the
// type of a selection before it is played. The server still decides: this is only a preview.

import { gettext } from "./i18n.js";

const RED_POINTS = { GENERAL: 14, ADVISOR: 12, ELEPHANT: 10, CHARIOT: 8, HORSE: 6, CANNON: 4, SOLDIER: 2 };
const NAMES = Object.keys(RED_POINTS);
const GLYPH_TEXT = { RED: "帥仕相俥傌炮兵", BLACK: "將士象車馬砲卒" };

export const POINTS = {};
export const GLYPHS = {};
for (const [i, name] of NAMES.entries()) {
  POINTS[`${name}_RED`] = RED_POINTS[name];
  POINTS[`${name}_BLACK`] = RED_POINTS[name] - 1;
  GLYPHS[`${name}_RED`] = GLYPH_TEXT.RED[i];
  GLYPHS[`${name}_BLACK`] = GLYPH_TEXT.BLACK[i];
}

const HIGH = ["GENERAL", "ADVISOR", "ELEPHANT"];
const LOW = ["CHARIOT", "HORSE", "CANNON"];

const nameOf = (kind) => kind.slice(0, kind.lastIndexOf("_"));
export const colorOf = (kind) => kind.slice(kind.lastIndexOf("_") + 1);

const PIECE_LABELS = {
  GENERAL_RED: () => gettext("Red general"), GENERAL_BLACK: () => gettext("Black general"),
  ADVISOR_RED: () => gettext("Red advisor"), ADVISOR_BLACK: () => gettext("Black advisor"),
  ELEPHANT_RED: () => gettext("Red elephant"), ELEPHANT_BLACK: () => gettext("Black elephant"),
  CHARIOT_RED: () => gettext("Red chariot"), CHARIOT_BLACK: () => gettext("Black chariot"),
  HORSE_RED: () => gettext("Red horse"), HORSE_BLACK: () => gettext("Black horse"),
  CANNON_RED: () => gettext("Red cannon"), CANNON_BLACK: () => gettext("Black cannon"),
  SOLDIER_RED: () => gettext("Red soldier"), SOLDIER_BLACK: () => gettext("Black soldier"),
};

/** "Red general", "Black soldier". */
export const pieceLabel = (kind) => (PIECE_LABELS[kind] ? PIECE_LABELS[kind]() : kind);

/** Strongest first, as the server sorts hands. */
export function sortKinds(kinds) {
  return [...kinds].sort((a, b) => POINTS[b] - POINTS[a] || a.localeCompare(b));
}

const TYPE_LABELS = {
  SINGLE: () => gettext("single"),
  PAIR: () => gettext("pair"),
  THREE_OF_A_KIND: () => gettext("three of a kind"),
  STRAIGHT: () => gettext("straight"),
  FOUR_OF_A_KIND: () => gettext("four of a kind"),
  EXTENDED_STRAIGHT: () => gettext("extended straight"),
  EXTENDED_STRAIGHT_5: () => gettext("extended straight (5)"),
  FIVE_OF_A_KIND: () => gettext("five of a kind"),
  DOUBLE_STRAIGHT: () => gettext("double straight"),
};

export const typeLabel = (type) => (type ? (TYPE_LABELS[type] ? TYPE_LABELS[type]() : type) : gettext("no valid play"));

function sameSet(names, group) {
  return names.length === group.length && group.every((n) => names.includes(n));
}

/** The play type of these kinds (docs/rules.md §2), or null when they form no valid play. */
export function playType(kinds) {
  const size = kinds.length;
  if (size === 0 || size > 6 || kinds.some((k) => !(k in POINTS))) return null;
  if (size === 1) return "SINGLE";
  if (new Set(kinds.map(colorOf)).size !== 1) return null;
  const counts = {};
  for (const k of kinds) counts[nameOf(k)] = (counts[nameOf(k)] || 0) + 1;
  const names = Object.keys(counts);
  if (size === 2) return names.length === 1 ? "PAIR" : null;
  if (names.length === 1 && names[0] === "SOLDIER") {
    return { 3: "THREE_OF_A_KIND", 4: "FOUR_OF_A_KIND", 5: "FIVE_OF_A_KIND" }[size] || null;
  }
  if (size === 6) {
    return sameSet(names, LOW) && LOW.every((n) => counts[n] === 2) ? "DOUBLE_STRAIGHT" : null;
  }
  if (sameSet(names, HIGH) || sameSet(names, LOW)) {
    const shape = Object.values(counts).sort().join("");
    return { 111: "STRAIGHT", 112: "EXTENDED_STRAIGHT", 122: "EXTENDED_STRAIGHT_5" }[shape] || null;
  }
  return null;
}
