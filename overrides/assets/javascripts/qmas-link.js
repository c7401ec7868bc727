// Deep links: the calculator's state in the URL fragment, which browsers never send to a
// server. Parsing checks every value against the form's own options; what does not fit is
// reported in plain words and ignored, never executed.
(function () {
  "use strict";

  const MAX_FRAGMENT = 4000;
  // English wording; the page passes its own language's words (calculator_strings.toml).
  const WORDS = {
    link_too_long: "is too long ({length} characters); it was ignored",
    link_bad_encoding: "is not valid URL encoding",
    link_bad_edition: "must be one of: {allowed}",
    link_unknown_key: "is not an answer key",
    link_bad_value: "has a value that cannot be used: {value}",
    link_empty_key: "(no name)",
  };

  // Characters nobody can see or that reorder what is shown: controls, format characters
  // (bidi overrides, zero-width), lone surrogates, line and paragraph separators.
  const INVISIBLE = /[\p{Cc}\p{Cf}\p{Cs}\p{Zl}\p{Zp}]/gu;

  function visibleText(raw) {
    return String(raw).replace(INVISIBLE, "");
  }

  // A field as the visitor can read it: without invisible characters, or "(no name)".
  function fieldName(words, raw) {
    const visible = Array.from(visibleText(raw)).slice(0, 40).join("");
    return visible.trim() ? visible : say(words, "link_empty_key", {});
  }

  // A real calendar day (2000-02-30 is not one).
  function isDate(raw) {
    if (!/^\d{4}-\d{2}-\d{2}$/.test(raw)) return false;
    const day = new Date(raw + "T00:00:00Z");
    return !Number.isNaN(day.getTime()) && day.toISOString().slice(0, 10) === raw;
  }

  // A finite number as a link or a number field writes it (1e+308 included).
  function isNumber(raw) {
    return /^-?\d+(\.\d+)?(e[+-]?\d+)?$/i.test(raw) && raw.length <= 24 && Number.isFinite(Number(raw));
  }

  // The fragment holds answers (key=value pairs); anything else (#qmas-self-check-calculator
  // from the skip link or a heading's ¶) is an anchor in the page and leaves the answers alone.
  function isAnswerFragment(fragment) {
    return String(fragment || "").includes("=");
  }

  function say(words, key, values) {
    return String((words && words[key]) || WORDS[key]).replace(/\{(\w+)\}/g, (_, name) => String(values[name]));
  }

  // Format: #edition=criteria-2024&age=30&good_languages=chinese,english&stem_degree=unsure
  // Maps without a prototype, so "constructor" or "__proto__" in a link is just an unknown word.
  const BOOL_WORDS = new Map([["yes", true], ["true", true], ["no", false], ["false", false]]);

  function optionValues(form, key) {
    const field = form.elements[key];
    return field && field.options ? Array.from(field.options, (o) => o.value).filter(Boolean) : [];
  }

  // Returns {edition, answers, problems}: every value checked against the form's own options;
  // whatever does not fit is reported in plain words and ignored.
  function parseFragment(form, fragment, words) {
    const out = { edition: null, answers: {}, problems: [] };
    let text = String(fragment || "").replace(/^#/, "");
    if (!text) return out;
    if (text.length > MAX_FRAGMENT) {
      out.problems.push({ field: "link", message: say(words, "link_too_long", { length: text.length }) });
      return out;
    }
    const editions = Array.from(form.querySelectorAll("input[name=edition]"), (r) => r.value);
    const types = new Map();
    form.querySelectorAll(".qmas-question").forEach((n) => { types.set(n.dataset.key, n.dataset.type); });
    for (const part of text.split("&")) {
      if (!part) continue;
      const eq = part.indexOf("=");
      let key, raw;
      try {
        key = decodeURIComponent((eq < 0 ? part : part.slice(0, eq)).replace(/\+/g, " "));
        raw = eq < 0 ? "" : decodeURIComponent(part.slice(eq + 1).replace(/\+/g, " "));
      } catch (error) {
        out.problems.push({ field: fieldName(words, part), message: say(words, "link_bad_encoding", {}) });
        continue;
      }
      const shown = fieldName(words, key);
      if (key === "edition") {
        if (editions.includes(raw)) out.edition = raw;
        else out.problems.push({ field: "edition", message: say(words, "link_bad_edition", { allowed: editions.join(", ") }) });
        continue;
      }
      if (key === "lang") continue; // the page's language is in its path
      const type = types.get(key);
      if (!type) {
        out.problems.push({ field: shown, message: say(words, "link_unknown_key", {}) });
        continue;
      }
      if (raw === "unsure") {
        out.answers[key] = null;
        continue;
      }
      let value;
      if (type === "bool") {
        value = BOOL_WORDS.get(raw.toLowerCase());
      } else if (type === "choice") {
        value = optionValues(form, key).includes(raw) && raw !== "unsure" ? raw : undefined;
      } else if (type === "talent_list") {
        if (BOOL_WORDS.has(raw)) value = BOOL_WORDS.get(raw);
        else value = optionValues(form, key).includes(raw) && !["yes", "no", "unsure"].includes(raw) ? raw : undefined;
      } else if (type === "languages") {
        const names = visibleText(raw).split(",").map((s) => s.trim().toLowerCase()).filter(Boolean);
        value = names.length <= 20 && names.every((n) => n.length <= 40 && !/[<>]/.test(n)) ? names : undefined;
      } else if (type === "date") {
        value = isDate(raw) ? raw : undefined;
      } else {
        value = isNumber(raw) ? Number(raw) : undefined;
      }
      if (value === undefined) out.problems.push({ field: shown, message: say(words, "link_bad_value", { value: JSON.stringify(Array.from(visibleText(raw)).slice(0, 40).join("")) }) });
      else out.answers[key] = value;
    }
    return out;
  }

  // encodeURIComponent throws on a lone surrogate: it becomes U+FFFD (then refused as a value).
  function wellFormed(text) {
    return text.replace(/[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g, "\uFFFD");
  }

  function formatFragment(edition, answers) {
    const parts = ["edition=" + encodeURIComponent(edition)];
    for (const [key, value] of Object.entries(answers)) {
      let raw;
      if (value === null) raw = "unsure";
      else if (value === true || value === false) raw = value ? "yes" : "no";
      else if (Array.isArray(value)) raw = value.join(",");
      else raw = String(value);
      parts.push(encodeURIComponent(key) + "=" + encodeURIComponent(wellFormed(raw)).replace(/%2C/g, ","));
    }
    return "#" + parts.join("&");
  }

  window.qmasLink = { parseFragment, formatFragment, isAnswerFragment, visibleText };
})();
