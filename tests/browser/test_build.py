"""The site builds strictly, and its generated tables say what the rule data says.

One strict MkDocs build into a temporary folder (module-scoped), then the built HTML is
read back and compared with qmas_core's rule files: every points-245 band, level, tier and
bonus; every criteria-2024 label (English and the Simplified Chinese wording); every
prerequisite; every confirmed Talent List profession; every cited source. Small throwaway
projects check that a bad marker fails the build.
"""

from __future__ import annotations

import ast
import gzip
import io
import json
import os
import re
import subprocess
import sys
import zipfile
from html.parser import HTMLParser
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from qmas_core import load, talent_list  # noqa: E402

pytest.importorskip("mkdocs", reason="mkdocs is not installed")
pytest.importorskip("material", reason="mkdocs-material is not installed")

PAGES = ("", "eligibility", "general-points-test", "achievement-based-test", "dependants",
         "talent-list", "how-to-apply", "calculator", "sources")
VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source",
        "track", "wbr"}


# --------------------------------------------------------------------------- a tiny DOM


class Node:
    def __init__(self, tag, attrs, parent=None):
        self.tag, self.attrs, self.parent, self.children = tag, dict(attrs), parent, []

    def text(self) -> str:
        parts = []
        for child in self.children:
            parts.append(child if isinstance(child, str) else child.text())
        return re.sub(r"\s+", " ", "".join(parts)).strip()

    def iter(self):
        for child in self.children:
            if isinstance(child, Node):
                yield child
                yield from child.iter()

    def find_all(self, tag=None, **attrs):
        def match(node):
            if tag and node.tag != tag:
                return False
            for key, value in attrs.items():
                key = key.replace("_", "-")
                if value is True:
                    if key not in node.attrs:
                        return False
                elif node.attrs.get(key) != value:
                    return False
            return True

        return [n for n in self.iter() if match(n)]

    def find(self, tag=None, **attrs):
        found = self.find_all(tag, **attrs)
        assert found, f"no <{tag or '*'} {attrs}>"
        return found[0]


class TreeBuilder(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.root = self.current = Node("#document", {})

    def handle_starttag(self, tag, attrs):
        node = Node(tag, attrs, self.current)
        self.current.children.append(node)
        if tag not in VOID:
            self.current = node

    def handle_startendtag(self, tag, attrs):
        self.current.children.append(Node(tag, attrs, self.current))

    def handle_endtag(self, tag):
        node = self.current
        while node is not None and node.tag != tag:
            node = node.parent
        if node is not None and node.parent is not None:
            self.current = node.parent

    def handle_data(self, data):
        self.current.children.append(data)


def parse(path: Path) -> Node:
    builder = TreeBuilder()
    builder.feed(path.read_text("utf-8"))
    return builder.root


# --------------------------------------------------------------------------- building


def mkdocs_build(config: Path, site_dir: Path) -> subprocess.CompletedProcess:
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}
    env.pop("QMAS_SITE_URL", None)
    return subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict", "-f", str(config), "-d", str(site_dir)],
        cwd=config.parent, env=env, capture_output=True, text=True, timeout=600,
    )


@pytest.fixture(scope="module")
def site(tmp_path_factory) -> Path:
    site_dir = tmp_path_factory.mktemp("built") / "site"
    result = mkdocs_build(ROOT / "mkdocs.yml", site_dir)
    assert result.returncode == 0, f"mkdocs build --strict failed:\n{result.stdout}\n{result.stderr}"
    return site_dir


def page(site: Path, name: str) -> Node:
    return parse(site / name / "index.html" if name else site / "index.html")


def table(doc: Node, name: str) -> Node:
    return doc.find("table", data_qmas_table=name)


def hrefs(node: Node) -> set[str]:
    return {a.attrs.get("href") for a in node.find_all("a")}


def source_urls(ids) -> set[str]:
    return {load.source(i)["url"] for i in ids} - {None}  # a source without a known address is named, not linked


# --------------------------------------------------------------------------- the tables


# A factor's numbers that are thresholds, not points: the table shows them in words.
THRESHOLDS = {"max", "min", "years", "work_years", "senior_years", "children_max"}


def expected_points(value) -> list[int]:
    """Every number of points a factor's table must show, read straight from the rule file."""
    if isinstance(value, dict):
        return [n for key, v in value.items() if key not in THRESHOLDS for n in expected_points(v)]
    if isinstance(value, list):
        return [n for v in value for n in expected_points(v)]
    return [value] if isinstance(value, int) and not isinstance(value, bool) else []


def test_points_245_tables_equal_the_data(site):
    data = load.rules("points-245")
    doc = page(site, "general-points-test")
    summary = table(doc, "points-245/summary")
    assert [r.attrs["data-factor"] for r in summary.find_all("tr", data_factor=True)] == \
        [f["id"] for f in data["factors"]]
    assert summary.find("td", data_maximum=str(data["maximum"])).text() == str(data["maximum"])
    assert f"Passing mark: {data['pass_mark']}" in summary.text()
    for factor in data["factors"]:
        row = summary.find("tr", data_factor=factor["id"])
        assert row.attrs["data-max"] == str(factor["max"])
        section = doc.find("section", id=f"points-245-{factor['id']}")
        rows = table(section, f"points-245/{factor['id']}").find_all("tr", data_points=True)
        shown = [int(r.attrs["data-points"]) for r in rows]
        assert sorted(shown) == sorted(expected_points(factor)), factor["id"]
        for r in rows:  # the number shown in the cell is the data's number
            label, points = [c.text() for c in r.find_all("td")]
            assert label and re.search(rf"(^|\+){r.attrs['data-points']}\b", points), (factor["id"], points)
        assert section.find("td", data_max=str(factor["max"])).text() == str(factor["max"])
        assert source_urls(factor["sources"]) <= hrefs(section), factor["id"]


def test_points_245_age_bands_in_order(site):
    bands = next(f for f in load.rules("points-245")["factors"] if f["id"] == "age")["bands"]
    rows = table(page(site, "general-points-test"), "points-245/age").find_all("tr", data_points=True)
    for band, row in zip(bands, rows, strict=True):
        label = row.find("td").text()
        assert label.startswith(str(band["min"]))
        assert (str(band["max"]) in label) if "max" in band else ("or over" in label)


def test_points_245_notes_are_shown(site):
    """What the data marks as unconfirmed reaches the page."""
    text = page(site, "general-points-test").text()
    for factor in load.rules("points-245")["factors"]:
        for key in ("renowned_note", "multinational_note", "together_note"):
            if key in factor:
                assert load.text(factor[key]) in text, key


def test_criteria_2024_table_equals_the_data(site):
    data = load.rules("criteria-2024")
    doc = page(site, "general-points-test")
    tab = table(doc, "criteria-2024")
    rows = tab.find_all("tr", data_criterion=True)
    assert [int(r.attrs["data-criterion"]) for r in rows] == [c["number"] for c in data["criteria"]]
    for criterion, row in zip(data["criteria"], rows):
        assert row.attrs["data-id"] == criterion["id"]
        assert row.find("span", data_label_en=True).text() == criterion["label"]["en"]
        zh = row.find("span", data_label_zh_hans=True)
        assert zh.attrs["lang"] == "zh-Hans" and zh.text() == criterion["label"]["zh-Hans"]
        rendering = "rendering" in row.text()
        assert rendering == (criterion.get("wording") == "rendering"), criterion["id"]
        if "note" in criterion:
            assert load.text(criterion["note"]) in row.text()
        assert source_urls(criterion["sources"]) <= hrefs(row)
        area = row.parent
        assert area.attrs["data-area"] == criterion["area"]
    assert f"at least {data['pass_mark']} of the {data['maximum']} criteria" in doc.text()


def test_achievement_table_equals_the_data(site):
    data = load.rules("achievement")
    tab = table(page(site, "achievement-based-test"), "achievement")
    rows = tab.find_all("tr", data_criterion=True)
    assert [r.attrs["data-criterion"] for r in rows] == [c["id"] for c in data["criteria"]]
    for criterion, row in zip(data["criteria"], rows):
        assert load.text(criterion["label"]) in row.text()
        assert source_urls(criterion["sources"]) <= hrefs(row)


def test_prerequisites_table_equals_the_data(site):
    editions = [e["id"] for e in load.rules("editions")["editions"]]
    tab = table(page(site, "eligibility"), "prerequisites")
    rows = tab.find_all("tr", data_prerequisite=True)
    data = load.rules("prerequisites")["prerequisites"]
    assert [r.attrs["data-prerequisite"] for r in rows] == [p["id"] for p in data]
    for rule, row in zip(data, rows):
        assert load.text(rule["label"]) in row.text()
        cells = [c.text() for c in row.find_all("td")][: len(editions)]
        assert cells == ["Required" if e in rule.get("editions", editions) else "Not listed"
                         for e in editions], rule["id"]
        assert source_urls(rule["sources"]) <= hrefs(row)


def test_editions_table_equals_the_data(site):
    for name in ("", "sources"):
        rows = table(page(site, name), "editions").find_all("tr", data_edition=True)
        data = load.rules("editions")["editions"]
        assert [r.attrs["data-edition"] for r in rows] == [e["id"] for e in data]
        for edition, row in zip(data, rows):
            times = [t.attrs["datetime"] for t in row.find_all("time")]
            assert times == [edition["effective_from"]] + ([edition["effective_to"]] if "effective_to" in edition else [])
            assert source_urls(edition["sources"]) <= hrefs(row)


@pytest.mark.parametrize("version", [v["version"] for v in talent_list.versions()])
def test_talent_list_shows_every_confirmed_profession(site, version):
    data = talent_list.version(version)
    doc = page(site, "talent-list")
    box = doc.find("div", data_qmas_talent=True, data_version=version)
    assert box.attrs["data-official-total"] == str(data["expected_count"])
    assert box.find("dd", data_shown=True).text() == str(data["profession_count"])
    assert box.find("dd", data_missing=True).text() == str(data["expected_count"] - data["profession_count"])
    sections = box.find_all("section", data_segment=True)
    assert [s.attrs["data-segment"] for s in sections] == [s["id"] for s in data["segments"]]
    for segment, section in zip(data["segments"], sections):
        items = section.find_all("li", data_profession=True)
        assert [i.attrs["data-profession"] for i in items] == [p["id"] for p in segment["professions"]]
        for profession, item in zip(segment["professions"], items):
            assert item.find("span", data_name=True).text() == profession["en"]
            if profession.get("zh_hant"):
                assert profession["zh_hant"] in item.text()
    if data["expected_count"] > data["profession_count"]:
        assert "https://www.talentlist.gov.hk/" in hrefs(box)


def test_newest_talent_list_filter_is_progressive(site):
    newest = talent_list.newest()
    box = page(site, "talent-list").find("div", data_qmas_talent=True, data_version=newest["version"])
    form = box.find("form", data_qmas_talent_filter=True)
    assert "hidden" in form.attrs  # without JavaScript: no dead controls, every profession shown
    assert not [i for i in box.find_all("li", data_profession=True) if "hidden" in i.attrs]
    options = [o.attrs["value"] for o in form.find_all("option")]
    assert options == [""] + [s["id"] for s in newest["segments"]]
    for label in form.find_all("label"):
        assert box.find(id=label.attrs["for"])


def test_sources_table_equals_the_data(site):
    rows = table(page(site, "sources"), "sources").find_all("tr", data_source=True)
    data = load.rules("sources")
    assert [r.attrs["data-source"] for r in rows] == list(data)
    for source_id, row in zip(data, rows):
        shown = load.source(source_id)
        assert shown["url"] is None or shown["url"] in hrefs(row)
        assert shown["title"] in row.text()


# --------------------------------------------------------------------------- the pages


def test_no_marker_is_left(site):
    for name in PAGES:
        html = (site / name / "index.html" if name else site / "index.html").read_text("utf-8")
        assert "<!-- qmas:" not in html, name


def test_assets_are_local_and_links_relative(site):
    """No CDN, no Google Fonts, nothing absolute: the site works from a sub-path like /qmas/."""
    for name in PAGES:
        doc = page(site, name)
        for node in doc.find_all("script", src=True) + doc.find_all("link", href=True) + doc.find_all("img", src=True):
            url = node.attrs.get("src") or node.attrs.get("href")
            assert not re.match(r"^(https?:)?//|^/", url), (name, url)
        for a in doc.find_all("a", href=True):
            assert not a.attrs["href"].startswith("/"), (name, a.attrs["href"])
        html = (site / name / "index.html" if name else site / "index.html").read_text("utf-8")
        # Nor from inline styles (theme.font: false keeps Material's web-font stylesheet out).
        assert not re.search(r"""(url\(|@import)\s*['"]?(https?:)?//""", html), name


def test_accessibility_fixes_are_in_place(site):
    doc = page(site, "talent-list")
    dialog = doc.find(role="dialog")
    assert dialog.attrs.get("aria-label"), "the search dialog needs an accessible name"
    assert doc.find("script", src="../assets/javascripts/talent-list.js")
    assert (site / "assets" / "javascripts" / "talent-list.js").is_file()
    css = (site / "stylesheets" / "extra.css").read_text("utf-8")
    assert "text-decoration: underline" in css


def test_post_build_copies_runtime_and_wheel(site):
    # One folder per Pyodide version, so a new version never mixes with a cached old one.
    assert list((site / "assets" / "pyodide").glob("*/pyodide.mjs"))
    assert (site / "assets" / "py" / "manifest.json").is_file()
    assert list((site / "assets" / "py").glob("qmas_core-*.whl"))


# --------------------------------------------------------------------------- the bundle

# Standard-library modules neither Pyodide's start nor the core needs in the browser: the
# command line's argparse (and what it imports), the pure-Python datetime (Pyodide has the C
# one), and a few that a careless import would drag in.
NOT_IN_BUNDLE = ("argparse", "gettext", "_pydatetime", "_pydecimal", "decimal", "pprint", "unittest",
                 "email", "http", "xml", "pydoc", "doctest", "difflib", "statistics")


def _bundle(site: Path) -> tuple[dict, bytes, zipfile.ZipFile]:
    manifest = json.loads((site / "assets" / "py" / "manifest.json").read_text("utf-8"))
    packed = (site / "assets" / "py" / manifest["bundle"]["file"]).read_bytes()
    assert manifest["bundle"]["encoding"] == "gzip" and len(packed) == manifest["bundle"]["size"]
    return manifest, packed, zipfile.ZipFile(io.BytesIO(gzip.decompress(packed)))


def _core_stdlib_imports(stdlib_names) -> set[str]:
    """Top-level stdlib modules the core's own import statements name (not its command line)."""
    found = set()
    for path in (ROOT / "qmas_core").glob("*.py"):
        if path.name == "__main__.py":
            continue
        for node in ast.walk(ast.parse(path.read_text("utf-8"))):
            if isinstance(node, ast.Import):
                found.update(alias.name.split(".")[0] for alias in node.names)
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                found.add(node.module.split(".")[0])
    return found & set(stdlib_names)


def test_the_bundle_holds_every_module_the_core_imports(site):
    manifest, _, bundle = _bundle(site)
    names = set(bundle.namelist())
    wanted = _core_stdlib_imports(manifest["stdlib"]["names"]) - {"__future__"}
    assert {"tomllib", "datetime", "json", "re"} <= wanted  # the parse above found the imports
    missing = [m for m in sorted(wanted) if f"{m}.pyc" not in names and f"{m}/__init__.pyc" not in names]
    assert missing == [], f"the core imports {missing}, which the bundle lacks"
    assert "qmas_core/__init__.pyc" in names and "qmas_core/rules/questions.toml" in names
    assert not [n for n in names if n.endswith(".py") and n.startswith("qmas_core/")]  # all precompiled


def test_the_bundle_leaves_out_what_nothing_imports(site):
    _, _, bundle = _bundle(site)
    tops = {n.split("/", 1)[0].removesuffix(".pyc") for n in bundle.namelist()}
    assert tops.isdisjoint(NOT_IN_BUNDLE), sorted(tops & set(NOT_IN_BUNDLE))


def test_the_bundle_has_the_smallest_gzip(site):
    # Pages does not compress .gz: the build compresses it as far as gzip goes (zopfli).
    _, packed, bundle = _bundle(site)
    assert len(packed) < 0.97 * len(gzip.compress(gzip.decompress(packed), 9, mtime=0))
    assert all(info.compress_type == zipfile.ZIP_STORED for info in bundle.infolist())


# Pyodide under Node, on the bundle as its stdlib: a Python error raised inside the stdlib,
# formatted as the worker reports one (traceback.format_exception), and a warning.
TRACEBACK_SCRIPT = r"""
import { pathToFileURL } from "node:url";
const [pyodideDir, stdLibURL] = process.argv.slice(2);
const { loadPyodide } = await import(pathToFileURL(pyodideDir + "/pyodide.mjs").href);
const pyodide = await loadPyodide({ indexURL: pyodideDir + "/", packages: [], stdLibURL, stdout: () => {}, stderr: () => {} });
process.stdout.write(pyodide.runPython(`
import json, traceback, warnings
warnings.warn("from outside the stdlib")
try:
    json.loads("{not json")
except ValueError as error:
    text = "".join(traceback.format_exception(error))
text
`));
"""


def test_a_traceback_through_the_bundled_stdlib_names_its_functions(site, tmp_path):
    # The stdlib's line tables are cut to one line per function: tracebacks must still format.
    _, packed, _ = _bundle(site)
    (tmp_path / "bundle.zip").write_bytes(gzip.decompress(packed))
    (tmp_path / "traceback.mjs").write_text(TRACEBACK_SCRIPT, "utf-8")
    proc = subprocess.run(["node", str(tmp_path / "traceback.mjs"), str(ROOT / "node_modules" / "pyodide"),
                           str(tmp_path / "bundle.zip")], capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, "\n".join(line for line in proc.stderr.splitlines() if len(line) < 400)[-3000:]
    frames = re.findall(r'File "[^"]*/json/decoder\.py", line (\d+), in (\w+)', proc.stdout)
    assert [name for _, name in frames] == ["decode", "raw_decode"], proc.stdout
    assert all(int(line) > 0 for line, _ in frames), proc.stdout
    assert proc.stdout.rstrip().endswith("(char 1)"), proc.stdout


# --------------------------------------------------------------------------- bad markers


def small_project(tmp_path: Path, markdown: str) -> Path:
    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "index.md").write_text(f"# Test\n\n{markdown}\n", "utf-8")
    (docs / "talent-list.md").write_text("# Talent List\n", "utf-8")
    config = tmp_path / "mkdocs.yml"
    config.write_text(
        "site_name: marker test\n"
        "theme:\n  name: material\n  font: false\n"
        f"  custom_dir: {ROOT / 'overrides'}\n"
        f"hooks:\n  - {ROOT / 'site_scripts' / 'markers.py'}\n",
        "utf-8",
    )
    return config


@pytest.mark.parametrize(
    "marker, message",
    [
        ("<!-- qmas:no-such-table -->", "unknown marker"),
        ("<!-- qmas: -->", "unknown marker"),
        ("<!-- qmas:talent-list 1999 -->", "unknown Talent List version"),
        ("<!-- qmas:talent-list -->", "exactly one version"),
        ("<!-- qmas:editions extra -->", "takes no arguments"),
        ("<!-- qmas:points-245 height -->", "argument must be"),
        ("<!-- qmas:prerequisites points-999 -->", "unknown edition"),
        ("<!-- qmas:sources", "unterminated marker"),
    ],
)
def test_a_bad_marker_fails_the_build(tmp_path, marker, message):
    result = mkdocs_build(small_project(tmp_path, marker), tmp_path / "site")
    assert result.returncode != 0
    assert message in result.stdout + result.stderr


def test_a_good_marker_builds_in_a_small_project(tmp_path):
    config = small_project(tmp_path, "<!-- qmas:points-245 age -->")
    result = mkdocs_build(config, tmp_path / "site")
    assert result.returncode == 0, result.stdout + result.stderr
    html = (tmp_path / "site" / "index.html").read_text("utf-8")
    assert 'data-qmas-table="points-245/age"' in html
