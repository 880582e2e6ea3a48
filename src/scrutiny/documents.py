"""The project's Markdown documents (minutes, report summaries, pages): read with their YAML
front matter, checked, and rendered to safe HTML."""

from __future__ import annotations

import os
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from stat import S_ISDIR
from typing import Any

from scrutiny.incremental.keys import RACY_NS
from scrutiny.problems import InvalidData, Problem
from scrutiny.project import Project
from scrutiny.render.markdown import render_markdown
from scrutiny.textfiles import CONTROL as CONTROL  # where validate/structure.py reads it
from scrutiny.textfiles import Unreadable, load_mapping, read_text

FENCE = "---"


@dataclass(frozen=True)
class MarkdownFile:
    """A Markdown file as written: its front matter and its body, not yet rendered."""

    path: Path
    slug: str
    meta: dict[str, Any]
    body: str


@dataclass(frozen=True)
class Document:
    """A Markdown document already rendered to safe HTML."""

    slug: str
    title: str
    html: str
    meta: dict
    source_path: str


# A Markdown file that cannot be used: textfiles' Unreadable, carrying the one Problem.
DocumentError = Unreadable


@dataclass(frozen=True)
class DocumentOf:
    """The document `key` of `documents` (false when there is none), looked up when read.

    In a page's context it stands for the document without holding it: the build keys the
    context by the key alone, and the lookup, made while the page is drawn, goes through the
    tracked documents (incremental/tracking.py). So an edit of one document changes no
    context; the one page that read it is found by its trace. A template reads it as the
    document itself (`minutes.html`, `{% if minutes %}`)."""

    documents: Mapping[str, Document]
    key: str

    def __bool__(self) -> bool:
        return self.key in self.documents

    def __getattr__(self, name: str) -> Any:
        if name.startswith("__") or name in ("documents", "key"):  # not yet set (unpickling)
            raise AttributeError(name)
        found = self.documents.get(self.key)
        if found is None:
            raise AttributeError(f"there is no document {self.key!r}")
        return getattr(found, name)


# Documents already read in this process, by path, with the (size, mtime) they were read at:
# validation reads every minutes file and the build reads them again to render them.
_READ: dict[Path, tuple[tuple[int, int], MarkdownFile]] = {}


def read_document(path: Path, shown: str) -> MarkdownFile:
    """Read one Markdown file; a broken file raises DocumentError with a clear message."""
    try:
        stat = path.stat()
    except OSError:
        return _read_document(path, shown)  # words the problem
    stamp = (stat.st_size, stat.st_mtime_ns)
    known = _READ.get(path)
    if known is not None and known[0] == stamp:
        return known[1]
    document = _read_document(path, shown)
    _READ[path] = (stamp, document)
    return document


def _read_document(path: Path, shown: str) -> MarkdownFile:
    meta, body = split_front_matter(read_text(path, shown), shown)
    return MarkdownFile(path, path.stem, meta, body)


def split_front_matter(text: str, shown: str) -> tuple[dict[str, Any], str]:
    """The YAML between the first two `---` lines, and the Markdown after them."""
    lines = text.removeprefix("\ufeff").split("\n")
    if lines[0].strip() != FENCE:
        return {}, "\n".join(lines)
    end = next((i for i in range(1, len(lines)) if lines[i].strip() == FENCE), None)
    if end is None:
        raise DocumentError(
            Problem(
                shown,
                line=1,
                message="the front matter that starts on line 1 is never closed",
                hint="Add a line with just --- after the settings.",
                rule="front-matter",
            )
        )
    meta = load_mapping(
        "\n".join(lines[1:end]),
        shown,
        first_line=2,
        what="the front matter",
        hint="Write each setting as `key: value` on its own line.",
    )
    return meta, "\n".join(lines[end + 1 :])


# Each folder's listing, with the folder's mtime when it was listed: a build lists the minutes
# folder a dozen times (validation, versions, rendering). Adding, removing or renaming a file
# changes its folder's mtime; a listing is kept only once that mtime is settled.
_LISTED: dict[Path, tuple[int, list[Path]]] = {}


def markdown_files(folder: Path) -> list[Path]:
    """The folder's Markdown files, by name (compared as text: sorting Paths is slow)."""
    try:
        stat = os.stat(folder)
    except OSError:
        return []
    if not S_ISDIR(stat.st_mode):
        return []
    listed = _LISTED.get(folder)
    if listed is not None and listed[0] == stat.st_mtime_ns:
        return list(listed[1])
    with os.scandir(folder) as entries:
        names = sorted(e.name for e in entries if _is_markdown(e.name) and e.is_file())
    paths = [folder / name for name in names]
    if stat.st_mtime_ns < time.time_ns() - RACY_NS:
        _LISTED[folder] = (stat.st_mtime_ns, paths)
    return list(paths)


def _is_markdown(name: str) -> bool:
    """A name with the suffix .md (as PurePath(name).suffix == ".md", without making a Path:
    a county has ten thousand minutes)."""
    return len(name) > 3 and name.endswith(".md")


def _doc(project: Project, document: MarkdownFile, render: Callable[[str], str]) -> Document:
    title = str(document.meta.get("title") or document.slug.replace("-", " ").capitalize())
    return Document(
        document.slug,
        title,
        render(document.body),
        dict(document.meta),
        project.relative(document.path),
    )


def load_document(
    project: Project, path: Path, render: Callable[[str], str] = render_markdown
) -> Document:
    """One Markdown file, rendered; a broken file raises DocumentError."""
    return _doc(project, read_document(path, project.relative(path)), render)


def load_folder(
    project: Project, folder: Path, render: Callable[[str], str] = render_markdown
) -> dict[str, Document]:
    docs, problems = {}, []
    for path in markdown_files(folder):
        try:
            docs[path.stem] = load_document(project, path, render)
        except DocumentError as error:
            problems.append(error.problem)
    if problems:
        raise InvalidData(problems)
    return docs
