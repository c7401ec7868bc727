// The calculator's Python runtime, page side: one Web Worker (qmas-worker.js: Pyodide +
// qmas_core) per tab, kept across Material's instant navigation, and the client of its
// message protocol (documented at the top of qmas-worker.js).
//
//   startWorker()      start it (on a page with the calculator: after the first paint; on
//                      another page when the visitor moves toward a link to it: see intent)
//   restartWorker()    a new worker after a failure
//   ask(message)       post a request; returns its id (null while no worker runs)
//   listen(fn)         fn gets every message, {type: "started"} when a worker starts
//                      (requests may be sent at once: it answers them once ready) and
//                      {type: "fatal", message} when it fails; returns unsubscribe
//   state              read-only: ready, fatal, info (the "ready" message), startedAt,
//                      progress (the latest "progress" message of this worker, or null),
//                      extras (a promise of what was done for the next visit)
//
// Never spinning forever: loading fails after LOAD_STALL_MS without progress (the worker reports
// each step), and a request unanswered for REPLY_TIMEOUT_MS (counted from "ready" for one sent
// while loading) means the worker died or hung: both end in {type: "fatal"}.
//
// Starting before the first paint was measured (bench, 2 cores): no earlier result, a later paint.
// Tests and the bench may set window.qmasRuntimeOptions before this module runs:
//   {loadStallMs, replyTimeoutMs, serviceWorker: false, snapshot: false, early: false, afterPaint: false,
//    intent: false}
import { prepareNextVisit } from "./runtime-next-visit.js";

const WORKER_URL = new URL("qmas-worker.js", import.meta.url);
const MANIFEST_URL = new URL("../py/manifest.json", import.meta.url);
const options = window.qmasRuntimeOptions || {};
// Read when used, so a test can change them on the fly.
const LOAD_STALL_MS = () => options.loadStallMs || 90000; // the wasm (3.5 MB) arrives in one step
const REPLY_TIMEOUT_MS = () => options.replyTimeoutMs || 20000;

const current = { worker: null, ready: false, fatal: null, info: null, startedAt: null, progress: null, extras: null, timer: null };
const listeners = new Set();
// request id -> when its reply became due: when sent, or, if sent while loading, when ready
const pending = new Map();
let nextId = 1;
let watchdog = null;

export const state = Object.freeze({
  get ready() { return current.ready; },
  get fatal() { return current.fatal; },
  get info() { return current.info; },
  get startedAt() { return current.startedAt; },
  get progress() { return current.progress; },
  get extras() { return current.extras; },
  get running() { return current.worker !== null; },
});

export function listen(fn) {
  listeners.add(fn);
  return () => listeners.delete(fn);
}

function emit(msg) {
  listeners.forEach((listener) => listener(msg));
}

function armLoadTimer() {
  clearTimeout(current.timer);
  current.timer = setTimeout(() => failRuntime("loading took too long"), LOAD_STALL_MS());
}

function armWatchdog() {
  if (!watchdog) watchdog = setTimeout(checkReplies, REPLY_TIMEOUT_MS());
}

function checkReplies() {
  watchdog = null;
  const due = Array.from(pending.values()).filter((sent) => sent !== null);
  if (!due.length) return;
  const waited = Date.now() - Math.min(...due);
  if (waited >= REPLY_TIMEOUT_MS()) return failRuntime("the calculator stopped answering");
  watchdog = setTimeout(checkReplies, REPLY_TIMEOUT_MS() - waited);
}

export function ask(message) {
  if (!current.worker || current.fatal) return null;
  const id = nextId++;
  pending.set(id, current.ready ? Date.now() : null);
  if (current.ready) armWatchdog();
  try {
    current.worker.postMessage({ ...message, id });
  } catch (error) {
    setTimeout(() => failRuntime("the calculator's worker stopped"), 0);
  }
  return id;
}

function onMessage(event) {
  const msg = event.data || {};
  if (msg.id !== undefined) pending.delete(msg.id);
  if (msg.type === "progress") {
    current.progress = msg;
    armLoadTimer();
  } else if (msg.type === "ready") {
    current.ready = true;
    current.info = msg;
    clearTimeout(current.timer);
    // Requests sent while loading are due from now: one lost on the way is noticed too.
    const now = Date.now();
    pending.forEach((sent, id) => sent === null && pending.set(id, now));
    if (pending.size) armWatchdog();
  } else if (msg.type === "fatal") {
    return failRuntime(msg.message || "loading failed");
  }
  emit(msg);
  if (msg.type === "result" && !current.extras) current.extras = prepareNextVisit(WORKER_URL, options, current.info || {});
}

// The first start waits for the page's first paint: Pyodide's start-up (the wasm compiled on
// every core) would otherwise delay it on a small machine.
let painted = false;
let waiting = false;
try {
  const observer = new PerformanceObserver((entries) => {
    if (entries.getEntriesByName("first-contentful-paint").length) {
      observer.disconnect();
      setTimeout(onPainted, 0);
    }
  });
  observer.observe({ type: "paint", buffered: true });
} catch (error) {
  painted = true; // no paint timing: do not wait
}
window.addEventListener("load", () => setTimeout(onPainted, 0), { once: true }); // at the latest

function onPainted() {
  if (painted) return;
  painted = true;
  if (waiting) {
    waiting = false;
    startWorker();
  }
}

export function startWorker() {
  if (current.worker) return;
  if (!painted && options.afterPaint !== false) {
    waiting = true;
    return;
  }
  current.fatal = null;
  current.ready = false;
  let worker;
  try {
    worker = new Worker(WORKER_URL, { type: "module", name: "qmas-calculator" });
  } catch (error) {
    return failRuntime(String((error && error.message) || error));
  }
  current.startedAt = performance.now();
  current.progress = null;
  current.worker = worker;
  worker.onmessage = onMessage;
  worker.onerror = (event) => {
    event.preventDefault();
    failRuntime(event.message || "the calculator's worker stopped");
  };
  armLoadTimer();
  sendManifest(worker);
  emit({ type: "started" }); // requests may be sent from now on
}

// The runtime's manifest, fetched here while the worker's scripts arrive and posted to it (a
// "qmas-calculator" worker waits for it: see qmas-worker.js), so the runtime files are requested
// as soon as the worker runs. "no-cache" revalidates: a new deploy is seen at once.
function sendManifest(worker) {
  fetch(MANIFEST_URL, { cache: "no-cache" })
    .then((response) => {
      if (!response.ok) throw new Error(`HTTP ${response.status}`);
      return response.json();
    })
    .then((manifest) => ({ manifest }), (error) => ({ error: `${MANIFEST_URL.href}: ${(error && error.message) || error}` }))
    .then((message) => current.worker === worker && worker.postMessage({ type: "manifest", ...message }));
}

function stop() {
  clearTimeout(current.timer);
  clearTimeout(watchdog);
  watchdog = null;
  pending.clear();
  if (current.worker) current.worker.terminate();
  current.worker = null;
  current.ready = false;
}

function failRuntime(message) {
  stop();
  current.fatal = message;
  emit({ type: "fatal", message });
}

export function restartWorker() {
  stop();
  startWorker();
}

// The calculator is on this page: start (after the first paint), not when the form is wired.
if (options.early !== false && document.getElementById("qmas-calculator")) startWorker();

// Intent: on any page, a visitor who points at (for HOVER_MS: a pointer crossing a link on its
// way elsewhere does not count), focuses or touches a link to a page with the calculator starts
// the worker, so the download is under way when that page opens; a visitor who never moves
// toward it downloads no Python. Off when the browser asks to save data (the calculator page
// itself still starts it). The pages come from the build: data-calculator on this module's tag.
const HOVER_MS = 100;

function calculatorPaths() {
  const root = new URL("../../", import.meta.url); // this file is at <site>/assets/javascripts/
  const script = document.querySelector("script[data-calculator]");
  try {
    return new Set(JSON.parse((script && script.dataset.calculator) || "[]").map((path) => new URL(path, root).pathname));
  } catch (error) {
    return new Set();
  }
}

function watchIntent() {
  const paths = calculatorPaths();
  if (!paths.size) return;
  let hover = null;
  const toCalculator = (target) => {
    const link = target instanceof Element && target.closest("a[href]");
    if (!link) return false;
    let url;
    try {
      url = new URL(link.getAttribute("href"), location.href);
    } catch (error) {
      return false; // not an address
    }
    return url.origin === location.origin && paths.has(url.pathname.replace(/index\.html$/, ""));
  };
  const saveData = () => Boolean(navigator.connection && navigator.connection.saveData === true);
  const begin = () => {
    clearTimeout(hover);
    // After a failure the calculator's own retry starts it again, not a pointer passing by.
    if (current.worker || current.fatal || saveData()) return;
    startWorker();
  };
  const now = (event) => toCalculator(event.target) && begin();
  document.addEventListener("pointerover", (event) => {
    if (!toCalculator(event.target)) return;
    clearTimeout(hover);
    hover = setTimeout(begin, HOVER_MS);
  }, { passive: true });
  document.addEventListener("pointerout", (event) => toCalculator(event.target) && clearTimeout(hover), { passive: true });
  document.addEventListener("focusin", now);
  document.addEventListener("touchstart", now, { passive: true });
}

if (options.intent !== false) watchIntent();
