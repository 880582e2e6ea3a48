"""Load the project's Markdown (minutes, report summaries, pages) and render it safely."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from scrutiny.content import Document, DocumentError, markdown_files, read_document
from scrutiny.markup import render_markdown
from scrutiny.pages.inputs import Doc
from scrutiny.problems import InvalidData
from scrutiny.project import Project


def _doc(project: Project, document: Document, render: Callable[[str], str]) -> Doc:
    title = str(document.meta.get("title") or document.slug.replace("-", " ").capitalize())
    return Doc(
        document.slug,
        title,
        render(document.body),
        dict(document.meta),
        project.relative(document.path),
    )


def load_folder(
    project: Project, folder: Path, render: Callable[[str], str] = render_markdown
) -> dict[str, Doc]:
    docs, problems = {}, []
    for path in markdown_files(folder):
        try:
            docs[path.stem] = _doc(project, read_document(path, project.relative(path)), render)
        except DocumentError as error:
            problems.append(error.problem)
    if problems:
        raise InvalidData(problems)
    return docs
