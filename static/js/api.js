// Small helpers for the REST API: JSON in, {ok, status, data, error} out, never a throw.

import { gettext } from "./i18n.js";

async function request(method, url, body) {
  const init = { method, headers: { Accept: "application/json" }, credentials: "same-origin" };
  if (body !== undefined) {
    init.headers["Content-Type"] = "application/json";
    init.body = JSON.stringify(body);
  }
  try {
    const response = await fetch(url, init);
    const data = await response.json().catch(() => null);
    if (response.ok) return { ok: true, status: response.status, data };
    const error = (data && data.error) || { code: "http_" + response.status, message: response.statusText };
    return { ok: false, status: response.status, error };
  } catch (err) {
    return { ok: false, status: 0, error: { code: "network", message: gettext("The server cannot be reached. Check your connection.") } };
  }
}

export const getJSON = (url) => request("GET", url);
export const postJSON = (url, body) => request("POST", url, body);

const NAME_KEY = "liaptui.name";
export const rememberedName = () => localStorage.getItem(NAME_KEY) || "";
export const rememberName = (name) => localStorage.setItem(NAME_KEY, name);

export function showError(el, message) {
  if (!el) return;
  el.textContent = message || "";
  el.hidden = !message;
}

export function wsURL(path) {
  const scheme = location.protocol === "https:" ? "wss:" : "ws:";
  return `${scheme}//${location.host}${path}`;
}
