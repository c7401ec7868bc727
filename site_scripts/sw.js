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
"use strict";

const CONFIG = /*QMAS_SW_CONFIG*/ { version: "dev", files: [] };
const PREFIX = "qmas-runtime-";
const CACHE = PREFIX + CONFIG.version;
const FILES = CONFIG.files.map((file) => new URL(file, self.location).href);
const CACHED = new Set(FILES);

// Where the browser has static routes (Chrome 123+), requests never wait for this worker to
// start: the runtime files come straight from the cache, everything else from the network.
// Elsewhere the fetch handler below does the same.
function routes() {
  const runtime = FILES.map((url) => ({ urlPattern: { pathname: new URL(url).pathname } }));
  return runtime.length
    ? [{ condition: { or: runtime }, source: { cacheName: CACHE } }, { condition: { not: { or: runtime } }, source: "network" }]
    : [];
}

self.addEventListener("install", (event) => {
  const routed = event.addRoutes && routes().length ? event.addRoutes(routes()).catch(() => {}) : null;
  event.waitUntil(
    Promise.all([routed, caches.open(CACHE).then((cache) => cache.addAll(FILES))]).then(() => self.skipWaiting()),
  );
});

self.addEventListener("activate", (event) => {
  event.waitUntil(
    caches
      .keys()
      .then((names) => Promise.all(names.filter((n) => n.startsWith(PREFIX) && n !== CACHE).map((n) => caches.delete(n)))),
  );
});

self.addEventListener("fetch", (event) => {
  const url = event.request.url.split("#")[0];
  if (event.request.method !== "GET" || !CACHED.has(url)) return;
  event.respondWith(
    caches.open(CACHE).then((cache) =>
      cache.match(url).then((hit) => hit || fetch(event.request)),
    ),
  );
});
