// The eligible-university finder (qmas_core.find_universities in the worker). Choosing an
// institution never answers the question by itself: the visitor confirms.
import { ask, listen, state } from "../qmas-runtime.js";
import { fill } from "./text.js";
import { el, list } from "./render.js";

export function mountFinder(root, view) {
  const box = root.querySelector("#qmas-finder");
  if (!box) return;
  const input = box.querySelector("#qmas-finder-input");
  const results = box.querySelector("#qmas-finder-results");
  const count = box.querySelector("#qmas-finder-count");
  const confirm = box.querySelector("#qmas-finder-confirm");
  const chosen = box.querySelector("#qmas-finder-chosen");
  const extra = box.querySelector("#qmas-finder-notes");
  const edition = box.dataset.edition;
  const ui = view.ui;
  let latest = null;
  box.hidden = false;

  function search() {
    const query = input.value;
    if (!query.trim()) {
      results.replaceChildren();
      extra.replaceChildren();
      count.textContent = "";
      return;
    }
    if (!state.ready) {
      count.textContent = ui.finder_loading;
      return;
    }
    latest = ask({ type: "find", query, lang: view.lang });
  }

  function choose(entry) {
    chosen.textContent = fill(ui.finder_chosen, { name: entry.display_name || entry.name, edition });
    confirm.hidden = false;
    confirm.querySelector("button").focus();
  }

  // Names the query also means that are not on the list, and unlisted institutions it names.
  function notes(found) {
    const lines = [];
    if (found.ambiguous && found.ambiguous.note) lines.push(found.ambiguous.note);
    (found.not_listed || []).forEach((n) => lines.push(n.note || n.name));
    if (!lines.length) return [];
    return [el("p", { text: ui.finder_not_listed_title }), list(lines, { "data-testid": "finder-not-listed" })];
  }

  function show(found) {
    extra.replaceChildren(...notes(found));
    if (!found.results.length) {
      results.replaceChildren();
      count.textContent = fill(ui.finder_none, { edition, query: found.query });
      return;
    }
    count.textContent = fill(ui.finder_count, { count: found.results.length });
    results.replaceChildren(...found.results.map((entry) => {
      const name = entry.display_name || entry.name;
      const button = el("button", { type: "button", class: "qmas-finder-choose", text: ui.finder_choose });
      button.setAttribute("aria-label", ui.finder_choose + ": " + name);
      button.addEventListener("click", () => choose(entry));
      return el("li", { "data-name": entry.name }, [
        el("span", { text: name + (name !== entry.name ? " · " + entry.name : "") }),
        el("span", { class: "qmas-dates", text: " — " + (entry.country_name || entry.country) + (entry.match === "fuzzy" ? " " + ui.finder_fuzzy : "") + " " }),
        button,
        entry.also_text ? el("span", { class: "qmas-note qmas-also", "data-testid": "finder-also", text: entry.also_text }) : null,
        entry.note ? el("span", { class: "qmas-note", text: entry.note }) : null,
      ]);
    }));
  }

  confirm.querySelector("button").addEventListener("click", () => {
    const yes = view.form.querySelector("input[name='eligible_university_postgraduate'][value='yes']");
    yes.checked = true;
    yes.dispatchEvent(new Event("change", { bubbles: true }));
    confirm.hidden = true;
    yes.focus();
  });
  input.addEventListener("input", (event) => { event.stopPropagation(); confirm.hidden = true; search(); });
  input.addEventListener("change", (event) => event.stopPropagation());
  input.addEventListener("keydown", (event) => { if (event.key === "Enter") event.preventDefault(); });
  const stop = listen((msg) => {
    if (!document.body.contains(root)) return stop();
    if (msg.type === "ready" && input.value) return search();
    if (msg.id === latest && msg.type === "found") show(msg.result);
  });
}
