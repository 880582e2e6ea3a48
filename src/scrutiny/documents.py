"""Load the project's Markdown (minutes, report summaries, pages) and render it safely."""

from __future__ import annotations

from pathlib import Path

from scrutiny.content import Document, DocumentError, markdown_files, read_document
from scrutiny.markup import render_markdown
from scrutiny.pages.inputs import Doc
from scrutiny.problems import InvalidData
from scrutiny.project import Project


def _doc(project: Project, document: Document) -> Doc:
    title = str(document.meta.get("title") or document.slug.replace("-", " ").capitalize())
    return Doc(
        document.slug,
        title,
        render_markdown(document.body),
        dict(document.meta),
        project.relative(document.path),
    )


def load_folder(project: Project, folder: Path) -> dict[str, Doc]:
    docs, problems = {}, []
    for path in markdown_files(folder):
        try:
            docs[path.stem] = _doc(project, read_document(path, project.relative(path)))
        except DocumentError as error:
            problems.append(error.problem)
    if problems:
        raise InvalidData(problems)
    return docs
