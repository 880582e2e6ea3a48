"""The project's Markdown documents (minutes, report summaries, pages): read with their YAML
front matter, checked, and rendered to safe HTML."""

from __future__ import annotations

import os
import re
import time
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from stat import S_ISDIR
from typing import Any

from scrutiny.incremental.keys import RACY_NS, digest
from scrutiny.problems import InvalidData, Problem
from scrutiny.project import Project
from scrutiny.render.markdown import render_markdown
from scrutiny.textfiles import CONTROL as CONTROL  # where validate/structure.py reads it
from scrutiny.textfiles import Unreadable, load_mapping, read_text

FENCE = "---"
NEWLINE = re.compile("\r\n|\r|\n")  # as a file read line by line in text mode


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


@dataclass(frozen=True)
class Header:
    """All a build needs of a Markdown file but its body: the front matter, the first line
    (validation checks it opens the front matter) and a hash of the body, which its rendered
    HTML is kept by (incremental/documents.py)."""

    meta: dict[str, Any]
    first_line: str
    body_key: str


# The headers read in this process, by path, with the (size, mtime) of the file they were
# read from. Only a file whose mtime was settled when it was read is kept (an edit of the same
# size within one mtime tick could keep its mtime, see RACY_NS); a build keeps them between
# processes too (incremental/documents.kept_headers), so a rebuild after one edit reads one file.
_HEADERS: dict[str, tuple[int, int, Header]] = {}


def read_header(path: Path, shown: str) -> Header:
    """The header of one Markdown file; a broken file raises DocumentError."""
    try:
        stat = os.stat(path)
    except OSError:
        stat = None
    key = str(path)
    known = _HEADERS.get(key)
    if stat is not None and known is not None and known[:2] == (stat.st_size, stat.st_mtime_ns):
        return known[2]
    text = read_text(path, shown)
    meta, body = split_front_matter(text, shown)
    header = Header(meta, NEWLINE.split(text, maxsplit=1)[0], digest(body.encode("utf-8")))
    if stat is not None and stat.st_mtime_ns < time.time_ns() - RACY_NS:
        _HEADERS[key] = (stat.st_size, stat.st_mtime_ns, header)
    return header


def recall_headers(known: Mapping[str, tuple[int, int, Header]]) -> None:
    """Take the headers an earlier process read (read_header checks each against its file)."""
    for key, entry in known.items():
        _HEADERS.setdefault(key, entry)


def headers_of(paths: Iterable[Path]) -> dict[str, tuple[int, int, Header]]:
    """The headers kept for these files, to hand to a later process (recall_headers)."""
    return {str(p): _HEADERS[str(p)] for p in paths if str(p) in _HEADERS}


def read_document(path: Path, shown: str) -> MarkdownFile:
    """Read one Markdown file; a broken file raises DocumentError with a clear message."""
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


def render_file(path: Path, header: Header) -> str:
    """The file's body as safe HTML (`header`: what it was read as; the build looks the HTML
    up by its body_key first, incremental/documents.py)."""
    return render_markdown(read_document(path, str(path)).body)


def load_document(
    project: Project,
    path: Path,
    render: Callable[[Path, Header], str] = render_file,
) -> Document:
    """One Markdown file, rendered; a broken file raises DocumentError."""
    shown = project.relative(path)
    header = read_header(path, shown)
    title = str(header.meta.get("title") or path.stem.replace("-", " ").capitalize())
    return Document(path.stem, title, render(path, header), dict(header.meta), shown)


def load_folder(
    project: Project,
    folder: Path,
    render: Callable[[Path, Header], str] = render_file,
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
