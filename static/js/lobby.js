// The lobby: a remembered name, the live room list, create / join / watch.

import { postJSON, rememberName, rememberedName, showError } from "./api.js";
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
    showError(document.getElementById("name-error"), "Enter a name first (1 to 32 characters).");
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

async function join(roomId) {
  const name = playerName();
  if (!name) return;
  const result = await postJSON(`/api/rooms/${roomId}/join/`, { player_name: name });
  if (!result.ok) return showError(document.getElementById("join-error"), `Could not join ${roomId}: ${result.error.message}`);
  location.href = `/rooms/${roomId}/`;
}

function roomItem(room) {
  const seats = room.seats.map((s) =>
    el("li", { class: `mini-seat${s.name ? "" : " empty"}`, title: s.name ? (s.is_bot ? "bot" : s.connected ? "online" : "offline") : "empty" },
      s.name ? `${s.name}${s.is_bot ? " 🤖" : ""}` : "empty"),
  );
  const open = room.status === "waiting" && room.players < 4;
  const statusText = room.status === "waiting" ? `waiting · ${room.players}/4` : `playing · round ${room.round}`;
  return el(
    "li",
    { class: "room", "data-room-id": room.room_id },
    el("div", { class: "room-head" },
      el("strong", { class: "room-code", text: room.room_id }),
      el("span", { class: `badge ${room.status}`, text: statusText }),
      el("span", { class: "muted", text: room.host ? `host ${room.host}` : "" })),
    el("ul", { class: "mini-seats", "aria-label": "Seats" }, seats),
    el("div", { class: "row" },
      open ? el("button", { type: "button", class: "primary join", onclick: () => join(room.room_id), text: "Join" }) : null,
      el("a", { class: "button watch", href: `/rooms/${room.room_id}/`, text: room.status === "playing" ? "Watch" : "Open" })),
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

new ReconnectingSocket("/ws/lobby/", {
  onMessage: lobbyMessage,
  onStatus: (state, seconds) => {
    status.textContent = { open: "live", connecting: "connecting…", reconnecting: "reconnecting…", lost: `connection lost, retrying in ${seconds}s`, closed: "disconnected" }[state];
  },
});
