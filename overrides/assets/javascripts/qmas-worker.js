// qmas-worker.js: a module Web Worker that runs qmas_core in Pyodide.
//
// Start it from the page with
//   new Worker(new URL("assets/javascripts/qmas-worker.js", <site base URL>), { type: "module" })
// (qmas-runtime.js does).
// Everything it loads is self-hosted and found from ../py/manifest.json, so the site works
// under any sub-path (e.g. /qmas/). The manifest (site_scripts/wheel.py) names:
//   pyodide         the Pyodide runtime: its version and folder, named after the version
//                   (../pyodide/314.0.7/), so no cache can ever mix two versions
//   bundle          the stdlib modules the core needs + the core, precompiled, in one zip
//                   (site_scripts/pyodide_files.build_bundle), passed as Pyodide's stdlib
//   stdlib          Pyodide's full python_stdlib.zip and its top-level names: fetched only
//                   if the core imports a stdlib module the bundle left out
//   wheel, sha256   the qmas_core wheel the bundle was made from (loaded with loadPackage
//                   only by a site built without a bundle)
//
// Start-up: the manifest (and meanwhile a stored memory snapshot, if any), then in parallel the
// bundle, the wasm, pyodide.mjs and pyodide.asm.mjs, each checked against its size and sha256
// in the manifest before use (a damaged cached copy is evicted and fetched again:
// qmas-worker/runtime-files.js); then loadPyodide. A failure anywhere is reported at once
// (Pyodide itself would wait forever for a wasm that does not compile).
//
// Memory snapshot (where Cache Storage exists): a worker started with the name
// "qmas-snapshot" (qmas-runtime.js starts one in idle time after the first result) loads the
// runtime with _makeSnapshot, imports the core, warms it up with fixed synthetic answers
// (never the visitor's: the snapshot is memory and would keep them), checks a reference
// answer and stores the snapshot in Cache Storage under the manifest's key. Later starts
// restore it (no Python start-up, no imports) and check the same reference answer; any
// problem means the snapshot is dropped and the normal start used.
//
// Messages (typed; replies carry the request's id):
//   page -> worker  {id, type: "assess", answers, edition, lang, include?, split?}
//                   split: true (with include): the result alone at once, then the extras in
//                   a second reply {id, type: "extras", ...extras} 100 ms later, skipped if a
//                   newer assess request arrived meanwhile (the result says what is pending)
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
//                   {type: "progress", stage}   start-up moving on (the page's time-out)
//                   {type: "ready", pyodide, wheel, sha256, timings, snapshot}  once loaded
//                   {type: "snapshot", stored, message?}  (snapshot worker only) done
//                   {type: "fatal", message}   loading failed or Pyodide died (also the
//                                              reply, with the id, to any later request)

import { fetchVerified, importVerified } from "./qmas-worker/runtime-files.js";
import { loadWasm } from "./qmas-worker/wasm.js";

const PY_URL = new URL("../py/", import.meta.url).href;
const REQUEST_KEYS = ["answers", "edition", "lang", "include"];
const SNAPSHOT_ROLE = "qmas-snapshot";
const SNAPSHOT_CACHE_PREFIX = "qmas-snapshot-";
const making = self.name === SNAPSHOT_ROLE;
// A fixed profile: checks a restored snapshot (the score alone: ~1 ms) and, with every extra,
// warms the core up before one is made.
const REFERENCE = {
  answers: { age: 31, qualification: "master", good_languages: ["chinese", "english"], work_years: 6 },
  edition: "criteria-2024",
  lang: "en",
};
const EXTRAS = ["advice", "checklist", "compare"];

const t0 = performance.now();
const timings = {};
function mark(stage) {
  timings[stage] = Math.round(performance.now() - t0);
  if (!making) self.postMessage({ type: "progress", stage });
}

// A time for the "ready" message only (no progress event).
function stamp(stage) {
  timings[stage] = Math.round(performance.now() - t0);
}

function fail(message) {
  return new Error(message);
}

async function fetchManifest() {
  // "no-cache" revalidates, so a new deploy is seen at once (a 304 is cheap).
  const url = PY_URL + "manifest.json";
  let response;
  try {
    response = await fetch(url, { cache: "no-cache" });
  } catch (error) {
    throw fail(`${url}: ${error.message || error}`);
  }
  if (!response.ok) throw fail(`${url}: HTTP ${response.status}`);
  return response.json();
}

// A bundle gzipped as a whole (better than zip's file-by-file compression; Pages does not
// compress .zip files): unpacked here, into the stored zip Pyodide mounts.
async function gunzip(buffer, name) {
  if (typeof DecompressionStream !== "function") {
    throw fail("this browser is too old for the calculator (it needs Chrome 80, Firefox 113, Safari 16.4 or later)");
  }
  try {
    const stream = new Blob([buffer]).stream().pipeThrough(new DecompressionStream("gzip"));
    return await new Response(stream).arrayBuffer();
  } catch (error) {
    throw fail(`${name} is damaged (${error.message || error})`);
  }
}

// The stdlib modules the bundle left out, from the full stdlib (see the top of this file).
const FALLBACK_PY = `
import sys
from importlib.machinery import PathFinder

class QmasFullStdlib:
    """Finds a stdlib module the calculator's bundle left out in Pyodide's full stdlib, fetched
    once, synchronously (imports are synchronous; a worker may block)."""

    def __init__(self, url, names, bundle):
        self.url, self.names, self.bundle = url, frozenset(names), bundle
        self.full = None
        self.missed = []

    def find_spec(self, name, path=None, target=None):
        if name.partition(".")[0] not in self.names:
            return None
        if path is None:
            search = [self._load()]
        else:
            search = [self._load() + p[len(self.bundle):] for p in path if p.startswith(self.bundle)]
        spec = PathFinder.find_spec(name, search) if search else None
        if spec is not None:
            self.missed.append(name)
        return spec

    def _load(self):
        if self.full is None:
            from js import XMLHttpRequest
            request = XMLHttpRequest.new()
            request.open("GET", self.url, False)
            request.responseType = "arraybuffer"
            request.send()
            if request.status != 200:
                raise ImportError(f"{self.url}: HTTP {request.status}")
            full = "/lib/qmas_full_stdlib.zip"
            with open(full, "wb") as f:
                f.write(request.response.to_bytes())
            self.full = full
        return self.full

finder = next((f for f in sys.meta_path if type(f).__name__ == "QmasFullStdlib"), None)
if finder is None:
    finder = QmasFullStdlib(URL, NAMES, next(p for p in sys.path if p.startswith("/lib/") and p.endswith(".zip")))
    sys.meta_path.append(finder)
finder
`;

// A snapshot is the whole wasm memory (30 MiB), 60% of it zero pages: stored sparse, as
// "QMS1", page size, total length, page count, the non-zero pages' numbers, their bytes.
const PAGE = 4096;

function sparse(bytes) {
  const words = new Uint32Array(bytes.buffer, bytes.byteOffset, bytes.byteLength >> 2);
  const pages = [];
  for (let page = 0; page * PAGE < bytes.byteLength; page++) {
    const from = (page * PAGE) >> 2;
    const to = Math.min(from + PAGE / 4, words.length);
    let used = page * PAGE + PAGE > bytes.byteLength; // a partial last page is always kept
    for (let i = from; !used && i < to; i++) used = words[i] !== 0;
    if (used) pages.push(page);
  }
  const head = new Uint32Array([0x31534d51, PAGE, bytes.byteLength, pages.length, ...pages]);
  const out = new Uint8Array(head.byteLength + pages.length * PAGE);
  out.set(new Uint8Array(head.buffer));
  pages.forEach((page, n) => {
    out.set(bytes.subarray(page * PAGE, Math.min(page * PAGE + PAGE, bytes.byteLength)), head.byteLength + n * PAGE);
  });
  return out;
}

function dense(buffer) {
  const head = new Uint32Array(buffer, 0, 4);
  if (head[0] !== 0x31534d51 || head[1] !== PAGE) throw fail("not a qmas snapshot");
  const count = head[3];
  const pages = new Uint32Array(buffer, 16, count);
  const data = new Uint8Array(buffer, 16 + count * 4);
  const out = new Uint8Array(head[2]);
  for (let n = 0; n < count; n++) {
    const at = pages[n] * PAGE;
    out.set(data.subarray(n * PAGE, n * PAGE + Math.min(PAGE, out.length - at)), at);
  }
  return out;
}

// Cache Storage holds at most one snapshot: the one for this manifest's key.
function snapshotCacheName(manifest) {
  return manifest.cache && self.caches ? SNAPSHOT_CACHE_PREFIX + manifest.cache : null;
}

// Started before the manifest arrives (it names the key), so reading the stored snapshot
// overlaps the manifest's round trip; kept only if its cache is the one the manifest names.
async function readSnapshot(manifestPromise) {
  if (!self.caches) return null;
  try {
    const names = (await caches.keys()).filter((n) => n.startsWith(SNAPSHOT_CACHE_PREFIX));
    if (names.length !== 1) return null;
    const cache = await caches.open(names[0]);
    const [stored, expected] = await Promise.all([cache.match("snapshot"), cache.match("reference")]);
    if (!stored || !expected) return null;
    const [packed, reference] = await Promise.all([stored.arrayBuffer(), expected.text()]);
    stamp("snapshot_bytes");
    const manifest = await manifestPromise;
    if (manifest.snapshot === false || names[0] !== snapshotCacheName(manifest)) return null;
    return { bytes: dense(packed), reference };
  } catch (error) {
    return null;
  }
}

async function dropSnapshots(keep) {
  if (!self.caches) return;
  for (const name of await caches.keys()) {
    if (name.startsWith(SNAPSHOT_CACHE_PREFIX) && name !== keep) await caches.delete(name);
  }
}

async function load(manifest, storedSnapshot) {
  const indexURL = new URL(manifest.pyodide && manifest.pyodide.dir ? manifest.pyodide.dir : "../pyodide/", PY_URL).href;
  const files = (manifest.pyodide && manifest.pyodide.files) || {};
  const checks = { cacheName: manifest.cache ? "qmas-runtime-" + manifest.cache : null };
  const bundle = manifest.bundle
    ? fetchVerified(PY_URL + manifest.bundle.file, manifest.bundle, checks).then(({ bytes }) =>
        manifest.bundle.encoding === "gzip" ? gunzip(bytes, manifest.bundle.file) : bytes).then((bytes) => {
        stamp("bundle");
        return bytes;
      })
    : null;
  const wasm = loadWasm(indexURL + "pyodide.asm.wasm", files["pyodide.asm.wasm"], checks, stamp);
  const wasmFailed = wasm.failed;
  // In parallel: the loader, the big script it would import next, the bundle.
  const loader = importVerified(indexURL + "pyodide.mjs", files["pyodide.mjs"], checks);
  const script = importVerified(indexURL + "pyodide.asm.mjs", files["pyodide.asm.mjs"], checks).then((module) => {
    stamp("script");
    return module;
  });
  for (const promise of [loader, script, bundle, wasmFailed]) if (promise) promise.catch(() => {});
  const { loadPyodide, version } = await loader;
  if (manifest.pyodide && manifest.pyodide.version && version !== manifest.pyodide.version) {
    throw fail(`pyodide.mjs is version ${version}, the manifest says ${manifest.pyodide.version}`);
  }
  const options = {
    indexURL,
    // Relative lock-file entries resolve here, never against a CDN.
    packageBaseUrl: indexURL,
    packages: [],
    createPyodideModule: async (settings) => {
      stamp("instantiating");
      const module = await (await script).default(settings);
      stamp("instantiated");
      return module;
    },
  };
  if (manifest.pyodide_lock) {
    // Saves fetching pyodide-lock.json: we load no package from the lock file.
    options.lockFileContents = manifest.pyodide_lock;
  }
  let blobURL = null;
  if (bundle) {
    blobURL = URL.createObjectURL(new Blob([await bundle]));
    options.stdLibURL = blobURL;
  } else if (manifest.pyodide_stdlib) {
    // The stdlib precompiled to .pyc (site_scripts/pyodide_files.py --pyc-stdlib).
    options.stdLibURL = indexURL + manifest.pyodide_stdlib;
  }
  const snapshot = await storedSnapshot;
  if (snapshot) options._loadSnapshot = snapshot.bytes;
  if (making) options._makeSnapshot = true;
  mark("fetched");
  try {
    return await Promise.race([loadPyodide(options), wasmFailed]);
  } finally {
    wasm.restore();
    if (blobURL) URL.revokeObjectURL(blobURL);
  }
}

async function start() {
  if (typeof WebAssembly !== "object" || !WebAssembly || typeof WebAssembly.instantiate !== "function") {
    throw fail("this browser cannot run WebAssembly (it may be switched off)");
  }
  const manifestPromise = fetchManifest();
  manifestPromise.catch(() => {});
  const storedSnapshot = making ? Promise.resolve(null) : readSnapshot(manifestPromise).then((stored) => {
    timings.snapshot_read = Math.round(performance.now() - t0);
    return stored;
  });
  const manifest = await manifestPromise;
  mark("manifest");
  let pyodide;
  let snapshot = "none";
  let stored = null;
  try {
    pyodide = await load(manifest, storedSnapshot);
    stored = await storedSnapshot;
    if (stored) snapshot = "used";
  } catch (error) {
    if (!(await storedSnapshot)) throw error;
    console.warn("qmas: the stored memory snapshot did not load, starting without it:", error);
    await dropSnapshots(null);
    pyodide = await load(manifest, null);
  }
  mark("pyodide");

  let finder = null;
  if (manifest.bundle) {
    if (manifest.stdlib && manifest.stdlib.names) {
      const url = new URL(manifest.pyodide.dir + manifest.stdlib.full, PY_URL).href;
      const params = pyodide.toPy({ URL: url, NAMES: manifest.stdlib.names });
      finder = pyodide.runPython(FALLBACK_PY, { globals: params });
      params.destroy();
    }
  } else {
    const failures = [];
    await pyodide.loadPackage(new URL(manifest.wheel, PY_URL).href, {
      messageCallback: () => {},
      errorCallback: (message) => failures.push(message),
    });
    if (failures.length) throw fail(`loading ${manifest.wheel} failed: ${failures.join("; ")}`);
  }
  // The whole boundary: qmas_core.assess_json / find_universities_json (str) -> str.
  const core = pyodide.pyimport("qmas_core");
  // What is loaded now (the rules above all) lives as long as the worker: out of the garbage
  // collector's way, so that its passes during an answer stay short (as gc.freeze() is meant for).
  pyodide.runPython("import gc; gc.freeze()");
  const assessJson = core.assess_json;
  const findJson = core.find_universities_json;
  if (typeof assessJson !== "function") throw fail(`${manifest.wheel} has no qmas_core.assess_json`);
  if (stored) {
    // A restored snapshot must answer the reference profile exactly as when it was made.
    const answer = assessJson(JSON.stringify(REFERENCE));
    if (answer !== stored.reference) {
      console.warn("qmas: the stored memory snapshot answers differently; dropped");
      await dropSnapshots(null);
      pyodide = null;
      return start();
    }
  }
  mark("core");
  return { pyodide, manifest, assessJson, findJson, finder, snapshot };
}

async function makeSnapshot() {
  const runtime = await runtimePromise;
  const { pyodide, manifest, assessJson } = runtime;
  const name = snapshotCacheName(manifest);
  if (!name || manifest.snapshot === false) return { stored: false, message: "no Cache Storage or no key" };
  if (await readSnapshot(Promise.resolve(manifest))) return { stored: true, message: "already stored" };
  // Warm up (rules parsed, caches filled) with fixed answers only, then freeze the memory.
  for (const edition of ["criteria-2024", "points-245", "achievement"]) {
    for (const lang of ["en", "zh-Hant", "zh-Hans"]) assessJson(JSON.stringify({ ...REFERENCE, edition, lang, include: EXTRAS }));
  }
  const reference = assessJson(JSON.stringify(REFERENCE));
  pyodide.runPython("import gc; gc.freeze()"); // what the warm-up cached, too
  const bytes = pyodide.makeMemorySnapshot();
  await dropSnapshots(name);
  const cache = await caches.open(name);
  await cache.put("reference", new Response(reference));
  const packed = sparse(bytes);
  await cache.put("snapshot", new Response(packed));
  return { stored: true, size: bytes.byteLength, stored_size: packed.byteLength };
}

const runtimePromise = start();

if (making) {
  makeSnapshot().then(
    (outcome) => self.postMessage({ type: "snapshot", ...outcome }),
    (error) => self.postMessage({ type: "snapshot", stored: false, message: String(error && error.message || error) }),
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
    (error) => self.postMessage({ type: "fatal", message: String((error && error.message) || error) }),
  );
}

function extras(runtime, message, ticket) {
  if (ticket !== latestAssess) return; // a newer request came in: these would be stale
  let reply;
  try {
    const response = JSON.parse(runtime.assessJson(JSON.stringify(assessRequest(message))));
    delete response.result;
    reply = { ...response, id: message.id, type: "extras" };
  } catch (error) {
    reply = errorReply(message.id, error);
  }
  self.postMessage(reply);
}

function errorReply(id, error) {
  // A PythonError's message is the whole traceback; its last line names it.
  const text = String((error && error.message) || error).trim();
  const lines = text.split("\n");
  const reply = { id, type: "error", message: lines[lines.length - 1] || text };
  if (lines.length > 1) reply.traceback = text;
  return reply;
}

function dead(error) {
  return Boolean(error && (error.pyodide_fatal_error || /already (fatally failed|exited)/.test(String(error.message))));
}

// Split requests: the score at once, the extras (advice, checklist, compare: ~10x the work)
// in a second message once no newer assess request has come for EXTRAS_DELAY_MS, so that
// while the visitor types, each score waits for no extras computation (measured: the extras
// of one keystroke were what delayed the score of the next).
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
  let runtime;
  try {
    runtime = await runtimePromise;
  } catch (error) {
    self.postMessage({ id, type: "fatal", message: String((error && error.message) || error) });
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
