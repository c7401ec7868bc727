// Deep links: the calculator's state in the URL fragment, which browsers never send to a
// server. Parsing checks every value against the form's own questions (the field table in
// calculator/fields.js); what does not fit is reported in plain words and ignored.
import { questions } from "./calculator/fields.js";
import { visibleText, wellFormed } from "./calculator/text.js";

// The longest link read: a safety bound of this parser, not a rule of the scheme.
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
const AUTO = "auto"; // the core chooses the edition in force on the application date

function say(words, key, values) {
  return String((words && words[key]) || WORDS[key]).replace(/\{(\w+)\}/g, (_, name) => String(values[name]));
}

// How much of an unknown key or a bad value a message quotes (a display bound only).
const QUOTED_CHARS = 40;
const visibleStart = (raw) => Array.from(visibleText(raw)).slice(0, QUOTED_CHARS).join("");

// A field as the visitor can read it: without invisible characters, or "(no name)".
function fieldName(words, raw) {
  const visible = visibleStart(raw);
  return visible.trim() ? visible : say(words, "link_empty_key", {});
}

// The fragment holds answers (key=value pairs); anything else (#qmas-self-check-calculator
// from the skip link or a heading's ¶) is an anchor in the page and leaves the answers alone.
export function isAnswerFragment(fragment) {
  return String(fragment || "").includes("=");
}

// Format: #edition=auto&age=30&good_languages=chinese,english,fr&nationality=AF&stem_degree=unsure
// (edition: one of the form's editions, "auto", or absent; old links keep working).
// Returns {edition, answers, problems}; maps without a prototype, so "constructor" or
// "__proto__" in a link is just an unknown word.
export function parseFragment(form, fragment, words) {
  const out = { edition: null, answers: {}, problems: [] };
  const text = String(fragment || "").replace(/^#/, "");
  if (!text) return out;
  if (text.length > MAX_FRAGMENT) {
    out.problems.push({ field: "link", message: say(words, "link_too_long", { length: text.length }) });
    return out;
  }
  const editions = Array.from(form.querySelectorAll("input[name=edition]"), (r) => r.value);
  const byKey = new Map(questions(form).map((q) => [q.key, q]));
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
    if (key === "edition") {
      if (editions.includes(raw)) out.edition = raw;
      else out.problems.push({ field: "edition", message: say(words, "link_bad_edition", { allowed: editions.join(", ") }) });
      continue;
    }
    if (key === "lang") continue; // the page's language is in its path
    const q = byKey.get(key);
    if (!q) {
      out.problems.push({ field: fieldName(words, key), message: say(words, "link_unknown_key", {}) });
      continue;
    }
    const value = raw === "unsure" ? null : q.field.parse(raw, q);
    if (value === undefined) out.problems.push({ field: q.key, message: say(words, "link_bad_value", { value: JSON.stringify(visibleStart(raw)) }) });
    else out.answers[key] = value;
  }
  return out;
}

export function formatFragment(form, edition, answers) {
  const byKey = new Map(questions(form).map((q) => [q.key, q]));
  const parts = ["edition=" + encodeURIComponent(edition || AUTO)];
  for (const [key, value] of Object.entries(answers)) {
    const q = byKey.get(key);
    const raw = value === null ? "unsure" : q ? q.field.format(value) : String(value);
    parts.push(encodeURIComponent(key) + "=" + encodeURIComponent(wellFormed(raw)).replace(/%2C/g, ","));
  }
  return "#" + parts.join("&");
}
