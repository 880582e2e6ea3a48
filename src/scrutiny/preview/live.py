"""The preview's fast render: after an edit, the pages open in a browser are made again from
inputs kept in memory, before the whole site is rebuilt (as Hugo's server renders the pages
being viewed first).

Only the files that changed are read again: a Markdown document is rendered alone, and a
changed table is validated (the unchanged tables come from the validation cache) and the model
made again. The whole build that follows (preview/session.py) stays the authority: it makes
every other output and writes the same bytes for the pages made here.
"""

from __future__ import annotations

import contextlib
import dataclasses
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from jinja2 import Environment

from scrutiny import urls
from scrutiny.build import inputs_of, library_of, load_model
from scrutiny.documents import Document, DocumentError, load_document
from scrutiny.incremental.freshness import build_date
from scrutiny.incremental.store import Store
from scrutiny.output.atomic import safe_join, write_atomic
from scrutiny.outputs import Page
from scrutiny.pages import FAMILIES, ONE_PAGE, one_page_at
from scrutiny.pages.inputs import Inputs
from scrutiny.problems import InvalidData
from scrutiny.project import PACKAGE_DIR, Project
from scrutiny.render import charts
from scrutiny.render.environment import check_templates, make_environment, render_page
from scrutiny.validate.retype import LastReads
from scrutiny.validate.run import Validated


@dataclass
class Edits:
    """One batch of changed files, by what the fast render does with them."""

    documents: list[Path] = field(default_factory=list)  # minutes and report summaries
    tables: list[Path] = field(default_factory=list)
    templates: list[Path] = field(default_factory=list)  # Jinja sees them itself
    static: list[Path] = field(default_factory=list)


class LivePages:
    """The project's inputs in memory, and the pages made from them on demand."""

    def __init__(self, project: Project, out: Path) -> None:
        self.project = project
        self.out = out
        self.inputs: Inputs | None = None
        self.validated: Validated | None = None  # the validation the inputs came from
        self.unsettled: set[Path] = set()  # edited files not taken in: they had problems
        self.last_reads = LastReads()  # the edited tables as last read (validate/retype.py)
        self.env: Environment | None = None
        self.family_of: dict[str, int] = {}  # page file -> index of its family in FAMILIES

    def load(self) -> None:
        """Read every input (raises InvalidData or ProjectError as the build does)."""
        self.inputs = None
        self.last_reads = LastReads()  # the tables as they are now, primed below
        store = Store(self.project)
        self.validated, model = load_model(self.project, True)
        self.last_reads.prime(self.validated.package, self.validated.keys, model)
        inputs = inputs_of(self.project, store, self.validated, model)
        self.env = make_environment(self.project.templates, inputs.config, inputs.library)
        charts.warm_up(inputs.model)
        self.family_of = {
            output.path: index
            for index, family in enumerate(FAMILIES)
            for output in family.outputs(inputs)
            if isinstance(output, Page)
        }
        _compile_templates(self.env)
        self.inputs = inputs

    def apply(self, changed: Iterable[Path]) -> bool:
        """Bring the inputs up to date with the changed files. False when a change needs the
        whole build (site.yaml, a schema, a content page, anything else): the inputs are then
        dropped until `load`. Raises InvalidData, keeping the last good inputs, when a changed
        table or document has problems."""
        if self.inputs is None:
            return False
        changed = self.unsettled | set(changed)
        edits = self._sorted(changed)
        if edits is None:
            self.inputs = None  # stale until read again after the whole build
            return False
        self.unsettled = changed  # until they are taken in
        model = self.inputs.model
        if edits.tables:
            assert self.validated is not None and self.inputs.package is not None
            edited = [t.name for t in self.inputs.package.tables if t.path in edits.tables]
            before = (self.validated, model)
            self.validated, model = load_model(self.project, True, before, edited, self.last_reads)
        read = {path: self._document(path) for path in edits.documents}  # all read, then used
        if read and self.validated is not None:  # the checks that read documents run again
            self.validated = dataclasses.replace(self.validated, documents=None)
        for path, document in read.items():
            folder = self._documents_in(path.parent)
            if document is None:
                folder.pop(path.stem, None)
            else:
                folder[path.stem] = document
        if edits.tables:
            library = library_of(self.project, model)
            self.inputs = dataclasses.replace(
                self.inputs, model=model, library=library, tables_key=None
            )
        if self.inputs.today != build_date():  # serving past midnight
            self.inputs = dataclasses.replace(self.inputs, today=build_date())
        if edits.templates and self.env is not None:
            self.env.cache.clear()  # a new override hides a built-in template of the same name
        for path in edits.static:
            self._copy_static(path)
        self.unsettled = set()
        return True

    def _sorted(self, changed: Iterable[Path]) -> Edits | None:
        """The changed files by kind; None when one is of a kind only the whole build follows."""
        assert self.inputs is not None
        known = {t.path for t in self.inputs.package.tables} if self.inputs.package else set()
        edits = Edits()
        for path in changed:
            if path in known and path.is_file() and not path.is_symlink():
                edits.tables.append(path)
            elif path.suffix == ".md" and path.parent in (
                self.project.minutes,
                self.project.reports,
            ):
                edits.documents.append(path)
            elif path.is_relative_to(self.project.templates) and path.suffix == ".html":
                edits.templates.append(path)
            elif path.is_relative_to(self.project.static):
                edits.static.append(path)
            else:
                return None
        return edits

    def _documents_in(self, folder: Path) -> dict[str, Document]:
        assert self.inputs is not None
        return self.inputs.minutes if folder == self.project.minutes else self.inputs.reports

    def _document(self, path: Path) -> Document | None:
        """The document as saved now; None once it is deleted."""
        if not path.is_file():
            return None
        try:
            return load_document(self.project, path)
        except DocumentError as error:
            raise InvalidData([error.problem]) from None

    def _copy_static(self, path: Path) -> None:
        """The site's static file into the served site (or, once deleted, scrutiny's own)."""
        relative = path.relative_to(self.project.static).as_posix()
        target = safe_join(self.out, f"static/{relative}")
        for source in (path, PACKAGE_DIR / "static" / relative):
            if source.is_file():
                write_atomic(target, source.read_bytes())
                return
        target.unlink(missing_ok=True)

    def render(self, files: Iterable[str]) -> list[str]:
        """Make the pages whose HTML files are `files` again; the files written."""
        written = []
        for file in files:
            page = self.page(file)
            if page is None or self.env is None:
                continue
            check_templates(
                self.env, {page.template}, self.project.relative(self.project.templates)
            )
            data = render_page(self.env, page)
            write_atomic(safe_join(self.out, page.path), data)
            written.append(file)
        return written

    def page(self, file: str) -> Page | None:
        """The page whose HTML file is `file`, made from the inputs in memory."""
        inputs = self.inputs
        if inputs is None:
            return None
        if any(urls.key_of(name, file) is not None for name in ONE_PAGE):
            return one_page_at(inputs, file)
        known = self.family_of.get(file)
        order = [known] if known is not None else range(len(FAMILIES))
        for index in order:
            for output in FAMILIES[index].outputs(inputs):
                if output.path == file and isinstance(output, Page):
                    self.family_of[file] = index
                    return output
        return None


def _compile_templates(env: Environment) -> None:
    """Compile every template now, so that no edit waits for one (a meeting page's first
    render at county size takes 0.2 s, most of it compiling its templates)."""
    for name in env.list_templates(extensions=("html",)):
        with contextlib.suppress(Exception):  # a broken override is reported when a page needs it
            env.get_template(name)
