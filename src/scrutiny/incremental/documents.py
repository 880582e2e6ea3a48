"""Markdown read and rendered once per change: each file's header (front matter and a hash
of its body) kept by its size and mtime, and the HTML kept in the store by the hash of the
body; the bodies not yet rendered are rendered in the worker pool before the documents are
loaded."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from functools import partial
from pathlib import Path

from scrutiny.documents import (
    DocumentError,
    Header,
    headers_of,
    read_document,
    read_header,
    recall_headers,
)
from scrutiny.incremental import pool
from scrutiny.incremental.keys import digest
from scrutiny.incremental.store import KeptValues, Store
from scrutiny.render.markdown import render_markdown


@contextmanager
def kept_headers(store: Store, paths: Sequence[Path]) -> Iterator[None]:
    """The headers of `paths` as earlier builds read them, checked against each file's size
    and mtime (documents.read_header); what was read meanwhile is kept for the next build."""
    known = store.load("headers")
    if isinstance(known, dict):
        recall_headers(known)
    try:
        yield
    finally:
        now = headers_of(paths)
        if now != known:
            store.save("headers", now)


class MarkdownCache(KeptValues):
    """render_markdown by a hash of the Markdown body (a Store record, "markdown"), used as
    documents.load_folder's `render`: a body already rendered is not read again."""

    def __call__(self, path: Path, header: Header) -> str:
        if header.body_key in self.known or header.body_key in self.used:
            return self.get(header.body_key, partial(self._render, path))
        return self._render(path)

    def _render(self, path: Path) -> str:
        """Read the body and render it, kept by the hash of what was read."""
        body = read_document(path, str(path)).body
        return self.get(digest(body.encode("utf-8")), partial(render_markdown, body))

    def prerender(self, paths: list[Path]) -> None:
        """Render the bodies not in the cache in worker processes, before loading."""
        paths = [path for path in paths if not self._known_body(path)]
        jobs = pool.jobs_wanted(len(paths))
        if jobs <= 1 or len(paths) < pool.SERIAL_BELOW:
            return

        def task(start: int, stop: int) -> dict[str, str]:
            found = {}
            for path in paths[start:stop]:
                try:
                    body = read_document(path, str(path)).body
                except (DocumentError, OSError):
                    continue  # load_folder reports it
                found[digest(body.encode("utf-8"))] = render_markdown(body)
            return found

        for found in pool.run_chunks(task, len(paths), jobs):
            self.known.update(found)

    def _known_body(self, path: Path) -> bool:
        try:
            return read_header(path, str(path)).body_key in self.known
        except (DocumentError, OSError):
            return True  # load_folder reports it
