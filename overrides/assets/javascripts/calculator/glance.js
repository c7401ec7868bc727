// Results at a glance: the score against the pass mark and the maximum, the "not sure" range
// and each scheme's verdict, drawn as SVG from what the core returned (no rule here). The
// sentence it shows is its text alternative; colours come from the theme (calculator.css).
import { fill } from "./text.js";
import { el } from "./render.js";

const NS = "http://www.w3.org/2000/svg";
const WIDTH = 320;
const BAR = { y: 8, height: 22 };

function svg(tag, attrs, children) {
  const node = document.createElementNS(NS, tag);
  for (const [name, value] of Object.entries(attrs || {})) {
    if (name === "text") node.textContent = value;
    else node.setAttribute(name, String(value));
  }
  (children || []).forEach((child) => child && node.appendChild(child));
  return node;
}

const x = (value, maximum) => (WIDTH * Math.max(0, Math.min(value, maximum))) / maximum;

// One bar from 0 to the maximum, filled to the total, hatched on to the best case.
function totalBar(r, best) {
  return [
    svg("rect", { class: "qmas-glance-track", x: 0, y: BAR.y, width: WIDTH, height: BAR.height, rx: 3 }),
    best > r.total ? svg("rect", { class: "qmas-glance-unsure", x: x(r.total, r.maximum), y: BAR.y, width: x(best, r.maximum) - x(r.total, r.maximum), height: BAR.height }) : null,
    svg("rect", { class: "qmas-glance-score", x: 0, y: BAR.y, width: x(r.total, r.maximum), height: BAR.height, rx: 3 }),
  ];
}

// Criteria: one cell per criterion, a gap between areas; met cells filled.
const GAP = 6;

function cellLefts(r) {
  const areas = r.factors.map((f) => f.area || "");
  const gaps = areas.filter((a, i) => i && a !== areas[i - 1]).length;
  const cell = (WIDTH - GAP * gaps) / r.factors.length;
  let left = 0;
  const lefts = areas.map((a, i) => {
    if (i && a !== areas[i - 1]) left += GAP;
    const at = left;
    left += cell;
    return at;
  });
  return { cell, lefts };
}

// Which criteria, by area: a row of cells under the bar (each with its label as a tooltip).
const CELLS = { y: BAR.y + BAR.height + 10, height: 12 };

function criteriaCells(r) {
  const { cell, lefts } = cellLefts(r);
  return r.factors.map((f, i) => svg("rect", { class: f.score > 0 ? "qmas-glance-score" : "qmas-glance-track", x: lefts[i] + 1, y: CELLS.y, width: cell - 2, height: CELLS.height, rx: 2 }, [
    svg("title", { text: (f.number ? "(" + f.number + ") " : "") + f.label + (f.area ? " — " + f.area : "") }),
  ]));
}

// The pass mark as a line across the bar, at its place on the scale.
function passMark(r) {
  const at = x(r.pass_mark, r.maximum);
  return svg("line", { class: "qmas-glance-pass", x1: at, x2: at, y1: BAR.y - 6, y2: BAR.y + BAR.height + 6 });
}

// One row per scheme: its verdict as a word and a shape (never colour alone).
const MARKS = { true: "✓", false: "✗", null: "?" };

function verdictRows(ui, verdicts, top) {
  return verdicts.map((v, i) => {
    const y = top + 16 + i * 20;
    const state = v.met === true ? "met" : v.met === false ? "unmet" : "open";
    return svg("g", { class: "qmas-glance-verdict qmas-glance-" + state }, [
      svg("text", { x: 0, y, class: "qmas-glance-mark", text: MARKS[String(v.met)] }),
      // In the drawing, "open" in a word; the caption below says what it depends on.
      svg("text", { x: 18, y, text: fill(ui.glance_verdict, { label: v.label, state: ui[state === "open" ? "glance_open_short" : "glance_" + state] }) }),
    ]);
  });
}

export function glance(ui, result, schemes) {
  const best = result.best_case ? result.best_case.total : result.total;
  const qmas = { label: ui.glance_qmas, met: result.passed ? true : result.best_case && result.best_case.passed ? null : false };
  const verdicts = [qmas, ...((schemes && schemes.schemes) || []).map((s) => ({ label: s.title, met: s.met }))];
  const said = [result.total_text];
  if (result.best_case) said.push(fill(ui.glance_best, { total: result.best_case.total_text }));
  said.push(...verdicts.map((v) => fill(ui.glance_verdict, { label: v.label, state: ui["glance_" + (v.met === true ? "met" : v.met === false ? "unmet" : "open")] })));
  const sentences = said.map((text) => fill(ui.glance_sentence, { text })).join("").trim();
  const top = result.unit === "criteria" ? CELLS.y + CELLS.height + 4 : BAR.y + BAR.height + 4;
  const height = top + 8 + verdicts.length * 20;
  const title = svg("title", { text: ui.glance_title });
  const desc = svg("desc", { text: sentences });
  const drawing = svg("svg", { viewBox: `-2 0 ${WIDTH + 4} ${height}`, role: "img", class: "qmas-glance-svg", "aria-label": ui.glance_title }, [
    title, desc,
    ...totalBar(result, best),
    passMark(result),
    ...(result.unit === "criteria" ? criteriaCells(result) : []),
    ...verdictRows(ui, verdicts, top),
  ]);
  return el("figure", { class: "qmas-glance", "data-testid": "glance" }, [
    drawing,
    el("figcaption", { class: "qmas-glance-caption", text: sentences }),
  ]);
}
