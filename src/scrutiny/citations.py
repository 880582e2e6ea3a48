"""A row's `source` read as a citation: which document, which lines or page, and its link.

A source value cites a document when it starts with a file name (`name.ext`), and then it
must resolve to a document in the project's `sources/` folder (or one listed with its
original URL in the `sources` table):

    000_84cb4cf6135e41f0.txt:55        one line of a text document
    000_84cb4cf6135e41f0.txt:55-58     lines 55 to 58
    minutes-2018-04-11.pdf#page=3      a page of a PDF (PDFs have no line structure)
    minutes-2018-04-11.pdf             the whole document

Several citations may be separated by `;`. Anything else is shown as written: a URL becomes
a link, and a note such as `fixture` or `officer's email` stays plain text.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from scrutiny import urls
from scrutiny.config import SiteConfig
from scrutiny.project import Project

TEXT_SUFFIXES = frozenset({".txt", ".md"})
PDF_SUFFIX = ".pdf"
# A document name: a file name with an extension that starts with a letter (so `1.5` is not one).
NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.-]*\.[A-Za-z][A-Za-z0-9]{0,4}(?=$|[:#])")
LOCATOR = re.compile(r":(?P<first>[0-9]+)(?:-(?P<last>[0-9]+))?|#page=(?P<page>[0-9]+)")
URL = re.compile(r"https?://\S+")
HOW = "Write `file.txt:LINE`, `file.txt:FIRST-LAST` or `file.pdf#page=N`."


@dataclass(frozen=True)
class Citation:
    """One cited document, with the lines or the page cited, as written in `text`."""

    text: str
    document: str
    first: int | None = None
    last: int | None = None
    page: int | None = None
    unreadable: bool = False  # starts like a citation but the part after the name is not

    @property
    def anchor(self) -> str:
        """The fragment of the link: `L55`, `L55-L58`, `page=3`, or '' for the whole."""
        if self.page is not None:
            return f"page={self.page}"
        if self.first is None:
            return ""
        if self.last is None or self.last == self.first:
            return f"L{self.first}"
        return f"L{self.first}-L{self.last}"

    @property
    def lines(self) -> tuple[int, int] | None:
        if self.first is None:
            return None
        return (self.first, self.last if self.last is not None else self.first)


@dataclass(frozen=True)
class Part:
    """One `;`-separated part of a source value: a citation, a URL, or plain text."""

    text: str
    citation: Citation | None = None
    url: str | None = None


def parts(value: str | None) -> list[Part]:
    return [_part(p.strip()) for p in (value or "").split(";") if p.strip()]


def citations(value: str | None) -> Iterator[Citation]:
    return (p.citation for p in parts(value) if p.citation is not None)


def _part(text: str) -> Part:
    if URL.fullmatch(text):
        return Part(text, url=text)
    name = NAME.match(text)
    if not name:
        return Part(text)
    rest = text[name.end() :]
    if not rest:
        return Part(text, Citation(text, name.group()))
    where = LOCATOR.fullmatch(rest)
    if not where:
        return Part(text, Citation(text, name.group(), unreadable=True))
    number = {k: int(v) if v else None for k, v in where.groupdict().items()}
    return Part(text, Citation(text, name.group(), **number))


@dataclass(frozen=True)
class Document:
    """A source document: in `sources/` (published with the site) and/or at its original URL."""

    name: str
    path: Path | None  # in sources/, published with the site; None when hosted elsewhere
    line_count: int | None = None  # text documents in sources/
    title: str = ""
    original_url: str = ""

    @property
    def local(self) -> bool:
        return self.path is not None

    @property
    def kind(self) -> str:
        suffix = Path(self.name).suffix.lower()
        if suffix in TEXT_SUFFIXES:
            return "text"
        return "pdf" if suffix == PDF_SUFFIX else "file"

    @property
    def key(self) -> str:
        """The document's page: `sources/<key>/` (its file name without the extension)."""
        return Path(self.name).stem


@dataclass(frozen=True)
class Library:
    """The documents a project's `source` values may cite."""

    documents: dict[str, Document] = field(default_factory=dict)

    @classmethod
    def load(cls, project: Project, listed: Iterable[tuple[str, str, str]] = ()) -> Library:
        """The files at the top of `sources/`, with the (document, title, original_url) rows
        of the `sources` table laid over them."""
        found: dict[str, Document] = {}
        folder = project.sources
        if folder.is_dir():
            for path in sorted(folder.iterdir()):
                if path.is_file() and not path.name.startswith("."):
                    found[path.name] = Document(path.name, path, _line_count(path))
        for name, title, original_url in listed:
            known = found.get(name) or Document(name, None)
            found[name] = Document(
                name, known.path, known.line_count, title or "", original_url or ""
            )
        return cls(found)

    def problem(self, citation: Citation) -> str | None:
        """Why the citation does not resolve (None when it does)."""
        if citation.unreadable:
            return f"'{citation.text}' is not a line or page reference that can be read"
        doc = self.documents.get(citation.document)
        if doc is None:
            return f"'{citation.document}' is not in the sources/ folder or the sources table"
        if not doc.local:
            return None  # hosted elsewhere: its lines cannot be checked here
        if citation.lines and doc.kind != "text":
            return f"'{doc.name}' has no lines to cite (cite a PDF page as {doc.name}#page=N)"
        if citation.page is not None and doc.kind != "pdf":
            return f"'{doc.name}' has no pages to cite (cite its lines as {doc.name}:LINE)"
        if citation.lines:
            first, last = citation.lines
            if first < 1 or last < first:
                return f"lines {first}-{last} of {doc.name} are not a range from first to last"
            if last > (doc.line_count or 0):
                return f"{doc.name} has {doc.line_count} lines, so line {last} does not exist"
        return None

    def href(self, citation: Citation) -> str | None:
        """Where the citation is read: a path from the site root for a published document,
        its original URL for one hosted elsewhere, None when it does not resolve."""
        doc = self.documents.get(citation.document)
        if doc is None or self.problem(citation):
            return None
        anchor = f"#{citation.anchor}" if citation.anchor else ""
        if not doc.local:
            return doc.original_url + (anchor if doc.kind == "pdf" else "") or None
        if doc.kind == "text":
            return urls.path("source", doc.key) + anchor
        return urls.source_file(doc.name) + anchor

    def href_of(self, doc: Document) -> str | None:
        """Where the whole document is read."""
        return self.href(Citation(doc.name, doc.name))


def _line_count(path: Path) -> int | None:
    """Lines as an editor numbers them (split on newline only); None for other documents."""
    if path.suffix.lower() not in TEXT_SUFFIXES:
        return None
    data = path.read_bytes()
    return data.count(b"\n") + (0 if data.endswith(b"\n") or not data else 1)


@dataclass(frozen=True)
class SourceLinks:
    """Links to sources for files read outside a page (JSON twins): absolute under base_url,
    else relative to the file."""

    config: SiteConfig
    library: Library

    def url(self, value: str | None, here: str) -> str | None:
        """The link of the first part of `value` that has one."""
        for part in parts(value):
            if part.url:
                return part.url
            if part.citation and (href := self.library.href(part.citation)):
                return href if "://" in href else urls.site_link(self.config, href, here)
        return None
