// Bench reference, not part of the site: the calculator run the way most Pyodide pages run
// Python. tools/bench.py serves the naive page a copy of the calculator's modules in which
// qmas-runtime.js re-exports this module (calculator.js, qmas-link.js, calculator/ and the
// form are the site's own):
//
//   * loadPyodide() with its defaults, on the main thread, from an untouched copy of the npm
//     package (bench.py puts it in ./pyodide/): the loader finds its files next to itself,
//     fetches pyodide-lock.json and the full python_stdlib.zip;
//   * pyodide.loadPackage(<the site's qmas_core wheel>);
//   * each request computed synchronously on the main thread, in one reply (no split).
//
// It exports what qmas-runtime.js exports (startWorker, restartWorker, ask, listen, state);
// a request is answered as qmas-worker.js answers it, one task later.

const HERE = import.meta.url;
const current = { answer: null, ready: false, fatal: null, info: null, startedAt: null };
const listeners = new Set();
const emit = (msg) => listeners.forEach((listener) => listener(msg));
let nextId = 1;
let loading = null;

export const state = Object.freeze({
  get ready() { return current.ready; },
  get fatal() { return current.fatal; },
  get info() { return current.info; },
  get startedAt() { return current.startedAt; },
  get running() { return current.answer !== null; },
});

export function listen(fn) {
  listeners.add(fn);
  return () => listeners.delete(fn);
}

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
  current.answer = (message) => {
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
  current.info = { type: "ready", pyodide: pyodide.version, wheel: manifest.wheel, timings: { total: Math.round(performance.now() - t0) }, memory: memory() };
  current.ready = true;
  emit(current.info);
}

export function ask(message) {
  if (!current.answer || current.fatal) return null;
  const id = nextId++;
  const request = { ...message, id };
  setTimeout(() => emit(current.answer(request)), 0);
  return id;
}

export function startWorker() {
  if (loading) return;
  current.fatal = null;
  current.startedAt = performance.now();
  loading = load().catch((error) => {
    current.fatal = String((error && error.message) || error);
    loading = null;
    emit({ type: "fatal", message: current.fatal });
  });
}

export const restartWorker = startWorker;
