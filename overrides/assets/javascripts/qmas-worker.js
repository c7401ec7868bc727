// qmas-worker.js: a module Web Worker that runs qmas_core in Pyodide; this file is its message
// protocol with the page. Start it from the page with
//   new Worker(new URL("assets/javascripts/qmas-worker.js", <site base URL>), { type: "module" })
// (qmas-runtime.js does). Its jobs, in qmas-worker/: boot.js (the manifest, the runtime files
// fetched in parallel, loadPyodide), runtime-files.js (each file checked against the manifest,
// a damaged cached copy replaced), wasm.js (the wasm compiled while it streams in, its failure
// reported), snapshot-store.js (memory snapshots in Cache Storage). A worker named
// "qmas-snapshot" makes a snapshot and answers nothing else. A worker named "qmas-calculator"
// (qmas-runtime.js starts one) does not fetch the runtime's manifest: the page fetches it while
// this worker's scripts arrive and posts it, which saves the worker a round trip before the
// runtime files are requested; any other worker fetches ../py/manifest.json itself.
//
// Messages (typed; replies carry the request's id):
//   page -> worker  {type: "manifest", manifest?, error?}  (to a "qmas-calculator" worker only,
//                   once, as soon as the page has it: assets/py/manifest.json's content, or why
//                   it could not be fetched; the files are checked against it as ever)
//                   {id, type: "assess", answers, edition, lang, include?, split?}
//                   split: true (with include): the result alone at once, then the extras in
//                   a second reply {id, type: "extras", ...extras} once no newer assess
//                   request has come for 100 ms and while they are computed (one by one),
//                   else never (the result says what is pending)
//                   {id, type: "find", query, lang, limit?}   the eligible-university finder
//                   {id, type: "stats"}                        timings, memory, fallbacks
//   worker -> page  {id, type: "result", result, ...extras}  (extras: whatever else the
//                                       core returned, e.g. advice, checklist, compare;
//                                       split: {id, type: "result", result, pending: [...]})
//                   {id, type: "extras", advice?, checklist?, compare?}  (split requests)
//                   {id, type: "found", result}             the finder's answer
//                   {id, type: "invalid", errors: [{field, message}]}
//                   {id, type: "error", message, traceback?}  unexpected Python exception
//                   {id, type: "stats", timings, memory, stdlib_fallback, snapshot}
//                   {type: "progress", stage, received?, total?, cached?}   start-up moving on (the
//                                       page's time-out). stage: "manifest", "downloading"
//                                       (repeated, at most every 100 ms and once all has
//                                       arrived), "fetched", "pyodide", "core". received /
//                                       total (with "downloading" and "fetched"): bytes of the
//                                       runtime files, total from the manifest's sizes, for a
//                                       determinate progress bar, complete when received ===
//                                       total. From the cache they arrive at once: a repeat
//                                       visit may send a single "downloading". cached: true
//                                       when the service worker keeps this build's runtime
//                                       files (they come from there: the page shows no bar).
//                   {type: "ready", pyodide, wheel, sha256, timings, snapshot}  once loaded
//                   {type: "snapshot", stored, message?}  (snapshot worker only) done
//                   {type: "fatal", message}   loading failed or Pyodide died (also the
//                                              reply, with the id, to any later request);
//                                              a file that fails its check twice is named:
//                                              "<file> could not be loaded: <why>"
// Every module of the worker is named here, so the browser requests them all in one wave as
// soon as this file arrives, not one level of imports after another (a round trip each).
import { start, timings } from "./qmas-worker/boot.js";
import { makeSnapshot, SNAPSHOT_ROLE } from "./qmas-worker/snapshot-store.js";
import "./qmas-worker/runtime-files.js";
import "./qmas-worker/wasm.js";

const REQUEST_KEYS = ["answers", "edition", "lang", "include"];
const making = self.name === SNAPSHOT_ROLE;
const FED_ROLE = "qmas-calculator";

let handManifest = null;
const handedManifest = self.name === FED_ROLE ? new Promise((resolve, reject) => {
  handManifest = ({ manifest, error }) => (error ? reject(new Error(error)) : resolve(manifest));
}) : null;

function messageOf(error) {
  return String((error && error.message) || error);
}

const runtimePromise = start({
  making,
  manifest: handedManifest,
  report: (stage, bytes) => making || self.postMessage({ type: "progress", stage, ...bytes }),
});

if (making) {
  runtimePromise.then(makeSnapshot).then(
    (outcome) => self.postMessage({ type: "snapshot", ...outcome }),
    (error) => self.postMessage({ type: "snapshot", stored: false, message: messageOf(error) }),
  );
} else {
  runtimePromise.then(
    ({ pyodide, manifest, snapshot }) =>
      self.postMessage({
        type: "ready",
        pyodide: pyodide.version,
        wheel: manifest.wheel,
        sha256: manifest.sha256,
        bundle: manifest.bundle ? manifest.bundle.file : null,
        snapshot,
        timings,
        memory: { wasm: pyodide._module.HEAPU8.byteLength },
      }),
    (error) => self.postMessage({ type: "fatal", message: messageOf(error) }),
  );
}

// The extras one at a time, each in its own task, so that a newer request waits for one
// extra at most (the core keeps the score's assessment for them: qmas_core.browser); sent
// together once all are done, dropped as soon as a newer assess request has come in.
function extras(runtime, message, ticket, done = {}, index = 0) {
  if (ticket !== latestAssess) return; // a newer request came in: these would be stale
  if (index === message.include.length) {
    self.postMessage({ ...done, id: message.id, type: "extras" });
    return;
  }
  const name = message.include[index];
  try {
    const response = JSON.parse(runtime.assessJson(JSON.stringify(assessRequest(message, [name]))));
    // Absent: compare for the Achievement-based Test; one the core refuses (an extra it does
    // not offer) leaves the others shown.
    if (name in response) done[name] = response[name];
  } catch (error) {
    self.postMessage(errorReply(message.id, error));
    return;
  }
  setTimeout(() => extras(runtime, message, ticket, done, index + 1), 0);
}

function errorReply(id, error) {
  // A PythonError's message is the whole traceback; its last line names it.
  const text = messageOf(error).trim();
  const lines = text.split("\n");
  const reply = { id, type: "error", message: lines[lines.length - 1] || text };
  if (lines.length > 1) reply.traceback = text;
  return reply;
}

function dead(error) {
  return Boolean(error && (error.pyodide_fatal_error || /already (fatally failed|exited)/.test(String(error.message))));
}

// Split requests: the score at once, the extras (advice, checklist, compare, schemes, plan:
// several times the work) in a second message once no newer assess request has come for
// EXTRAS_DELAY_MS, so that while the visitor types, each score waits for no extras
// computation (measured: the extras of one keystroke were what delayed the score of the next).
const EXTRAS_DELAY_MS = 100;
let latestAssess = 0;

function assessRequest(message, include) {
  const request = {};
  for (const key of REQUEST_KEYS) {
    if (message[key] !== undefined) request[key] = message[key];
  }
  if (include !== undefined) request.include = include;
  return request;
}

function answer(runtime, message) {
  const { id } = message;
  if (message.type === "assess") {
    const split = message.split === true && Array.isArray(message.include) && message.include.length > 0;
    const response = JSON.parse(runtime.assessJson(JSON.stringify(assessRequest(message, split ? [] : undefined))));
    if (Array.isArray(response.errors)) return { id, type: "invalid", errors: response.errors };
    if (split) {
      const ticket = ++latestAssess;
      setTimeout(() => extras(runtime, message, ticket), EXTRAS_DELAY_MS);
      return { ...response, id, type: "result", pending: message.include };
    }
    return { ...response, id, type: "result" };
  }
  if (message.type === "find") {
    const request = { query: message.query, lang: message.lang };
    if (message.limit !== undefined) request.limit = message.limit;
    const response = JSON.parse(runtime.findJson(JSON.stringify(request)));
    return Array.isArray(response.errors)
      ? { id, type: "invalid", errors: response.errors }
      : { id, type: "found", result: response };
  }
  if (message.type === "stats") {
    return {
      id,
      type: "stats",
      timings,
      snapshot: runtime.snapshot,
      memory: { wasm: runtime.pyodide._module.HEAPU8.byteLength },
      stdlib_fallback: runtime.finder ? runtime.finder.missed.toJs() : [],
    };
  }
  return { id, type: "error", message: `unknown message type: ${message.type}` };
}

self.addEventListener("message", async (event) => {
  const message = event.data || {};
  const { id } = message;
  if (message.type === "manifest") {
    if (handManifest) handManifest(message);
    handManifest = null;
    return;
  }
  let runtime;
  try {
    runtime = await runtimePromise;
  } catch (error) {
    self.postMessage({ id, type: "fatal", message: messageOf(error) });
    return;
  }
  let reply;
  try {
    reply = answer(runtime, message);
  } catch (error) {
    if (dead(error)) {
      // Pyodide cannot be used any more: the page restarts the worker.
      self.postMessage({ id, type: "fatal", message: String(error.message || error).split("\n")[0] });
      self.close();
      return;
    }
    reply = errorReply(id, error);
  }
  self.postMessage(reply);
});
