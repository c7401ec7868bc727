// The language selector (Material's header "translate" menu): go to the same page in the other
// language, keeping the address's #fragment and ?query, where the calculator keeps its answers.
// The links are built per page by site_scripts/i18n.py and work without JavaScript; this script
// recomputes them from the current address when used, since the calculator rewrites the
// fragment as the visitor types and Material's instant navigation does not re-render the
// header. A language switch is a full page load, so <html lang>, the search index and the
// interface words all change with it.
const siteRoot = new URL("../../", import.meta.url).href; // this file is at <site>/assets/javascripts/
const script = document.querySelector("script[data-roots]");
let roots = {};
try {
  roots = JSON.parse((script && script.dataset.roots) || "{}"); // {"en": "", "zh-Hant": "zh-Hant/", ...}
} catch (error) {
  roots = {};
}

// The same page in `lang`, or null when the address is not inside this site.
function target(lang) {
  if (!(lang in roots) || !location.href.startsWith(siteRoot)) return null;
  let rest = location.href.slice(siteRoot.length); // path, ?query and #fragment
  for (const prefix of Object.values(roots)) {
    if (prefix && rest.startsWith(prefix)) {
      rest = rest.slice(prefix.length);
      break;
    }
  }
  return siteRoot + roots[lang] + rest;
}

function patch(event) {
  const link = event.target instanceof Element && event.target.closest("a.md-select__link[hreflang]");
  if (!link) return null;
  const href = target(link.getAttribute("hreflang"));
  if (href) link.href = href;
  return href;
}

// Before the browser follows the link (and before Material's own handlers, which would
// drop the fragment), and before it is copied or opened in a new tab.
document.addEventListener("click", (event) => {
  if (patch(event)) event.stopPropagation();
}, true);
["auxclick", "contextmenu", "focusin", "pointerdown"].forEach((type) => document.addEventListener(type, patch, true));
