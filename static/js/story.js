// "What happened": the room's public events in words, grouped by round, newest first, each
// round's scores inline. The table connects with ?version=0, so after a reload, a reconnect or
// for a late spectator the first update brings every public event and the story is whole.

import { gettext } from "./i18n.js";
import { describeEvent, el } from "./render.js";

export class Story {
  constructor(root) {
    this.root = root;
    this.lastSeq = 0;
    this.round = 0; // the round the next events belong to (0: before the start)
    this.groups = new Map(); // round -> its <ol>
  }

  /** The <ol> of ``round``, made (at the top: newest first) when it is new. */
  group(round) {
    if (!this.groups.has(round)) {
      const title = round ? gettext("Round %(n)s", { n: round }) : gettext("Before the start");
      const list = el("ol", { reversed: true });
      const section = el("section", { class: "story-round", "data-round": round }, el("h3", { text: title }), list);
      this.root.prepend(section);
      this.groups.set(round, list);
    }
    return this.groups.get(round);
  }

  /** Add the events of an update (already seen ones, by seq, are skipped). ``view`` names seats. */
  add(view, events) {
    for (const event of events) {
      if (event.seq <= this.lastSeq) continue;
      this.lastSeq = event.seq;
      const p = event.payload || {};
      if (event.type === "phase_change" && p.phase === "preparation" && p.round) this.round = p.round;
      const text = describeEvent(view, event);
      if (!text) continue;
      const scored = event.type === "round_scored";
      this.group(scored ? p.round : this.round).prepend(
        el("li", { "data-seq": event.seq, "data-type": event.type, class: scored ? "scored" : null, text }),
      );
    }
  }
}
