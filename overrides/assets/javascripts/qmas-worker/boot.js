// The worker's start: everything it loads is self-hosted and found from ../py/manifest.json, so
// the site works under any sub-path (e.g. /qmas/). The manifest (site_scripts/wheel.py) names:
//   pyodide         the Pyodide runtime: its version, its folder, named after the version
//                   (../pyodide/314.0.7/), so no cache can ever mix two versions, and the size
//                   and sha256 of each of its files
//   bundle          the stdlib modules the core needs + the core + the worker's own Python
//                   (site_scripts/bundled/), precompiled, in one zip
//                   (site_scripts/pyodide_files.build_bundle), passed as Pyodide's stdlib
//   stdlib          Pyodide's full python_stdlib.zip and its top-level names: fetched only
//                   if the core imports a stdlib module the bundle left out
//   wheel, sha256   the qmas_core wheel the bundle was made from
//
// The manifest (and meanwhile a stored memory snapshot, if any), then in parallel the bundle,
// the wasm, pyodide.mjs and pyodide.asm.mjs, each checked before use (runtime-files.js), then
// loadPyodide. A failure anywhere is reported at once (Pyodide itself would wait forever for a
// wasm that does not compile: wasm.js).
import { answerHere, fetchVerified, importVerified } from "./runtime-files.js";
import { dropSnapshots, readSnapshot } from "./snapshot-store.js";
import { loadWasm } from "./wasm.js";

const PY_URL = new URL("../../py/", import.meta.url).href;
const RUNTIME_CACHE_PREFIX = "qmas-runtime-"; // sw.js's caches

const t0 = performance.now();
export const timings = {};

// A time for the "ready" message (the start's steps are also reported: see start()).
function stamp(stage) {
  timings[stage] = Math.round(performance.now() - t0);
}

async function fetchManifest() {
  // "no-cache" revalidates, so a new deploy is seen at once (a 304 is cheap).
  const url = PY_URL + "manifest.json";
  let response;
  try {
    response = await fetch(url, { cache: "no-cache" });
  } catch (error) {
    throw new Error(`${url}: ${error.message || error}`);
  }
  if (!response.ok) throw new Error(`${url}: HTTP ${response.status}`);
  return response.json();
}

// A bundle gzipped as a whole (better than zip's file-by-file compression; Pages does not
// compress .zip files): unpacked here, into the stored zip Pyodide mounts.
async function gunzip(buffer, name) {
  if (typeof DecompressionStream !== "function") {
    throw new Error("this browser is too old for the calculator (it needs Chrome 80, Firefox 113, Safari 16.4 or later)");
  }
  try {
    const stream = new Blob([buffer]).stream().pipeThrough(new DecompressionStream("gzip"));
    return await new Response(stream).arrayBuffer();
  } catch (error) {
    throw new Error(`${name} is damaged (${error.message || error})`);
  }
}

// Bytes received of the runtime files' total (sizes from the manifest), reported at most every
// PROGRESS_MS and once all have arrived: the page's progress bar. Bytes of a copy that failed
// its check are taken back. Bytes that came within PROGRESS_MS of a report are reported when
// it is over, so the bar never stays behind while the network pauses.
const PROGRESS_MS = 100;

// The service worker keeps every one of these files for this build (its cache may exist with
// none: it is made on any page): they come from there, and the page shows no bar.
async function allCached(cacheName, urls) {
  if (!cacheName || !self.caches || !(await caches.has(cacheName))) return false;
  const cache = await caches.open(cacheName);
  return (await Promise.all(urls.map((url) => cache.match(url)))).every(Boolean);
}

function byteCounter(sizes, report, isCached) {
  const total = sizes.reduce((sum, size) => sum + (size || 0), 0);
  let received = 0;
  let cached = false;
  isCached.then((all) => { cached = all; }, () => {});
  let last = performance.now();
  let trailing = null;
  const send = () => {
    clearTimeout(trailing);
    trailing = null;
    last = performance.now();
    report("downloading");
  };
  return {
    bytes: () => ({ received, total, cached }),
    add(n) {
      received += n;
      const wait = PROGRESS_MS - (performance.now() - last);
      if (received === total || wait <= 0) send();
      else if (trailing === null) trailing = setTimeout(send, wait);
    },
  };
}

async function load(manifest, storedSnapshot, { making, report }) {
  const indexURL = new URL(manifest.pyodide && manifest.pyodide.dir ? manifest.pyodide.dir : "../pyodide/", PY_URL).href;
  const files = (manifest.pyodide && manifest.pyodide.files) || {};
  // The wasm as the build gzipped it, where the manifest names that copy.
  const wasmName = files["pyodide.asm.wasm.gz"] ? "pyodide.asm.wasm.gz" : "pyodide.asm.wasm";
  const counted = [manifest.bundle, files[wasmName], files["pyodide.mjs"], files["pyodide.asm.mjs"]];
  const cacheName = manifest.cache ? RUNTIME_CACHE_PREFIX + manifest.cache : null;
  const urls = [PY_URL + manifest.bundle.file, ...[wasmName, "pyodide.mjs", "pyodide.asm.mjs"].map((name) => indexURL + name)];
  const counter = byteCounter(counted.map((file) => file && file.size), (stage) => report(stage, counter.bytes()), allCached(cacheName, urls));
  const checks = { cacheName, onBytes: (n) => counter.add(n) };
  const bundle = fetchVerified(PY_URL + manifest.bundle.file, manifest.bundle, checks).then(({ bytes }) =>
    manifest.bundle.encoding === "gzip" ? gunzip(bytes, manifest.bundle.file) : bytes).then((bytes) => {
    stamp("bundle");
    return bytes;
  });
  const wasm = loadWasm(indexURL + wasmName, files[wasmName], checks, stamp, indexURL + "pyodide.asm.wasm");
  // In parallel: the loader, the big script it would import next, the bundle.
  const loader = importVerified(indexURL + "pyodide.mjs", files["pyodide.mjs"], checks);
  const script = importVerified(indexURL + "pyodide.asm.mjs", files["pyodide.asm.mjs"], checks).then((module) => {
    stamp("script");
    return module;
  });
  for (const promise of [loader, script, bundle, wasm.failed]) promise.catch(() => {});
  const { loadPyodide, version } = await loader;
  if (manifest.pyodide && manifest.pyodide.version && version !== manifest.pyodide.version) {
    throw new Error(`pyodide.mjs is version ${version}, the manifest says ${manifest.pyodide.version}`);
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
  options.stdLibURL = new URL(manifest.bundle.file + "#unpacked", PY_URL).href;
  const forget = answerHere(options.stdLibURL, await bundle);
  const snapshot = await storedSnapshot;
  if (snapshot) options._loadSnapshot = snapshot.bytes;
  if (making) options._makeSnapshot = true;
  report("fetched", counter.bytes());
  try {
    return await Promise.race([loadPyodide(options), wasm.failed]);
  } finally {
    wasm.restore();
    forget();
  }
}

// The full stdlib on demand: the bundled qmas_full_stdlib.
function installFullStdlib(pyodide, manifest) {
  if (!(manifest.stdlib && manifest.stdlib.names)) return null;
  const url = new URL(manifest.pyodide.dir + manifest.stdlib.full, PY_URL).href;
  const described = (manifest.pyodide.files || {})[manifest.stdlib.full] || {};
  const names = pyodide.toPy(manifest.stdlib.names); // Python's own list: no proxy left behind
  try {
    return pyodide.pyimport("qmas_full_stdlib").install(url, names, described.size);
  } finally {
    names.destroy();
  }
}

// Options: making (the snapshot maker: no snapshot read), report(stage, {received, total}?)
// for progress, manifest (a promise of the manifest the page fetched; else fetched here).
// Returns {pyodide, manifest, assessJson, findJson, finder, snapshot: "none" | "used"}.
export async function start(options) {
  const making = options.making;
  const report = (stage, bytes) => {
    stamp(stage);
    options.report(stage, bytes);
  };
  if (typeof WebAssembly !== "object" || !WebAssembly || typeof WebAssembly.instantiate !== "function") {
    throw new Error("this browser cannot run WebAssembly (it may be switched off)");
  }
  const manifestPromise = options.manifest || fetchManifest();
  manifestPromise.catch(() => {});
  const storedSnapshot = making ? Promise.resolve(null) : readSnapshot(manifestPromise, stamp).then((stored) => {
    stamp("snapshot_read");
    return stored;
  });
  const manifest = await manifestPromise;
  report("manifest");
  let pyodide;
  let stored = null;
  try {
    pyodide = await load(manifest, storedSnapshot, { making, report });
    stored = await storedSnapshot;
  } catch (error) {
    if (!(await storedSnapshot)) throw error;
    console.warn("qmas: the stored memory snapshot did not load, starting without it:", error);
    await dropSnapshots();
    pyodide = await load(manifest, null, { making, report });
  }
  report("pyodide");
  const finder = installFullStdlib(pyodide, manifest);
  // The whole boundary: qmas_core.assess_json / find_universities_json (str) -> str.
  const core = pyodide.pyimport("qmas_core");
  // What is loaded now (the rules above all) lives as long as the worker: out of the garbage
  // collector's way, so that its passes during an answer stay short (as gc.freeze() is meant for).
  pyodide.runPython("import gc; gc.freeze()");
  const assessJson = core.assess_json;
  const findJson = core.find_universities_json;
  if (typeof assessJson !== "function") throw new Error(`${manifest.wheel} has no qmas_core.assess_json`);
  // A restored snapshot must give the reference answer exactly as when it was made.
  if (stored && pyodide.pyimport("qmas_warm_up").reference_answer() !== stored.reference) {
    console.warn("qmas: the stored memory snapshot answers differently; dropped");
    await dropSnapshots();
    return start(options);
  }
  report("core");
  return { pyodide, manifest, assessJson, findJson, finder, snapshot: stored ? "used" : "none" };
}
