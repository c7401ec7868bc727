"""tools.serve: the local stand-in for GitHub Pages (no browser needed)."""

from __future__ import annotations

import urllib.error
import urllib.request

import pytest

from tools import serve


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


_open = urllib.request.build_opener(_NoRedirect).open


def fetch(url: str):
    """(status, headers (case-insensitive), body) without following redirects."""
    try:
        with _open(url, timeout=10) as response:
            return response.status, response.headers, response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.headers, error.read()


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    site = tmp_path_factory.mktemp("site")
    (site / "index.html").write_text("<h1>home</h1>")
    (site / "404.html").write_text("not here")
    for name in ("a.wasm", "a.mjs", "a.js", "a.json", "a.zip", "a.whl", "a.svg", "a.woff2"):
        (site / name).write_bytes(b"x")
    (site / "sub").mkdir()
    (site / "sub" / "index.html").write_text("sub")
    (site / "empty").mkdir()
    extra = tmp_path_factory.mktemp("extra")
    (extra / "probe.html").write_text("probe")
    with serve.start(site, base="qmas", mounts={"/qmas/__tests__": extra}) as running:
        yield running


@pytest.mark.parametrize(
    ("name", "mime"),
    [
        ("a.wasm", "application/wasm"),
        ("a.mjs", "text/javascript"),
        ("a.js", "text/javascript"),
        ("a.json", "application/json"),
        ("a.zip", "application/zip"),
        ("a.whl", "application/octet-stream"),
        ("a.svg", "image/svg+xml"),
        ("a.woff2", "font/woff2"),
        ("index.html", "text/html"),
    ],
)
def test_mime_types(server, name, mime):
    status, headers, _ = fetch(server.url + name)
    assert status == 200
    assert headers["Content-Type"].split(";")[0] == mime


def test_base_path_and_index(server):
    assert server.url.endswith("/qmas/")
    assert fetch(server.url)[2] == b"<h1>home</h1>"
    assert fetch(server.url + "sub/")[2] == b"sub"
    status, headers, _ = fetch(server.origin + "/qmas")
    assert (status, headers["Location"]) == (301, "/qmas/")
    status, headers, _ = fetch(server.url + "sub")
    assert (status, headers["Location"]) == (301, "/qmas/sub/")


@pytest.mark.parametrize(
    "path", ["/", "/a.wasm", "/qmasx/a.wasm", "/other/index.html", "/qmas/missing", "/qmas/empty/"]
)
def test_not_found(server, path):
    status, _, body = fetch(server.origin + path)
    assert status == 404
    if path.startswith("/qmas/"):
        assert body == b"not here"  # the site's own 404 page, as on Pages


def test_no_escape_from_the_served_folder(server):
    for path in ("/qmas/../../etc/passwd", "/qmas/%2e%2e/%2e%2e/etc/passwd", "/qmas/..%2f..%2fetc/passwd"):
        status, _, body = fetch(server.origin + path)
        assert status == 404 and b"root:" not in body


def test_mounts(server):
    status, _, body = fetch(server.url + "__tests__/probe.html")
    assert (status, body) == (200, b"probe")


def test_a_headers_file_is_read_as_cloudflare_pages_and_netlify_read_it(tmp_path):
    (tmp_path / "index.html").write_text("home")
    (tmp_path / "v1").mkdir()
    (tmp_path / "v1" / "a.js").write_text("a")
    (tmp_path / "_headers").write_text(
        "# a comment\n/*\n  X-Test: everywhere\n/v1/*\n  Cache-Control: immutable\n  X-Version: 1\n")
    with serve.start(tmp_path, base="/qmas/", headers=True) as running:
        _, headers, _ = fetch(running.url + "v1/a.js")
        assert headers["X-Test"] == "everywhere" and headers["X-Version"] == "1"
        assert headers.get_all("Cache-Control") == ["immutable"]  # the file's, not the default
        _, headers, _ = fetch(running.url)
        assert headers["X-Test"] == "everywhere" and "X-Version" not in headers
        assert headers["Cache-Control"] == "no-cache"
    with serve.start(tmp_path, base="/qmas/") as running:  # without headers=True: none of it
        assert "X-Test" not in fetch(running.url)[1]


def test_gzip_as_pages_serves_it(tmp_path):
    import gzip
    import http.client

    text = "<p>" + "calculator " * 500 + "</p>"
    (tmp_path / "index.html").write_text(text)
    (tmp_path / "a.wasm").write_bytes(b"\0asm" * 1000)
    (tmp_path / "a.zip").write_bytes(b"PK" * 1000)
    with serve.start(tmp_path, base="/qmas/", gzip=True, keep_alive=True) as running:
        host, port = running.server.server_address[:2]
        connection = http.client.HTTPConnection(host, port, timeout=10)
        for path, encoded, raw in (("", True, text.encode()), ("a.wasm", True, b"\0asm" * 1000),
                                   ("a.zip", False, b"PK" * 1000)):
            # One connection for every request: HTTP/1.1 keeps it open.
            connection.request("GET", "/qmas/" + path, headers={"Accept-Encoding": "gzip, deflate, br"})
            response = connection.getresponse()
            body = response.read()
            assert response.status == 200 and response.version == 11
            assert (response.headers["Content-Encoding"] == "gzip") is encoded
            assert int(response.headers["Content-Length"]) == len(body)
            assert (gzip.decompress(body) if encoded else body) == raw
            assert len(body) < len(raw) or not encoded
        connection.request("GET", "/qmas/", headers={"Accept-Encoding": "gzip;q=0, br"})
        response = connection.getresponse()
        assert "Content-Encoding" not in response.headers and response.read() == text.encode()
        connection.close()
    with serve.start(tmp_path, base="/qmas/") as running:  # without gzip=True: never compressed
        request = urllib.request.Request(running.url, headers={"Accept-Encoding": "gzip"})
        with urllib.request.urlopen(request, timeout=10) as response:
            assert "Content-Encoding" not in response.headers and response.read() == text.encode()
