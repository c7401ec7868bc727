/* Talent List filter: by industry segment and by text, on the Talent List page.
 *
 * Progressive enhancement: the page lists every confirmed profession without JavaScript.
 * This script reveals the filter form that each generated list carries (hidden by default)
 * and hides the professions and segments that do not match. It runs on every page view,
 * including Material's instant navigation (document$), and does nothing on other pages.
 */
function normalise(text) {
  return (text || "").normalize("NFKC").toLowerCase().replace(/\s+/g, " ").trim();
}

function enhance(root) {
  if (root.hasAttribute("data-qmas-enhanced")) return;
  const form = root.querySelector("[data-qmas-talent-filter]");
  if (!form) return;
  root.setAttribute("data-qmas-enhanced", "");
  const select = form.querySelector("[data-qmas-segment]");
  const input = form.querySelector("[data-qmas-query]");
  const status = form.querySelector("[data-qmas-status]");
  const empty = root.querySelector("[data-qmas-empty]");
  const sections = Array.from(root.querySelectorAll("[data-segment]"));
  const items = Array.from(root.querySelectorAll("[data-profession]"));
  const official = root.getAttribute("data-official-total");

  function apply() {
    const segment = select ? select.value : "";
    const query = normalise(input.value);
    let shown = 0;
    sections.forEach(function (section) {
      const inSegment = !segment || section.getAttribute("data-segment") === segment;
      let visible = 0;
      section.querySelectorAll("[data-profession]").forEach(function (item) {
        const match = inSegment && (!query || normalise(item.getAttribute("data-search")).includes(query));
        item.hidden = !match;
        if (match) visible += 1;
      });
      // A chosen segment stays visible even when empty, so its notes can be read;
      // a text search hides segments with no match.
      section.hidden = !inSegment || (query !== "" && visible === 0);
      shown += visible;
    });
    const filtered = segment !== "" || query !== "";
    // The words come with the form, in the page's language (data-status-filtered/-all).
    const template = form.getAttribute(filtered ? "data-status-filtered" : "data-status-all") ||
      (filtered ? "Showing {shown} of {count} confirmed professions (the official list has {official})."
                : "{count} confirmed professions shown (the official list has {official}).");
    const values = { shown: shown, count: items.length, official: official };
    status.textContent = template.replace(/\{(\w+)\}/g, function (_, name) { return name in values ? String(values[name]) : ""; });
    if (empty) empty.hidden = !(filtered && shown === 0 && query !== "");
  }

  form.addEventListener("submit", function (event) { event.preventDefault(); });
  if (select) select.addEventListener("change", apply);
  input.addEventListener("input", apply);
  form.hidden = false;
  apply();
}

function init() {
  document.querySelectorAll("[data-qmas-talent]").forEach(enhance);
}

if (typeof window.document$ !== "undefined" && typeof window.document$.subscribe === "function") {
  window.document$.subscribe(init);
} else if (document.readyState === "loading") {
  document.addEventListener("DOMContentLoaded", init);
} else {
  init();
}
