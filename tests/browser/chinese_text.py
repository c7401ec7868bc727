"""The visible text of a built page in the page's own language: text inside an element marked
with another language (lang="en", or a Traditional name on a Simplified page), code, scripts
and styles is left out, so a lint sees only what the page says in its own words."""

from __future__ import annotations

from html.parser import HTMLParser

VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}
SKIPPED = {"script", "style", "template", "code", "pre", "svg", "kbd", "samp"}


class _Text(HTMLParser):
    def __init__(self, lang: str):
        super().__init__(convert_charrefs=True)
        self.stack: list[tuple[str, str | None, bool]] = []  # (tag, lang, skipped)
        self.page_lang = lang
        self.parts: list[str] = []

    def _current(self) -> tuple[str | None, bool]:
        lang, skipped = self.page_lang, False
        for _, tag_lang, tag_skipped in self.stack:
            lang = tag_lang or lang
            skipped = skipped or tag_skipped
        return lang, skipped

    def handle_starttag(self, tag, attrs):
        if tag in VOID:
            return
        attrs = dict(attrs)
        lang = attrs.get("lang")
        if "md-select__link" in (attrs.get("class") or ""):
            lang = lang or attrs.get("hreflang")  # the language selector names each language in itself
        self.stack.append((tag, lang, tag in SKIPPED))

    def handle_endtag(self, tag):
        for i in range(len(self.stack) - 1, -1, -1):
            if self.stack[i][0] == tag:
                del self.stack[i:]
                return

    def handle_data(self, data):
        lang, skipped = self._current()
        if not skipped and lang == self.page_lang:
            self.parts.append(data)


def own_language_text(html: str, lang: str) -> str:
    """The page's text in `lang` (the <html lang> of a Chinese page), one string."""
    parser = _Text(lang)
    parser.feed(html)
    return " ".join(" ".join(parser.parts).split())
