"""Run every check over a project and collect all the problems, not just the first.

Each table is read (structure.py) and its values checked (tables.py) in turn, or its typed rows
taken from the cache when the very same file was proved valid before; then the foreign keys
join the tables (keys.py), and, once the tables are sound, the named rules run (rules.py). A
join or a rule whose inputs are unchanged since the last clean validation is skipped
(incremental/checked.py).

This is library code: how a large project is held in memory (`memory.bulk_allocation`) is the
caller's choice, made by the `validate` and `build` commands.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Iterable, Mapping
from dataclasses import dataclass, field
from functools import partial

from scrutiny.config import SiteConfig, load_config
from scrutiny.incremental.checked import CheckedBefore, ValidSchemas
from scrutiny.incremental.remembered import LazyRows, RememberedTables
from scrutiny.problems import Problem, ProjectError
from scrutiny.project import Project
from scrutiny.schema.package import DataPackage, Table, load_package
from scrutiny.validate.keys import Rows, foreign_key_problems
from scrutiny.validate.paths import outside_links
from scrutiny.validate.retype import LastReads
from scrutiny.validate.rules import check_rules, check_warnings
from scrutiny.validate.structure import read_csv
from scrutiny.validate.tables import check_table
from scrutiny.validate.templates import template_problems


@dataclass(frozen=True)
class Validated:
    config: SiteConfig
    package: DataPackage
    rows: Rows
    problems: tuple[Problem, ...]
    warnings: tuple[Problem, ...] = ()  # shown, but the data is valid
    skipped: tuple[str, ...] = ()  # joins and rules not run again: their inputs are unchanged
    keys: Mapping[str, str] = field(default_factory=dict)  # remembered key of each table read
    documents: str | None = None  # the documents' stamp, if a check read them

    @property
    def valid(self) -> bool:
        return not self.problems


def validate_project(project: Project, use_cache: bool = True) -> Validated:
    """Validate everything; raises ProjectError when the project itself can't be read."""
    config = load_config(project.site_yaml, project.relative(project.site_yaml))
    unreadable = outside_links(project) or template_problems(project, config)
    if unreadable:
        raise ProjectError(unreadable)
    valid_schemas = ValidSchemas(project, enabled=use_cache)
    package = load_package(project, valid_schemas)
    valid_schemas.save()
    remembered = RememberedTables(project, enabled=use_cache)
    rows = _remembered_rows(project, package.tables, remembered)
    unread = [t for t in package.tables if t.name not in rows]
    checked = CheckedBefore(project, remembered.keys, enabled=use_cache)
    return _validate(project, config, package, rows, unread, remembered, checked)


def revalidate(
    project: Project,
    before: Validated,
    edited: Collection[str],
    last_reads: LastReads | None = None,
) -> Validated:
    """`before`, a clean validation, after edits to the named tables alone (the preview knows
    what changed): only those are read again. The other tables, site.yaml, the schemas, the
    templates and the documents are as `before` found them, so their files are not read or
    hashed again; their rows come from the cache when a check needs them. With `last_reads`,
    a table read as text types only the rows that changed since it was last read."""
    package = before.package
    remembered = RememberedTables(project)
    kept = [t for t in package.tables if t.name not in edited and t.name in before.keys]
    remembered.keys |= {t.name: before.keys[t.name] for t in kept}
    read = [t for t in package.tables if t not in kept]
    typed = [t for t in read if last_reads is not None and last_reads.knows(t.name)]
    for table in typed:  # its changed lines are typed: sooner than its rows are unpickled
        remembered.key_of(table)
    rows = _remembered_rows(project, [t for t in read if t not in typed], remembered)
    for table in kept:
        rows.defer(table.name, partial(_recalled, remembered, table, project))
    unread = [t for t in package.tables if t.name not in rows]
    checked = CheckedBefore(project, remembered.keys, enabled=True, documents=before.documents)
    remembered.keeping = False  # the whole build that follows keeps the edited tables
    return _validate(project, before.config, package, rows, unread, remembered, checked, last_reads)


def _remembered_rows(
    project: Project, tables: Iterable[Table], remembered: RememberedTables
) -> LazyRows:
    """The rows of the tables whose very files were proved valid before, to be read from the
    cache when first needed."""
    rows = LazyRows()
    for table in tables:
        kept = remembered.rows(table)
        if kept is not None:
            shown = project.relative(table.path)
            rows.defer(table.name, partial(_remembered, kept, table, shown))
    return rows


def _validate(
    project: Project,
    config: SiteConfig,
    package: DataPackage,
    rows: Rows,
    unread: list[Table],
    remembered: RememberedTables,
    checked: CheckedBefore,
    last_reads: LastReads | None = None,
) -> Validated:
    """Read the `unread` tables into `rows` (which holds the others), then join and check."""
    shown = {t.name: project.relative(t.path) for t in package.tables}
    problems: list[Problem] = []
    incomplete: set[str] = set()
    for table in unread:
        records, found, complete = _table(table, shown[table.name], last_reads)
        if records is not None:
            rows[table.name] = records
            if not found:
                remembered.keep(table, records)
        if not complete:
            incomplete.add(table.name)
        problems += found
    problems += foreign_key_problems(package, rows, shown, incomplete, checked)
    warnings: list[Problem] = []
    if not problems:
        problems += check_rules(project, package, rows, shown, checked)
    if not problems:
        checked.save()
        warnings = check_warnings(project, package, rows, shown)
    return Validated(
        config,
        package,
        rows,
        tuple(sorted(set(problems), key=_order)),
        tuple(sorted(set(warnings), key=_order)),
        tuple(checked.skipped),
        dict(remembered.keys),
        checked.documents_stamp_if_known(),
    )


def _table(
    table: Table, shown: str, last_reads: LastReads | None = None
) -> tuple[list | None, list[Problem], bool]:
    """The table's typed rows (None if it cannot be read as a table), its problems, and
    whether every row could be read. One table at a time, keeping only the typed rows, so a
    large file's cells are never all held at once. With `last_reads`, only the lines changed
    since the table's last clean read are typed, when they can be."""
    if last_reads is None:
        return _read(table, shown)
    data = last_reads.data(table)
    retyped = last_reads.retyped(table, data, shown)
    if retyped is not None:
        return retyped
    records, problems, complete = _read(table, shown, data)
    if records is not None and data is not None and complete and not problems:
        last_reads.remember(table, data, records)
    return records, problems, complete


def _read(
    table: Table, shown: str, data: bytes | None = None
) -> tuple[list | None, list[Problem], bool]:
    text, problems = read_csv(table, shown, data)
    if text is None:
        return None, problems, False
    records, found = check_table(table, text, shown)
    return records, problems + found, text.complete


def _recalled(remembered: RememberedTables, table: Table, project: Project) -> list:
    """The rows of a table proved valid under its remembered key, read when first needed."""
    return _remembered(partial(remembered.recall, table), table, project.relative(table.path))


def _remembered(kept: Callable[[], list | None], table: Table, shown: str) -> list:
    """A remembered table's rows; read again should the entry not load (it was checked
    when it was found, so this is only for the unforeseen)."""
    records = kept()
    return records if records is not None else _table(table, shown)[0] or []


def _order(problem: Problem) -> tuple[str, int, str, str]:
    """File, line, field, message; a missing line or field sorts first (never compares None)."""
    return (problem.path, problem.line or 0, problem.field or "", problem.message)
