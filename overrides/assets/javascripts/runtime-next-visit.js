// After the first result, in idle time: what makes the next visit fast. The service worker
// (sw.js; its scope is this folder, assets/javascripts/, where qmas-worker.js lives: the
// worker is its client, no page is) and a second worker that stores the memory snapshot later
// visits start from (see qmas-worker.js); both only where the browser offers them.
const IDLE_DELAY_MS = 1000; // the service worker
const SNAPSHOT_DELAY_MS = 3000; // the snapshot (a second Pyodide start, off the main thread)

function whenIdle(delay, callback) {
  const later = () => (window.requestIdleCallback ? requestIdleCallback(callback, { timeout: 5000 }) : callback());
  setTimeout(later, delay);
}

function registerServiceWorker(workerUrl, options) {
  if (options.serviceWorker === false || !("serviceWorker" in navigator) || !window.isSecureContext) {
    return Promise.resolve(false);
  }
  return navigator.serviceWorker
    .register(new URL("../../sw.js", workerUrl), { scope: new URL("./", workerUrl).pathname })
    .then((registration) => new Promise((resolve) => {
      // Not navigator.serviceWorker.ready: that waits for one controlling this page.
      const worker = registration.installing || registration.waiting || registration.active;
      if (!worker || worker.state === "activated") return resolve(Boolean(worker));
      worker.addEventListener("statechange", () => {
        if (worker.state === "activated" || worker.state === "redundant") resolve(worker.state === "activated");
      });
    }))
    .catch(() => false); // no sw.js (a partial build) or not allowed: nothing lost
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
  const worker = new Promise((resolve) => whenIdle(IDLE_DELAY_MS, () => resolve(registerServiceWorker(workerUrl, options))));
  const snapshot = options.snapshot !== false && info.snapshot === "none" && window.caches && window.isSecureContext
    ? new Promise((resolve) => whenIdle(SNAPSHOT_DELAY_MS, () => resolve(makeSnapshot(workerUrl))))
    : Promise.resolve(null);
  return Promise.all([worker, snapshot]).then(([serviceWorker, made]) => ({ serviceWorker, snapshot: made }));
}
