// The calculator's Python runtime: one Web Worker (qmas-worker.js: Pyodide + qmas_core) per
// tab, kept across Material's instant navigation, with a time-out and a restart.
// Listeners get the worker's messages and {type: "fatal", message} when it fails.
(function () {
  "use strict";

  const SCRIPT_URL = document.currentScript && document.currentScript.src;
  const LOAD_TIMEOUT_MS = 60000;

  const runtime = { worker: null, ready: false, fatal: null, nextId: 1, timer: null, listeners: new Set() };

  function startWorker() {
    if (runtime.worker || !SCRIPT_URL) return;
    runtime.fatal = null;
    runtime.ready = false;
    try {
      runtime.worker = new Worker(new URL("qmas-worker.js", SCRIPT_URL), { type: "module" });
    } catch (error) {
      return failRuntime(String(error && error.message || error));
    }
    runtime.worker.onmessage = (event) => {
      const msg = event.data || {};
      if (msg.type === "ready") {
        runtime.ready = true;
        clearTimeout(runtime.timer);
      } else if (msg.type === "fatal") {
        return failRuntime(msg.message || "loading failed");
      }
      runtime.listeners.forEach((listener) => listener(msg));
    };
    runtime.worker.onerror = (event) => {
      event.preventDefault();
      failRuntime(event.message || "the calculator's worker stopped");
    };
    runtime.timer = setTimeout(() => failRuntime("loading took too long"), LOAD_TIMEOUT_MS);
  }

  function failRuntime(message) {
    clearTimeout(runtime.timer);
    if (runtime.worker) runtime.worker.terminate();
    runtime.worker = null;
    runtime.ready = false;
    runtime.fatal = message;
    runtime.listeners.forEach((listener) => listener({ type: "fatal", message }));
  }

  function restartWorker() {
    if (runtime.worker) runtime.worker.terminate();
    runtime.worker = null;
    startWorker();
  }

  runtime.startWorker = startWorker;
  runtime.restartWorker = restartWorker;
  window.qmasRuntime = runtime;
})();
