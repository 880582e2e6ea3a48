"""Serve a built site on 127.0.0.1, with the reload script added to every HTML page as it is
served (the files on disk, the published site, never contain it).

The script (reload.js, same origin, so the pages' Content-Security-Policy allows it) asks
`/__scrutiny__/status` for the build state: a long poll that answers when the site was
rebuilt or the problems changed. It reloads the page after a rebuild and shows the problems
over the page while the data is invalid. Each request names the page and this load of it (its
view), and a beacon says when the page is left: so the server knows which pages are open, and
makes those first after an edit (session.py).
"""

from __future__ import annotations

import contextlib
import http.server
import json
import threading
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

from scrutiny.problems import Problem

SCRIPT_PATH = "/__scrutiny__/reload.js"
STATUS_PATH = "/__scrutiny__/status"
CLOSED_PATH = "/__scrutiny__/closed"  # a page was left or reloaded (a beacon)
SCRIPT = (Path(__file__).with_name("reload.js")).read_bytes()
WAIT = 20.0  # seconds a status request waits for news


@dataclass
class BuildState:
    """The last build: its number (bumped by each good build), the current problems, and the
    pages open in a browser (each asks for the state while it is open)."""

    version: int = 0
    problems: list[Problem] = field(default_factory=list)
    changed: threading.Condition = field(default_factory=threading.Condition)
    views: dict[str, tuple[str, float]] = field(default_factory=dict)  # view -> page, when
    shown: dict[str, str] = field(default_factory=dict)  # view -> version it was loaded at

    def viewing(self, view: str, url_path: str, since: str = "") -> None:
        """A page (one load of it: `view`, made at version `since`) asked for the state, so
        it is open."""
        file = page_file(url_path)
        if view and file is not None:
            with self.changed:
                self.views[view] = (file, time.monotonic())
                self.shown[view] = since
                self.changed.notify_all()

    def wait_until_shown(self, files: list[str], timeout: float) -> bool:
        """Wait until each of the pages has been loaded again since the last build (its
        reloaded view asks for the state), or for `timeout` seconds; whether they were."""
        deadline = time.monotonic() + timeout
        with self.changed:
            while not self._shown(files):
                left = deadline - time.monotonic()
                if left <= 0:
                    return False
                self.changed.wait(left)
            return True

    def _shown(self, files: list[str]) -> bool:
        current = str(self.version)
        loaded = {
            self.views[v][0] for v, at in self.shown.items() if at == current and v in self.views
        }
        return set(files) <= loaded

    def closed(self, view: str) -> None:
        with self.changed:
            self.views.pop(view, None)
            self.shown.pop(view, None)

    def open_pages(self) -> list[str]:
        """The HTML files of the pages open now (asked lately, not closed), latest first."""
        recent = time.monotonic() - 2 * WAIT
        with self.changed:  # a view not heard of lately was closed without a word: forget it
            self.views = {v: seen for v, seen in self.views.items() if seen[1] > recent}
            self.shown = {v: at for v, at in self.shown.items() if v in self.views}
            views = sorted(self.views.values(), key=lambda v: v[1], reverse=True)
        return list(dict.fromkeys(file for file, _ in views))

    def built(self) -> None:
        with self.changed:
            self.version += 1
            self.problems = []
            self.changed.notify_all()

    def failed(self, problems: list[Problem]) -> None:
        with self.changed:
            self.problems = list(problems)
            self.changed.notify_all()

    def as_json(self) -> bytes:
        problems = [asdict(p) | {"location": p.location()} for p in self.problems]
        return json.dumps({"version": self.version, "problems": problems}).encode("utf-8")

    def wait(self, since: str, seen: int) -> bytes:
        """The state once it differs from what the page has (or after WAIT seconds)."""
        deadline = time.monotonic() + WAIT
        with self.changed:
            while (
                str(self.version) == since
                and len(self.problems) == seen
                and time.monotonic() < deadline
            ):
                self.changed.wait(max(0.0, deadline - time.monotonic()))
            return self.as_json()


def make_handler(site: Path, state: BuildState, reload: bool) -> type:
    class Handler(http.server.SimpleHTTPRequestHandler):
        def __init__(self, *args, **kwargs) -> None:
            super().__init__(*args, directory=str(site), **kwargs)

        def log_message(self, format: str, *args) -> None:
            pass  # the terminal is for build messages

        def do_GET(self) -> None:
            path = urlsplit(self.path).path
            if reload and path == SCRIPT_PATH:
                return self._send(SCRIPT, "text/javascript; charset=utf-8")
            if reload and path == STATUS_PATH:
                query = parse_qs(urlsplit(self.path).query)
                since = query.get("since", [""])[0]
                seen = int(query.get("seen", ["0"])[0] or 0)
                state.viewing(query.get("view", [""])[0], query.get("page", [""])[0], since)
                body = state.wait(since, seen) if since else state.as_json()
                return self._send(body, "application/json")
            if reload and self._is_html(path):
                return self._send_page(path)
            return super().do_GET()

        def do_POST(self) -> None:
            split = urlsplit(self.path)
            if not (reload and split.path == CLOSED_PATH):
                return self.send_error(405)
            state.closed(parse_qs(split.query).get("view", [""])[0])
            self.send_response(204)
            self.end_headers()

        def _is_html(self, path: str) -> bool:
            local = Path(self.translate_path(path))
            return path.endswith("/") or local.suffix == ".html" or (local / "index.html").is_file()

        def _send_page(self, path: str) -> None:
            local = Path(self.translate_path(path))
            if local.is_dir():
                if not path.endswith("/"):
                    return super().do_GET()  # the redirect to the folder's URL
                local = local / "index.html"
            try:
                html = local.read_bytes()
            except OSError:
                if not site.is_dir():  # nothing built yet: a page to carry the problems
                    html = b"<!doctype html><title>Not built</title><body><h1>Not built</h1>"
                else:
                    return super().do_GET()  # the 404
            tag = f'<script src="{SCRIPT_PATH}" data-version="{state.version}"></script>'
            self._send(_inject(html, tag.encode()), "text/html; charset=utf-8")

        def _send(self, body: bytes, content_type: str) -> None:
            self.send_response(200)
            self.send_header("Content-Type", content_type)
            self.send_header("Content-Length", str(len(body)))
            self.send_header("Cache-Control", "no-store")
            self.end_headers()
            with contextlib.suppress(BrokenPipeError, ConnectionResetError):
                self.wfile.write(body)  # the page may have reloaded meanwhile

    return Handler


def page_file(url_path: str) -> str | None:
    """The HTML file of a page's URL path (`/meetings/x/` is `meetings/x/index.html`); None
    for a path that could leave the site."""
    parts = [p for p in url_path.split("/") if p]
    if any(p in (".", "..") or "\\" in p for p in parts):
        return None
    if not parts or url_path.endswith("/"):
        parts.append("index.html")
    return "/".join(parts)


def _inject(html: bytes, tag: bytes) -> bytes:
    at = html.rfind(b"</body>")
    return html + tag if at < 0 else html[:at] + tag + html[at:]


def serve(site: Path, state: BuildState, port: int, reload: bool) -> http.server.HTTPServer:
    """A threaded server for the site on 127.0.0.1 (not yet serving: call serve_forever)."""
    server = http.server.ThreadingHTTPServer(("127.0.0.1", port), make_handler(site, state, reload))
    server.daemon_threads = True
    return server
