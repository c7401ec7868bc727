// Bench reference, not part of the site: the calculator run the way most Pyodide pages run
// Python. tools/bench.py serves this in place of qmas-runtime.js on a copy of the
// calculator page (calculator.js, qmas-link.js and the form are the site's own):
//
//   * loadPyodide() with its defaults, on the main thread, from an untouched copy of the npm
//     package (bench.py puts it in ./pyodide/): the loader finds its files next to itself,
//     fetches pyodide-lock.json and the full python_stdlib.zip;
//   * pyodide.loadPackage(<the site's qmas_core wheel>);
//   * each request computed synchronously on the main thread.
//
// It offers calculator.js the same window.qmasRuntime as qmas-runtime.js: a "worker" whose
// postMessage answers like qmas-worker.js does, one task later.
(function () {
  "use strict";

  const HERE = document.currentScript.src;
  const runtime = { worker: null, ready: false, fatal: null, nextId: 1, timer: null, info: null, listeners: new Set() };
  const emit = (msg) => runtime.listeners.forEach((listener) => listener(msg));
  let loading = null;

  function errorReply(id, error) {
    const text = String((error && error.message) || error).trim();
    const lines = text.split("\n");
    return { id, type: "error", message: lines[lines.length - 1] || text };
  }

  async function load() {
    const t0 = performance.now();
    const { loadPyodide } = await import(new URL("pyodide/pyodide.mjs", HERE).href);
    const pyodide = await loadPyodide();
    const py = new URL("../assets/py/", HERE);
    const manifest = await (await fetch(new URL("manifest.json", py))).json();
    await pyodide.loadPackage(new URL(manifest.wheel, py).href);
    const core = pyodide.pyimport("qmas_core");
    const memory = () => ({ wasm: pyodide._module.HEAPU8.byteLength });
    const answer = (message) => {
      const { id } = message;
      try {
        if (message.type === "assess") {
          const request = {};
          for (const key of ["answers", "edition", "lang", "include"]) {
            if (message[key] !== undefined) request[key] = message[key];
          }
          const response = JSON.parse(core.assess_json(JSON.stringify(request)));
          return Array.isArray(response.errors)
            ? { id, type: "invalid", errors: response.errors }
            : { ...response, id, type: "result" };
        }
        if (message.type === "find") {
          const found = JSON.parse(core.find_universities_json(JSON.stringify({ query: message.query, lang: message.lang })));
          return Array.isArray(found.errors) ? { id, type: "invalid", errors: found.errors } : { id, type: "found", result: found };
        }
        if (message.type === "stats") return { id, type: "stats", memory: memory() };
        return { id, type: "error", message: "unknown message type: " + message.type };
      } catch (error) {
        return errorReply(id, error);
      }
    };
    runtime.worker = {
      postMessage(message) {
        setTimeout(() => emit(answer(message)), 0);
      },
      terminate() {},
    };
    runtime.info = { type: "ready", pyodide: pyodide.version, wheel: manifest.wheel, timings: { total: Math.round(performance.now() - t0) }, memory: memory() };
    runtime.ready = true;
    emit(runtime.info);
  }

  runtime.startWorker = function () {
    if (loading) return;
    loading = load().catch((error) => {
      runtime.fatal = String((error && error.message) || error);
      emit({ type: "fatal", message: runtime.fatal });
    });
  };
  runtime.restartWorker = runtime.startWorker;
  window.qmasRuntime = runtime;
})();
