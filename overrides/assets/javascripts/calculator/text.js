// Text from links, storage and fields as a visitor can read it.

// Characters nobody can see or that reorder what is shown: controls, format characters
// (bidi overrides, zero-width), lone surrogates, line and paragraph separators.
const INVISIBLE = /[\p{Cc}\p{Cf}\p{Cs}\p{Zl}\p{Zp}]/gu;

export function visibleText(raw) {
  return String(raw).replace(INVISIBLE, "");
}

// encodeURIComponent throws on a lone surrogate: it becomes U+FFFD (then refused as a value).
export function wellFormed(text) {
  return String(text).replace(/[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g, "\uFFFD");
}

export function fill(template, values) {
  return String(template || "").replace(/\{(\w+)\}/g, (_, name) => (name in values ? String(values[name]) : ""));
}
