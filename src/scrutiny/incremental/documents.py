"""Markdown rendered once per body: HTML kept in the store by a hash of the body, and the
bodies not yet rendered rendered in the worker pool before the documents are loaded."""

from __future__ import annotations

from functools import partial
from pathlib import Path

from scrutiny.documents import DocumentError, read_document
from scrutiny.incremental import pool
from scrutiny.incremental.keys import digest
from scrutiny.incremental.store import KeptValues
from scrutiny.render.markdown import render_markdown


class MarkdownCache(KeptValues):
    """render_markdown by a hash of the Markdown body (a Store record, "markdown")."""

    def __call__(self, body: str) -> str:
        return self.get(digest(body.encode("utf-8")), partial(render_markdown, body))

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
