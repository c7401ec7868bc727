// The runtime files the worker loads, each checked against the size and sha256 the build wrote
// into the manifest (site_scripts/wheel.py) before it is used. A copy that fails (truncated,
// altered, empty, an error page kept in its place) is deleted from the service worker's cache
// and fetched once more past every cache; only a second failure is reported. So a damaged
// cache repairs itself instead of breaking every visit until the next deploy.

const RUNTIME_CACHE_PREFIX = "qmas-runtime-"; // sw.js's caches
const fetchNetwork = self.fetch.bind(self);

// Responses made here for Pyodide's own requests (URL -> bytes, null for none): the wasm that
// is compiled already (wasm.js), the unpacked bundle (boot.js). No blob: URL, which a
// Content-Security-Policy header's connect-src 'self' would refuse.
const madeHere = new Map();
self.fetch = function (input, init) {
  const url = String(input && input.url ? input.url : input);
  if (madeHere.has(url)) return Promise.resolve(new Response(madeHere.get(url)));
  return fetchNetwork(input, init);
};

// Answers Pyodide's requests for `url` with `bytes` until the returned function is called.
export function answerHere(url, bytes) {
  madeHere.set(url, bytes);
  return () => madeHere.delete(url);
}

export async function sha256Hex(buffer) {
  if (!(self.crypto && crypto.subtle)) return null; // not a secure context: the size only
  const digest = await crypto.subtle.digest("SHA-256", buffer);
  return Array.from(new Uint8Array(digest), (b) => b.toString(16).padStart(2, "0")).join("");
}

async function readAll(stream, onBytes) {
  const chunks = [];
  let length = 0;
  if (stream) {
    const reader = stream.getReader();
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      chunks.push(value);
      length += value.byteLength;
      onBytes(value.byteLength);
    }
  }
  const bytes = new Uint8Array(length);
  let at = 0;
  for (const chunk of chunks) {
    bytes.set(chunk, at);
    at += chunk.byteLength;
  }
  return bytes.buffer;
}

// One try. `consume`, if given, gets a copy of the body as it streams in (the wasm compiles
// while it downloads); its promise is returned with the bytes, to be used only once they pass.
async function attempt(url, expected, init, { consume, onBytes }) {
  const response = await fetchNetwork(url, init);
  if (response.status !== 200) throw new Error(`HTTP ${response.status}`);
  let body = response.body;
  let consumed = null;
  if (consume && body) {
    const [copy, rest] = body.tee();
    consumed = consume(copy);
    consumed.catch(() => {}); // a damaged copy may not compile: the check below says why
    body = rest;
  }
  let counted = 0;
  try {
    const bytes = await readAll(body, (n) => {
      counted += n;
      onBytes(n);
    });
    if (expected && expected.size !== undefined && bytes.byteLength !== expected.size) {
      throw new Error(`it is damaged (${bytes.byteLength} bytes instead of ${expected.size})`);
    }
    const digest = expected && expected.sha256 ? await sha256Hex(bytes) : null;
    if (digest && digest !== expected.sha256) throw new Error("it is damaged (wrong checksum)");
    return { bytes, consumed, type: response.headers.get("Content-Type") };
  } catch (error) {
    onBytes(-counted); // progress counts the bytes that will be used
    throw error;
  }
}

async function evict(url) {
  if (!self.caches) return;
  for (const name of await caches.keys()) {
    if (name.startsWith(RUNTIME_CACHE_PREFIX)) await (await caches.open(name)).delete(url);
  }
}

// The repaired copy goes back where the service worker keeps this build's files (only if it
// has that cache: the worker never makes one of its own).
async function keep(url, cacheName, { bytes, type }) {
  if (!self.caches || !cacheName || !(await caches.has(cacheName))) return;
  const headers = type ? { "Content-Type": type } : {};
  await (await caches.open(cacheName)).put(url, new Response(bytes, { headers }));
}

// `expected`: {size, sha256} from the manifest (either may be missing: then not checked).
// Options: consume (see attempt), onBytes(n) for progress, cacheName (sw.js's for this build).
// Returns {bytes, consumed}; throws "<file> could not be loaded: <why>".
export async function fetchVerified(url, expected, { consume, onBytes = () => {}, cacheName } = {}) {
  const name = url.split("/").pop();
  try {
    return await attempt(url, expected, undefined, { consume, onBytes });
  } catch (first) {
    try {
      await evict(url);
      // "reload": past the HTTP cache (and refreshing it), and past sw.js's cache.
      const fresh = await attempt(url, expected, { cache: "reload" }, { consume, onBytes });
      await keep(url, cacheName, fresh).catch(() => {});
      return fresh;
    } catch (error) {
      throw new Error(`${name} could not be loaded: ${error.message || error}`);
    }
  }
}

// A module checked before it runs: imported from the same URL once its bytes passed, so the
// module loader reads the copy just checked (or repaired) and script-src 'self' suffices.
export async function importVerified(url, expected, options) {
  await fetchVerified(url, expected, options);
  return import(url);
}
