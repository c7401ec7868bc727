// Deep links: the calculator's state in the URL fragment, which browsers never send to a
// server. Parsing checks every value against the form's own options; what does not fit is
// reported in plain words and ignored, never executed.
(function () {
  "use strict";

  const MAX_FRAGMENT = 4000;

  // Format: #edition=criteria-2024&age=30&good_languages=chinese,english&stem_degree=unsure
  const BOOL_WORDS = { yes: true, true: true, no: false, false: false };

  function optionValues(form, key) {
    const field = form.elements[key];
    return field && field.options ? Array.from(field.options, (o) => o.value).filter(Boolean) : [];
  }

  // Returns {edition, answers, problems}: every value checked against the form's own options;
  // whatever does not fit is reported in plain words and ignored.
  function parseFragment(form, fragment) {
    const out = { edition: null, answers: {}, problems: [] };
    let text = String(fragment || "").replace(/^#/, "");
    if (!text) return out;
    if (text.length > MAX_FRAGMENT) {
      out.problems.push({ field: "link", message: "is too long (" + text.length + " characters); it was ignored" });
      return out;
    }
    const editions = Array.from(form.querySelectorAll("input[name=edition]"), (r) => r.value);
    const types = {};
    form.querySelectorAll(".qmas-question").forEach((n) => { types[n.dataset.key] = n.dataset.type; });
    for (const part of text.split("&")) {
      if (!part) continue;
      const eq = part.indexOf("=");
      let key, raw;
      try {
        key = decodeURIComponent((eq < 0 ? part : part.slice(0, eq)).replace(/\+/g, " "));
        raw = eq < 0 ? "" : decodeURIComponent(part.slice(eq + 1).replace(/\+/g, " "));
      } catch (error) {
        out.problems.push({ field: part.slice(0, 40), message: "is not valid URL encoding" });
        continue;
      }
      const shown = key.slice(0, 40);
      if (key === "edition") {
        if (editions.includes(raw)) out.edition = raw;
        else out.problems.push({ field: "edition", message: "must be one of: " + editions.join(", ") });
        continue;
      }
      if (key === "lang") continue; // the page's language is in its path
      const type = types[key];
      if (!type) {
        out.problems.push({ field: shown, message: "is not an answer key" });
        continue;
      }
      if (raw === "unsure") {
        out.answers[key] = null;
        continue;
      }
      let value;
      if (type === "bool") {
        value = BOOL_WORDS[raw.toLowerCase()];
      } else if (type === "choice") {
        value = optionValues(form, key).includes(raw) && raw !== "unsure" ? raw : undefined;
      } else if (type === "talent_list") {
        if (raw in BOOL_WORDS) value = BOOL_WORDS[raw];
        else value = optionValues(form, key).includes(raw) && !["yes", "no", "unsure"].includes(raw) ? raw : undefined;
      } else if (type === "languages") {
        const names = raw.split(",").map((s) => s.trim().toLowerCase()).filter(Boolean);
        value = names.length <= 20 && names.every((n) => n.length <= 40 && !/[\u0000-\u001f\u007f<>]/.test(n)) ? names : undefined;
      } else if (type === "date") {
        value = /^\d{4}-\d{2}-\d{2}$/.test(raw) ? raw : undefined;
      } else {
        value = /^-?\d+(\.\d+)?$/.test(raw) && raw.length <= 16 ? Number(raw) : undefined;
      }
      if (value === undefined) out.problems.push({ field: shown, message: "has a value that cannot be used: " + JSON.stringify(raw.slice(0, 40)) });
      else out.answers[key] = value;
    }
    return out;
  }

  function formatFragment(edition, answers) {
    const parts = ["edition=" + encodeURIComponent(edition)];
    for (const [key, value] of Object.entries(answers)) {
      let raw;
      if (value === null) raw = "unsure";
      else if (value === true || value === false) raw = value ? "yes" : "no";
      else if (Array.isArray(value)) raw = value.join(",");
      else raw = String(value);
      parts.push(encodeURIComponent(key) + "=" + encodeURIComponent(raw).replace(/%2C/g, ","));
    }
    return "#" + parts.join("&");
  }

  window.qmasLink = { parseFragment, formatFragment };
})();
