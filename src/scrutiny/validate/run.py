"""Run every check over a project and collect all the problems, not just the first."""

from __future__ import annotations

from dataclasses import dataclass

from scrutiny.config import SiteConfig, load_config
from scrutiny.memory import bulk_allocation
from scrutiny.package import DataPackage, load_package
from scrutiny.problems import Problem, ProjectError
from scrutiny.project import Project
from scrutiny.validate.paths import outside_links
from scrutiny.validate.remembered import RememberedTables
from scrutiny.validate.rules import check_rules
from scrutiny.validate.structure import CsvText, read_csv
from scrutiny.validate.tables import Rows, check_tables, frictionless_problems
from scrutiny.validate.templates import template_problems


@dataclass(frozen=True)
class Validated:
    config: SiteConfig
    package: DataPackage
    rows: Rows
    problems: tuple[Problem, ...]

    @property
    def valid(self) -> bool:
        return not self.problems


def validate_project(project: Project, use_cache: bool = True) -> Validated:
    """Validate everything; raises ProjectError when the project itself can't be read."""
    with bulk_allocation():
        return _validate(project, RememberedTables(project, enabled=use_cache))


def _validate(project: Project, remembered: RememberedTables) -> Validated:
    config = load_config(project.site_yaml, project.relative(project.site_yaml))
    unreadable = outside_links(project) or template_problems(project, config)
    if unreadable:
        raise ProjectError(unreadable)
    package = load_package(project)
    shown = {t.name: project.relative(t.path) for t in package.tables}
    texts: dict[str, CsvText] = {}
    known: Rows = {}
    problems: list[Problem] = []
    for table in package.tables:
        cached = remembered.rows(table)
        if cached is not None:
            known[table.name] = cached
            continue
        text, found = read_csv(table, shown[table.name])
        problems += found
        if text is not None:
            texts[table.name] = text
    rows, typed_problems = check_tables(package, texts, shown, known)
    _remember_valid(package, texts, rows, typed_problems, shown, remembered)
    if typed_problems and not problems:
        texts |= _reread(package, known, shown)
        typed_problems = _prefer_frictionless(_reference(package, texts, shown), typed_problems)
    problems += typed_problems
    if not problems:
        problems += check_rules(project, package, rows, shown)
    return Validated(config, package, rows, tuple(sorted(set(problems), key=_order)))


def _reread(package: DataPackage, known: Rows, shown: dict[str, str]) -> dict[str, CsvText]:
    """The text of the remembered tables, for frictionless's report to point at lines."""
    texts = {t.name: read_csv(t, shown[t.name])[0] for t in package.tables if t.name in known}
    return {name: text for name, text in texts.items() if text is not None}


def _remember_valid(package, texts, rows: Rows, problems, shown, remembered) -> None:
    """Keep the typed rows of each newly read table that has no problem of its own."""
    troubled = {p.path for p in problems}
    for table in package.tables:
        if table.name in texts and shown[table.name] not in troubled:
            remembered.keep(table, rows[table.name])


def _reference(package: DataPackage, texts: dict[str, CsvText], shown) -> list[Problem]:
    """frictionless's report; if frictionless itself fails on odd input, the fast pass's
    report stands alone (it has already found every problem)."""
    try:
        return frictionless_problems(package, texts, shown)
    except Exception:
        return []


def _prefer_frictionless(reference: list[Problem], fast: list[Problem]) -> list[Problem]:
    """frictionless's report, plus anything only the fast pass saw (never fewer problems)."""
    covered = {(p.path, p.line, p.field) for p in reference}
    return reference + [p for p in fast if (p.path, p.line, p.field) not in covered]


def _order(problem: Problem) -> tuple[str, int, str, str]:
    """File, line, field, message; a missing line or field sorts first (never compares None)."""
    return (problem.path, problem.line or 0, problem.field or "", problem.message)
