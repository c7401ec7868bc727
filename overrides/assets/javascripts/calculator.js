// The calculator page: form -> worker (qmas_core in Pyodide) -> result on screen.
// No rule lives here: every number and every reason comes from qmas_core. This file reads the
// form, keeps the answers in the URL fragment (qmas-link.js; never sent to a server), and
// renders results with textContent only, so nothing typed or linked can become markup.
// Needs qmas-runtime.js and qmas-link.js loaded before it.
(function () {
  "use strict";

  const INCLUDE = ["advice", "checklist", "compare"];
  const runtime = window.qmasRuntime;
  const { startWorker, restartWorker } = runtime;
  const { parseFragment, formatFragment, isAnswerFragment, visibleText } = window.qmasLink;

  // ---- Strings of the interface (rendered into the page by the build, per language). ----
  function uiStrings(root) {
    const node = root.querySelector("#qmas-ui");
    return node ? JSON.parse(node.dataset.ui) : {};
  }

  function fill(template, values) {
    return String(template || "").replace(/\{(\w+)\}/g, (_, name) => (name in values ? String(values[name]) : ""));
  }

  // ---- Form <-> answers. ----
  function questionNodes(form) {
    return Array.from(form.querySelectorAll(".qmas-question"));
  }

  function readAnswers(form) {
    const answers = {};
    for (const node of questionNodes(form)) {
      const key = node.dataset.key;
      const type = node.dataset.type;
      const unsure = form.elements[key + "__unsure"];
      if (unsure && unsure.checked) {
        answers[key] = null;
        continue;
      }
      if (type === "bool") {
        const checked = node.querySelector("input[type=radio]:checked");
        if (checked) answers[key] = checked.value === "unsure" ? null : checked.value === "yes";
      } else if (type === "choice" || type === "talent_list") {
        const value = form.elements[key].value;
        if (value === "unsure") answers[key] = null;
        else if (type === "talent_list" && (value === "yes" || value === "no")) answers[key] = value === "yes";
        else if (value) answers[key] = value;
      } else if (type === "languages") {
        const names = Array.from(node.querySelectorAll("input[type=checkbox][name='" + key + "']:checked"), (b) => b.value);
        const other = visibleText(form.elements[key + "__other"].value).split(",").map((s) => s.trim()).filter(Boolean);
        if (names.length || other.length) answers[key] = names.concat(other);
      } else {
        const input = form.elements[key];
        if (input.validity && input.validity.badInput) answers[key] = input.value || "not a number";
        else if (input.value !== "") answers[key] = type === "date" ? input.value : Number(input.value);
      }
    }
    return answers;
  }

  function writeAnswer(form, key, value) {
    const node = form.querySelector(".qmas-question[data-key='" + key + "']");
    const type = node.dataset.type;
    const unsure = form.elements[key + "__unsure"];
    if (unsure) unsure.checked = value === null;
    if (type === "bool") {
      const wanted = value === null ? "unsure" : value ? "yes" : "no";
      node.querySelectorAll("input[type=radio]").forEach((r) => { r.checked = r.value === wanted; });
    } else if (type === "choice" || type === "talent_list") {
      form.elements[key].value = value === null ? "unsure" : value === true ? "yes" : value === false ? "no" : value;
    } else if (type === "languages") {
      const list = value || [];
      const boxes = Array.from(node.querySelectorAll("input[type=checkbox][name='" + key + "']"));
      boxes.forEach((b) => { b.checked = list.includes(b.value); });
      const known = boxes.map((b) => b.value);
      form.elements[key + "__other"].value = list.filter((n) => !known.includes(n)).join(", ");
    } else if (value !== null) {
      form.elements[key].value = String(value);
    }
  }

  // ---- Rendering (textContent only). ----
  function el(tag, attrs, children) {
    const node = document.createElement(tag);
    for (const [name, value] of Object.entries(attrs || {})) {
      if (name === "text") node.textContent = value;
      else node.setAttribute(name, value);
    }
    (children || []).forEach((child) => child && node.appendChild(child));
    return node;
  }

  function list(items, attrs) {
    return el("ul", attrs, items.map((item) => (item instanceof Node ? el("li", {}, [item]) : el("li", { text: item }))));
  }

  function questionLabel(form, key) {
    const node = form.querySelector(".qmas-question[data-key='" + key + "'] legend, .qmas-question[data-key='" + key + "'] label[for='q-" + key + "']");
    return node ? node.textContent.trim() : key;
  }

  function totalText(ui, r) {
    return fill(r.edition === "points-245" ? ui.total_points : ui.total_criteria, r);
  }

  function verdict(ui, r) {
    if (!r.eligible) return ui.not_eligible;
    return r.passed ? ui.passes : ui.fails;
  }

  function renderExtras(view, report, edition) {
    const { ui } = view;
    const nodes = [];
    if (report.advice) nodes.push(renderAdvice(ui, report.advice, edition));
    if (report.compare) {
      const c = report.compare;
      nodes.push(el("h3", { text: ui.compare_title }));
      nodes.push(el("p", { "data-testid": "compare", text: fill(ui.compare_line, { title: c.title, from: c.effective_from, to: c.effective_to || ui.now, total: totalText(ui, c), verdict: verdict(ui, c) }) }));
    }
    if (report.checklist && report.checklist.items.length) {
      nodes.push(el("h3", { text: ui.checklist_title }));
      nodes.push(list(report.checklist.items.map((i) => i.text), { "data-testid": "checklist" }));
      nodes.push(el("p", { class: "qmas-note", text: report.checklist.note }));
    }
    return el("div", { class: "qmas-extras", "data-testid": "extras" }, nodes);
  }

  function busy(box) {
    box.setAttribute("aria-busy", "true");
    return box;
  }

  function renderResult(view, report) {
    const { ui, form, output } = view;
    const r = report.result;
    const nodes = [];
    nodes.push(el("p", { class: "qmas-verdict " + (r.passed ? "qmas-pass" : "qmas-fail"), "data-testid": "verdict", text: verdict(ui, r) }));
    nodes.push(el("p", { class: "qmas-total", "data-testid": "total", "data-total": String(r.total), text: totalText(ui, r) }));
    const rows = r.factors.map((f) =>
      el("tr", { "data-factor": f.id, "data-score": String(f.score) }, [
        el("th", { scope: "row", text: (f.number ? "(" + f.number + ") " : "") + f.label }),
        el("td", { class: "qmas-score", text: f.score + " / " + f.max }),
        el("td", { text: f.reason }),
      ]));
    nodes.push(el("div", { class: "qmas-table-wrap" }, [
      el("table", { class: "qmas-breakdown", "data-testid": "breakdown" }, [
        el("caption", { text: r.title }),
        el("thead", {}, [el("tr", {}, [el("th", { scope: "col", text: ui.factor }), el("th", { scope: "col", text: ui.score }), el("th", { scope: "col", text: ui.reason })])]),
        el("tbody", {}, rows),
      ]),
    ]));
    const unmet = r.prerequisites.filter((p) => !p.met);
    if (unmet.length) {
      nodes.push(el("h3", { text: ui.unmet_title }));
      nodes.push(list(unmet.map((p) => p.label + " — " + p.reason), { "data-testid": "unmet" }));
    }
    r.age_changes.forEach((c) => {
      const template = c.when === "before_application" ? ui.age_change_before : c.on ? ui.age_change : ui.age_change_undated;
      nodes.push(el("p", { class: "qmas-note qmas-birthday", "data-testid": "birthday", text: fill(template, { date: c.on, age: c.age, label: c.label }) }));
    });
    if (r.best_case) nodes.push(el("p", { class: "qmas-note", "data-testid": "best-case", text: fill(ui.best_case, { total: totalText(ui, { ...r, total: r.best_case.total }) }) }));
    if (r.checks.length) {
      nodes.push(el("h3", { text: ui.unsure_title }));
      nodes.push(list(r.checks.map((c) => el("span", {}, [
        el("strong", { text: c.label }), document.createTextNode(" " + c.check + " "),
        ...c.sources.map((s) => el("a", { href: s.url, rel: "noopener", text: s.title })),
      ])), { "data-testid": "unsure" }));
    }
    const unanswered = r.unanswered.filter((k) => !r.unsure.includes(k));
    if (unanswered.length) {
      nodes.push(el("h3", { text: ui.unanswered_title }));
      nodes.push(list(unanswered.map((k) => questionLabel(form, k)), { "data-testid": "unanswered" }));
    }
    // The extras (advice, comparison, checklist) come in their own message just after the
    // score; meanwhile the previous ones stay (aria-busy), so the page does not jump.
    const previous = report.pending ? output.querySelector("[data-testid=extras]") : null;
    nodes.push(previous ? busy(previous) : renderExtras(view, report, r.edition));
    r.notes.forEach((n) => nodes.push(el("p", { class: "qmas-note", text: n })));
    nodes.push(renderAnswers(view));
    nodes.push(el("p", { class: "qmas-note", text: fill(ui.printed_on, { date: new Date().toISOString().slice(0, 10), edition: r.title }) }));
    output.replaceChildren(...nodes);
    output.hidden = false;
    output.dataset.passed = String(r.passed);
    output.dataset.eligible = String(r.eligible);
    output.dataset.unmet = r.unmet_prerequisites.join(" ");
    output.dataset.extras = report.pending ? "pending" : "done";
    view.status.textContent = fill(ui.announce, { verdict: verdict(ui, r), total: totalText(ui, r) });
  }

  // What the visitor answered, in the form's own words (for the printed summary too).
  function renderAnswers(view) {
    const { form, ui } = view;
    const rows = [];
    for (const node of questionNodes(form)) {
      if (node.hidden) continue;
      const key = node.dataset.key;
      const unsure = form.elements[key + "__unsure"];
      let shown = "";
      if (unsure && unsure.checked) shown = ui.not_sure;
      else if (node.dataset.type === "bool") {
        const checked = node.querySelector("input[type=radio]:checked");
        shown = checked ? checked.parentElement.textContent.trim() : "";
      } else if (node.dataset.type === "choice" || node.dataset.type === "talent_list") {
        const select = form.elements[key];
        shown = select.value ? select.options[select.selectedIndex].textContent.trim() : "";
      } else if (node.dataset.type === "languages") {
        const names = Array.from(node.querySelectorAll("input[type=checkbox][name='" + key + "']:checked"), (b) => b.parentElement.textContent.trim());
        const other = form.elements[key + "__other"].value.trim();
        shown = names.concat(other ? [other] : []).join(", ");
      } else {
        shown = form.elements[key].value;
      }
      if (shown) rows.push(el("div", {}, [el("dt", { text: questionLabel(form, key) }), el("dd", { text: shown })]));
    }
    return el("section", { class: "qmas-answers", "data-testid": "answers" }, [el("h3", { text: ui.answers_title }), el("dl", {}, rows)]);
  }

  function renderAdvice(ui, advice, edition) {
    const box = el("div", { class: "qmas-advice", "data-testid": "advice" }, [el("h3", { text: ui.advice_title }), el("p", { text: advice.summary })]);
    if (advice.candidates.length && -advice.margin > 0) {
      const lead = edition === "points-245" ? ui.advice_each_adds : fill(ui.advice_meet_more, { count: -advice.margin });
      box.appendChild(el("p", { text: lead }));
      box.appendChild(list(advice.candidates.map((c) => c.text + " (+" + c.gain + ")")));
    }
    if (advice.options.length) {
      box.appendChild(el("p", { text: ui.advice_options }));
      box.appendChild(list(advice.options.map((o) => o.changes.map((c) => c.text).join(" + ") + " → " + o.total_after)));
    }
    if (advice.rests_on.length) {
      box.appendChild(el("p", { text: ui.advice_rests_on }));
      box.appendChild(list(advice.rests_on.map((f) => f.label + " (" + f.score + ")" + (f.critical ? " " + ui.advice_critical : ""))));
    }
    return box;
  }

  function clearErrors(form) {
    form.querySelectorAll(".qmas-error").forEach((p) => { p.hidden = true; p.textContent = ""; });
    form.querySelectorAll("[aria-invalid]").forEach((n) => n.removeAttribute("aria-invalid"));
  }

  function renderErrors(view, errors) {
    const { ui, form, output } = view;
    clearErrors(form);
    const lines = [];
    for (const e of errors) {
      const label = questionLabel(form, e.field);
      const slot = form.querySelector("#q-" + CSS.escape(e.field) + "-error");
      if (slot) {
        slot.textContent = e.message;
        slot.hidden = false;
        const input = form.elements[e.field];
        if (input && input.setAttribute) input.setAttribute("aria-invalid", "true");
      }
      lines.push(label + ": " + e.message);
    }
    output.replaceChildren(el("div", { class: "qmas-errors", "data-testid": "errors" }, [el("p", { text: ui.errors_title }), list(lines)]));
    output.hidden = false;
    view.status.textContent = ui.errors_title + " " + lines.join("; ");
  }

  function renderProblem(view, text, retry) {
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

  // ---- The address: one replaceState at a time, so Chromium's navigation throttling (200 in
  // 10 s) never leaves it behind the form; a write the browser dropped is tried again. ----
  const ADDRESS_EVERY_MS = 250;
  const address = { wanted: null, timer: null, last: 0 };

  function writeAddress(fragment) {
    address.wanted = fragment;
    if (!address.timer) address.timer = setTimeout(flushAddress, Math.max(0, address.last + ADDRESS_EVERY_MS - Date.now()));
  }

  function flushAddress() {
    clearTimeout(address.timer);
    address.timer = null;
    if (address.wanted === null || location.hash === address.wanted) return;
    try { history.replaceState(history.state, "", address.wanted); } catch (error) { /* tried again below */ }
    address.last = Date.now();
    if (location.hash !== address.wanted) address.timer = setTimeout(flushAddress, 1000);
  }

  // The address of what is on screen (the form), whether or not the address bar caught up.
  function linkTo(fragment) {
    return location.href.replace(/#.*$/, "") + fragment;
  }

  // ---- Copy link, print, and answers kept on this device only when the visitor opts in.
  // A link opened with "Remember" on shows the link's answers; the remembered ones are kept
  // until the visitor changes an answer (or brings them back with one button). ----
  const STORE_KEY = "qmas-answers";

  function stored() {
    try { return localStorage.getItem(STORE_KEY); } catch (error) { return null; }
  }

  function mountTools(root, view, current) {
    const tools = root.querySelector("#qmas-tools");
    const status = root.querySelector("#qmas-tools-status");
    const remember = root.querySelector("#qmas-remember");
    const forget = root.querySelector("#qmas-forget");
    const notice = root.querySelector("#qmas-link-notice");
    const ui = view.ui;
    tools.hidden = false;
    remember.checked = stored() !== null;
    forget.hidden = !remember.checked;

    root.querySelector("#qmas-copy-link").addEventListener("click", async () => {
      flushAddress();
      const href = linkTo(current());
      try {
        await navigator.clipboard.writeText(href);
        status.textContent = ui.link_copied;
      } catch (error) {
        // No clipboard permission: show the link to copy by hand.
        status.textContent = href;
      }
    });
    root.querySelector("#qmas-print").addEventListener("click", () => window.print());
    remember.addEventListener("change", () => {
      try {
        if (remember.checked) {
          localStorage.setItem(STORE_KEY, current());
          status.textContent = ui.remembered;
        } else {
          localStorage.removeItem(STORE_KEY);
          status.textContent = ui.forgotten;
        }
      } catch (error) {
        remember.checked = false;
      }
      forget.hidden = !remember.checked;
      notice.hidden = true;
    });
    forget.addEventListener("click", () => {
      try { localStorage.removeItem(STORE_KEY); } catch (error) { /* nothing was stored */ }
      remember.checked = false;
      forget.hidden = true;
      notice.hidden = true;
      status.textContent = ui.forgotten;
      remember.focus();
    });
    return {
      // Only what the visitor changed is kept, never what a link or a re-render showed.
      save(fragment) {
        notice.hidden = true;
        if (!remember.checked) return;
        try { localStorage.setItem(STORE_KEY, fragment); } catch (error) { /* storage full or blocked */ }
      },
      // A link is on screen while other answers are remembered: say so, offer them back.
      offer(restore) {
        const kept = stored();
        if (!remember.checked || kept === null || kept === current()) return;
        notice.hidden = false;
        notice.querySelector("button").onclick = () => {
          notice.hidden = true;
          restore(stored() || "");
        };
      },
    };
  }

  // ---- The eligible-university finder (qmas_core.find_universities in the worker). ----
  function mountFinder(root, view) {
    const box = root.querySelector("#qmas-finder");
    if (!box) return;
    const input = box.querySelector("#qmas-finder-input");
    const results = box.querySelector("#qmas-finder-results");
    const count = box.querySelector("#qmas-finder-count");
    const confirm = box.querySelector("#qmas-finder-confirm");
    const chosen = box.querySelector("#qmas-finder-chosen");
    const edition = box.dataset.edition;
    const ui = view.ui;
    let latest = 0;
    box.hidden = false;

    function search() {
      const query = input.value;
      if (!query.trim()) {
        results.replaceChildren();
        count.textContent = "";
        return;
      }
      if (!runtime.ready) {
        count.textContent = ui.finder_loading;
        return;
      }
      latest = runtime.nextId++;
      runtime.worker.postMessage({ id: latest, type: "find", query, lang: view.lang });
    }

    function choose(entry) {
      chosen.textContent = fill(ui.finder_chosen, { name: entry.zh && view.lang !== "en" ? entry.zh + " (" + entry.name + ")" : entry.name, edition });
      confirm.hidden = false;
      confirm.querySelector("button").focus();
    }

    function show(found) {
      if (!found.results.length) {
        results.replaceChildren();
        count.textContent = fill(ui.finder_none, { edition, query: found.query });
        return;
      }
      count.textContent = fill(ui.finder_count, { count: found.results.length });
      results.replaceChildren(...found.results.map((entry) => {
        const name = entry.name + (entry.zh ? " · " + entry.zh : "");
        const button = el("button", { type: "button", class: "qmas-finder-choose", text: ui.finder_choose });
        button.setAttribute("aria-label", ui.finder_choose + ": " + entry.name);
        button.addEventListener("click", () => choose(entry));
        return el("li", { "data-name": entry.name }, [
          el("span", { text: name }),
          el("span", { class: "qmas-dates", text: " — " + entry.country + (entry.match === "fuzzy" ? " " + ui.finder_fuzzy : "") + " " }),
          button,
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
    runtime.listeners.add(function onFound(msg) {
      if (!document.body.contains(root)) return runtime.listeners.delete(onFound);
      if (msg.type === "ready" && input.value) return search();
      if (msg.id === latest && msg.type === "found") show(msg.result);
    });
  }

  // ---- One calculator on one page. ----
  function selectedEdition(form) {
    const checked = form.querySelector("input[name=edition]:checked");
    return checked ? checked.value : null;
  }

  function showQuestionsFor(form, edition) {
    for (const node of questionNodes(form)) {
      node.hidden = !node.dataset.editions.split(" ").includes(edition) && node.dataset.key !== "application_date";
    }
    form.querySelectorAll(".qmas-group").forEach((group) => {
      group.hidden = !group.querySelector(".qmas-question:not([hidden])");
    });
  }

  // The General Points Test edition in force on the application date (the visitor may override).
  function editionForDate(form, iso) {
    const current = form.querySelector("input[name=edition]:checked");
    const test = current ? current.dataset.test : "general";
    const day = iso || new Date().toISOString().slice(0, 10);
    const match = Array.from(form.querySelectorAll("input[name=edition]")).find((r) =>
      r.dataset.test === test && r.dataset.from <= day && (!r.dataset.to || day <= r.dataset.to));
    return match ? match.value : null;
  }

  // The answers this tab showed last, by page: Material's instant navigation re-renders the
  // page for the skip link or a heading's ¶, and those anchors are not answers.
  const shown = new Map();

  function mount(root) {
    const form = root.querySelector("#qmas-form");
    const view = { ui: uiStrings(root), form, output: root.querySelector("#qmas-output"), status: root.querySelector("#qmas-status"), lang: root.dataset.lang || "en" };
    const page = location.pathname;
    let latest = 0;
    let editionChosen = false;
    let applying = false;
    const sent = {}; // request id -> the fragment it scored, so the page says what it shows
    let asked = null; // the fragment of the latest request (a new worker is always asked: "started")
    let link = { problems: [] };

    const current = () => formatFragment(selectedEdition(form), readAnswers(form));

    // The form shows exactly `fragment` (a link, the address after Back, remembered answers).
    function apply(fragment) {
      applying = true;
      form.reset(); // the fields are back to the page's defaults when this returns
      applying = false;
      editionChosen = false;
      link = parseFragment(form, fragment, view.ui);
      Object.entries(link.answers).forEach(([key, value]) => writeAnswer(form, key, value));
      if (link.edition) {
        form.querySelector("input[name=edition][value='" + link.edition + "']").checked = true;
        editionChosen = true;
      } else if (link.answers.application_date) {
        const byDate = editionForDate(form, link.answers.application_date);
        if (byDate) form.querySelector("input[name=edition][value='" + byDate + "']").checked = true;
      }
      showQuestionsFor(form, selectedEdition(form));
    }

    // force: ask again even if the answers are those of the latest request (a retry).
    // byVisitor: the visitor changed something (only then are remembered answers replaced).
    function submit(force, byVisitor) {
      const answers = readAnswers(form);
      const edition = selectedEdition(form);
      const fragment = formatFragment(edition, answers);
      shown.set(page, fragment);
      form.dataset.fragment = fragment; // what the form shows (tests wait for the result of it)
      // Sent as soon as a worker exists, even while it loads: it answers once ready, without
      // a round trip through this page (busy on a first visit) after its "ready".
      if (runtime.worker && !runtime.fatal && (fragment !== asked || force === true)) {
        // A field fires "input" and then "change" with the same answers: the second request
        // would only make the visitor wait for a second round trip.
        asked = fragment;
        latest = runtime.nextId++;
        sent[latest] = fragment;
        // split: the score at once, the extras (10x the work) in a second message, skipped if
        // a newer change comes first (measured with site_scripts/bench.py: p95 37 -> 16 ms).
        runtime.worker.postMessage({ id: latest, type: "assess", answers, edition, lang: view.lang, include: INCLUDE, split: true });
      }
      writeAddress(fragment);
      if (byVisitor) tools.save(fragment);
      if (runtime.fatal) renderProblem(view, fill(view.ui.error_fatal, { message: runtime.fatal }), restartWorker);
    }

    function onMessage(msg) {
      if (!document.body.contains(root)) return runtime.listeners.delete(onMessage);
      if (msg.type === "started") return submit(true);
      if (msg.type === "ready") {
        view.status.textContent = view.ui.ready;
        return latest ? undefined : submit(true); // what was asked while loading is being answered
      }
      if (msg.type === "fatal") return renderProblem(view, fill(view.ui.error_fatal, { message: msg.message }), restartWorker);
      if (msg.id !== latest) return; // a newer request is on its way
      if (msg.type === "extras") {
        const box = view.output.querySelector("[data-testid=extras]");
        if (box) box.replaceWith(renderExtras(view, msg, selectedEdition(form)));
        view.output.dataset.extras = "done";
        return;
      }
      view.output.dataset.fragment = sent[msg.id];
      for (const id of Object.keys(sent)) if (Number(id) <= msg.id) delete sent[id];
      if (msg.type === "result") {
        clearErrors(form);
        renderResult(view, msg);
      } else if (msg.type === "invalid") {
        renderErrors(view, msg.errors);
      } else if (msg.type === "error") {
        renderProblem(view, fill(view.ui.error_python, { message: msg.message }), () => submit(true));
      }
      if (link.problems.length) {
        view.output.prepend(el("div", { class: "qmas-errors", "data-testid": "link-problems" }, [
          el("p", { text: view.ui.link_ignored }), list(link.problems.map((p) => p.field + " " + p.message))]));
      }
    }

    // Back and Forward (and a fragment typed in the address bar): the form follows the address.
    function onAddress() {
      if (!document.body.contains(root)) {
        window.removeEventListener("popstate", onAddress);
        window.removeEventListener("hashchange", onAddress);
        return;
      }
      if (!isAnswerFragment(location.hash) || location.hash === current()) return;
      address.wanted = null;
      apply(location.hash);
      submit();
    }

    const tools = mountTools(root, view, current);
    // A link's answers win; then what this tab showed on this page; then remembered answers.
    const opened = isAnswerFragment(location.hash);
    apply(opened ? location.hash : shown.get(page) || stored() || "");
    if (opened) tools.offer((fragment) => { apply(fragment); submit(); });

    const toResult = root.querySelector("#qmas-to-result");
    toResult.hidden = false;
    toResult.addEventListener("click", () => {
      const section = root.querySelector("#qmas-result");
      section.scrollIntoView({ behavior: "smooth" });
      section.focus({ preventScroll: true });
    });

    runtime.listeners.add(onMessage);
    window.addEventListener("popstate", onAddress);
    window.addEventListener("hashchange", onAddress);
    window.addEventListener("pagehide", flushAddress);
    form.addEventListener("focusout", flushAddress); // before the language switch reads the address
    mountFinder(root, view);
    form.addEventListener("input", () => submit(false, true));
    form.addEventListener("change", (event) => {
      if (event.target.name === "edition") {
        editionChosen = true;
        showQuestionsFor(form, selectedEdition(form));
      } else if (event.target.name === "application_date" && !editionChosen) {
        const byDate = editionForDate(form, event.target.value);
        if (byDate && byDate !== selectedEdition(form)) {
          form.querySelector("input[name=edition][value='" + byDate + "']").checked = true;
          showQuestionsFor(form, byDate);
        }
      }
      submit(false, true);
    });
    form.addEventListener("submit", (event) => { event.preventDefault(); submit(false, true); });
    form.addEventListener("reset", () => {
      if (applying) return;
      editionChosen = false;
      link = { problems: [] };
      // The browser resets the fields after this event: read them on the next turn.
      setTimeout(() => { showQuestionsFor(form, selectedEdition(form)); submit(false, true); }, 0);
    });

    if (runtime.fatal) renderProblem(view, fill(view.ui.error_fatal, { message: runtime.fatal }), restartWorker);
    else {
      if (!runtime.ready) view.status.textContent = view.ui.loading;
      if (runtime.worker) submit(true);
    }
    startWorker();
  }

  function init() {
    const root = document.getElementById("qmas-calculator");
    if (root && !root.dataset.mounted) {
      root.dataset.mounted = "1";
      mount(root);
    }
  }

  // Material's instant navigation re-renders pages without reloading scripts.
  if (window.document$ && typeof window.document$.subscribe === "function") window.document$.subscribe(init);
  else if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", init);
  else init();
})();
