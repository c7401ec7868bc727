"""MkDocs hook: fills the pages' Content-Security-Policy (overrides/main.html) with the hashes of
Material's inline scripts, so the policy needs no 'unsafe-inline'. Every page gets the same list:
with instant navigation, Material runs the next page's inline scripts under the first page's
policy. Keep it last in mkdocs.yml's hooks."""

from __future__ import annotations

import base64
import hashlib
import logging
import re
from html.parser import HTMLParser
from pathlib import Path

from mkdocs.plugins import event_priority

log = logging.getLogger("mkdocs.hooks.qmas.csp")

PLACEHOLDER = "'qmas-inline-script-hashes'"
SCRIPT = re.compile(r"<script\b(?P<attrs>[^>]*)>(?P<body>.*?)</script\s*>", re.DOTALL | re.IGNORECASE)
ATTR_TYPE = re.compile(r"""\btype\s*=\s*["']?(?P<type>[^"'\s>]+)""", re.IGNORECASE)
ATTR_SRC = re.compile(r"\bsrc\s*=", re.IGNORECASE)
EXECUTABLE_TYPES = {"", "text/javascript", "application/javascript", "module", "text/ecmascript"}

META = re.compile(r'(?P<start><meta http-equiv="Content-Security-Policy" content=")(?P<policy>[^"]*)"')

_state: dict = {"hashes": set(), "outputs": [], "depth": 0}


def inline_scripts(html: str) -> list[str]:
    """The text of every inline script the browser would execute, in document order."""
    found = []
    for match in SCRIPT.finditer(html):
        attrs = match["attrs"]
        if ATTR_SRC.search(attrs):
            continue
        kind = ATTR_TYPE.search(attrs)
        if (kind["type"].lower() if kind else "") in EXECUTABLE_TYPES:
            found.append(match["body"])
    return found


def script_hash(body: str) -> str:
    """The CSP source expression that allows exactly this inline script."""
    digest = hashlib.sha256(body.encode("utf-8")).digest()
    return "'sha256-" + base64.b64encode(digest).decode("ascii") + "'"


class _InlineCode(HTMLParser):
    """Finds what the policy blocks besides inline scripts: on*= attributes, javascript: URLs,
    style attributes and <style> elements (style-src 'self' has no 'unsafe-inline')."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.found: list[str] = []

    def handle_starttag(self, tag, attrs):
        if tag == "style":
            self.found.append("<style>")
        for name, value in attrs:
            if name.startswith("on") or name == "style":
                self.found.append(f"<{tag} {name}=>")
            elif name in ("href", "src", "action", "formaction") and (value or "").strip().lower().startswith("javascript:"):
                self.found.append(f"<{tag} {name}={value[:40]!r}>")


def blocked_inline_code(html: str) -> list[str]:
    """Inline code and styles in a page that the policy would block (see _InlineCode)."""
    parser = _InlineCode()
    parser.feed(html)
    parser.close()
    return parser.found


def fill(policy: str, sources: list[str]) -> str:
    """The policy with script-src's placeholder (or an earlier hash list) replaced by sources."""
    directives = []
    for directive in policy.split(";"):
        words = directive.split()
        if words and words[0] == "script-src":
            words = [w for w in words if w != PLACEHOLDER and not w.startswith("'sha256-")] + sources
        directives.append(" ".join(words))
    return "; ".join(directives)


def _collect(output: str) -> str:
    if PLACEHOLDER not in output:
        return output  # not a page of ours (e.g. sitemap.xml)
    _state["hashes"].update(script_hash(body) for body in inline_scripts(output))
    return output


# --------------------------------------------------------------------------- MkDocs events
#
# mkdocs-static-i18n builds each other language in a nested build, run from the main build's
# on_post_build (priority -100). Hashes and written pages are therefore gathered across the
# nested builds and reset only when the outermost build starts; on_post_build runs after the
# plugin's (priority -110) and rewrites the hash list of every page written so far, so the
# outermost build's, the last, leaves the whole site with one policy.


def on_pre_build(config, **kwargs):
    if _state.get("depth", 0) == 0:
        _state["hashes"] = set()
        _state["outputs"] = []
    _state["depth"] = _state.get("depth", 0) + 1


def on_build_error(**kwargs):
    _state["depth"] = 0


def on_post_page(output, page, config, **kwargs):
    _state["outputs"].append(Path(page.file.abs_dest_path))
    return _collect(output)


def on_post_template(output_content, template_name, config, **kwargs):
    if template_name.endswith(".html"):
        _state["outputs"].append(Path(config["site_dir"]) / template_name)
    return _collect(output_content)


@event_priority(-110)
def on_post_build(config, **kwargs):
    """Every page written so far gets the same list: the inline scripts of all of them."""
    _state["depth"] = max(0, _state.get("depth", 1) - 1)
    sources = sorted(_state["hashes"])
    for path in dict.fromkeys(_state["outputs"]):
        if not path.is_file():
            continue
        text = path.read_text("utf-8")
        filled = META.sub(lambda m: m["start"] + fill(m["policy"], sources) + '"', text, count=1)
        if filled != text:
            path.write_text(filled, "utf-8")
    log.debug("qmas csp: %d inline script hashes in %d pages", len(_state["hashes"]), len(_state["outputs"]))
