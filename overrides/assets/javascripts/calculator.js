// The calculator page: form -> worker (qmas_core in Pyodide) -> result on screen. Mount and
// events only: the question types are in calculator/fields.js, the result in render.js, the
// address and remembered answers in tools.js, the finder in finder.js. No rule lives here:
// every number, edition and reason comes from qmas_core.
import { ask, listen, restartWorker, startWorker, state } from "./qmas-runtime.js";
import { formatFragment, isAnswerFragment, parseFragment } from "./qmas-link.js";
import { questions, readAnswers, writeAnswers } from "./calculator/fields.js";
import { clearChips } from "./calculator/chips.js";
import { clearErrors, renderErrors, renderExtras, renderGlance, renderLinkProblems, renderProblem, renderResult, update } from "./calculator/render.js";
import { dropPendingAddress, flushAddress, mountTools, stored, writeAddress } from "./calculator/tools.js";
import { mountFinder } from "./calculator/finder.js";
import { mountProgress } from "./calculator/progress.js";
import { fill } from "./calculator/text.js";

const INCLUDE = ["advice", "checklist", "compare", "schemes", "plan"];
// The answers this tab showed last, by page: Material's instant navigation re-renders the
// page for the skip link or a heading's ¶, and those anchors are not answers.
const shown = new Map();

const selectedEdition = (form) => form.querySelector("input[name=edition]:checked").value;

// The questions of the edition the core assessed; one no edition scores (the application
// date, which chooses the edition) is always asked, and one only the other schemes read is
// asked while the core says it could still change their verdict (`asks`) or once answered.
// Written only when it changes: every write restyles the form, on every keystroke.
const setHidden = (node, hidden) => { if (node.hidden !== hidden) node.hidden = hidden; };

function showQuestionsFor(form, edition, asks) {
  for (const q of questions(form)) {
    const editions = q.node.dataset.editions.split(" ").filter(Boolean);
    const schemesOnly = !editions.length && !q.node.dataset.schemes.split(" ").includes("plan") && q.node.dataset.schemes;
    if (schemesOnly) {
      if (asks) setHidden(q.node, !asks.includes(q.key) && q.field.read(q) === undefined);
    } else {
      setHidden(q.node, editions.length > 0 && !editions.includes(edition));
    }
  }
  form.querySelectorAll(".qmas-group").forEach((group) => {
    setHidden(group, !group.querySelector(".qmas-question:not([hidden])"));
  });
}

function mount(root) {
  const form = root.querySelector("#qmas-form");
  const view = { ui: JSON.parse(root.querySelector("#qmas-ui").dataset.ui), form, output: root.querySelector("#qmas-output"), status: root.querySelector("#qmas-status"), lang: root.dataset.lang || "en" };
  const page = location.pathname;
  let latest = null;
  let applying = false;
  const sent = new Map(); // request id -> the fragment it scored, so the page says what it shows
  let asked = null; // the fragment of the latest request (a new worker is always asked: "started")
  let link = { problems: [] };

  const current = () => formatFragment(form, selectedEdition(form), readAnswers(form));
  const fatal = () => renderProblem(view, fill(view.ui.error_fatal, { message: state.fatal }), restartWorker);

  // The form shows exactly `fragment` (a link, the address after Back, remembered answers).
  function apply(fragment) {
    applying = true;
    form.reset(); // the fields are back to the page's defaults when this returns
    applying = false;
    link = parseFragment(form, fragment, view.ui);
    writeAnswers(form, link.answers);
    if (link.edition) form.querySelector("input[name=edition][value='" + CSS.escape(link.edition) + "']").checked = true;
  }
  apply("");
  // Nothing answered (the fresh form, whatever the edition): the page says what to do.
  const answersOf = (fragment) => String(fragment).replace(/^#edition=[^&]*/, "");
  const blank = answersOf(current());

  // force: ask again even if the answers are those of the latest request (a retry).
  // byVisitor: the visitor changed something (only then are remembered answers replaced).
  function submit(force, byVisitor) {
    const answers = readAnswers(form);
    const edition = selectedEdition(form);
    const fragment = formatFragment(form, edition, answers);
    shown.set(page, fragment);
    form.dataset.fragment = fragment; // what the form shows (tests wait for the result of it)
    // Sent as soon as a worker exists, even while it loads: it answers once ready. A field
    // fires "input" and then "change" with the same answers: asked once.
    if (state.running && !state.fatal && (fragment !== asked || force === true)) {
      // split: the score at once, the extras (10x the work) in a second message, skipped if
      // a newer change comes first (measured with the bench: p95 37 -> 16 ms).
      const id = ask({ type: "assess", answers, edition, lang: view.lang, include: INCLUDE, split: true });
      if (id !== null) {
        asked = fragment;
        latest = id;
        sent.set(id, fragment);
      }
    }
    writeAddress(fragment);
    if (byVisitor) tools.save(fragment);
    if (state.fatal) fatal();
  }

  function onMessage(msg) {
    if (!document.body.contains(root)) return stop();
    if (msg.type === "started") return submit(true);
    if (msg.type === "ready") {
      view.status.textContent = view.ui.ready;
      return latest !== null ? undefined : submit(true); // what was asked while loading is being answered
    }
    if (msg.type === "fatal") return fatal();
    if (msg.id !== latest) return; // a newer request is on its way
    if (msg.type === "extras") {
      const box = view.output.querySelector("[data-testid=extras]");
      if (box) update(box, Object.assign(renderExtras(view, msg), { hidden: box.hidden }));
      if (msg.schemes) {
        renderGlance(view, msg.schemes);
        showQuestionsFor(form, view.result.edition, msg.schemes.asks);
      }
      view.output.dataset.extras = "done";
      return;
    }
    view.output.dataset.fragment = sent.get(msg.id);
    for (const id of sent.keys()) if (id <= msg.id) sent.delete(id);
    if (msg.type === "result") {
      clearErrors(form);
      showQuestionsFor(form, msg.result.edition, msg.schemes && msg.schemes.asks);
      renderResult(view, msg, answersOf(view.output.dataset.fragment) === blank);
    } else if (msg.type === "invalid") {
      renderErrors(view, msg.errors);
    } else if (msg.type === "error") {
      renderProblem(view, fill(view.ui.error_python, { message: msg.message }), () => submit(true));
    }
    renderLinkProblems(view, link.problems);
  }

  // Back and Forward (and a fragment typed in the address bar): the form follows the address.
  function onAddress() {
    if (!document.body.contains(root)) return stop();
    if (!isAnswerFragment(location.hash) || location.hash === current()) return;
    dropPendingAddress();
    apply(location.hash);
    submit();
  }

  const unlisten = listen(onMessage);
  function stop() {
    unlisten();
    window.removeEventListener("popstate", onAddress);
    window.removeEventListener("hashchange", onAddress);
  }

  const tools = mountTools(root, view.ui, current);
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

  window.addEventListener("popstate", onAddress);
  window.addEventListener("hashchange", onAddress);
  form.addEventListener("focusout", flushAddress); // before the language switch reads the address
  const changed = () => submit(false, true);
  for (const q of questions(form)) if (q.field.mount) q.field.mount(q, changed);
  mountFinder(root, view);
  form.addEventListener("input", changed);
  form.addEventListener("change", changed);
  form.addEventListener("submit", (event) => { event.preventDefault(); changed(); });
  form.addEventListener("reset", () => {
    clearChips(form); // not form controls: the browser does not reset them
    if (applying) return;
    link = { problems: [] };
    setTimeout(changed, 0); // the browser resets the fields after this event
  });

  if (state.fatal) fatal();
  else {
    if (!state.ready) view.status.textContent = view.ui.loading;
    mountProgress(root, view);
    if (state.running) submit(true);
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

window.addEventListener("pagehide", flushAddress);
// Material's instant navigation re-renders pages without reloading scripts.
if (window.document$ && typeof window.document$.subscribe === "function") window.document$.subscribe(init);
else init();
