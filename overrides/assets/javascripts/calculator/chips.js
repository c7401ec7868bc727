// The language chooser: a searchable list (input + datalist) whose choices become removable
// chips. A name not on the list is kept as typed: the core judges it, its error shows on the
// field.
import { visibleText } from "./text.js";

function options(node) {
  return Array.from(node.querySelectorAll("datalist option"), (o) => ({ value: o.dataset.value, label: o.value }));
}

function chip(node, name) {
  const found = options(node).find((o) => o.value === name);
  const label = found ? found.label : name;
  const item = document.createElement("li");
  item.className = "qmas-chip";
  item.dataset.value = name;
  item.dataset.label = label;
  const text = document.createElement("span");
  text.textContent = label;
  const remove = document.createElement("button");
  remove.type = "button";
  remove.className = "qmas-chip-remove";
  remove.textContent = "×";
  remove.setAttribute("aria-label", node.querySelector(".qmas-chips").dataset.remove.replace("{name}", label));
  item.append(text, remove);
  return item;
}

export function clearChips(form) {
  form.querySelectorAll(".qmas-chips").forEach((list) => list.replaceChildren());
}

export function setChips(node, names) {
  node.querySelector(".qmas-chips").replaceChildren(...names.map((name) => chip(node, name)));
}

// The chosen name for what was typed: the list's id when it names one, else the text.
function chosen(node, typed) {
  const text = visibleText(typed).trim();
  const lower = text.toLowerCase();
  const found = options(node).find((o) => o.label.toLowerCase() === lower || o.value === lower);
  return found ? found.value : text;
}

// changed(): the form has new answers (it fires the form's change event).
export function mountChips(node, changed) {
  const input = node.querySelector(".qmas-chooser");
  const list = node.querySelector(".qmas-chips");
  const add = (free) => {
    const name = chosen(node, input.value);
    const listed = options(node).some((o) => o.value === name);
    if (!name || (!listed && !free)) return false;
    const names = Array.from(list.children, (c) => c.dataset.value);
    if (!names.includes(name)) setChips(node, names.concat(name));
    input.value = "";
    changed();
    return true;
  };
  // A choice from the list adds at once; typed text is added with Enter or on leaving the field.
  input.addEventListener("input", (event) => { event.stopPropagation(); add(false); });
  input.addEventListener("change", (event) => { event.stopPropagation(); add(true); });
  input.addEventListener("keydown", (event) => {
    if (event.key === "Enter") {
      event.preventDefault();
      add(true);
    }
  });
  list.addEventListener("click", (event) => {
    const button = event.target.closest(".qmas-chip-remove");
    if (!button) return;
    const item = button.closest(".qmas-chip");
    const next = item.nextElementSibling || item.previousElementSibling;
    item.remove();
    (next ? next.querySelector("button") : input).focus();
    changed();
  });
}
