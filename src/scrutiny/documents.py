"""The project's Markdown documents (minutes, report summaries, pages): read with their YAML
front matter, checked, and rendered to safe HTML."""

from __future__ import annotations

import os
import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path, PurePath
from typing import Any

import yaml

from scrutiny import textfiles as yamlerror
from scrutiny.problems import InvalidData, Problem
from scrutiny.project import Project
from scrutiny.render.markdown import render_markdown

FENCE = "---"
# Characters that have no place in text and that XML outputs (feeds) cannot hold.
CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ufffe\uffff]")


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


class DocumentError(Exception):
    def __init__(self, problem: Problem) -> None:
        self.problem = problem
        super().__init__(problem.as_text())


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
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError as exc:
        line = path.read_bytes().count(b"\n", 0, exc.start) + 1
        raise DocumentError(
            Problem(
                shown, line, None, "the file is not UTF-8 text", "Save it as UTF-8.", "encoding"
            )
        ) from None
    if "\x00" in text:
        raise DocumentError(
            Problem(
                shown,
                text.count("\n", 0, text.index("\x00")) + 1,
                None,
                "the file contains a NUL byte",
                "Save it as plain UTF-8 text.",
                "nul-byte",
            )
        )
    control = CONTROL.search(text)
    if control:
        raise DocumentError(
            Problem(
                shown,
                text.count("\n", 0, control.start()) + 1,
                None,
                f"the file contains an invisible control character (U+{ord(control.group()):04X})",
                "Delete it: such characters usually come from text copied out of a PDF.",
                "control-character",
            )
        )
    meta, body = split_front_matter(text, shown)
    return MarkdownFile(path, path.stem, meta, body)


def split_front_matter(text: str, shown: str) -> tuple[dict[str, Any], str]:
    text = text.removeprefix("\ufeff")
    lines = text.split("\n")
    if not lines or lines[0].strip() != FENCE:
        return {}, text
    try:
        end = next(i for i in range(1, len(lines)) if lines[i].strip() == FENCE)
    except StopIteration:
        raise DocumentError(
            Problem(
                shown,
                1,
                None,
                "the front matter that starts on line 1 is never closed",
                "Add a line with just --- after the settings.",
                "front-matter",
            )
        ) from None
    try:
        meta = yaml.load("\n".join(lines[1:end]), Loader=yaml.CSafeLoader) or {}
    except yaml.YAMLError as exc:
        line, reason = yamlerror.describe(exc, first_line=2)
        raise DocumentError(
            Problem(
                shown,
                line or 1,
                None,
                f"the front matter is not valid YAML: {reason}",
                "Write each setting as `key: value` on its own line.",
                "front-matter",
            )
        ) from None
    if not isinstance(meta, dict):
        raise DocumentError(
            Problem(
                shown, 2, None, "the front matter must be `key: value` lines", "", "front-matter"
            )
        )
    return meta, "\n".join(lines[end + 1 :])


def markdown_files(folder: Path) -> list[Path]:
    """The folder's Markdown files, by name (compared as text: sorting Paths is slow)."""
    if not folder.is_dir():
        return []
    with os.scandir(folder) as entries:
        names = sorted(e.name for e in entries if PurePath(e.name).suffix == ".md" and e.is_file())
    return [folder / name for name in names]


def _doc(project: Project, document: MarkdownFile, render: Callable[[str], str]) -> Document:
    title = str(document.meta.get("title") or document.slug.replace("-", " ").capitalize())
    return Document(
        document.slug,
        title,
        render(document.body),
        dict(document.meta),
        project.relative(document.path),
    )


def load_folder(
    project: Project, folder: Path, render: Callable[[str], str] = render_markdown
) -> dict[str, Document]:
    docs, problems = {}, []
    for path in markdown_files(folder):
        try:
            docs[path.stem] = _doc(project, read_document(path, project.relative(path)), render)
        except DocumentError as error:
            problems.append(error.problem)
    if problems:
        raise InvalidData(problems)
    return docs
