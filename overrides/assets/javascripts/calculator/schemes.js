// QMAS beside the Top Talent Pass Scheme: one card per scheme (side by side where there is
// room, one under another on a phone), each with its verdict and why, from what the core said.
import { el, list } from "./render.js";

const STATE = { true: "met", false: "unmet", null: "open" };

function card(ui, title, state, rows, extra) {
  return el("article", { class: "qmas-scheme qmas-scheme-" + state, "data-state": state }, [
    el("h4", { text: title }),
    el("p", { class: "qmas-scheme-verdict", text: ui["glance_" + state] }),
    el("dl", {}, rows.filter(([, value]) => value).map(([term, value]) =>
      el("div", {}, [el("dt", { text: term }), el("dd", { text: value })]))),
    ...(extra || []),
  ]);
}

function sources(items) {
  return el("p", { class: "qmas-note" }, items.flatMap((s, i) => [i ? document.createTextNode(" · ") : null,
    el("a", { href: s.url, rel: "noopener", text: s.title })]).filter(Boolean));
}

export function renderSchemes(ui, result, answers) {
  const { qmas } = answers;
  const qmasState = result.passed ? "met" : result.best_case && result.best_case.passed ? "open" : "unmet";
  const cards = [card(ui, qmas.title, qmasState, [
    [ui.scheme_why, result.total_text],
    [ui.scheme_first_stay, qmas.first_stay],
    [ui.scheme_processing, qmas.processing],
    [ui.scheme_extension, qmas.extension],
    [ui.scheme_fees, result.fees && result.fees.summary],
  ], [sources(qmas.sources)])];
  for (const s of answers.schemes) {
    cards.push(card(ui, s.title, STATE[String(s.met)], [
      [ui.scheme_first_stay, s.first_stay],
      [ui.scheme_processing, s.processing],
      [ui.scheme_extension, s.extension],
      [ui.scheme_fees, s.fees],
    ], [
      list(s.conditions.map((c) => c.label + " — " + c.reason), { class: "qmas-scheme-conditions" }),
      ...s.notes.map((n) => el("p", { class: "qmas-note", text: n })),
      sources(s.sources),
    ]));
  }
  const also = answers.also_consider.map((a) => el("li", { "data-relevant": String(a.relevant) }, [
    el("strong", { text: a.title }), document.createTextNode(" " + a.conditions + " "),
    ...(a.notes || []).map((n) => el("span", { class: "qmas-note", text: n + " " })),
    ...a.sources.map((s) => el("a", { href: s.url, rel: "noopener", text: s.title })),
  ]));
  return el("section", { class: "qmas-schemes", "data-testid": "schemes", "aria-labelledby": "qmas-schemes-title" }, [
    el("h3", { id: "qmas-schemes-title", text: ui.schemes_title }),
    el("p", { class: "qmas-note", text: ui.schemes_intro }),
    el("div", { class: "qmas-scheme-cards" }, cards),
    el("h4", { text: ui.also_consider_title }),
    el("ul", { class: "qmas-also" }, also),
  ]);
}
