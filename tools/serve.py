"""Serve a built site on 127.0.0.1 under a sub-path, as GitHub Pages would.

    python -m tools.serve --dir site --base /qmas/ --port 8000

serves ``site/`` at http://127.0.0.1:8000/qmas/. Anything outside the prefix
is a 404, directories are never listed, and ``<dir>/404.html`` (if the site
has one) is sent with the 404 status, like Pages does.

Tests import :func:`start`, which returns a running server in a thread:

    with start("site", base="/qmas/", port=0) as server:
        page.goto(server.url)          # http://127.0.0.1:<port>/qmas/

``mounts`` serves extra folders under their own prefixes (the browser tests
put their probe page next to the site this way, without copying it in).
``headers=True`` also sends what the site's ``_headers`` file asks for, as Cloudflare Pages
and Netlify do (paths in it are relative to ``base``). ``gzip=True`` compresses text types and
.wasm (``GZIP_TYPES``) when the browser accepts gzip, as Pages does (``Content-Encoding: gzip``),
and ``keep_alive=True`` speaks HTTP/1.1 with persistent connections (the benchmark's network
profiles: a connection costs round trips there).
"""

from __future__ import annotations

import argparse
import fnmatch
import gzip as gzip_module
import http.server
import io
import os
import posixpath
import sys
import threading
import urllib.parse
from dataclasses import dataclass, field
from pathlib import Path

# Types the browser cares about: WebAssembly.instantiateStreaming requires
# application/wasm, module scripts and workers require a JavaScript type.
MIME_TYPES = {
    "": "application/octet-stream",
    ".html": "text/html; charset=utf-8",
    ".htm": "text/html; charset=utf-8",
    ".css": "text/css; charset=utf-8",
    ".js": "text/javascript; charset=utf-8",
    ".mjs": "text/javascript; charset=utf-8",
    ".json": "application/json",
    ".map": "application/json",
    ".wasm": "application/wasm",
    ".zip": "application/zip",
    ".whl": "application/octet-stream",
    ".bin": "application/octet-stream",
    ".py": "text/x-python; charset=utf-8",
    ".txt": "text/plain; charset=utf-8",
    ".xml": "application/xml",
    ".svg": "image/svg+xml",
    ".png": "image/png",
    ".jpg": "image/jpeg",
    ".ico": "image/x-icon",
    ".webmanifest": "application/manifest+json",
    ".woff": "font/woff",
    ".woff2": "font/woff2",
    ".gz": "application/gzip",
}


# What GitHub Pages sends gzipped (to a browser that accepts it): text types and, per public
# reports, .wasm; never .zip, .gz, images or fonts. Level 6, the usual default (Pages' own is not
# published).
GZIP_TYPES = frozenset({".html", ".htm", ".css", ".js", ".mjs", ".json", ".map", ".svg", ".xml", ".txt",
                        ".webmanifest", ".wasm"})
GZIP_LEVEL = 6
_gzipped: dict[tuple[str, int, int], bytes] = {}


def gzipped(path: str | os.PathLike) -> bytes:
    """The file gzipped as :data:`GZIP_LEVEL`, computed once per version of the file."""
    stat = os.stat(path)
    key = (str(path), stat.st_mtime_ns, stat.st_size)
    if key not in _gzipped:
        _gzipped[key] = gzip_module.compress(Path(path).read_bytes(), GZIP_LEVEL, mtime=0)
    return _gzipped[key]


def accepts_gzip(accept_encoding: str) -> bool:
    """Whether an Accept-Encoding header allows gzip (``gzip, deflate, br``; not ``gzip;q=0``)."""
    for item in accept_encoding.split(","):
        name, _, params = item.strip().partition(";")
        if name.strip().lower() in ("gzip", "x-gzip"):
            return params.replace(" ", "").lower() not in ("q=0", "q=0.0", "q=0.00", "q=0.000")
    return False


class GzippedBody(io.BytesIO):
    """A response body sent gzipped; ``name`` is the file it was made from."""

    def __init__(self, data: bytes, name: str):
        super().__init__(data)
        self.name = name


def read_headers_file(path: str | os.PathLike) -> list[tuple[str, list[tuple[str, str]]]]:
    """A ``_headers`` file as [(path pattern, [(name, value)])]: a pattern on a line of its own,
    its headers on the indented lines below it, ``#`` comments."""
    rules: list[tuple[str, list[tuple[str, str]]]] = []
    for line in Path(path).read_text("utf-8").splitlines():
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        if not line[0].isspace():
            rules.append((line.strip(), []))
        elif rules:
            name, _, value = line.strip().partition(":")
            rules[-1][1].append((name.strip(), value.strip()))
    return rules


def normalize_base(base: str) -> str:
    """``qmas`` / ``/qmas`` / ``/qmas/`` -> ``/qmas/``; ``""`` or ``/`` -> ``/``."""
    parts = [p for p in base.strip().split("/") if p]
    return "/" + "".join(p + "/" for p in parts)


class SiteHandler(http.server.SimpleHTTPRequestHandler):
    """Static files from ``mounts`` (prefix -> folder), nothing else."""

    # Set per server by :func:`make_server` (via a subclass).
    mounts: tuple[tuple[str, str], ...] = ()
    cache_control: str | None = "no-cache"
    quiet: bool = True
    # (pattern, headers) from the site's _headers file, when asked for; patterns match the path
    # below the site's base, with * for any characters.
    header_rules: tuple = ()
    site_base: str = "/"
    gzip: bool = False
    _gzip_body: bytes | None = None  # the body of the response being sent, when gzipped

    extensions_map = MIME_TYPES

    def _mount_for(self, url_path: str) -> tuple[str, str] | None:
        for prefix, root in self.mounts:  # longest prefix first
            if url_path.startswith(prefix):
                return prefix, root
        return None

    def translate_path(self, path: str) -> str:
        path = path.split("?", 1)[0].split("#", 1)[0]
        trailing_slash = path.endswith("/")
        path = urllib.parse.unquote(path, errors="surrogatepass")
        mount = self._mount_for(path)
        if mount is None:
            return ""  # send_head turns this into a 404
        prefix, root = mount
        rest = posixpath.normpath("/" + path[len(prefix):])
        words = [w for w in rest.split("/") if w and w not in (".", "..")]
        result = os.path.join(root, *words)
        if trailing_slash:
            result += "/"
        return result

    def send_head(self):
        self._gzip_body = None
        url_path = urllib.parse.unquote(self.path.split("?", 1)[0].split("#", 1)[0])
        # "/qmas" -> "/qmas/" as Pages does.
        for prefix, _root in self.mounts:
            if prefix != "/" and url_path == prefix.rstrip("/"):
                self.send_response(301)
                self.send_header("Location", prefix)
                self.send_header("Content-Length", "0")
                self.end_headers()
                return None
        mount = self._mount_for(url_path)
        if mount is None:
            return self._not_found(None)
        fs_path = self.translate_path(self.path)
        if os.path.isdir(fs_path):
            if not url_path.endswith("/"):
                return super().send_head()  # the base class redirects to ".../"
            if not os.path.isfile(os.path.join(fs_path, "index.html")):
                return self._not_found(mount[1])
        elif not os.path.isfile(fs_path):
            return self._not_found(mount[1])
        target = os.path.join(fs_path, "index.html") if os.path.isdir(fs_path) else fs_path
        if self.gzip and Path(target).suffix.lower() in GZIP_TYPES and accepts_gzip(
                self.headers.get("Accept-Encoding", "")):
            self._gzip_body = gzipped(target)
        f = super().send_head()
        if f is None or self._gzip_body is None:
            return f
        f.close()
        return GzippedBody(self._gzip_body, target)

    def send_header(self, keyword, value):
        # The base class sends the file's own length: a gzipped body has its own.
        if keyword.lower() == "content-length" and self._gzip_body is not None:
            value = str(len(self._gzip_body))
            super().send_header("Content-Encoding", "gzip")
            super().send_header("Vary", "Accept-Encoding")
        super().send_header(keyword, value)

    def _not_found(self, root: str | None):
        page = os.path.join(root, "404.html") if root else None
        if page and os.path.isfile(page):
            with open(page, "rb") as f:
                body = f.read()
            self.send_response(404)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            if self.command != "HEAD":
                self.wfile.write(body)
            return None
        self.send_error(404, "File not found")
        return None

    def list_directory(self, path):  # never list folders
        self.send_error(404, "File not found")
        return None

    def end_headers(self):
        extra = self._headers_for(self.path)
        if self.cache_control and not any(name.lower() == "cache-control" for name, _ in extra):
            self.send_header("Cache-Control", self.cache_control)
        for name, value in extra:
            self.send_header(name, value)
        super().end_headers()

    def _headers_for(self, url_path: str) -> list[tuple[str, str]]:
        path = urllib.parse.unquote(url_path.split("?", 1)[0].split("#", 1)[0])
        if not self.header_rules or not path.startswith(self.site_base):
            return []
        path = "/" + path[len(self.site_base):]
        return [h for pattern, headers in self.header_rules if fnmatch.fnmatchcase(path, pattern) for h in headers]

    def log_message(self, format, *args):
        if not self.quiet:
            super().log_message(format, *args)


class QuietThreadingHTTPServer(http.server.ThreadingHTTPServer):
    daemon_threads = True
    quiet = True

    def handle_error(self, request, client_address):
        # A browser closing a connection mid-download (a test ending, a page
        # navigating away) is normal, not worth a traceback.
        exc = sys.exc_info()[1]
        if self.quiet and isinstance(exc, (ConnectionResetError, BrokenPipeError)):
            return
        super().handle_error(request, client_address)


def make_server(
    directory: str | os.PathLike,
    base: str = "/",
    port: int = 0,
    host: str = "127.0.0.1",
    mounts: dict[str, str | os.PathLike] | None = None,
    quiet: bool = True,
    cache_control: str | None = "no-cache",
    headers: bool = False,
    gzip: bool = False,
    keep_alive: bool = False,
) -> QuietThreadingHTTPServer:
    """A server (not yet serving) for ``directory`` at ``base`` and any ``mounts``."""
    directory = Path(directory).resolve()
    if not directory.is_dir():
        raise FileNotFoundError(f"no such directory to serve: {directory}")
    table = {normalize_base(base): str(directory)}
    for prefix, folder in (mounts or {}).items():
        folder = Path(folder).resolve()
        if not folder.is_dir():
            raise FileNotFoundError(f"no such directory to mount: {folder}")
        table[normalize_base(prefix)] = str(folder)
    ordered = tuple(sorted(table.items(), key=lambda kv: len(kv[0]), reverse=True))
    handler = type(
        "BoundSiteHandler",
        (SiteHandler,),
        {"mounts": ordered, "quiet": quiet, "cache_control": cache_control, "site_base": normalize_base(base),
         "header_rules": tuple(read_headers_file(directory / "_headers")) if headers else (),
         "gzip": gzip, "protocol_version": "HTTP/1.1" if keep_alive else "HTTP/1.0"},
    )
    server = QuietThreadingHTTPServer((host, port), handler)
    server.quiet = quiet
    return server


@dataclass
class RunningServer:
    """A server serving in a daemon thread; ``url`` ends with the base path."""

    server: QuietThreadingHTTPServer
    thread: threading.Thread
    base: str
    url: str = field(init=False)
    origin: str = field(init=False)

    def __post_init__(self):
        host, port = self.server.server_address[:2]
        self.origin = f"http://{host}:{port}"
        self.url = self.origin + self.base

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()
        self.thread.join(timeout=10)

    def __enter__(self) -> "RunningServer":
        return self

    def __exit__(self, *exc) -> None:
        self.close()


def start(directory: str | os.PathLike, base: str = "/", **options) -> RunningServer:
    """Start serving in a background thread (port 0 picks a free port)."""
    server = make_server(directory, base, **options)
    thread = threading.Thread(
        target=server.serve_forever, name="site-server", daemon=True
    )
    thread.start()
    return RunningServer(server, thread, normalize_base(base))


def main(args=None) -> None:
    parser = argparse.ArgumentParser(
        prog="python -m tools.serve",
        description="Serve a built site on 127.0.0.1 under a sub-path.",
    )
    parser.add_argument("--dir", default="site", help="folder to serve (default: site)")
    parser.add_argument("--base", default="/", help="URL prefix, e.g. /qmas/ (default: /)")
    parser.add_argument("--port", type=int, default=8000, help="0 picks a free port")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument(
        "--mount",
        action="append",
        default=[],
        metavar="PREFIX=DIR",
        help="also serve DIR under PREFIX (repeatable)",
    )
    parser.add_argument("--headers", action="store_true",
                        help="send what the site's _headers file asks for (as Cloudflare Pages and Netlify do)")
    parser.add_argument("--gzip", action="store_true",
                        help="gzip text types and .wasm for browsers that accept it, as GitHub Pages does")
    parser.add_argument("--verbose", action="store_true", help="log every request")
    opts = parser.parse_args(args)
    mounts = {}
    for item in opts.mount:
        prefix, sep, folder = item.partition("=")
        if not sep:
            parser.error(f"--mount takes PREFIX=DIR, got {item!r}")
        mounts[prefix] = folder
    try:
        server = make_server(
            opts.dir, opts.base, opts.port, opts.host, mounts, quiet=not opts.verbose, headers=opts.headers,
            gzip=opts.gzip,
        )
    except (FileNotFoundError, OSError) as e:
        raise SystemExit(e)
    host, port = server.server_address[:2]
    print(f"Serving {Path(opts.dir).resolve()} at http://{host}:{port}{normalize_base(opts.base)}", flush=True)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()


if __name__ == "__main__":
    main()
