"""Run every check over a project and collect all the problems, not just the first."""

from __future__ import annotations

from dataclasses import dataclass

from scrutiny.config import SiteConfig, load_config
from scrutiny.incremental.remembered import RememberedTables
from scrutiny.memory import bulk_allocation
from scrutiny.problems import Problem, ProjectError
from scrutiny.project import Project
from scrutiny.schema.package import DataPackage, load_package
from scrutiny.validate.paths import outside_links
from scrutiny.validate.rules import check_rules, check_warnings
from scrutiny.validate.structure import read_csv
from scrutiny.validate.tables import (
    Rows,
    check_foreign_keys,
    check_table,
    frictionless_problems,
)
from scrutiny.validate.templates import template_problems


@dataclass(frozen=True)
class Validated:
    config: SiteConfig
    package: DataPackage
    rows: Rows
    problems: tuple[Problem, ...]
    warnings: tuple[Problem, ...] = ()  # shown, but the data is valid

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
    rows, lines, problems, typed_problems = _read_tables(package, shown, remembered)
    typed_problems += check_foreign_keys(package, rows, shown)
    if typed_problems and not problems:
        lines |= _reread(package, rows.keys() - lines.keys(), shown)
        typed_problems = _prefer_frictionless(_reference(package, lines, shown), typed_problems)
    problems += typed_problems
    warnings: list[Problem] = []
    if not problems:
        problems += check_rules(project, package, rows, shown)
    if not problems:
        warnings = check_warnings(project, package, rows, shown)
    return Validated(
        config,
        package,
        rows,
        tuple(sorted(set(problems), key=_order)),
        tuple(sorted(set(warnings), key=_order)),
    )


def _read_tables(
    package: DataPackage, shown: dict[str, str], remembered: RememberedTables
) -> tuple[Rows, dict[str, list[int]], list[Problem], list[Problem]]:
    """Each table read and typed in turn (or remembered), keeping only its typed rows and
    where each row starts, so a large file's cells are never all held at once."""
    rows: Rows = {}
    lines: dict[str, list[int]] = {}
    problems: list[Problem] = []  # the file cannot be read as a table
    typed_problems: list[Problem] = []  # a value, a key or a join is wrong
    for table in package.tables:
        cached = remembered.rows(table)
        if cached is not None:
            rows[table.name] = cached
            continue
        text, found = read_csv(table, shown[table.name])
        problems += found
        if text is None:
            continue
        rows[table.name], table_problems = check_table(table, text, shown[table.name])
        lines[table.name] = text.lines
        typed_problems += table_problems
        if not table_problems:
            remembered.keep(table, rows[table.name])
    return rows, lines, problems, typed_problems


def _reread(package: DataPackage, names: set[str], shown: dict[str, str]) -> dict[str, list]:
    """Where the rows of the remembered tables start, for frictionless's report."""
    texts = {t.name: read_csv(t, shown[t.name])[0] for t in package.tables if t.name in names}
    return {name: text.lines for name, text in texts.items() if text is not None}


def _reference(package: DataPackage, lines: dict[str, list[int]], shown) -> list[Problem]:
    """frictionless's report; if frictionless itself fails on odd input, the fast pass's
    report stands alone (it has already found every problem)."""
    try:
        return frictionless_problems(package, lines, shown)
    except Exception:
        return []


def _prefer_frictionless(reference: list[Problem], fast: list[Problem]) -> list[Problem]:
    """frictionless's report, plus anything only the fast pass saw (never fewer problems)."""
    covered = {(p.path, p.line, p.field) for p in reference}
    return reference + [p for p in fast if (p.path, p.line, p.field) not in covered]


def _order(problem: Problem) -> tuple[str, int, str, str]:
    """File, line, field, message; a missing line or field sorts first (never compares None)."""
    return (problem.path, problem.line or 0, problem.field or "", problem.message)
