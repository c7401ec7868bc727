// The site's service worker (a template: site_scripts/wheel.py writes it to the site root as
// sw.js, with CONFIG filled in from the built site). Its scope is the site root (e.g. /qmas/),
// so it serves the pages, their files and the calculator's Web Worker: after one visit the
// site works offline. runtime-next-visit.js registers it in idle time after a page's load (on
// the calculator, after the first result).
//
// - The Python runtime (the Pyodide files, in a folder named after Pyodide's version, and the
//   bundle, named after its sha256): cache-first, each copy checked against the size and sha256
//   the build wrote; only a 200 with exactly those bytes is cached or served from the cache (a
//   cached copy that fails is deleted and the request goes to the network). Kept in
//   qmas-runtime-<key> (the key the manifest gives), cached on install only from the HTTP cache
//   (a visitor who never opened the calculator downloads no Python for it), and in full when
//   the calculator asks (a "keep-runtime" message, after its first result).
// - Pages: network-first (with navigation preload), the cached copy when offline. Every page
//   visited is kept, without its ?query (it may hold a search; the #fragment, where the
//   calculator keeps the answers, never reaches a service worker). On install: the calculator
//   page (and the search index) in the language of each open page of the site, and those pages.
// - Versioned files (Material's hashed assets, the runtime's folder): cache-first.
// - Everything else of this site (our own scripts and styles, manifest.json, the search index):
//   network-first, so a new deploy is never hidden by a stale copy; the cached one offline.
//   The shell the calculator needs (CONFIG.shell) is cached on install.
// A new build has a new CONFIG (its versions cover the runtime and the shell's bytes), hence a
// new sw.js: the browser installs it and, on activate, it deletes the caches of older versions.
"use strict";

const CONFIG = /*QMAS_SW_CONFIG*/ { version: "dev", site: "dev", files: [], shell: [], versioned: [], language: ["calculator/"], roots: [""] };
const RUNTIME_PREFIX = "qmas-runtime-";
const SITE_PREFIX = "qmas-site-";
const RUNTIME_CACHE = RUNTIME_PREFIX + CONFIG.version;
const SITE_CACHE = SITE_PREFIX + CONFIG.site;
const SCOPE = new URL("./", self.location).href; // the site root, where sw.js is
const FILES = new Map(CONFIG.files.map((file) => [new URL(file.url, SCOPE).href, file]));
const VERSIONED = CONFIG.versioned.map((prefix) => new URL(prefix, SCOPE).href);
const HASHED_NAME = /\.[0-9a-f]{8,}\.min\.(?:js|css)$/; // Material's assets: main.<hash>.min.css

// Where the browser has static routes (Chrome 123+), requests for the runtime files never wait
// for this worker to start: they come straight from the cache (or the network when not cached).
// Everything else goes through the fetch handler below.
function routes() {
  const runtime = [...FILES.keys()].map((url) => ({ urlPattern: { pathname: new URL(url).pathname } }));
  return runtime.length ? [{ condition: { or: runtime }, source: { cacheName: RUNTIME_CACHE } }] : [];
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

// Each runtime file not yet cached, tried in each of `modes` (Request cache modes) in turn; a
// file that fails all is left out (requests for it go to the network). Resolves to the number
// of files missing afterwards.
async function keepRuntime(modes) {
  const cache = await caches.open(RUNTIME_CACHE);
  const missing = await Promise.all([...FILES].map(async ([url, expected]) => {
    const hit = await cache.match(url);
    if (hit && (await verifiedBody(hit, expected))) return 0;
    for (const cacheMode of modes) {
      try {
        const init = { cache: cacheMode, mode: cacheMode === "only-if-cached" ? "same-origin" : "cors" };
        if ((await fromNetwork(cache, new Request(url, init), url, expected)).kept) return 0;
      } catch (error) {
        // offline, refused or not in the HTTP cache: try the next way, or leave it out
      }
    }
    return 1;
  }));
  return missing.reduce((a, b) => a + b, 0);
}

// The cache key of a URL of this site: no #fragment, and for a page no ?query either; null for
// what is not kept (another origin, outside the scope, a file with a ?query).
function siteKey(url, page) {
  const u = new URL(url);
  u.hash = "";
  if (u.origin !== self.location.origin || !u.href.startsWith(SCOPE)) return null;
  if (page) u.search = "";
  return u.search ? null : u.href;
}

function isPage(request, url) {
  return request.mode === "navigate" || request.destination === "document" || /(?:\/|\.html)$/.test(url.pathname);
}

function isVersioned(url) {
  return HASHED_NAME.test(url.pathname) || VERSIONED.some((prefix) => url.href.startsWith(prefix));
}

// Only a complete, same-origin, unredirected 200 is kept (a redirected response cannot answer
// a navigation).
function keepable(response) {
  return response && response.status === 200 && response.type === "basic" && !response.redirected;
}

async function put(key, response) {
  if (keepable(response)) await (await caches.open(SITE_CACHE)).put(key, response);
}

// The language root ("", "zh-Hant/") of a URL inside the scope.
function languageRoot(url) {
  const rest = url.slice(SCOPE.length);
  return CONFIG.roots.find((root) => root && rest.startsWith(root)) || "";
}

// The shell, the calculator page and the search index in the language of each open page of the
// site, and those pages. Best effort: a file that cannot be fetched now is cached when next visited.
async function keepShell() {
  const windows = await self.clients.matchAll({ type: "window", includeUncontrolled: true });
  const open = windows.map((client) => siteKey(client.url, true)).filter(Boolean);
  const pages = [...open, ...open.flatMap((url) => CONFIG.language.map((path) => SCOPE + languageRoot(url) + path))];
  const files = CONFIG.shell.map((path) => new URL(path, SCOPE).href);
  await Promise.all([...new Set([...pages, ...files])].map(async (url) => {
    try {
      // The HTTP cache's copy where there is one: the page has just loaded most of these.
      const response = await fetch(url);
      await put(url, response);
    } catch (error) {
      // offline now: kept when next visited
    }
  }));
}

self.addEventListener("install", (event) => {
  const routed = event.addRoutes && routes().length ? event.addRoutes(routes()).catch(() => {}) : null;
  // An older registration (of the calculator's script folder) only installs to unregister.
  const work = self.registration.scope === SCOPE ? [routed, keepShell(), keepRuntime(["only-if-cached"])] : [];
  event.waitUntil(Promise.all(work).then(() => self.skipWaiting()));
});

self.addEventListener("activate", (event) => {
  event.waitUntil((async () => {
    if (self.registration.scope !== SCOPE) {
      await self.registration.unregister();
      return;
    }
    const current = new Set([RUNTIME_CACHE, SITE_CACHE]);
    const old = (await caches.keys()).filter((n) => (n.startsWith(RUNTIME_PREFIX) || n.startsWith(SITE_PREFIX)) && !current.has(n));
    await Promise.all(old.map((name) => caches.delete(name)));
    if (self.registration.navigationPreload) await self.registration.navigationPreload.enable();
    await self.clients.claim();
  })());
});

// {type: "keep-runtime"}: the calculator has scored; every runtime file is cached (from the
// HTTP cache where it can). The reply, on the message's port: {type: "kept", missing}.
self.addEventListener("message", (event) => {
  if (!event.data || event.data.type !== "keep-runtime") return;
  const port = event.ports && event.ports[0];
  event.waitUntil(keepRuntime(["default", "reload"]).then((missing) => port && port.postMessage({ type: "kept", missing })));
});

async function runtimeFile(request, url, expected) {
  const cache = await caches.open(RUNTIME_CACHE);
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

async function cacheFirst(event, key) {
  const hit = await caches.match(key, { cacheName: SITE_CACHE });
  if (hit) return hit;
  const response = await fetch(event.request);
  event.waitUntil(put(key, response.clone()));
  return response;
}

async function networkFirst(event, key, page) {
  try {
    const response = (page && (await event.preloadResponse)) || (await fetch(event.request));
    event.waitUntil(put(key, response.clone()));
    return response;
  } catch (error) {
    const hit = await caches.match(key, { cacheName: SITE_CACHE });
    if (hit) return hit;
    throw error;
  }
}

self.addEventListener("fetch", (event) => {
  const request = event.request;
  if (request.method !== "GET") return;
  const url = new URL(request.url);
  url.hash = "";
  const expected = FILES.get(url.href);
  if (expected) return event.respondWith(runtimeFile(request, url.href, expected));
  const page = isPage(request, url);
  const key = siteKey(url.href, page);
  if (!key) return; // not kept: straight to the network
  event.respondWith(isVersioned(url) && !page ? cacheFirst(event, key) : networkFirst(event, key, page));
});
