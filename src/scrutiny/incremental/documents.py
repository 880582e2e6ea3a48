"""Markdown rendered once per body: HTML kept in the store by a hash of the body, and the
bodies not yet rendered rendered in the worker pool before the documents are loaded."""

from __future__ import annotations

from pathlib import Path

from scrutiny.documents import DocumentError, read_document
from scrutiny.incremental import pool
from scrutiny.incremental.keys import digest
from scrutiny.render.markdown import render_markdown


class MarkdownCache:
    """render_markdown by a hash of the Markdown body; remembers which entries were used."""

    def __init__(self, known: dict[str, str] | None) -> None:
        self.known = known or {}
        self.stored = set(self.known)  # what the store holds (known grows as bodies render)
        self.used: dict[str, str] = {}

    def __call__(self, body: str) -> str:
        key = digest(body.encode("utf-8"))
        html = self.used.get(key) or self.known.get(key)
        if html is None:
            html = render_markdown(body)
        self.used[key] = html
        return html

    def changed(self) -> bool:
        """Whether what this build used differs from what it was given (new bodies rendered,
        or some no longer used): only then is the record worth writing again."""
        return self.used.keys() != self.stored

    def prerender(self, paths: list[Path]) -> None:
        """Render the bodies not in the cache in worker processes, before loading."""
        jobs = pool.jobs_wanted(len(paths))
        if jobs <= 1 or len(paths) < pool.SERIAL_BELOW:
            return
        known = set(self.known)

        def task(start: int, stop: int) -> dict[str, str]:
            found = {}
            for path in paths[start:stop]:
                try:
                    body = read_document(path, str(path)).body
                except (DocumentError, OSError):
                    continue  # load_folder reports it
                key = digest(body.encode("utf-8"))
                if key not in known:
                    found[key] = render_markdown(body)
            return found

        for found in pool.run_chunks(task, len(paths), jobs):
            self.known.update(found)
