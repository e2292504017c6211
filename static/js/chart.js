// The totals across rounds as an inline SVG line chart: value and round axes, and the names at
// the lines' ends pushed apart so that equal or close scores never print on top of each other.

import { gettext } from "./i18n.js";

const NS = "http://www.w3.org/2000/svg";
// RIGHT leaves room for a name of 9 letters and a score of 3 digits in bold 9 px type.
const W = 320, H = 170, LEFT = 28, TOP = 8, BOTTOM = 20, RIGHT = W - 76;
const LABEL_GAP = 12; // px of the view box between two names' baselines (a 9 px text box is ~11)

function svgEl(tag, attrs, text) {
  const node = document.createElementNS(NS, tag);
  for (const [key, value] of Object.entries(attrs)) node.setAttribute(key, value);
  if (text !== undefined) node.textContent = text;
  return node;
}

/** About five round steps (1, 2, 5, 10, 20 …) covering ``min``..``max``. */
export function ticks(min, max) {
  const span = Math.max(1, max - min);
  const raw = span / 5;
  const base = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 5, 10].map((m) => m * base).find((s) => s >= raw);
  const out = [];
  for (let v = Math.ceil(min / step) * step; v <= max; v += step) out.push(v);
  return out;
}

/** ``wanted`` y positions spread to at least ``gap`` apart, kept within ``lo``..``hi``, in the
 * order of the input. */
export function spread(wanted, gap, lo, hi) {
  const order = wanted.map((y, i) => [y, i]).sort((a, b) => a[0] - b[0] || a[1] - b[1]);
  const ys = order.map(([y]) => Math.min(hi, Math.max(lo, y)));
  for (let i = 1; i < ys.length; i++) ys[i] = Math.max(ys[i], ys[i - 1] + gap);
  const over = ys.at(-1) - hi;
  if (over > 0) for (let i = 0; i < ys.length; i++) ys[i] -= over;
  for (let i = ys.length - 2; i >= 0; i--) ys[i] = Math.min(ys[i], ys[i + 1] - gap);
  const out = [];
  order.forEach(([, index], k) => (out[index] = ys[k]));
  return out;
}

/** The chart of ``rounds`` (the view's ``rounds``) for the seats named ``names``. */
export function scoreChart(rounds, names) {
  const points = [[0, 0, 0, 0], ...rounds.map((r) => r.scores)];
  const all = points.flat();
  const min = Math.min(0, ...all), max = Math.max(10, ...all);
  const x = (i) => LEFT + (i * (RIGHT - LEFT)) / Math.max(1, points.length - 1);
  const y = (v) => H - BOTTOM - ((v - min) * (H - TOP - BOTTOM)) / (max - min || 1);
  const svg = svgEl("svg", { viewBox: `0 0 ${W} ${H}`, class: "score-svg", role: "img", "aria-label": gettext("Total scores after each round") });
  for (const v of ticks(min, max)) {
    svg.append(svgEl("line", { x1: LEFT, x2: RIGHT, y1: y(v), y2: y(v), class: v === 0 ? "grid zero" : "grid" }));
    svg.append(svgEl("text", { x: LEFT - 4, y: y(v) + 3, "text-anchor": "end" }, v));
  }
  const every = Math.ceil(points.length / 10);
  points.forEach((_, i) => {
    if (i % every === 0 || i === points.length - 1) svg.append(svgEl("text", { x: x(i), y: H - 6, "text-anchor": "middle" }, i));
  });
  svg.append(svgEl("line", { x1: LEFT, x2: LEFT, y1: TOP, y2: H - BOTTOM, class: "axis" }));
  const last = points.at(-1);
  const labelY = spread(names.map((_, seat) => y(last[seat]) + 3), LABEL_GAP, TOP + 6, H - BOTTOM + 3);
  names.forEach((name, seat) => {
    const line = points.map((p, i) => `${x(i).toFixed(1)},${y(p[seat]).toFixed(1)}`).join(" ");
    const series = svgEl("g", { class: `series s${seat}` });
    series.append(svgEl("polyline", { points: line, stroke: "currentColor", fill: "none", "stroke-width": 2 }));
    series.append(svgEl("text", { x: RIGHT + 4, y: labelY[seat].toFixed(1), class: "end-label", "data-seat": seat }, `${name.slice(0, 9)} ${last[seat]}`));
    svg.append(series);
  });
  return svg;
}
