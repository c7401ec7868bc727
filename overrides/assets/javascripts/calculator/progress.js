// The runtime's download, while it lasts: a <progress> bar of the bytes received of the runtime
// files' total (the worker's "progress" messages; the total is the sum of the manifest's sizes,
// counted as the worker counts what it receives, decoded, so it never passes 100%) and a
// sentence saying what is happening. The sentence gives a percentage, not megabytes: the
// manifest's sizes are the files' own (11.8 MB), about 2.5x what a host that compresses them
// sends, and the transferred size of a compressed stream is not known before it ends.
//
// No bar on a repeat visit: not when the worker says the service worker keeps the files
// (cached: reading them may still take a second on a slow phone, but costs no data), and
// otherwise only if they are still arriving SHOW_AFTER_MS after the worker started, so that
// a copy from the browser's own cache, or a fast link, does not flash a bar.
//
// Screen readers hear the polite status line at the start, at most every ANNOUNCE_STEP of the
// total or ANNOUNCE_MS, and when Python starts; the calculator says when it is ready. The form
// is not touched: answers typed meanwhile are sent at once and scored once the worker is ready.
import { listen, state } from "../qmas-runtime.js";
import { fill } from "./text.js";

const SHOW_AFTER_MS = 500;
const ANNOUNCE_STEP = 0.25;
const ANNOUNCE_MS = 10000;

export function mountProgress(root, view) {
  const box = root.querySelector("#qmas-progress");
  if (!box) return;
  const bar = box.querySelector("progress");
  const sentence = box.querySelector(".qmas-progress-text");
  const summary = box.closest(".qmas-summary") || root;
  const percent = new Intl.NumberFormat(view.lang, { style: "percent", maximumFractionDigits: 0 });
  let shown = false;
  let said = null; // {text, share, at}: the last announcement
  let timer = null;

  const share = (msg) => (msg && msg.total > 0 ? Math.min(1, msg.received / msg.total) : 0);
  const arriving = (msg) => Boolean(msg && msg.stage === "downloading" && msg.total > 0 && msg.received < msg.total);
  const fromCache = (msg) => Boolean(msg && msg.cached);

  function announce(text, now, fraction) {
    if (said && said.text === text) return;
    said = { text, share: fraction, at: now };
    view.status.textContent = text;
  }

  function hide() {
    clearTimeout(timer);
    if (!shown) return;
    shown = false;
    box.hidden = true;
    summary.classList.remove("qmas-progress-on");
  }

  function update() {
    if (!document.body.contains(root)) return stop();
    const msg = state.progress;
    if (state.ready || state.fatal || !state.running) return hide();
    const now = performance.now();
    if (!shown) {
      if (!arriving(msg) || fromCache(msg)) return;
      const waited = now - (state.startedAt || now);
      if (waited < SHOW_AFTER_MS) {
        clearTimeout(timer);
        timer = setTimeout(update, SHOW_AFTER_MS - waited);
        return;
      }
      shown = true;
      box.hidden = false;
      summary.classList.add("qmas-progress-on");
      bar.max = msg.total;
    }
    const fraction = share(msg);
    const downloading = arriving(msg);
    bar.value = downloading ? msg.received : bar.max;
    const text = downloading ? fill(view.ui.progress_downloading, { percent: percent.format(fraction) }) : view.ui.progress_starting;
    sentence.textContent = text;
    if (!said || !downloading || fraction - said.share >= ANNOUNCE_STEP || now - said.at >= ANNOUNCE_MS) announce(text, now, fraction);
  }

  const unlisten = listen((msg) => {
    if (msg.type === "started") said = null;
    update();
  });
  function stop() {
    clearTimeout(timer);
    unlisten();
  }
  update();
}
