"""The build reads only files inside the project: a symbolic link in content/, datasets/,
templates/ or static/ that leads outside it (to /etc/passwd, or a private folder) would
otherwise publish whatever it points at."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

from scrutiny.problems import Problem
from scrutiny.project import Project


def outside_links(project: Project) -> list[Problem]:
    roots = (project.site_yaml, project.content, project.datasets, project.templates)
    return [
        Problem(
            (link.parent.resolve() / link.name).relative_to(project.root).as_posix(),
            message=f"is a link to {os.readlink(link)}, outside the project",
            hint="Copy the file into the project instead: the build only reads files inside the "
            "project folder.",
            rule="outside-project",
        )
        for link in _links(project, (*roots, project.static))
        if not link.resolve().is_relative_to(project.root)
    ]


def _links(project: Project, roots: tuple[Path, ...]) -> Iterator[Path]:
    for root in roots:
        if root.is_symlink():
            yield root
            continue
        if not root.is_dir():
            continue
        for folder, dirs, files in os.walk(root):
            for name in dirs + files:
                path = os.path.join(folder, name)  # a Path only for the links: there are few
                if os.path.islink(path):
                    yield Path(path)
