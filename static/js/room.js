// The game table: one seat's view of a room, kept live over the room socket.
// Every decision is the server's: the page shows what `view.legal` allows and sends actions; the
// server's errors are shown next to what caused them.

import { postJSON, rememberedName, showError } from "./api.js";
import { playType, sortKinds, typeLabel } from "./pieces.js";
import { botLevelOptions, describeEvent, el, phaseTitle, pieceToken, playsList, plural, seatCards, seatName } from "./render.js";
import { ReconnectingSocket } from "./socket.js";

const $ = (id) => document.getElementById(id);
const tableEl = $("table");
const roomId = tableEl.dataset.roomId;

let view = null;
let version = 0;
let selected = []; // indexes into view.you.hand
let sending = false;
let closedByStaff = false; // the room_closed event this page saw said "staff"
let clockOffset = 0; // server time minus local time, from the Date header of the page

const socket = new ReconnectingSocket(`/ws/rooms/${roomId}/`, {
  onMessage,
  onStatus,
  versionParam: () => version || null,
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
    conn.textContent = "● live";
    conn.className = "conn ok";
    return;
  }
  conn.className = "conn bad";
  if (state === "lost") {
    banner.textContent = `Connection lost. Reconnecting in ${detail}s… (your seat is kept; a bot plays for you meanwhile)`;
    banner.hidden = false;
    conn.textContent = "○ offline";
  } else if (state === "closed") {
    banner.textContent = detail === 4000 ? "You no longer have a seat in this room." :
      detail === 4403 ? "Your seat token is not valid for this room." : "Disconnected.";
    banner.hidden = false;
    conn.textContent = "○ closed";
  } else {
    conn.textContent = "… connecting";
  }
}

function onMessage(message) {
  if (message.type === "update") {
    const phaseBefore = view && view.phase;
    const handBefore = view && view.you ? view.you.hand.join() : "";
    view = message.view;
    version = message.version;
    appendLog(message.events);
    const handNow = view.you ? view.you.hand.join() : "";
    if (handNow !== handBefore || phaseBefore !== view.phase) selected = [];
    render();
  } else if (message.type === "removed") {
    showError($("waiting-error"), message.reason === "left" ? "You left this room." : "The host freed your seat.");
  } else if (message.type === "error" && message.request_id === null) {
    showError($("play-error"), message.message);
  }
}

/** Send an action; show the server's refusal in ``errorEl``. */
async function act(type, fields, errorEl) {
  showError(errorEl, "");
  sending = true;
  render();
  try {
    await socket.send(type, fields);
  } catch (error) {
    showError(errorEl, error.message || "The server refused this.");
  } finally {
    sending = false;
    render();
  }
}

// ------------------------------------------------------------------ rendering

function render() {
  if (!view) return;
  const you = view.you ? view.you.seat : null;
  tableEl.dataset.phase = view.phase;
  renderStatus(you);
  $("seats").replaceChildren(...seatCards(view, { you }));
  renderWaiting(you);
  renderTrick();
  renderRedeal(you);
  renderDeclare(you);
  renderHand(you);
  renderScores();
  renderGameOver();
  $("leave-room").hidden = you === null || view.phase === "game_over";
}

function renderStatus(you) {
  const title = $("phase-title");
  const detail = $("phase-detail");
  title.textContent = view.closed ? (closedByStaff ? "Room closed by staff" : "Room closed") : phaseTitle(view.phase);
  const round = view.round ? `Round ${view.round} of at most ${view.max_rounds}` : "";
  const mult = view.multiplier > 1 ? ` · counts ×${view.multiplier}` : "";
  const acting = view.to_act.length
    ? view.to_act.includes(you) ? "Your turn." : `Waiting for ${view.to_act.map((s) => seatName(view, s)).join(", ")}.`
    : "";
  detail.textContent = [round + mult, acting, you === null ? "You are watching." : ""].filter(Boolean).join(" · ");
  tableEl.classList.toggle("your-turn", view.to_act.includes(you));
}

function renderWaiting(you) {
  const waiting = view.phase === "waiting" && !view.closed;
  $("waiting-controls").hidden = !waiting;
  if (!waiting) return;
  const taken = view.seats.filter((s) => s.name).length;
  const isHost = you !== null && view.host_seat === you;
  $("waiting-help").textContent = isHost
    ? taken < 4 ? `${taken}/4 seats taken. Add bots to empty seats or wait for friends (share the room code ${roomId}).` : "Everyone is here."
    : view.host_seat === null ? "This room has no host now, so nobody can start the game."
    : you === null ? "Waiting for the host to start." : `Waiting for ${seatName(view, view.host_seat)} (the host) to start.`;
  const start = $("start-game");
  start.hidden = !isHost;
  start.disabled = !view.legal.start || sending;
  start.title = view.legal.start ? "" : "The game starts when all four seats are taken.";
  // Host controls on the seat cards: add a bot to an empty seat, free a taken one.
  if (!isHost) return;
  for (const card of $("seats").querySelectorAll(".seat")) {
    const seat = Number(card.dataset.seat);
    const s = view.seats[seat];
    if (!s.name) {
      const level = el("select", { class: "small bot-level", "aria-label": `Bot level for seat ${seat + 1}` }, botLevelOptions());
      const add = () => act("add_bot", { seat, strategy: level.value }, $("waiting-error"));
      card.append(el("div", { class: "row add-bot-row" }, level, el("button", { type: "button", class: "small add-bot", onclick: add, text: "Add a bot" })));
    } else if (seat !== you) {
      card.append(el("button", { type: "button", class: "small link free-seat", onclick: () => act("remove_seat", { seat }, $("waiting-error")), text: "Free seat" }));
    }
  }
}

function renderTrick() {
  const section = $("trick");
  const turn = view.turn;
  const last = view.last_turn;
  if (turn && turn.plays.length) {
    section.hidden = false;
    $("trick-title").textContent = `Turn ${turn.number}` + (turn.required ? ` · ${plural(turn.required, "piece")} each` : "");
    $("trick-plays").replaceChildren(...playsList(view, turn.plays, turn.winning_seat));
  } else if (last && ["turn_results", "turn", "scoring"].includes(view.phase)) {
    section.hidden = false;
    $("trick-title").textContent = `Turn ${last.number}: ${seatName(view, last.winner)} wins ${plural(last.piles, "pile")} with a ${typeLabel(last.play_type)}`;
    $("trick-plays").replaceChildren(...playsList(view, last.plays, last.winner));
  } else {
    section.hidden = true;
  }
}

function renderRedeal(you) {
  const show = view.legal.redeal;
  $("redeal").hidden = !show;
  if (!show) return;
  $("redeal-text").textContent = `No piece in your hand is worth more than 9. You may ask for a new deal: if you do, the round will count ×${view.multiplier + 1} (now ×${view.multiplier}).`;
  $("redeal-accept").disabled = sending;
  $("redeal-decline").disabled = sending;
}

/** Why a declaration value is forbidden, in words, or "" when it is allowed. */
function declareReason(value) {
  const me = view.seats[view.you.seat];
  const others = view.seats.filter((s) => s.seat !== me.seat);
  const total = others.reduce((sum, s) => sum + (s.declared || 0), 0);
  const last = others.every((s) => s.declared !== null);
  if (value === 0 && me.zero_streak >= 2) return "You declared 0 in each of your last two rounds.";
  if (last && total + value === 8) return `The last seat may not make the total exactly 8 (the others declared ${total}).`;
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
    const reason = allowed.has(value) ? "" : declareReason(value) || "Not allowed now.";
    buttons.push(el("button", {
      type: "button",
      class: "declare-value",
      "data-value": value,
      // Forbidden values stay focusable and clickable: the server's answer says why.
      "aria-disabled": reason ? "true" : null,
      title: reason || `Declare ${value}`,
      onclick: () => act("declare", { value }, $("declare-error")),
      disabled: sending,
      text: value,
    }));
  }
  replaceKeepingFocus($("declare-buttons"), buttons);
}

function selectionKinds() {
  return selected.map((i) => view.you.hand[i]);
}

/** Whether the current selection may be played, and why not. */
function selectionCheck() {
  const rule = view.legal.play;
  if (!rule) return { ok: false, why: "" };
  const kinds = selectionKinds();
  const n = kinds.length;
  const type = playType(kinds);
  if (n === 0) return { ok: false, why: rule.min === rule.max ? `Select ${plural(rule.min, "piece")}.` : `Select 1 to ${rule.max} pieces.` };
  if (n < rule.min || n > rule.max) return { ok: false, why: `You must play ${rule.min === rule.max ? plural(rule.min, "piece") : `${rule.min}–${rule.max} pieces`}.`, type };
  if (view.turn.required === null && !type) return { ok: false, why: "The leader must play a valid combination.", type };
  return { ok: true, why: "", type };
}

function renderHand(you) {
  const panel = $("hand-panel");
  const hand = view.you ? view.you.hand : [];
  panel.hidden = you === null || hand.length === 0;
  if (panel.hidden) return;
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
  $("selection-info").textContent = playing
    ? selected.length ? `${selected.length} selected: ${typeLabel(check.type)}${check.why ? ` — ${check.why}` : ""}` : check.why
    : view.phase === "turn" ? "Wait for your turn." : "";
  $("play-button").disabled = !playing || !check.ok || sending;
  $("play-button").textContent = check.ok ? `Play ${typeLabel(check.type)}` : "Play";
  $("clear-button").disabled = selected.length === 0;
}

function toggle(index) {
  selected = selected.includes(index) ? selected.filter((i) => i !== index) : [...selected, index];
  render();
}

function renderScores() {
  const rounds = view.rounds || [];
  $("scores").hidden = rounds.length === 0;
  if (!rounds.length) return;
  const names = view.seats.map((s, i) => seatName(view, i));
  const head = el("tr", {}, el("th", { scope: "col", text: "Round" }), names.map((n) => el("th", { scope: "col", text: n })));
  const rows = rounds.map((r) =>
    el("tr", {}, el("th", { scope: "row", text: r.multiplier > 1 ? `${r.round} (×${r.multiplier})` : r.round }),
      r.deltas.map((d, i) => el("td", { title: `declared ${r.declared[i]}, won ${r.piles[i]}` },
        el("span", { class: d >= 0 ? "plus" : "minus", text: `${d >= 0 ? "+" : ""}${d}` }),
        el("span", { class: "muted small", text: ` (${r.declared[i]}/${r.piles[i]})` })))),
  );
  const total = el("tr", { class: "total" }, el("th", { scope: "row", text: "Total" }), view.seats.map((s) => el("td", { text: s.score })));
  $("score-table").replaceChildren(el("thead", {}, head), el("tbody", {}, rows, total));
  $("score-chart").replaceChildren(scoreChart(rounds, names));
}

const SERIES = ["#c0392b", "#2c3e50", "#27ae60", "#8e44ad"];

/** Totals across rounds as an inline SVG line chart. */
function scoreChart(rounds, names) {
  const ns = "http://www.w3.org/2000/svg";
  // The lines end at `right`; the names are written beyond it, inside the view box.
  const W = 320, H = 160, pad = 24, right = W - 56;
  const points = [[0, 0, 0, 0], ...rounds.map((r) => r.scores)];
  const all = points.flat();
  const min = Math.min(0, ...all), max = Math.max(10, ...all);
  const x = (i) => pad + (i * (right - pad)) / Math.max(1, points.length - 1);
  const y = (v) => H - pad - ((v - min) * (H - 2 * pad)) / (max - min || 1);
  const svg = document.createElementNS(ns, "svg");
  svg.setAttribute("viewBox", `0 0 ${W} ${H}`);
  svg.setAttribute("class", "score-svg");
  const line = (x1, y1, x2, y2, cls) => {
    const l = document.createElementNS(ns, "line");
    Object.entries({ x1, y1, x2, y2, class: cls }).forEach(([k, v]) => l.setAttribute(k, v));
    svg.append(l);
  };
  line(pad, y(0), right, y(0), "axis");
  names.forEach((name, seat) => {
    const path = document.createElementNS(ns, "polyline");
    path.setAttribute("points", points.map((p, i) => `${x(i).toFixed(1)},${y(p[seat]).toFixed(1)}`).join(" "));
    path.setAttribute("stroke", SERIES[seat]);
    path.setAttribute("fill", "none");
    path.setAttribute("stroke-width", "2");
    svg.append(path);
    const label = document.createElementNS(ns, "text");
    label.setAttribute("x", right + 3);
    label.setAttribute("y", y(points[points.length - 1][seat]) + 4);
    label.setAttribute("fill", SERIES[seat]);
    label.setAttribute("font-size", "9");
    label.textContent = name.slice(0, 8);
    svg.append(label);
  });
  return svg;
}

function renderGameOver() {
  const over = view.phase === "game_over" && view.result;
  $("game-over").hidden = !over;
  if (!over) return;
  const you = view.you ? view.you.seat : null;
  $("over-title").textContent = view.winners.includes(you) ? "You win!" : "Game over";
  $("rankings").replaceChildren(...view.result.rankings.map((r) =>
    el("li", { class: r.rank === 1 ? "winner" : "" },
      el("strong", { text: `#${r.rank} ${r.name}` }),
      ` — ${r.score} points, ${r.turns_won} turns won, ${r.perfect_rounds} perfect round${r.perfect_rounds === 1 ? "" : "s"}`)));
  const minutes = view.result.duration_s ? ` in ${Math.max(1, Math.round(view.result.duration_s / 60))} min` : "";
  $("over-detail").textContent = `${view.result.rounds} rounds${minutes}.`;
}

// ------------------------------------------------------------------ the log and the countdown

function appendLog(events) {
  const log = $("log");
  for (const event of events) {
    if (event.type === "room_closed") closedByStaff = event.payload.reason === "staff";
    const text = view && describeEvent(view, event);
    if (!text) continue;
    log.prepend(el("li", { "data-seq": event.seq, text }));
  }
  while (log.children.length > 60) log.lastChild.remove();
}

setInterval(() => {
  const countdown = $("countdown");
  if (!view || !view.deadline) {
    countdown.hidden = true;
    return;
  }
  const left = Math.max(0, Math.ceil((new Date(view.deadline).getTime() - (Date.now() + clockOffset)) / 1000));
  countdown.hidden = false;
  countdown.textContent = `${left}s left`;
}, 250);

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
$("leave-room").addEventListener("click", async () => {
  if (!confirm(view && view.phase !== "waiting" ? "Leave the game? A bot will play your seat." : "Leave this room?")) return;
  await act("leave", {}, $("waiting-error"));
  location.href = "/";
});
$("play-again").addEventListener("click", async () => {
  const bots = view.seats.filter((s) => s.is_bot).length;
  const you = view.you ? view.seats[view.you.seat].name : rememberedName();
  const result = await postJSON("/api/rooms/", { player_name: you || rememberedName() || "Player", bots });
  if (!result.ok) return showError($("again-error"), result.error.message);
  location.href = `/rooms/${result.data.room_id}/`;
});
document.addEventListener("keydown", (event) => {
  if (event.key === "Escape" && selected.length) {
    selected = [];
    render();
  }
});
