// The calculator's Python runtime: one Web Worker (qmas-worker.js: Pyodide + qmas_core) per
// tab, kept across Material's instant navigation. Listeners get the worker's messages,
// {type: "started"} when a worker starts (requests may be sent at once: it answers them once
// ready) and {type: "fatal", message} when it fails; restartWorker() starts a new one.
//
// Start-up: on a page with the calculator, as soon as the page has painted (first contentful
// paint, or the load event at the latest); elsewhere when calculator.js asks. Starting before
// the first paint (at once, or from a script in main.html's head, on repeat visits only, even
// with the heavy work held back until the paint) was measured with site_scripts/bench.py on 2
// cores: no earlier result, a later paint.
//
// Never spinning forever: loading fails after LOAD_STALL_MS without progress (the worker reports
// each step), and a request unanswered for REPLY_TIMEOUT_MS (counted from "ready" for one sent
// while loading) means the worker died or hung (a worker that stops sends no event): both end
// in {type: "fatal"}, which the calculator shows with a retry button (restartWorker). A message
// to a terminated worker fails at once.
//
// After the first result, in idle time: the service worker (sw.js; its scope is this script's
// folder, assets/javascripts/, where qmas-worker.js lives: the worker is its client, no page
// is) is registered, and a second worker makes the memory snapshot later visits start from (see
// qmas-worker.js); both only where the browser offers them, and only once per page load.
//
// Tests and the bench may set window.qmasRuntimeOptions before this file runs:
//   {loadStallMs, replyTimeoutMs, serviceWorker: false, snapshot: false, early: false,
//    afterPaint: false}
// runtime.info is the worker's "ready" message, runtime.startedAt when the worker was started
// (performance.now()); runtime.extras a promise of what was done after the first result
// ({serviceWorker, snapshot}).
(function () {
  "use strict";

  const SCRIPT_URL = document.currentScript && document.currentScript.src;
  const options = window.qmasRuntimeOptions || {};
  // Read when used, so a test can change them on the fly.
  const LOAD_STALL_MS = () => options.loadStallMs || 90000; // the wasm (3.5 MB) arrives in one step
  const REPLY_TIMEOUT_MS = () => options.replyTimeoutMs || 20000;
  const IDLE_DELAY_MS = 1000; // the service worker
  const SNAPSHOT_DELAY_MS = 3000; // the snapshot (a second Pyodide start, off the main thread)

  const runtime = {
    worker: null, ready: false, fatal: null, nextId: 1, timer: null, info: null, listeners: new Set(),
    extras: null,
  };
  // request id -> when its reply became due: when sent, or, if sent while loading, when ready
  const pending = new Map();
  let watchdog = null;
  let extrasScheduled = false;

  function emit(msg) {
    runtime.listeners.forEach((listener) => listener(msg));
  }

  function armLoadTimer() {
    clearTimeout(runtime.timer);
    runtime.timer = setTimeout(() => failRuntime("loading took too long"), LOAD_STALL_MS());
  }

  function armWatchdog() {
    if (!watchdog) watchdog = setTimeout(checkReplies, REPLY_TIMEOUT_MS());
  }

  function checkReplies() {
    watchdog = null;
    const due = Array.from(pending.values()).filter((sent) => sent !== null);
    if (!due.length) return;
    const oldest = Math.min(...due);
    const waited = Date.now() - oldest;
    if (waited >= REPLY_TIMEOUT_MS()) return failRuntime("the calculator stopped answering");
    watchdog = setTimeout(checkReplies, REPLY_TIMEOUT_MS() - waited);
  }

  // What calculator.js sees as runtime.worker: the worker, with its requests timed.
  function wrap(worker) {
    let terminated = false;
    return {
      postMessage(message) {
        if (terminated) {
          setTimeout(() => failRuntime("the calculator's worker stopped"), 0);
          return;
        }
        if (message && message.id !== undefined) {
          pending.set(message.id, runtime.ready ? Date.now() : null);
          if (runtime.ready) armWatchdog();
        }
        worker.postMessage(message);
      },
      terminate() {
        terminated = true;
        worker.terminate();
      },
      get raw() {
        return worker;
      },
    };
  }

  function onMessage(event) {
    const msg = event.data || {};
    if (msg.id !== undefined) pending.delete(msg.id);
    if (msg.type === "progress") {
      armLoadTimer();
    } else if (msg.type === "ready") {
      runtime.ready = true;
      runtime.info = msg;
      clearTimeout(runtime.timer);
      // Requests sent while loading are due from now: one lost on the way is noticed too.
      const now = Date.now();
      pending.forEach((sent, id) => sent === null && pending.set(id, now));
      if (pending.size) armWatchdog();
    } else if (msg.type === "fatal") {
      return failRuntime(msg.message || "loading failed");
    }
    emit(msg);
    if (msg.type === "result" && !extrasScheduled) scheduleExtras();
  }

  function onError(event) {
    event.preventDefault();
    failRuntime(event.message || "the calculator's worker stopped");
  }

  // The first start waits for the page's first paint: Pyodide's start-up (the wasm compiled on
  // every core) would otherwise delay it on a small machine (measured: site_scripts/bench.py).
  let painted = false;
  let waiting = false;
  try {
    const observer = new PerformanceObserver((list) => {
      if (list.getEntriesByName("first-contentful-paint").length) {
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

  function startWorker() {
    if (runtime.worker || !SCRIPT_URL) return;
    if (!painted && options.afterPaint !== false) {
      waiting = true;
      return;
    }
    runtime.fatal = null;
    runtime.ready = false;
    let worker;
    try {
      worker = new Worker(new URL("qmas-worker.js", SCRIPT_URL), { type: "module" });
    } catch (error) {
      return failRuntime(String((error && error.message) || error));
    }
    runtime.startedAt = performance.now();
    runtime.worker = wrap(worker);
    worker.onmessage = onMessage;
    worker.onerror = onError;
    armLoadTimer();
    // Requests may be sent from now on: the worker answers them as soon as it is ready.
    emit({ type: "started" });
  }

  function failRuntime(message) {
    clearTimeout(runtime.timer);
    clearTimeout(watchdog);
    watchdog = null;
    pending.clear();
    if (runtime.worker) runtime.worker.terminate();
    runtime.worker = null;
    runtime.ready = false;
    runtime.fatal = message;
    emit({ type: "fatal", message });
  }

  function restartWorker() {
    if (runtime.worker) runtime.worker.terminate();
    runtime.worker = null;
    pending.clear();
    startWorker();
  }

  // ---- After the first result: what makes the next visit fast. ----
  function whenIdle(delay, callback) {
    const later = () => (window.requestIdleCallback ? requestIdleCallback(callback, { timeout: 5000 }) : callback());
    setTimeout(later, delay);
  }

  function registerServiceWorker() {
    if (options.serviceWorker === false || !("serviceWorker" in navigator) || !window.isSecureContext) {
      return Promise.resolve(false);
    }
    return navigator.serviceWorker
      .register(new URL("../../sw.js", SCRIPT_URL), { scope: new URL("./", SCRIPT_URL).pathname })
      .then((registration) => new Promise((resolve) => {
        // Not navigator.serviceWorker.ready: that waits for one controlling this page.
        const worker = registration.installing || registration.waiting || registration.active;
        if (!worker || worker.state === "activated") return resolve(Boolean(worker));
        worker.addEventListener("statechange", () => {
          if (worker.state === "activated" || worker.state === "redundant") resolve(worker.state === "activated");
        });
      }))
      .catch(() => false); // no sw.js (a partial build) or not allowed: nothing lost
  }

  function makeSnapshot() {
    return new Promise((resolve) => {
      let maker;
      try {
        maker = new Worker(new URL("qmas-worker.js", SCRIPT_URL), { type: "module", name: "qmas-snapshot" });
      } catch (error) {
        return resolve({ stored: false, message: String(error) });
      }
      const done = (outcome) => {
        maker.terminate();
        resolve(outcome);
      };
      maker.onmessage = (event) => event.data && event.data.type === "snapshot" && done(event.data);
      maker.onerror = (event) => {
        event.preventDefault();
        done({ stored: false, message: event.message || "failed" });
      };
    });
  }

  // runtime.extras resolves when both are done (the bench waits for it before a repeat visit).
  function scheduleExtras() {
    extrasScheduled = true;
    const info = runtime.info || {};
    const worker = new Promise((resolve) => whenIdle(IDLE_DELAY_MS, () => resolve(registerServiceWorker())));
    const snapshot = options.snapshot !== false && info.snapshot === "none" && window.caches && window.isSecureContext
      ? new Promise((resolve) => whenIdle(SNAPSHOT_DELAY_MS, () => resolve(makeSnapshot())))
      : Promise.resolve(null);
    runtime.extras = Promise.all([worker, snapshot]).then(([serviceWorker, made]) => ({ serviceWorker, snapshot: made }));
  }

  runtime.startWorker = startWorker;
  runtime.restartWorker = restartWorker;
  window.qmasRuntime = runtime;
  // The calculator is on this page: start (after the first paint), not when calculator.js
  // gets to it.
  if (options.early !== false && document.getElementById("qmas-calculator")) startWorker();
})();
