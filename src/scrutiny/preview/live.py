"""The preview's fast render: after an edit, the pages open in a browser are made again from
inputs kept in memory, before the whole site is rebuilt (as Hugo's server renders the pages
being viewed first).

Only the files that changed are read again: a Markdown document is rendered alone, and a
changed table is validated (the unchanged tables come from the validation cache) and the model
made again. The whole build that follows (preview/session.py) stays the authority: it makes
every other output and writes the same bytes for the pages made here.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable
from pathlib import Path

from jinja2 import Environment

from scrutiny import urls
from scrutiny.build import library_of, load_inputs, load_model
from scrutiny.documents import load_document
from scrutiny.incremental.store import Store
from scrutiny.output.atomic import safe_join, write_atomic
from scrutiny.outputs import Page
from scrutiny.pages import FAMILIES, ONE_PAGE
from scrutiny.pages.inputs import Inputs
from scrutiny.project import Project
from scrutiny.render import charts
from scrutiny.render.environment import make_environment, render_page


class LivePages:
    """The project's inputs in memory, and the pages made from them on demand."""

    def __init__(self, project: Project, out: Path) -> None:
        self.project = project
        self.out = out
        self.inputs: Inputs | None = None
        self.env: Environment | None = None
        self.family_of: dict[str, int] = {}  # page file -> index of its family in FAMILIES

    def load(self) -> None:
        """Read every input (raises InvalidData or ProjectError as the build does)."""
        self.inputs = None
        inputs = load_inputs(self.project, Store(self.project))
        self.env = make_environment(self.project.templates, inputs.config, inputs.library)
        charts.warm_up()
        self.family_of = {
            output.path: index
            for index, family in enumerate(FAMILIES)
            for output in family(inputs)
            if isinstance(output, Page)
        }
        self.inputs = inputs

    def apply(self, changed: Iterable[Path]) -> bool:
        """Bring the inputs up to date with the changed files. False when a change needs the
        whole build (site.yaml, a schema, a template's partial, a static file, a document
        added or deleted): the inputs are then dropped until `load`. Raises InvalidData,
        keeping the last good inputs, when a changed table has problems."""
        if self.inputs is None:
            return False
        documents, tables = self._sorted(changed)
        if documents is None or tables is None:
            self.inputs = None  # stale until read again after the whole build
            return False
        inputs = self.inputs
        for path in documents:
            folder = inputs.minutes if path.parent == self.project.minutes else inputs.reports
            folder[path.stem] = load_document(self.project, path)
        if tables:
            names = [t.name for t in inputs.package.tables if t.path in tables]  # type: ignore[union-attr]
            _, model = load_model(self.project, True, inputs.model, names)
            inputs = dataclasses.replace(
                inputs, model=model, library=library_of(self.project, model)
            )
            self.inputs = inputs
        return True

    def _sorted(self, changed: Iterable[Path]) -> tuple[list[Path] | None, list[Path] | None]:
        """The changed minutes and report documents, and the changed tables' CSV files; None
        for either when a change is of another kind."""
        assert self.inputs is not None
        known = {t.path for t in self.inputs.package.tables} if self.inputs.package else set()
        documents: list[Path] = []
        tables: list[Path] = []
        for path in changed:
            if path in known and path.is_file():
                tables.append(path)
            elif path.suffix == ".md" and self._is_known_document(path):
                documents.append(path)
            else:
                return None, None
        return documents, tables

    def _is_known_document(self, path: Path) -> bool:
        assert self.inputs is not None
        for folder, docs in (
            (self.project.minutes, self.inputs.minutes),
            (self.project.reports, self.inputs.reports),
        ):
            if path.parent == folder and path.stem in docs and path.is_file():
                return True
        return False

    def render(self, files: Iterable[str]) -> list[str]:
        """Make the pages whose HTML files are `files` again; the files written."""
        written = []
        for file in files:
            page = self.page(file)
            if page is None or self.env is None:
                continue
            data = render_page(self.env, page)
            write_atomic(safe_join(self.out, page.path), data)
            written.append(file)
        return written

    def page(self, file: str) -> Page | None:
        """The page whose HTML file is `file`, made from the inputs in memory."""
        inputs = self.inputs
        if inputs is None:
            return None
        for name, make in ONE_PAGE.items():
            key = urls.key_of(name, file)
            if key is not None:
                return make(inputs, key)
        known = self.family_of.get(file)
        order = [known] if known is not None else range(len(FAMILIES))
        for index in order:
            for output in FAMILIES[index](inputs):
                if output.path == file and isinstance(output, Page):
                    self.family_of[file] = index
                    return output
        return None
