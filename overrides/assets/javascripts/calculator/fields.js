// The one table of question types: how each type reads, writes and shows its answer in the
// form, and parses and formats it in a link. Everything else asks this table; the limits
// and vocabulary are the form's own (built from qmas_core.questions()).
import { visibleText } from "./text.js";
import { mountChips, setChips } from "./chips.js";

const BOOL_WORDS = new Map([["yes", true], ["true", true], ["no", false], ["false", false]]);
const NOT_SURE = "unsure";

const unsureBox = (q) => q.form.elements[q.key + "__unsure"];
const control = (q) => q.form.elements[q.key];
const optionValues = (q) => Array.from(control(q).options, (o) => o.value).filter((v) => v && v !== NOT_SURE);
const labelOf = (node) => node.closest("label").textContent.trim();

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

// Types whose input carries a separate "not sure" checkbox.
function withUnsure(type) {
  return {
    ...type,
    read(q) { return unsureBox(q) && unsureBox(q).checked ? null : type.read(q); },
    write(q, value) {
      if (unsureBox(q)) unsureBox(q).checked = value === null;
      if (value !== null) type.write(q, value);
    },
    show(q, ui) { return unsureBox(q) && unsureBox(q).checked ? ui.not_sure : type.show(q, ui); },
  };
}

const select = {
  read(q) {
    const value = control(q).value;
    return value === NOT_SURE ? null : value || undefined;
  },
  write(q, value) { control(q).value = value === null ? NOT_SURE : value; },
  show(q) {
    const box = control(q);
    return box.value ? box.options[box.selectedIndex].textContent.trim() : "";
  },
  parse(raw, q) { return optionValues(q).includes(raw) ? raw : undefined; },
  format: String,
};

const number = withUnsure({
  read(q) {
    const input = control(q);
    if (input.validity && input.validity.badInput) return input.value || "not a number";
    return input.value === "" ? undefined : Number(input.value);
  },
  write(q, value) { control(q).value = String(value); },
  show(q) { return control(q).value; },
  parse(raw) { return isNumber(raw) ? Number(raw) : undefined; },
  format: String,
});

// The country list: the visitor reads and types names; the answer is the ISO code.
const countries = (q) => Array.from(q.node.querySelectorAll("datalist option"), (o) => ({ value: o.dataset.value, label: o.value }));

// Languages: checkboxes for the common ones, then chosen ones as chips (chips.js).
const chips = (q) => Array.from(q.node.querySelectorAll(".qmas-chip"));

export const FIELDS = {
  bool: {
    read(q) {
      const checked = q.node.querySelector("input[type=radio]:checked");
      return checked ? BOOL_WORDS.get(checked.value) ?? null : undefined;
    },
    write(q, value) {
      const wanted = value === null ? NOT_SURE : value ? "yes" : "no";
      q.node.querySelectorAll("input[type=radio]").forEach((r) => { r.checked = r.value === wanted; });
    },
    show(q) {
      const checked = q.node.querySelector("input[type=radio]:checked");
      return checked ? labelOf(checked) : "";
    },
    parse(raw) { return BOOL_WORDS.get(raw.toLowerCase()); },
    format: (value) => (value ? "yes" : "no"),
  },
  choice: select,
  talent_list: {
    ...select,
    read(q) {
      const value = select.read(q);
      return BOOL_WORDS.has(value) ? BOOL_WORDS.get(value) : value;
    },
    write(q, value) { select.write(q, value === true ? "yes" : value === false ? "no" : value); },
    parse(raw, q) {
      if (BOOL_WORDS.has(raw)) return BOOL_WORDS.get(raw);
      return select.parse(raw, q) !== undefined && !BOOL_WORDS.has(raw) ? raw : undefined;
    },
    format: (value) => (value === true ? "yes" : value === false ? "no" : String(value)),
  },
  country: withUnsure({
    read(q) {
      const typed = visibleText(control(q).value).trim();
      if (!typed) return undefined;
      const found = countries(q).find((c) => c.label.toLowerCase() === typed.toLowerCase() || c.value === typed.toUpperCase());
      return found ? found.value : typed; // not on the list: the core says so on the field
    },
    write(q, value) {
      const found = countries(q).find((c) => c.value === value);
      control(q).value = found ? found.label : value;
    },
    show(q) { return control(q).value; },
    parse(raw, q) {
      const code = raw.toUpperCase();
      return countries(q).some((c) => c.value === code) ? code : undefined;
    },
    format: String,
  }),
  languages: withUnsure({
    read(q) {
      const boxes = Array.from(q.node.querySelectorAll("input[type=checkbox][name='" + q.key + "']:checked"), (b) => b.value);
      const names = boxes.concat(chips(q).map((c) => c.dataset.value));
      return names.length ? names : undefined;
    },
    write(q, value) {
      const boxes = Array.from(q.node.querySelectorAll("input[type=checkbox][name='" + q.key + "']"));
      boxes.forEach((b) => { b.checked = value.includes(b.value); });
      const known = new Set(boxes.map((b) => b.value));
      setChips(q.node, value.filter((n) => !known.has(n)));
    },
    show(q) {
      const boxes = Array.from(q.node.querySelectorAll("input[type=checkbox][name='" + q.key + "']:checked"), labelOf);
      return boxes.concat(chips(q).map((c) => c.dataset.label)).join(", ");
    },
    parse(raw, q) {
      const names = visibleText(raw).split(",").map((s) => s.trim().toLowerCase()).filter(Boolean);
      const most = Number(q.node.dataset.maxItems || Infinity);
      return names.length <= most && names.every((n) => !/[<>]/.test(n)) ? names : undefined;
    },
    format: (value) => value.join(","),
    mount: (q, changed) => mountChips(q.node, changed), // the searchable list and its chips
  }),
  date: {
    read(q) { return control(q).value || undefined; },
    write(q, value) { if (value !== null) control(q).value = value; },
    show(q) { return control(q).value; },
    parse: (raw) => (isDate(raw) ? raw : undefined),
    format: String,
  },
  int: number,
  years: number,
  // As typed ("100萬", "1.2M"): the core reads amounts as people write them.
  money: withUnsure({
    read(q) {
      const typed = visibleText(control(q).value).trim();
      return typed ? typed : undefined;
    },
    write(q, value) { control(q).value = String(value); },
    show(q) { return control(q).value; },
    parse(raw) {
      const typed = visibleText(raw).trim();
      return typed && !/[<>]/.test(typed) ? typed : undefined;
    },
    format: String,
  }),
};

// The form's questions, each with its node, key, type and table row (its `mount`, where a
// type has one, wires the widget).
export function questions(form) {
  return Array.from(form.querySelectorAll(".qmas-question"), (node) => {
    const q = { node, form, key: node.dataset.key, type: node.dataset.type };
    q.field = FIELDS[q.type];
    return q;
  });
}

export function question(form, key) {
  return questions(form).find((q) => q.key === key) || null;
}

// The form shows `answers` (after form.reset(): every other field is at its default).
export function writeAnswers(form, answers) {
  for (const q of questions(form)) if (q.key in answers) q.field.write(q, answers[q.key]);
}

export function readAnswers(form) {
  const answers = {};
  for (const q of questions(form)) {
    const value = q.field.read(q);
    if (value !== undefined) answers[q.key] = value;
  }
  return answers;
}
