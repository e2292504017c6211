// The game table: one seat's view of a room, kept live over the room socket.
// Every decision is the server's: the page shows what `view.legal` allows and sends actions; the
// server's errors are shown next to what caused them, in the UI's own words where it has them.

import { TurnAlert } from "./alerts.js";
import { postJSON, rememberName, rememberedName, showError } from "./api.js";
import { Board } from "./board.js";
import { scoreChart } from "./chart.js";
import { gettext, ngettext } from "./i18n.js";
import { playType, sortKinds, typeLabel } from "./pieces.js";
import { botLevelOptions, el, nameList, phaseTitle, pieceToken, seatName, signed } from "./render.js";
import "./rules.js";
import { SidePanel } from "./side.js";
import { ReconnectingSocket } from "./socket.js";
import { Story } from "./story.js";

const $ = (id) => document.getElementById(id);
const tableEl = $("table");
const roomId = tableEl.dataset.roomId;

let view = null;
let version = 0; // 0 at first: the first update brings every public event (the story)
let selected = []; // indexes into view.you.hand
let sending = false;
let closedByStaff = false; // the room_closed event this page saw said "staff"
let clockOffset = 0; // server time minus local time, from the Date header of the page

const story = new Story($("log"));
const board = new Board($("seats"), $("trick"), $("trick-title"));
const alert = new TurnAlert({ announcer: $("announce"), soundButton: $("sound-toggle") });
new SidePanel($("side"), $("panel-toggle"), $("panel-close"));

const socket = new ReconnectingSocket(`/ws/rooms/${roomId}/`, {
  onMessage,
  onStatus,
  versionParam: () => String(version),
});

fetch("/api/health/").then((r) => {
  const date = r.headers.get("Date");
  if (date) clockOffset = new Date(date).getTime() - Date.now();
}).catch(() => {});

// ------------------------------------------------------------------ connection

function onStatus(state, detail) {
  const banner = $("banner");
  const conn = $("conn");
  if (state === "open") {
    banner.hidden = true;
    conn.textContent = `● ${gettext("live")}`;
    conn.className = "conn ok";
    return;
  }
  conn.className = "conn bad";
  if (state === "lost") {
    banner.textContent = gettext("Connection lost. Reconnecting in %(n)s s… (your seat is kept; a bot plays for you meanwhile)", { n: detail });
    banner.hidden = false;
    conn.textContent = `○ ${gettext("offline")}`;
  } else if (state === "closed") {
    banner.textContent = detail === 4000 ? gettext("You no longer have a seat in this room.") :
      detail === 4403 ? gettext("Your seat token is not valid for this room.") : gettext("Disconnected.");
    banner.hidden = false;
    conn.textContent = `○ ${gettext("closed")}`;
  } else {
    conn.textContent = `… ${gettext("connecting")}`;
  }
}

function onMessage(message) {
  if (message.type === "update") {
    const phaseBefore = view && view.phase;
    const handBefore = view && view.you ? view.you.hand.join() : "";
    view = message.view;
    version = message.version;
    for (const event of message.events) {
      if (event.type === "room_closed") closedByStaff = event.payload.reason === "staff";
    }
    story.add(view, message.events);
    const handNow = view.you ? view.you.hand.join() : "";
    if (handNow !== handBefore || phaseBefore !== view.phase) selected = [];
    render();
  } else if (message.type === "removed") {
    showError($("waiting-error"), message.reason === "left" ? gettext("You left this room.") : gettext("The host freed your seat."));
  } else if (message.type === "error" && message.request_id === null) {
    showError($("play-error"), errorText(message));
  }
}

/** A refusal in the UI's words (seats named, counted from 1), else the server's message. */
function errorText(error) {
  const required = view && view.turn ? view.turn.required : null;
  const waitingFor = view ? nameList(view.to_act.map((s) => seatName(view, s))) : "";
  const texts = {
    not_your_turn: () => (waitingFor ? gettext("It is not your turn: the game waits for %(names)s.", { names: waitingFor }) : gettext("It is not your turn.")),
    wrong_phase: () => gettext("That is not possible at this point of the game."),
    not_host: () => gettext("Only the host can do that."),
    not_seated: () => gettext("You are watching: take a seat to play."),
    room_closed: () => gettext("This room is closed."),
    room_full: () => gettext("All four seats are taken."),
    seat_taken: () => gettext("That seat is taken."),
    seat_empty: () => gettext("That seat is empty."),
    seats_not_filled: () => gettext("The game starts when all four seats are taken."),
    no_redeal_pending: () => gettext("No redeal decision is waiting for you (the time may have run out)."),
    name_taken: () => gettext("That name is taken in this room: choose another one."),
    invalid_name: () => gettext("A name is 1 to 32 printable characters."),
    wrong_piece_count: () => (required ? ngettext("You must play exactly %(n)s piece.", "You must play exactly %(n)s pieces.", required) : null),
    rate_limited: () => gettext("Too fast: wait a moment and try again."),
    disconnected: () => gettext("Not connected: reconnecting, try again in a moment."),
  };
  return (texts[error.code] && texts[error.code]()) || error.message || gettext("The server refused this.");
}

/** Send an action; show the server's refusal in ``errorEl``. */
async function act(type, fields, errorEl) {
  showError(errorEl, "");
  sending = true;
  render();
  try {
    await socket.send(type, fields);
  } catch (error) {
    showError(errorEl, errorText(error));
  } finally {
    sending = false;
    render();
  }
}

// ------------------------------------------------------------------ rendering

const youOf = () => (view && view.you ? view.you.seat : null);

function render() {
  if (!view) return;
  const you = youOf();
  tableEl.dataset.phase = view.phase;
  renderStatus(you);
  board.render(view, you, seatClock);
  renderTakeSeat(you);
  renderWaiting(you);
  renderRedeal();
  renderDeclare(you);
  renderHand(you);
  renderScores();
  renderGameOver(you);
  renderClock();
  $("leave-room").hidden = you === null || view.phase === "game_over";
  const yours = view.to_act.includes(you);
  alert.update(yours, view.phase === "declaration" ? gettext("Your turn: declare.") : view.phase === "preparation" ? gettext("Your turn: keep or redeal your hand.") : gettext("Your turn: play."));
}

function renderStatus(you) {
  $("phase-title").textContent = view.closed ? (closedByStaff ? gettext("Room closed by staff") : gettext("Room closed")) : phaseTitle(view.phase);
  const round = view.round ? gettext("Round %(n)s of at most %(max)s", { n: view.round, max: view.max_rounds }) : "";
  const mult = view.multiplier > 1 ? gettext("counts ×%(m)s", { m: view.multiplier }) : "";
  const acting = view.to_act.length
    ? view.to_act.includes(you) ? gettext("Your turn.") : gettext("Waiting for %(names)s.", { names: nameList(view.to_act.map((s) => seatName(view, s))) })
    : "";
  const watching = you === null ? gettext("You are watching.") : "";
  $("phase-detail").textContent = [round, mult, acting, watching].filter(Boolean).join(" · ");
  tableEl.classList.toggle("your-turn", view.to_act.includes(you));
}

function renderTakeSeat(you) {
  const free = view.seats.some((s) => !s.name);
  const show = you === null && view.phase === "waiting" && !view.closed && free;
  $("take-seat").hidden = !show;
  const input = $("seat-name");
  if (show && !input.value && document.activeElement !== input) input.value = rememberedName();
}

function renderWaiting(you) {
  const waiting = view.phase === "waiting" && !view.closed;
  $("waiting-controls").hidden = !waiting;
  if (!waiting) return;
  const taken = view.seats.filter((s) => s.name).length;
  const isHost = you !== null && view.host_seat === you;
  let help;
  if (isHost) help = taken < 4 ? gettext("%(n)s/4 seats taken. Add bots to the empty seats, or wait for friends: share this page's link or the room code %(code)s.", { n: taken, code: roomId }) : gettext("Everyone is here.");
  else if (view.host_seat === null) help = gettext("This room has no host now, so nobody can start the game.");
  else if (you === null) help = gettext("Waiting for the host to start.");
  else help = gettext("Waiting for %(name)s (the host) to start.", { name: seatName(view, view.host_seat) });
  $("waiting-help").textContent = help;
  const start = $("start-game");
  start.hidden = !isHost;
  start.disabled = !view.legal.start || sending;
  start.title = view.legal.start ? "" : gettext("The game starts when all four seats are taken.");
  // Host controls on the seat cards: add a bot to an empty seat, free a taken one.
  if (!isHost) return;
  for (const card of $("seats").querySelectorAll(".seat")) {
    const seat = Number(card.dataset.seat);
    const s = view.seats[seat];
    if (!s.name) {
      const level = el("select", { class: "small bot-level", "aria-label": gettext("Bot level for seat %(n)s", { n: seat + 1 }) }, botLevelOptions());
      const add = () => act("add_bot", { seat, strategy: level.value }, $("waiting-error"));
      card.append(el("div", { class: "row add-bot-row" }, level, el("button", { type: "button", class: "small add-bot", onclick: add, text: gettext("Add a bot") })));
    } else if (seat !== you) {
      card.append(el("button", { type: "button", class: "small link free-seat", onclick: () => act("remove_seat", { seat }, $("waiting-error")), text: gettext("Free seat") }));
    }
  }
}

function renderRedeal() {
  const show = view.legal.redeal;
  $("redeal").hidden = !show;
  if (!show) return;
  $("redeal-text").textContent = gettext("No piece in your hand is worth more than 9. Ask for a new deal and the round counts ×%(next)s (now ×%(now)s).", { next: view.multiplier + 1, now: view.multiplier });
  $("redeal-accept").disabled = sending;
  $("redeal-decline").disabled = sending;
}

/** Why a declaration value is forbidden, in words, or "" when it is allowed. */
function declareReason(value) {
  const me = view.seats[view.you.seat];
  const others = view.seats.filter((s) => s.seat !== me.seat);
  const total = others.reduce((sum, s) => sum + (s.declared || 0), 0);
  const last = others.every((s) => s.declared !== null);
  if (value === 0 && me.zero_streak >= 2) return gettext("You declared 0 in each of your last two rounds.");
  if (last && total + value === 8) return gettext("The last seat may not make the total exactly 8 (the others declared %(n)s).", { n: total });
  return "";
}

/** Replace a group's buttons; a focused one hands the focus to its successor at the same
 * place, so that a keyboard user is not sent back to the top of the page by every update. */
function replaceKeepingFocus(container, nodes) {
  const index = [...container.children].indexOf(document.activeElement);
  container.replaceChildren(...nodes);
  if (index >= 0 && nodes.length) nodes[Math.min(index, nodes.length - 1)].focus();
}

function renderDeclare(you) {
  const show = view.phase === "declaration" && view.to_act.includes(you);
  $("declare").hidden = !show;
  if (!show) return;
  const allowed = new Set(view.legal.declare);
  const buttons = [];
  for (let value = 0; value <= 8; value++) {
    const reason = allowed.has(value) ? "" : declareReason(value) || gettext("Not allowed now.");
    buttons.push(el("button", {
      type: "button",
      class: "declare-value",
      "data-value": value,
      // Forbidden values stay focusable and clickable: the server's answer says why.
      "aria-disabled": reason ? "true" : null,
      title: reason || gettext("Declare %(n)s", { n: value }),
      onclick: () => act("declare", { value }, $("declare-error")),
      disabled: sending,
      text: value,
    }));
  }
  replaceKeepingFocus($("declare-buttons"), buttons);
}

const selectionKinds = () => selected.map((i) => view.you.hand[i]);
const pieceCount = (n) => ngettext("%(n)s piece", "%(n)s pieces", n);

/** Whether the current selection may be played, and why not. */
function selectionCheck() {
  const rule = view.legal.play;
  if (!rule) return { ok: false, why: "" };
  const kinds = selectionKinds();
  const n = kinds.length;
  const type = playType(kinds);
  const wanted = rule.min === rule.max ? pieceCount(rule.min) : gettext("%(min)s–%(max)s pieces", { min: rule.min, max: rule.max });
  if (n === 0) return { ok: false, why: rule.min === rule.max ? gettext("Select %(pieces)s.", { pieces: pieceCount(rule.min) }) : gettext("Select 1 to %(n)s pieces.", { n: rule.max }) };
  if (n < rule.min || n > rule.max) return { ok: false, why: gettext("You must play %(pieces)s.", { pieces: wanted }), type };
  if (view.turn.required === null && !type) return { ok: false, why: gettext("The leader must play a valid combination."), type };
  return { ok: true, why: "", type };
}

function renderHand(you) {
  const hand = view.you ? view.you.hand : [];
  $("hand-panel").hidden = you === null || hand.length === 0;
  if (you === null || hand.length === 0) return;
  const tokens = hand.map((kind, i) =>
    pieceToken(kind, {
      tag: "button",
      type: "button",
      "aria-pressed": selected.includes(i) ? "true" : "false",
      class: selected.includes(i) ? "selected" : null,
      onclick: () => toggle(i),
    }),
  );
  replaceKeepingFocus($("hand"), tokens);
  const playing = Boolean(view.legal.play);
  const check = selectionCheck();
  let info = "";
  if (playing && selected.length) {
    const values = { n: selected.length, type: typeLabel(check.type), why: check.why };
    info = check.why ? gettext("%(n)s selected: %(type)s — %(why)s", values) : gettext("%(n)s selected: %(type)s", values);
  }
  else if (playing) info = check.why;
  else if (view.phase === "turn") info = gettext("Wait for your turn.");
  if ($("selection-info").textContent !== info) $("selection-info").textContent = info; // a live region
  $("play-actions").hidden = view.phase !== "turn";
  $("play-button").disabled = !playing || !check.ok || sending;
  $("play-button").textContent = check.ok ? gettext("Play %(type)s", { type: typeLabel(check.type) }) : gettext("Play");
  $("clear-button").disabled = selected.length === 0;
}

function toggle(index) {
  selected = selected.includes(index) ? selected.filter((i) => i !== index) : [...selected, index];
  render();
}

function renderScores() {
  const rounds = view.rounds || [];
  $("no-scores").hidden = rounds.length > 0;
  $("score-table").hidden = rounds.length === 0;
  $("score-chart").hidden = rounds.length === 0;
  if (!rounds.length) return;
  const names = view.seats.map((s, i) => seatName(view, i));
  const head = el("tr", {}, el("th", { scope: "col", text: gettext("Round") }), names.map((n) => el("th", { scope: "col", text: n })));
  const rows = rounds.map((r) =>
    el("tr", {}, el("th", { scope: "row", text: r.multiplier > 1 ? `${r.round} (×${r.multiplier})` : r.round }),
      r.deltas.map((d, i) => el("td", { title: gettext("declared %(d)s, won %(w)s", { d: r.declared[i], w: r.piles[i] }) },
        el("span", { class: d >= 0 ? "plus" : "minus", text: signed(d) }),
        el("span", { class: "muted small", text: ` (${r.declared[i]}/${r.piles[i]})` })))),
  );
  const total = el("tr", { class: "total" }, el("th", { scope: "row", text: gettext("Total") }), view.seats.map((s) => el("td", { text: s.score })));
  $("score-table").replaceChildren(
    el("caption", { class: "sr-only", text: gettext("Each round's score per player (declared/won), and the totals") }),
    el("thead", {}, head), el("tbody", {}, rows, total));
  $("score-chart").replaceChildren(scoreChart(rounds, names), el("figcaption", { text: gettext("Total scores after each round") }));
}

function renderGameOver(you) {
  const over = view.phase === "game_over" && view.result;
  $("game-over").hidden = !over;
  if (!over) return;
  $("over-title").textContent = view.winners.includes(you) ? gettext("You win!") : gettext("Final ranking");
  $("rankings").replaceChildren(...view.result.rankings.map((r) =>
    el("li", { class: r.rank === 1 ? "winner" : "", "data-rank": r.rank },
      el("span", { class: "rank", text: `${r.rank}.` }),
      " ",
      el("strong", { text: r.name }),
      ` — ${gettext("%(points)s, %(turns)s, %(perfect)s", {
        points: ngettext("%(n)s point", "%(n)s points", r.score),
        turns: ngettext("%(n)s turn won", "%(n)s turns won", r.turns_won),
        perfect: ngettext("%(n)s perfect round", "%(n)s perfect rounds", r.perfect_rounds),
      })}`)));
  const played = view.result.rounds;
  const minutes = view.result.duration_s ? ngettext("%(n)s minute", "%(n)s minutes", Math.max(1, Math.round(view.result.duration_s / 60))) : "";
  $("over-detail").textContent = minutes
    ? gettext("%(rounds)s in %(time)s.", { rounds: ngettext("%(n)s round", "%(n)s rounds", played), time: minutes })
    : ngettext("%(n)s round.", "%(n)s rounds.", played);
  $("play-again").hidden = you === null; // spectators go back to the lobby
}

// ------------------------------------------------------------------ clocks

/** Whole seconds until the room acts by itself, or null without a deadline. */
function secondsLeft() {
  if (!view || !view.deadline || view.closed) return null;
  return Math.max(0, Math.ceil((new Date(view.deadline).getTime() - (Date.now() + clockOffset)) / 1000));
}

const lastRound = () => view.seats.some((s) => s.score >= view.win_score) || view.round >= view.max_rounds;

/** What happens when the clock runs out, in words. */
function clockText(left) {
  const you = youOf();
  const mine = view.to_act.includes(you);
  const names = nameList(view.to_act.map((s) => seatName(view, s)));
  switch (view.phase) {
    case "preparation":
      return mine ? gettext("You keep this hand in %(n)s s unless you ask for a redeal", { n: left }) : gettext("Redeal decisions close in %(n)s s", { n: left });
    case "round_start": return gettext("Declarations start in %(n)s s", { n: left });
    case "declaration":
    case "turn":
      if (mine) return gettext("A bot plays for you in %(n)s s", { n: left });
      return names ? gettext("%(names)s: %(n)s s", { names, n: left }) : "";
    case "turn_results":
      return view.seats.every((s) => s.hand_count === 0) ? gettext("Round scores in %(n)s s", { n: left }) : gettext("Next turn in %(n)s s", { n: left });
    case "scoring": return lastRound() ? gettext("Final result in %(n)s s", { n: left }) : gettext("Next round in %(n)s s", { n: left });
    default: return "";
  }
}

/** The short clock on the card of a seat that must act. */
function seatClock(seat) {
  const left = secondsLeft();
  if (left === null || !view.to_act.includes(seat)) return null;
  return `⏱ ${gettext("%(n)s s", { n: left })}`;
}

/** The clock lines (outside any live region: they change every second). */
function renderClock() {
  const clock = $("countdown");
  const left = secondsLeft();
  const text = left === null ? "" : clockText(left);
  clock.hidden = !text;
  if (clock.textContent !== text) clock.textContent = text;
  clock.classList.toggle("mine", view.to_act.includes(youOf()));
  for (const note of $("seats").querySelectorAll(".seat.acting .acting-note")) {
    const wanted = seatClock(Number(note.closest(".seat").dataset.seat)) || gettext("to act");
    if (note.textContent !== wanted) note.textContent = wanted;
  }
}

setInterval(() => view && renderClock(), 250);

// ------------------------------------------------------------------ controls

$("start-game").addEventListener("click", () => act("start_game", {}, $("waiting-error")));
$("redeal-accept").addEventListener("click", () => act("redeal", { accept: true }, $("redeal-error")));
$("redeal-decline").addEventListener("click", () => act("redeal", { accept: false }, $("redeal-error")));
$("clear-button").addEventListener("click", () => { selected = []; render(); });
$("play-button").addEventListener("click", () => {
  const pieces = sortKinds(selectionKinds());
  selected = [];
  act("play", { pieces }, $("play-error"));
});
$("take-seat-form").addEventListener("submit", async (event) => {
  event.preventDefault();
  const name = $("seat-name").value.trim();
  if (!name) return showError($("take-seat-error"), gettext("Enter a name first (1 to 32 characters)."));
  $("take-seat-button").disabled = true;
  const result = await postJSON(`/api/rooms/${roomId}/join/`, { player_name: name });
  $("take-seat-button").disabled = false;
  if (!result.ok) return showError($("take-seat-error"), errorText(result.error));
  rememberName(name);
  location.reload(); // the session now holds the seat: the socket connects as that seat
});
$("leave-room").addEventListener("click", async () => {
  if (!confirm(view && view.phase !== "waiting" ? gettext("Leave the game? A bot will play your seat.") : gettext("Leave this room?"))) return;
  await act("leave", {}, $("waiting-error"));
  location.href = "/";
});
$("play-again").addEventListener("click", async () => {
  const bots = view.seats.filter((s) => s.is_bot).length;
  const you = view.you ? view.seats[view.you.seat].name : rememberedName();
  const result = await postJSON("/api/rooms/", { player_name: you || rememberedName() || gettext("Player"), bots });
  if (!result.ok) return showError($("again-error"), errorText(result.error));
  location.href = `/rooms/${result.data.room_id}/`;
});
document.addEventListener("keydown", (event) => {
  if (event.key === "Escape" && selected.length) {
    selected = [];
    render();
  }
});
