"""The build: validate, model, pages, render, write atomically."""

from __future__ import annotations

import datetime as dt
import os
import shutil
from dataclasses import dataclass
from pathlib import Path

from scrutiny.documents import load_folder
from scrutiny.model import Model
from scrutiny.pages import POSTPROCESS, collect
from scrutiny.pages.inputs import Inputs
from scrutiny.problems import InvalidData
from scrutiny.project import PACKAGE_DIR, Project
from scrutiny.render import File, Page, check_templates, make_environment, render_page
from scrutiny.validate import validate_project
from scrutiny.write import atomic_directory, safe_join


@dataclass(frozen=True)
class BuildResult:
    out: Path
    pages: int
    files: int


def build_date() -> dt.date:
    """The date the site is built 'as at': SOURCE_DATE_EPOCH if set, so builds reproduce."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    if epoch and epoch.isdigit():
        return dt.datetime.fromtimestamp(int(epoch), tz=dt.UTC).date()
    return dt.date.today()


def load_inputs(project: Project) -> Inputs:
    validated = validate_project(project)
    if validated.problems:
        raise InvalidData(validated.problems)
    minutes = load_folder(project, project.minutes)
    reports = load_folder(project, project.reports)
    pages = tuple(load_folder(project, project.pages).values())
    return Inputs(
        validated.config,
        Model(validated.rows),
        minutes,
        reports,
        pages,
        build_date(),
        project.cache / "charts",
        validated.package,
        validated.rows,
    )


def build(project: Project, out: Path | None = None) -> BuildResult:
    inputs = load_inputs(project)
    outputs = collect(inputs)
    env = make_environment(project.templates, inputs.config)
    pages = [o for o in outputs if isinstance(o, Page)]
    check_templates(env, {p.template for p in pages}, project.relative(project.templates))
    out = out or project.default_output
    with atomic_directory(out) as tmp:
        _copy_static(project, tmp)
        for page in pages:
            _write(tmp, page.path, render_page(env, page))
        for file in (o for o in outputs if isinstance(o, File)):
            _write(tmp, file.path, file.data)
        for step in POSTPROCESS:
            step(inputs, tmp)
    return BuildResult(out, len(pages), len(outputs) - len(pages))


def _write(root: Path, relative: str, data: bytes) -> None:
    path = safe_join(root, relative)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)


def _copy_static(project: Project, root: Path) -> None:
    """The package's assets, then the site's own (which win: logo, extra CSS)."""
    for source in (PACKAGE_DIR / "static", project.static):
        if source.is_dir():
            shutil.copytree(
                source, root / "static", dirs_exist_ok=True, ignore=shutil.ignore_patterns(".*")
            )
