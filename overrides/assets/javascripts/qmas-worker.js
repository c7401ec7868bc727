// qmas-worker.js: a module Web Worker that runs qmas_core in Pyodide.
//
// Start it from the page with
//   new Worker(new URL("assets/javascripts/qmas-worker.js", <site base URL>), { type: "module" })
// Everything it loads is self-hosted and found relative to this file, so the
// site works under any sub-path (e.g. /qmas/):
//   ../pyodide/     the Pyodide runtime (site_scripts/pyodide_files.py)
//   ../py/          manifest.json + the qmas_core wheel (site_scripts/wheel.py);
//                   the manifest may also name a lock file and a .pyc stdlib
//
// Messages (typed; replies carry the request's id):
//   page -> worker  {id, type: "assess", answers, edition, lang, include?}
//   worker -> page  {id, type: "result", result, ...extras}  (extras: whatever else the
//                                       core returned, e.g. advice, checklist, compare)
//                   {id, type: "invalid", errors: [{field, message}]}
//                   {id, type: "error", message, traceback?}  unexpected Python exception
//                   {type: "ready", pyodide, wheel, sha256, timings}  once loaded
//                   {type: "fatal", message}   loading failed (also the reply, with
//                                              the id, to any request after that)

const PYODIDE_URL = new URL("../pyodide/", import.meta.url).href;
const PY_URL = new URL("../py/", import.meta.url).href;
// What the page's message may pass on to qmas_core.assess_json.
const REQUEST_KEYS = ["answers", "edition", "lang", "include"];

function since(t0) {
  return Math.round(performance.now() - t0);
}

async function fetchManifest() {
  // "no-cache" revalidates, so a new deploy is seen at once (a 304 is cheap).
  const response = await fetch(new URL("manifest.json", PY_URL), { cache: "no-cache" });
  if (!response.ok) {
    throw new Error(`${response.url}: HTTP ${response.status}`);
  }
  return response.json();
}

async function start() {
  const t0 = performance.now();
  const timings = {};
  const manifestPromise = fetchManifest();
  const { loadPyodide } = await import(`${PYODIDE_URL}pyodide.mjs`);
  const manifest = await manifestPromise;
  timings.loader = since(t0);

  const options = {
    indexURL: PYODIDE_URL,
    // Relative lock-file entries resolve here, never against a CDN.
    packageBaseUrl: PYODIDE_URL,
    packages: [],
  };
  if (manifest.pyodide_lock) {
    // Saves fetching pyodide-lock.json: we load no package from the lock file.
    options.lockFileContents = manifest.pyodide_lock;
  }
  if (manifest.pyodide_stdlib) {
    // The stdlib precompiled to .pyc (site_scripts/pyodide_files.py --pyc-stdlib).
    options.stdLibURL = PYODIDE_URL + manifest.pyodide_stdlib;
  }
  const pyodide = await loadPyodide(options);
  timings.pyodide = since(t0);

  const failures = [];
  await pyodide.loadPackage(new URL(manifest.wheel, PY_URL).href, {
    messageCallback: () => {},
    errorCallback: (message) => failures.push(message),
  });
  if (failures.length) {
    throw new Error(`loading ${manifest.wheel} failed: ${failures.join("; ")}`);
  }
  timings.wheel = since(t0);

  // The whole boundary: qmas_core.assess_json(request_json: str) -> str, and the
  // eligible-university finder's find_universities_json(request_json: str) -> str.
  const core = pyodide.pyimport("qmas_core");
  const assessJson = core.assess_json;
  const findJson = core.find_universities_json;
  if (typeof assessJson !== "function" || typeof findJson !== "function") {
    throw new Error(`${manifest.wheel} has no qmas_core.assess_json or find_universities_json`);
  }
  timings.core = since(t0);

  return { pyodide, assessJson, findJson, manifest, timings };
}

const runtime = start();

runtime.then(
  ({ pyodide, manifest, timings }) =>
    self.postMessage({
      type: "ready",
      pyodide: pyodide.version,
      wheel: manifest.wheel,
      sha256: manifest.sha256,
      timings,
    }),
  (error) => self.postMessage({ type: "fatal", message: String(error?.message ?? error) }),
);

function errorReply(id, error) {
  // A PythonError's message is the whole traceback; its last line names it.
  const text = String(error?.message ?? error).trim();
  const lines = text.split("\n");
  const reply = { id, type: "error", message: lines[lines.length - 1] || text };
  if (lines.length > 1) reply.traceback = text;
  return reply;
}

self.addEventListener("message", async (event) => {
  const message = event.data ?? {};
  const { id } = message;
  if (message.type === "find") {
    // {id, type: "find", query, lang} -> {id, type: "found", result}
    try {
      const { findJson } = await runtime;
      const result = JSON.parse(findJson(JSON.stringify({ query: message.query, lang: message.lang })));
      self.postMessage(Array.isArray(result.errors) ? { id, type: "invalid", errors: result.errors } : { id, type: "found", result });
    } catch (error) {
      self.postMessage(errorReply(id, error));
    }
    return;
  }
  if (message.type !== "assess") {
    self.postMessage({ id, type: "error", message: `unknown message type: ${message.type}` });
    return;
  }
  let assessJson;
  try {
    ({ assessJson } = await runtime);
  } catch (error) {
    self.postMessage({ id, type: "fatal", message: String(error?.message ?? error) });
    return;
  }
  let reply;
  try {
    const request = {};
    for (const key of REQUEST_KEYS) {
      if (message[key] !== undefined) request[key] = message[key];
    }
    const response = JSON.parse(assessJson(JSON.stringify(request)));
    reply = Array.isArray(response.errors)
      ? { id, type: "invalid", errors: response.errors }
      : { ...response, id, type: "result" };
  } catch (error) {
    reply = errorReply(id, error);
  }
  self.postMessage(reply);
});
