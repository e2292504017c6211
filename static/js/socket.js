// A WebSocket that reconnects by itself with exponential backoff, and turns each action into a
// promise settled by the server's ack (resolve) or error (reject with {code, message}).

import { wsURL } from "./api.js";
import { gettext } from "./i18n.js";

export class ReconnectingSocket {
  constructor(path, { onMessage, onStatus, versionParam } = {}) {
    this.path = path;
    this.onMessage = onMessage || (() => {});
    this.onStatus = onStatus || (() => {});
    this.versionParam = versionParam || (() => null);
    this.pending = new Map();
    this.nextId = 1;
    this.attempt = 0;
    this.closedByUs = false;
    this.open();
  }

  open() {
    const version = this.versionParam();
    const sep = this.path.includes("?") ? "&" : "?";
    const url = wsURL(version ? `${this.path}${sep}version=${version}` : this.path);
    this.onStatus(this.attempt ? "reconnecting" : "connecting");
    const ws = (this.ws = new WebSocket(url));
    ws.onopen = () => {
      this.attempt = 0;
      this.onStatus("open");
    };
    ws.onmessage = (event) => {
      let message;
      try {
        message = JSON.parse(event.data);
      } catch {
        return;
      }
      if (message.type === "ack" || message.type === "error") this.settle(message);
      this.onMessage(message);
    };
    ws.onclose = (event) => {
      for (const { reject } of this.pending.values()) {
        reject({ code: "disconnected", message: gettext("The connection was lost before the server answered.") });
      }
      this.pending.clear();
      // 4000: our seat was freed; 4403/4404: bad token or no such room. Retrying cannot help.
      if (this.closedByUs || [4000, 4403, 4404].includes(event.code)) {
        this.onStatus("closed", event.code);
        return;
      }
      this.attempt += 1;
      const delay = Math.min(15000, 500 * 2 ** Math.min(this.attempt - 1, 5)) * (0.75 + Math.random() / 2);
      this.onStatus("lost", Math.round(delay / 1000));
      this.timer = setTimeout(() => this.open(), delay);
    };
  }

  /** Settle the request an ack or error answers. The server answers a connection's frames in
   * the order they were sent, so an error without a known request_id (the server could not read
   * one) answers the oldest request still waiting. */
  settle(message) {
    let id = message.request_id;
    if (!this.pending.has(id)) {
      if (message.type !== "error" || this.pending.size === 0) return;
      id = this.pending.keys().next().value;
    }
    const { resolve, reject } = this.pending.get(id);
    this.pending.delete(id);
    message.type === "ack" ? resolve(message) : reject(message);
  }

  /** Send an action; resolves on ack, rejects with {code, message} on error. */
  send(type, fields = {}) {
    if (!this.ws || this.ws.readyState !== WebSocket.OPEN) {
      return Promise.reject({ code: "disconnected", message: gettext("Not connected: reconnecting, try again in a moment.") });
    }
    const request_id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.pending.set(request_id, { resolve, reject });
      this.ws.send(JSON.stringify({ type, request_id, ...fields }));
    });
  }

  close() {
    this.closedByUs = true;
    clearTimeout(this.timer);
    if (this.ws) this.ws.close();
  }
}
