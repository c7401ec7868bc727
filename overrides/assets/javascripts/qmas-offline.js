// The site offline: the service worker is registered on every page after load, in idle time
// (on the calculator page only after its first result, off the first score's path: see
// runtime-next-visit.js), and a plain note says so while the visitor is offline. The note's
// words come from the page (data-offline-note, in its language); its box is a polite live
// region, empty while online, so it is announced when the connection drops and takes no room
// otherwise. Without JavaScript there is no service worker and no note.
import { registerAfterLoad } from "./runtime-next-visit.js";

const options = window.qmasRuntimeOptions || {};
if (!document.getElementById("qmas-calculator")) registerAfterLoad(options);

const script = document.querySelector("script[data-offline-note]");
const text = script && script.dataset.offlineNote;
if (text) {
  const region = document.createElement("div");
  region.className = "qmas-offline md-grid md-typeset";
  region.setAttribute("role", "status");
  const show = () => {
    if (navigator.onLine) return region.replaceChildren();
    if (region.firstChild) return undefined;
    const note = document.createElement("p");
    note.className = "admonition info";
    note.textContent = text;
    return region.replaceChildren(note);
  };
  // Outside what Material's instant navigation replaces: it stays from page to page.
  const header = document.querySelector("body > .md-header");
  if (header) header.after(region);
  else document.body.prepend(region);
  window.addEventListener("online", show);
  window.addEventListener("offline", show);
  show();
}
