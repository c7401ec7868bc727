// What makes the next visit fast and the site work offline, in idle time: the service worker
// (sw.js at the site root, whose scope is the whole site: pages, their files and the
// calculator's worker; registered on any page after load, on the calculator after the first
// result) and, after the first result, a second worker that stores the memory snapshot later
// visits start from (see qmas-worker.js); both only where the browser offers them.
const IDLE_DELAY_MS = 1000; // the service worker
const SNAPSHOT_DELAY_MS = 3000; // the snapshot (a second Pyodide start, off the main thread)
const SITE_ROOT = new URL("../../", import.meta.url); // this file is at <site>/assets/javascripts/

function whenIdle(delay, callback) {
  const later = () => (window.requestIdleCallback ? requestIdleCallback(callback, { timeout: 5000 }) : callback());
  setTimeout(later, delay);
}

// An earlier build registered sw.js for the calculator's script folder only: that registration
// would still control the calculator's worker, so it goes (only those inside this site: other
// sites may share the origin, as GitHub Pages project sites do).
function dropOlderScopes() {
  return navigator.serviceWorker.getRegistrations().then((registrations) => Promise.all(registrations
    .filter((r) => r.scope !== SITE_ROOT.href && r.scope.startsWith(SITE_ROOT.href))
    .map((r) => r.unregister())));
}

// Resolves to the registration once its worker is active, else null.
export function registerServiceWorker(options) {
  if (options.serviceWorker === false || !("serviceWorker" in navigator) || !window.isSecureContext) {
    return Promise.resolve(null);
  }
  return navigator.serviceWorker
    .register(new URL("sw.js", SITE_ROOT), { scope: SITE_ROOT.pathname })
    .then((registration) => new Promise((resolve) => {
      dropOlderScopes().catch(() => {});
      // Not navigator.serviceWorker.ready: that resolves only once this page is controlled.
      const worker = registration.installing || registration.waiting || registration.active;
      if (!worker || worker.state === "activated") return resolve(worker ? registration : null);
      worker.addEventListener("statechange", () => {
        if (worker.state === "activated" || worker.state === "redundant") resolve(worker.state === "activated" ? registration : null);
      });
    }))
    .catch(() => null); // no sw.js (a partial build) or not allowed: nothing lost
}

// The calculator has scored: the service worker keeps every runtime file (from the HTTP cache
// where it can). Resolves to true when all are kept.
function keepRuntime(registration) {
  if (!registration || !registration.active) return Promise.resolve(false);
  return new Promise((resolve) => {
    const channel = new MessageChannel();
    channel.port1.onmessage = (event) => resolve(Boolean(event.data) && event.data.missing === 0);
    registration.active.postMessage({ type: "keep-runtime" }, [channel.port2]);
  });
}

// Any page: the service worker after load, in idle time (the calculator page waits for its
// first result instead: prepareNextVisit).
export function registerAfterLoad(options) {
  const start = () => whenIdle(IDLE_DELAY_MS, () => registerServiceWorker(options));
  if (document.readyState === "complete") start();
  else window.addEventListener("load", start, { once: true });
}

function makeSnapshot(workerUrl) {
  return new Promise((resolve) => {
    let maker;
    try {
      maker = new Worker(workerUrl, { type: "module", name: "qmas-snapshot" });
    } catch (error) {
      return resolve({ stored: false, message: String(error) });
    }
    const done = (outcome) => {
      maker.terminate();
      resolve(outcome);
    };
    maker.onmessage = (event) => event.data && event.data.type === "snapshot" && done(event.data);
    maker.onerror = (event) => {
      event.preventDefault();
      done({ stored: false, message: event.message || "failed" });
    };
  });
}

// Resolves to {serviceWorker, snapshot} when both are done (the bench waits for it).
export function prepareNextVisit(workerUrl, options, info) {
  const worker = new Promise((resolve) => whenIdle(IDLE_DELAY_MS, () => resolve(registerServiceWorker(options).then(keepRuntime))));
  const snapshot = options.snapshot !== false && info.snapshot === "none" && window.caches && window.isSecureContext
    ? new Promise((resolve) => whenIdle(SNAPSHOT_DELAY_MS, () => resolve(makeSnapshot(workerUrl))))
    : Promise.resolve(null);
  return Promise.all([worker, snapshot]).then(([serviceWorker, made]) => ({ serviceWorker, snapshot: made }));
}
