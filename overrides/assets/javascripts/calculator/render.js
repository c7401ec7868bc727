// The result on screen, from what the core returns (its sentences, totals and dates in words).
// textContent only: nothing typed or linked can become markup.
import { fill } from "./text.js";
import { questions } from "./fields.js";
import { glance } from "./glance.js";
import { renderPlan } from "./plan.js";
import { renderSchemes } from "./schemes.js";

export function el(tag, attrs, children) {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attrs || {})) {
    if (name === "text") node.textContent = value;
    else node.setAttribute(name, value);
  }
  (children || []).forEach((child) => child && node.appendChild(child));
  return node;
}

// `parent`'s children become `nodes`, keeping each node whose kind is unchanged and changing
// only its text and attributes: a keystroke then restyles and lays out what changed, not the
// whole result. A node already in `parent` moves; one that listens (fixed) is replaced.
const fixed = (node) => node.dataset !== undefined && node.dataset.testid === "plan-ics";

export function patchChildren(parent, nodes) {
  nodes.forEach((node, i) => {
    const old = parent.childNodes[i];
    if (node === old) return;
    const reusable = old && node.parentNode !== parent && !nodes.includes(old) && !fixed(old) && !fixed(node);
    if (!reusable || !morph(old, node)) parent.insertBefore(node, old || null);
  });
  while (parent.childNodes.length > nodes.length) parent.lastChild.remove();
}

function morph(old, node) {
  if (old.nodeName !== node.nodeName || old.namespaceURI !== node.namespaceURI) return false;
  if (old.nodeType === Node.TEXT_NODE) {
    if (old.data !== node.data) old.data = node.data;
    return true;
  }
  if (old.nodeType !== Node.ELEMENT_NODE) return false;
  for (const name of old.getAttributeNames()) if (!node.hasAttribute(name)) old.removeAttribute(name);
  for (const name of node.getAttributeNames()) {
    const value = node.getAttribute(name);
    if (old.getAttribute(name) !== value) old.setAttribute(name, value);
  }
  patchChildren(old, Array.from(node.childNodes));
  return true;
}

// `old` in the page becomes `node` (kept and changed where it can be).
export function update(old, node) {
  if (!morph(old, node)) old.replaceWith(node);
}

export function list(items, attrs) {
  return el("ul", attrs, items.map((item) => (item instanceof Node ? el("li", {}, [item]) : el("li", { text: item }))));
}

export function questionLabel(form, key) {
  const node = form.querySelector(".qmas-question[data-key='" + CSS.escape(key) + "'] :is(legend, label.qmas-label)");
  return node ? node.textContent.trim() : key;
}

const verdict = (ui, r) => (!r.eligible ? ui.not_eligible : r.passed ? ui.passes : ui.fails);

function renderAdvice(ui, advice) {
  const box = el("div", { class: "qmas-advice", "data-testid": "advice" }, [el("h3", { text: ui.advice_title }), el("p", { text: advice.summary })]);
  if (advice.candidates.length && advice.lead) {
    box.appendChild(el("p", { text: advice.lead }));
    box.appendChild(list(advice.candidates.map((c) => c.text + " (" + c.gain_text + ")")));
  }
  if (advice.options.length) {
    box.appendChild(el("p", { text: ui.advice_options }));
    box.appendChild(list(advice.options.map((o) => o.changes.map((c) => c.text).join(" + ") + " → " + o.total_after_text)));
  }
  if (advice.rests_on.length) {
    box.appendChild(el("p", { text: ui.advice_rests_on }));
    box.appendChild(list(advice.rests_on.map((f) => f.label + " (" + f.score_text + ")" + (f.critical ? " " + ui.advice_critical : ""))));
  }
  return box;
}

function renderFees(ui, fees) {
  return el("section", { class: "qmas-fees", "data-testid": "fees" }, [
    el("h3", { text: ui.fees_title }),
    el("p", { text: fees.summary }),
    list(fees.people.map((p) => p.text), { class: "qmas-fee-lines" }),
    ...fees.notes.map((n) => el("p", { class: "qmas-note", text: n })),
    ...fees.sources.map((s) => el("p", { class: "qmas-note" }, [el("a", { href: s.url, rel: "noopener", text: s.title })])),
  ]);
}

export function renderExtras(view, report) {
  const { ui } = view;
  const result = report.result || view.result;
  const nodes = [];
  if (report.schemes && result) nodes.push(renderSchemes(ui, result, report.schemes));
  if (report.advice) nodes.push(renderAdvice(ui, report.advice));
  if (report.compare) {
    const c = report.compare;
    nodes.push(el("h3", { text: ui.compare_title }));
    nodes.push(el("p", { "data-testid": "compare", text: fill(ui.compare_line_text, { title: c.title, dates: c.effective_text, total: c.total_text, verdict: verdict(ui, c) }) }));
  }
  if (report.checklist && report.checklist.items.length) {
    nodes.push(el("h3", { text: ui.checklist_title }));
    nodes.push(list(report.checklist.items.map((i) => i.text), { "data-testid": "checklist" }));
    nodes.push(el("p", { class: "qmas-note", text: report.checklist.note }));
  }
  if (report.plan) nodes.push(renderPlan(ui, report.plan));
  return el("div", { class: "qmas-extras", "data-testid": "extras" }, nodes);
}

// One card per factor or criterion: label, score, why (rows at any width, no narrow column).
function breakdown(r) {
  return el("ol", { class: "qmas-breakdown", "data-testid": "breakdown", "aria-label": r.title }, r.factors.map((f) =>
    el("li", { class: "qmas-factor qmas-" + (f.score > 0 ? "met" : "unmet"), "data-factor": f.id, "data-score": String(f.score) }, [
      el("span", { class: "qmas-factor-label", text: (f.number ? "(" + f.number + ") " : "") + f.label }),
      el("span", { class: "qmas-score", text: f.score + " / " + f.max }),
      el("span", { class: "qmas-reason", text: f.reason }),
    ])));
}

function whatToCheck(r) {
  return list(r.checks.map((c) => el("span", {}, [
    el("strong", { text: c.label }), document.createTextNode(" " + c.check + " "),
    ...c.sources.map((s) => el("a", { href: s.url, rel: "noopener", text: s.title })),
  ])), { "data-testid": "unsure" });
}

// blank: nothing answered yet; the page says what to do instead of a verdict.
export function renderResult(view, report, blank) {
  const { ui, form, output } = view;
  const r = report.result;
  const nodes = [];
  if (blank) {
    nodes.push(el("p", { class: "qmas-total qmas-blank", "data-testid": "total", "data-total": String(r.total), text: ui.blank_prompt }));
  } else {
    nodes.push(el("p", { class: "qmas-verdict " + (r.passed ? "qmas-pass" : "qmas-fail"), "data-testid": "verdict", text: verdict(ui, r) }));
    nodes.push(el("p", { class: "qmas-total", "data-testid": "total", "data-total": String(r.total), text: r.total_text }));
    nodes.push(el("p", { class: "qmas-edition", "data-testid": "edition", text: fill(ui.result_edition, { edition: r.title, dates: r.effective_text }) }));
    nodes.push(glance(ui, r, report.schemes));
    nodes.push(breakdown(r));
    const unmet = r.prerequisites.filter((p) => !p.met);
    if (unmet.length) {
      nodes.push(el("h3", { text: ui.unmet_title }));
      nodes.push(list(unmet.map((p) => p.label + " — " + p.reason), { "data-testid": "unmet" }));
    }
    r.age_changes.forEach((c) => {
      const template = c.when === "before_application" ? ui.age_change_before : c.on ? ui.age_change : ui.age_change_undated;
      nodes.push(el("p", { class: "qmas-note qmas-birthday", "data-testid": "birthday", text: fill(template, { date: c.on_text, age: c.age, label: c.label }) }));
    });
    if (r.best_case) nodes.push(el("p", { class: "qmas-note", "data-testid": "best-case", text: fill(ui.best_case, { total: r.best_case.total_text }) }));
    if (r.checks.length) nodes.push(el("h3", { text: ui.unsure_title }), whatToCheck(r));
    const unanswered = r.unanswered.filter((k) => !r.unsure.includes(k));
    if (unanswered.length) {
      nodes.push(el("h3", { text: ui.unanswered_title }));
      nodes.push(list(unanswered.map((k) => questionLabel(form, k)), { "data-testid": "unanswered" }));
    }
    if (r.fees) nodes.push(renderFees(ui, r.fees));
  }
  // The extras (advice, comparison, checklist) come in their own message just after the
  // score; meanwhile the previous ones stay (aria-busy), so the page does not jump.
  const previous = report.pending ? output.querySelector("[data-testid=extras]") : null;
  if (previous) previous.setAttribute("aria-busy", "true");
  const extras = previous || renderExtras(view, report);
  extras.hidden = blank;
  nodes.push(extras);
  if (!blank) {
    r.notes.forEach((n) => nodes.push(el("p", { class: "qmas-note", text: n })));
    nodes.push(renderAnswers(view));
    nodes.push(el("p", { class: "qmas-note", text: fill(ui.printed_on, { date: r.checked_on_text, edition: r.title }) }));
  }
  view.result = r;
  patchChildren(output, nodes);
  output.hidden = false;
  Object.assign(output.dataset, { passed: String(r.passed), eligible: String(r.eligible), edition: r.edition,
    unmet: r.unmet_prerequisites.join(" "), extras: report.pending ? "pending" : "done" });
  view.status.textContent = blank ? ui.blank_prompt : fill(ui.announce, { verdict: verdict(ui, r), total: r.total_text });
}

// What the visitor answered, in the form's own words (for the printed summary too).
function renderAnswers(view) {
  const { form, ui } = view;
  const rows = [];
  for (const q of questions(form)) {
    if (q.node.hidden) continue;
    const shown = q.field.show(q, ui);
    if (shown) rows.push(el("div", {}, [el("dt", { text: questionLabel(form, q.key) }), el("dd", { text: shown })]));
  }
  return el("section", { class: "qmas-answers", "data-testid": "answers" }, [el("h3", { text: ui.answers_title }), el("dl", {}, rows)]);
}

export function clearErrors(form) {
  form.querySelectorAll(".qmas-error:not([hidden])").forEach((p) => { p.hidden = true; p.textContent = ""; });
  form.querySelectorAll("[aria-invalid]").forEach((n) => n.removeAttribute("aria-invalid"));
}

export function renderErrors(view, errors) {
  const { ui, form, output } = view;
  clearErrors(form);
  const lines = [];
  for (const e of errors) {
    const slot = form.querySelector("#q-" + CSS.escape(e.field) + "-error");
    if (slot) {
      slot.textContent = e.message;
      slot.hidden = false;
      const input = form.querySelector("#q-" + CSS.escape(e.field)) || form.elements[e.field];
      if (input && input.setAttribute) input.setAttribute("aria-invalid", "true");
    }
    lines.push(questionLabel(form, e.field) + ": " + e.message);
  }
  output.replaceChildren(el("div", { class: "qmas-errors", "data-testid": "errors" }, [el("p", { text: ui.errors_title }), list(lines)]));
  output.hidden = false;
  view.status.textContent = ui.errors_title + " " + lines.join("; ");
}

export function renderProblem(view, text, retry) {
  const nodes = [el("p", { class: "qmas-problem", "data-testid": "problem", text })];
  if (retry) {
    const button = el("button", { type: "button", class: "md-button", text: view.ui.retry });
    button.addEventListener("click", retry);
    nodes.push(button);
  }
  view.output.replaceChildren(...nodes);
  view.output.hidden = false;
  view.status.textContent = text;
}

export function renderLinkProblems(view, problems) {
  if (!problems.length) return;
  view.output.prepend(el("div", { class: "qmas-errors", "data-testid": "link-problems" }, [
    el("p", { text: view.ui.link_ignored }), list(problems.map((p) => p.field + " " + p.message))]));
}

// The extras' verdicts of the other schemes join the summary graphic once they arrive.
export function renderGlance(view, schemes) {
  const box = view.output.querySelector("[data-testid=glance]");
  if (!box || !view.result) return;
  update(box, glance(view.ui, view.result, schemes));
}
