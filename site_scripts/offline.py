"""MkDocs hook: the site offline and installable.

* Each page gets ``qmas_offline_note`` (the note qmas-offline.js shows while the visitor is
  offline, in the page's language) and ``qmas_app_manifest`` (its language's web app manifest,
  relative to the page), used by overrides/main.html.
* After the whole build (every language, and csp.py's policies, are written): one web app
  manifest per language root (``manifest.webmanifest``: the language's site name, start_url
  and scope relative, so a sub-path works), the icon it names (the site's logo, Material's, on
  the palette's primary colour) and ``sw.js`` (site_scripts/wheel.py), whose versions cover the
  files it keeps, so it is written last.
"""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path

from mkdocs.plugins import event_priority
from mkdocs.utils import get_relative_url

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:  # `mkdocs build` does not put the project on sys.path
    sys.path.insert(0, str(ROOT))

from site_scripts import i18n, wheel  # noqa: E402
from site_scripts.tables import site_strings  # noqa: E402

APP_MANIFEST = "manifest.webmanifest"
ICON = "assets/images/app-icon.svg"
# Material's "indigo" primary colour (mkdocs.yml theme.palette), the header's colour.
THEME_COLOR = "#4051b5"
BACKGROUND_COLOR = "#ffffff"
# Material's default logo (theme.icon.logo unset), the one in the site's header.
LOGO = "material/library"

_state: dict = {"names": {}}


def on_page_context(context, page, config, **kwargs):
    lang = i18n.language(config)
    root = i18n.roots(config).get(lang) or ""
    context["qmas_offline_note"] = site_strings(lang)["offline_note"]
    context["qmas_app_manifest"] = get_relative_url(root + APP_MANIFEST, page.url)
    _state["names"][lang] = config.site_name
    return context


def logo_path() -> str:
    """The ``d`` of the logo's one SVG path (24 x 24 view box), from Material's icon set."""
    import material

    icon = Path(material.__file__).parent / "templates" / ".icons" / f"{LOGO}.svg"
    paths = re.findall(r'<path d="([^"]+)"', icon.read_text("utf-8"))
    if len(paths) != 1 or 'viewBox="0 0 24 24"' not in icon.read_text("utf-8"):
        raise RuntimeError(f"{icon}: expected one path in a 24 x 24 view box")
    return paths[0]


def app_icon() -> str:
    """The logo in white, centred on a square of the header's colour (a safe zone margin, so a
    launcher may crop it to a circle)."""
    return (
        '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 512 512">'
        f'<rect width="512" height="512" fill="{THEME_COLOR}"/>'
        f'<path transform="translate(112 112) scale(12)" fill="#ffffff" d="{logo_path()}"/>'
        "</svg>\n"
    )


def app_manifest(lang: str, name: str, root: str) -> dict:
    """The web app manifest of one language root (URLs relative to the manifest's own)."""
    up = "../" * root.count("/")
    return {
        "name": name,
        "short_name": site_strings(lang)["app_short_name"],
        "lang": lang,
        "start_url": wheel.CALCULATOR_PAGE,
        "scope": up or "./",  # the whole site, every language
        "display": "standalone",
        "theme_color": THEME_COLOR,
        "background_color": BACKGROUND_COLOR,
        "icons": [{"src": up + ICON, "sizes": "any", "type": "image/svg+xml", "purpose": "any"}],
    }


def write_app_files(site_dir: Path, roots: dict[str, str], names: dict[str, str]) -> None:
    (site_dir / ICON).write_text(app_icon(), "utf-8")
    for lang, root in roots.items():
        manifest = app_manifest(lang, names.get(lang) or names[i18n.DEFAULT], root)
        text = json.dumps(manifest, ensure_ascii=False, indent=2) + "\n"
        (site_dir / root / APP_MANIFEST).write_text(text, "utf-8")


@event_priority(-120)  # after the other languages' builds and csp.py (-110): the files are final
def on_post_build(config, **kwargs):
    if i18n.nested_build(config):
        return
    site_dir = Path(config["site_dir"])
    write_app_files(site_dir, i18n.roots(config), _state["names"])
    manifest = json.loads((site_dir / wheel.DEST / wheel.MANIFEST).read_text("utf-8"))
    wheel.write_service_worker(site_dir, manifest)
