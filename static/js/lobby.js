// The lobby: a remembered name, the live room list, create / join (from the list or by code) /
// watch.

import { postJSON, rememberName, rememberedName, showError } from "./api.js";
import { gettext } from "./i18n.js";
import { botLevelOptions, el } from "./render.js";
import { ReconnectingSocket } from "./socket.js";

const nameInput = document.getElementById("player-name");
const list = document.getElementById("room-list");
const status = document.getElementById("lobby-status");
nameInput.value = rememberedName();
document.getElementById("bot-level").append(...botLevelOptions());

function playerName() {
  const name = nameInput.value.trim();
  if (!name) {
    showError(document.getElementById("name-error"), gettext("Enter a name first (1 to 32 characters)."));
    nameInput.focus();
    return null;
  }
  showError(document.getElementById("name-error"), "");
  rememberName(name);
  return name;
}

document.getElementById("create-form").addEventListener("submit", async (event) => {
  event.preventDefault();
  const name = playerName();
  if (!name) return;
  const bots = document.getElementById("fill-bots").checked ? 3 : 0;
  const botStrategy = document.getElementById("bot-level").value;
  const button = document.getElementById("create-room");
  button.disabled = true;
  const result = await postJSON("/api/rooms/", { player_name: name, bots, bot_strategy: botStrategy });
  button.disabled = false;
  if (!result.ok) return showError(document.getElementById("create-error"), result.error.message);
  location.href = `/rooms/${result.data.room_id}/`;
});

/** Take the first empty seat of ``roomId`` and go to its table; errors go to ``errorEl``. */
async function join(roomId, errorEl) {
  const name = playerName();
  if (!name) return;
  const result = await postJSON(`/api/rooms/${roomId}/join/`, { player_name: name });
  if (!result.ok) return showError(errorEl, gettext("Could not join %(code)s: %(why)s", { code: roomId, why: result.error.message }));
  location.href = `/rooms/${roomId}/`;
}

document.getElementById("code-form").addEventListener("submit", (event) => {
  event.preventDefault();
  const code = document.getElementById("room-code").value.trim().toUpperCase();
  const errorEl = document.getElementById("code-error");
  if (!/^[A-Z2-9]{6}$/.test(code)) return showError(errorEl, gettext("A room code is 6 letters and digits, as in K7QX2M."));
  showError(errorEl, "");
  join(code, errorEl);
});

function roomItem(room) {
  const seats = room.seats.map((s) =>
    el("li", { class: `mini-seat${s.name ? "" : " empty"}`, title: s.name ? (s.is_bot ? gettext("bot") : s.connected ? gettext("online") : gettext("offline")) : gettext("empty") },
      s.name ? `${s.name}${s.is_bot ? " 🤖" : ""}` : gettext("empty")),
  );
  const open = room.status === "waiting" && room.players < 4;
  const statusText = room.status === "waiting" ? gettext("waiting · %(n)s/4", { n: room.players }) : gettext("playing · round %(n)s", { n: room.round });
  return el(
    "li",
    { class: "room", "data-room-id": room.room_id },
    el("div", { class: "room-head" },
      el("strong", { class: "room-code", text: room.room_id }),
      el("span", { class: `badge ${room.status}`, text: statusText }),
      el("span", { class: "muted", text: room.host ? gettext("host %(name)s", { name: room.host }) : "" })),
    el("ul", { class: "mini-seats", "aria-label": gettext("Seats") }, seats),
    el("div", { class: "row" },
      open ? el("button", { type: "button", class: "primary join", onclick: () => join(room.room_id, document.getElementById("join-error")), text: gettext("Join") }) : null,
      el("a", { class: "button watch", href: `/rooms/${room.room_id}/`, text: room.status === "playing" ? gettext("Watch") : gettext("Open") })),
  );
}

// The listed rooms by id, newest first: the whole list on connect, then one room per change.
let rooms = new Map();

function showRooms() {
  const shown = [...rooms.values()].sort((a, b) => b.created_at.localeCompare(a.created_at));
  list.replaceChildren(...shown.map(roomItem));
  document.getElementById("no-rooms").hidden = shown.length > 0;
}

function lobbyMessage(message) {
  if (message.type === "rooms") rooms = new Map(message.rooms.map((room) => [room.room_id, room]));
  else if (message.type === "room") rooms.set(message.room.room_id, message.room);
  else if (message.type === "room_removed") rooms.delete(message.room_id);
  else return;
  showRooms();
}

const STATUS = {
  open: () => gettext("live"),
  connecting: () => gettext("connecting…"),
  reconnecting: () => gettext("reconnecting…"),
  closed: () => gettext("disconnected"),
};

new ReconnectingSocket("/ws/lobby/", {
  onMessage: lobbyMessage,
  onStatus: (state, seconds) => {
    status.textContent = state === "lost" ? gettext("connection lost, retrying in %(n)s s", { n: seconds }) : STATUS[state]();
  },
});
