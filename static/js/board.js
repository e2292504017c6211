// The table itself: the four seats around it (you at the bottom, the others left, top and right
// in play order), each seat's pieces of the current turn in front of it, and the turn's summary
// in the middle. The winner of the last turn stays highlighted until the next turn's first play.

import { gettext, ngettext } from "./i18n.js";
import { typeLabel } from "./pieces.js";
import { el, piecesRow, seatCard, seatName, signed } from "./render.js";

const POSITIONS = ["bottom", "left", "top", "right"];

/** Where ``seat`` sits on the screen of the person in seat ``you`` (a spectator sees seat 0
 * at the bottom). Play goes 0 → 1 → 2 → 3, so the next player sits on your left. */
export const positionOf = (seat, you) => POSITIONS[(seat - (you ?? 0) + 4) % 4];

/** The plays on the table now: the current turn's, else the last turn's until the next starts. */
export function shownTurn(view) {
  const turn = view.turn;
  if (turn && turn.plays.length) return { plays: turn.plays, winner: turn.winning_seat };
  const last = view.last_turn;
  if (last && ["turn", "turn_results", "scoring"].includes(view.phase)) return { plays: last.plays, winner: last.winner };
  return { plays: [], winner: null };
}

export class Board {
  constructor(ring, center, title) {
    this.ring = ring;
    this.title = title;
    this.slots = [0, 1, 2, 3].map((seat) => {
      const card = el("div", { class: "card-holder" });
      const played = el("div", { class: "played", "data-seat": seat });
      const slot = el("div", { class: "seat-slot", "data-slot": seat }, card, played);
      ring.insertBefore(slot, center);
      return { slot, card, played };
    });
  }

  /** Draw the seats and the trick; ``clockOf(seat)`` is the acting seat's clock text or null. */
  render(view, you, clockOf) {
    const shown = shownTurn(view);
    for (const s of view.seats) {
      const { slot, card, played } = this.slots[s.seat];
      slot.className = `seat-slot pos-${positionOf(s.seat, you)}`;
      card.replaceChildren(seatCard(view, s, { you, clock: clockOf(s.seat) }));
      const play = shown.plays.find((p) => p.seat === s.seat);
      played.classList.toggle("winning", Boolean(play) && shown.winner === s.seat);
      played.replaceChildren(...(play ? [el("div", {}, piecesRow(play.pieces), el("span", { class: "play-type", text: typeLabel(play.play_type) }))] : []));
      if (play) {
        played.setAttribute("role", "group");
        played.setAttribute("aria-label", gettext("%(name)s played", { name: seatName(view, s.seat) }));
      } else {
        played.removeAttribute("role");
        played.removeAttribute("aria-label");
      }
    }
    this.title.textContent = this.summary(view);
  }

  /** The line in the middle of the table. */
  summary(view) {
    const turn = view.turn;
    switch (view.phase) {
      case "preparation": return gettext("Round %(n)s: dealing", { n: view.round });
      case "round_start": return gettext("Round %(n)s", { n: view.round });
      case "declaration": {
        const total = view.seats.reduce((sum, s) => sum + (s.declared || 0), 0);
        return ngettext("Round %(round)s · declared so far: %(n)s pile of 8", "Round %(round)s · declared so far: %(n)s piles of 8", total, { round: view.round });
      }
      case "turn": {
        if (!turn) return "";
        if (!turn.plays.length) return gettext("Turn %(turn)s · %(name)s leads", { turn: turn.number, name: seatName(view, turn.leader) });
        const values = { turn: turn.number, type: typeLabel(turn.plays[0].play_type) };
        return ngettext("Turn %(turn)s · %(type)s led · %(n)s piece each", "Turn %(turn)s · %(type)s led · %(n)s pieces each", turn.required, values);
      }
      case "turn_results": {
        const last = view.last_turn;
        if (!last) return "";
        return ngettext("%(name)s wins turn %(turn)s and %(n)s pile with a %(type)s", "%(name)s wins turn %(turn)s and %(n)s piles with a %(type)s", last.piles, { name: seatName(view, last.winner), turn: last.number, type: typeLabel(last.play_type) });
      }
      case "scoring": {
        const round = (view.rounds || []).at(-1);
        if (!round) return "";
        const parts = round.deltas.map((d, seat) => `${seatName(view, seat)} ${signed(d)}`);
        return gettext("Round %(n)s: %(scores)s", { n: round.round, scores: parts.join(" · ") });
      }
      default: return "";
    }
  }
}
