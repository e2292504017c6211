// Staff replay: a slider over a room's event sequence; the table as it was after any event,
// replayed by the server (debug API), with the event list beside it.

import { getJSON, showError } from "./api.js";
import { describeEvent, el, phaseTitle, playsList, seatCards } from "./render.js";

const $ = (id) => document.getElementById(id);
const roomId = $("replay").dataset.roomId;
const slider = $("seq-slider");
let events = [];
let latest = 0; // the request whose answer may be shown (older answers are dropped)

async function loadEvents() {
  let after = 0;
  for (;;) {
    const page = await getJSON(`/api/debug/events/${roomId}/?after=${after}&limit=1000`);
    if (!page.ok) return showError($("replay-error"), page.error.message);
    events = events.concat(page.data.events);
    if (page.data.next_after === null) break;
    after = page.data.next_after;
  }
  slider.max = events.length;
  $("seq-max").textContent = events.length;
}

function showEvents(upto, state) {
  const items = events.map((e) =>
    el("li", { class: e.seq === upto ? "current" : e.seq > upto ? "future" : "", "data-seq": e.seq },
      el("button", { type: "button", class: "link", onclick: () => go(e.seq), text: `#${e.seq}` }),
      ` ${e.type} `,
      el("span", { class: "muted", text: describeEvent(state, e) || "" })));
  $("replay-events").replaceChildren(...items);
  const current = $("replay-events").querySelector(".current");
  if (current) current.scrollIntoView({ block: "nearest" });
}

async function go(seq) {
  seq = Math.max(0, Math.min(Number(slider.max), seq));
  slider.value = seq;
  $("seq-label").textContent = seq;
  const ticket = ++latest;
  const result = await getJSON(`/api/debug/replay/${roomId}/?upto=${seq}`);
  if (ticket !== latest) return;
  if (!result.ok) return showError($("replay-error"), result.error.message);
  showError($("replay-error"), "");
  const state = result.data.state;
  $("replay-phase").textContent = `${phaseTitle(state.phase)} · round ${state.round} · ×${state.multiplier}`;
  $("replay-seats").replaceChildren(...seatCards(state, { hands: state.hands }));
  const turn = state.turn && state.turn.plays.length ? state.turn : state.last_turn;
  $("replay-trick").replaceChildren(...(turn ? playsList(state, turn.plays, turn.winning_seat ?? turn.winner) : []));
  showEvents(seq, state);
}

slider.addEventListener("input", () => go(Number(slider.value)));
$("seq-prev").addEventListener("click", () => go(Number(slider.value) - 1));
$("seq-next").addEventListener("click", () => go(Number(slider.value) + 1));
document.addEventListener("keydown", (event) => {
  if (event.target === slider) return;
  if (event.key === "ArrowLeft") go(Number(slider.value) - 1);
  if (event.key === "ArrowRight") go(Number(slider.value) + 1);
});

await loadEvents();
// ?seq=N opens the replay at event N (the admin links each event here); else at the last one.
const asked = Number(new URLSearchParams(location.search).get("seq"));
await go(Number.isInteger(asked) && asked > 0 ? asked : events.length);
