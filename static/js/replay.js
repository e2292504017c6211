// Staff replay: a slider over a room's event sequence; the table as it was after any event,
// replayed by the server (debug API), with the event list beside it. "See as" shows exactly
// the seat view one seat had at that version; "Jump to" goes to the start of a round or the
// end of a turn; ?seq=N opens the page at event N.

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
  fillJumps();
}

/** "Jump to": each round's deal, and the end of each of its turns. */
function fillJumps() {
  const groups = new Map();
  for (const e of events) {
    const round = e.payload.round;
    if (e.type === "hands_dealt") {
      const again = groups.has(round); // a redeal: the same round dealt once more
      if (!again) groups.set(round, el("optgroup", { label: `Round ${round}` }));
      const text = `Round ${round}: ${again ? "dealt again" : "the deal"}`;
      groups.get(round).append(el("option", { value: e.seq, text }));
    } else if (e.type === "turn_won" && groups.size) {
      const group = [...groups.values()].at(-1);
      group.append(el("option", { value: e.seq, text: `${group.label}, turn ${e.payload.turn}: won` }));
    }
  }
  $("jump").append(...groups.values());
}

/** An event's row label: its type, and for a phase change the phase it went to. */
function label(e) {
  return e.type === "phase_change" ? `phase_change → ${e.payload.phase}` : e.type;
}

function showEvents(upto, state) {
  const items = events.map((e) =>
    el("li", { class: e.seq === upto ? "current" : e.seq > upto ? "future" : "", "data-seq": e.seq },
      el("button", { type: "button", class: "link", onclick: () => go(e.seq), text: `#${e.seq}` }),
      ` ${label(e)} `,
      el("span", { class: "muted", text: describeEvent(state, e) || "" })));
  const list = $("replay-events");
  list.replaceChildren(...items);
  // Scroll the list only, never the page (on a phone the slider must stay in view).
  const current = list.querySelector(".current");
  if (current) list.scrollTop = current.offsetTop - list.offsetTop - list.clientHeight / 2;
}

/** The hands to show: every hand (staff), or the one seat's own. */
function handsOf(state) {
  if (state.hands) return state.hands;
  const hands = [null, null, null, null];
  if (state.you) hands[state.you.seat] = state.you.hand;
  return hands;
}

async function go(seq) {
  seq = Math.max(0, Math.min(Number(slider.max), seq));
  slider.value = seq;
  $("seq-label").textContent = seq;
  const seat = $("as-seat").value;
  const ticket = ++latest;
  const asSeat = seat === "" ? "" : `&seat=${seat}`;
  const result = await getJSON(`/api/debug/replay/${roomId}/?upto=${seq}${asSeat}`);
  if (ticket !== latest) return;
  if (!result.ok) return showError($("replay-error"), result.error.message);
  showError($("replay-error"), "");
  const state = result.data.state;
  const who = state.you ? ` · as seat ${state.you.seat} sees it` : "";
  $("replay-phase").textContent = `${phaseTitle(state.phase)} · round ${state.round} · ×${state.multiplier}${who}`;
  $("replay-seats").replaceChildren(...seatCards(state, { hands: handsOf(state), you: state.you ? state.you.seat : null }));
  const turn = state.turn && state.turn.plays.length ? state.turn : state.last_turn;
  $("replay-trick").replaceChildren(...(turn ? playsList(state, turn.plays, turn.winning_seat ?? turn.winner) : []));
  showEvents(seq, state);
}

slider.addEventListener("input", () => go(Number(slider.value)));
$("seq-prev").addEventListener("click", () => go(Number(slider.value) - 1));
$("seq-next").addEventListener("click", () => go(Number(slider.value) + 1));
$("jump").addEventListener("change", (event) => {
  if (event.target.value) go(Number(event.target.value));
});
$("as-seat").addEventListener("change", () => go(Number(slider.value)));
document.addEventListener("keydown", (event) => {
  if (event.target === slider || event.target.tagName === "SELECT") return;
  const steps = { ArrowLeft: Number(slider.value) - 1, ArrowRight: Number(slider.value) + 1, Home: 0, End: events.length };
  if (event.key in steps) {
    event.preventDefault();
    go(steps[event.key]);
  }
});

await loadEvents();
const asked = Number(new URLSearchParams(location.search).get("seq"));
await go(Number.isInteger(asked) && asked > 0 ? asked : events.length);
