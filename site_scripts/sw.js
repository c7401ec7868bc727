// The calculator's service worker (a template: site_scripts/wheel.py writes it to the site root
// as sw.js, with CONFIG filled in from the build's manifest). qmas-runtime.js registers it from
// the calculator page only, after the first result, with the folder of the calculator's
// scripts as its scope (e.g. /qmas/assets/javascripts/): its one client is the calculator's
// worker (qmas-worker.js lives there), no page is. It keeps the Python runtime for repeat
// visits: the Pyodide files (their folder is named after Pyodide's version) and the bundle (its
// name carries its sha256). Every URL it caches is immutable, so a cached copy is never stale;
// a new build has new URLs and a new CONFIG.version, hence a new sw.js: the browser installs
// it, it caches the new files and, on activate, deletes the caches of older versions. Anything
// else (manifest.json above all) goes to the network as if there were no service worker.
//
// Each file comes with the size and sha256 the build wrote: only a 200 with exactly those bytes
// is cached or served from the cache. A cached copy that fails is deleted and the request goes
// to the network. Where static routes serve the cache without this script, the worker checks
// what it loads itself (qmas-worker/runtime-files.js) and evicts what fails.
"use strict";

const CONFIG = /*QMAS_SW_CONFIG*/ { version: "dev", files: [] };
const PREFIX = "qmas-runtime-";
const CACHE = PREFIX + CONFIG.version;
const FILES = new Map(CONFIG.files.map((file) => [new URL(file.url, self.location).href, file]));

// Where the browser has static routes (Chrome 123+), requests never wait for this worker to
// start: the runtime files come straight from the cache (or the network when not cached),
// everything else from the network. Elsewhere the fetch handler below does the same.
function routes() {
  const runtime = [...FILES.keys()].map((url) => ({ urlPattern: { pathname: new URL(url).pathname } }));
  return runtime.length
    ? [{ condition: { or: runtime }, source: { cacheName: CACHE } }, { condition: { not: { or: runtime } }, source: "network" }]
    : [];
}

async function sha256Hex(buffer) {
  const digest = await crypto.subtle.digest("SHA-256", buffer);
  return Array.from(new Uint8Array(digest), (b) => b.toString(16).padStart(2, "0")).join("");
}

// The body of a 200 response with the build's size and sha256, else null.
async function verifiedBody(response, expected) {
  if (!response || response.status !== 200) return null;
  const body = await response.arrayBuffer();
  if (body.byteLength !== expected.size || (await sha256Hex(body)) !== expected.sha256) return null;
  return body;
}

function withBody(response, body) {
  return new Response(body, { status: 200, statusText: response.statusText, headers: response.headers });
}

// From the network; cached only if verified (else passed on as it came: the worker reports it).
async function fromNetwork(cache, request, url, expected) {
  const response = await fetch(request);
  const body = await verifiedBody(response.clone(), expected);
  if (!body) return { response, kept: false };
  await cache.put(url, withBody(response, body));
  return { response: withBody(response, body), kept: true };
}

// The HTTP cache's copy, else a fresh one; a file that fails both is left out (requests for
// it go to the network).
async function keepAll() {
  const cache = await caches.open(CACHE);
  await Promise.all([...FILES].map(async ([url, expected]) => {
    for (const mode of ["default", "reload"]) {
      try {
        if ((await fromNetwork(cache, new Request(url, { cache: mode }), url, expected)).kept) return;
      } catch (error) {
        // offline or refused: try the next way, or leave it out
      }
    }
  }));
}

self.addEventListener("install", (event) => {
  const routed = event.addRoutes && routes().length ? event.addRoutes(routes()).catch(() => {}) : null;
  event.waitUntil(Promise.all([routed, keepAll()]).then(() => self.skipWaiting()));
});

self.addEventListener("activate", (event) => {
  event.waitUntil(
    caches
      .keys()
      .then((names) => Promise.all(names.filter((n) => n.startsWith(PREFIX) && n !== CACHE).map((n) => caches.delete(n)))),
  );
});

async function respond(request, url, expected) {
  const cache = await caches.open(CACHE);
  // "reload": the worker found the copy it was given damaged and asks the network.
  if (request.cache !== "reload") {
    const hit = await cache.match(url);
    if (hit) {
      const body = await verifiedBody(hit.clone(), expected);
      if (body) return withBody(hit, body);
      await cache.delete(url);
    }
  }
  return (await fromNetwork(cache, request, url, expected)).response;
}

self.addEventListener("fetch", (event) => {
  const url = event.request.url.split("#")[0];
  const expected = FILES.get(url);
  if (event.request.method !== "GET" || !expected) return;
  event.respondWith(respond(event.request, url, expected));
});
