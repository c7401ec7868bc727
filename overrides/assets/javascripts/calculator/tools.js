// The address, copy link, print, and answers kept on this device only when the visitor opts in.

// One replaceState at a time, so Chromium's navigation throttling (200 in 10 s) never leaves
// the address behind the form; a write the browser dropped is tried again.
const ADDRESS_EVERY_MS = 250;
const address = { wanted: null, timer: null, last: 0 };

export function writeAddress(fragment) {
  address.wanted = fragment;
  if (!address.timer) address.timer = setTimeout(flushAddress, Math.max(0, address.last + ADDRESS_EVERY_MS - Date.now()));
}

export function flushAddress() {
  clearTimeout(address.timer);
  address.timer = null;
  if (address.wanted === null || location.hash === address.wanted) return;
  try { history.replaceState(history.state, "", address.wanted); } catch (error) { /* tried again below */ }
  address.last = Date.now();
  if (location.hash !== address.wanted) address.timer = setTimeout(flushAddress, 1000);
}

// The address moved on its own (Back, Forward): a pending write must not undo that.
export function dropPendingAddress() {
  address.wanted = null;
}

// A link opened with "Remember" on shows the link's answers; the remembered ones are kept
// until the visitor changes an answer (or brings them back with one button).
const STORE_KEY = "qmas-answers";

export function stored() {
  try { return localStorage.getItem(STORE_KEY); } catch (error) { return null; }
}

// current(): the fragment of what the form shows.
export function mountTools(root, ui, current) {
  const status = root.querySelector("#qmas-tools-status");
  const remember = root.querySelector("#qmas-remember");
  const forget = root.querySelector("#qmas-forget");
  const notice = root.querySelector("#qmas-link-notice");
  root.querySelector("#qmas-tools").hidden = false;
  remember.checked = stored() !== null;
  forget.hidden = !remember.checked;

  root.querySelector("#qmas-copy-link").addEventListener("click", async () => {
    flushAddress();
    const href = location.href.replace(/#.*$/, "") + current(); // what is on screen
    try {
      await navigator.clipboard.writeText(href);
      status.textContent = ui.link_copied;
    } catch (error) {
      status.textContent = href; // no clipboard permission: the link to copy by hand
    }
  });
  root.querySelector("#qmas-print").addEventListener("click", () => window.print());
  remember.addEventListener("change", () => {
    try {
      if (remember.checked) localStorage.setItem(STORE_KEY, current());
      else localStorage.removeItem(STORE_KEY);
      status.textContent = remember.checked ? ui.remembered : ui.forgotten;
    } catch (error) {
      remember.checked = false;
    }
    forget.hidden = !remember.checked;
    notice.hidden = true;
  });
  forget.addEventListener("click", () => {
    try { localStorage.removeItem(STORE_KEY); } catch (error) { /* nothing was stored */ }
    remember.checked = false;
    forget.hidden = true;
    notice.hidden = true;
    status.textContent = ui.forgotten;
    remember.focus();
  });
  return {
    // Only what the visitor changed is kept, never what a link or a re-render showed.
    save(fragment) {
      notice.hidden = true;
      if (!remember.checked) return;
      try { localStorage.setItem(STORE_KEY, fragment); } catch (error) { /* storage full or blocked */ }
    },
    // A link is on screen while other answers are remembered: say so, offer them back.
    offer(restore) {
      const kept = stored();
      if (!remember.checked || kept === null || kept === current()) return;
      notice.hidden = false;
      notice.querySelector("button").onclick = () => {
        notice.hidden = true;
        restore(stored() || "");
      };
    },
  };
}
