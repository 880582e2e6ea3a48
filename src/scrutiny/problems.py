"""Problems found in a project, reported so that a council officer can fix them.

Every problem names a file (relative to the project), a line and a field where it can, says
what is wrong in plain words and, where it helps, how to fix it. Build one with keywords:
`Problem(path, line=3, field="date", message="...", hint="...", rule="type")`.

A report stays readable when thousands of rows share one problem: the text format groups the
problems of one file, field and rule (the problem once, the count, the first lines, the first
few in full). `json` lists every problem; `github` annotates the first ones (GitHub shows only
a few annotations per step) and lists the rest in the log.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import asdict, dataclass

GROUP_OVER = 10  # more problems than this of one file, field and rule are grouped
IN_FULL = 3  # a group shows this many of its problems in full
LINES_LISTED = 10  # and this many of their line numbers
ANNOTATIONS = 50  # GitHub annotations at most, the summary of the rest included


# The command line's exit codes: 1 the data is invalid, 2 the request or the project is.
EXIT_OK, EXIT_INVALID, EXIT_USAGE = 0, 1, 2


@dataclass(frozen=True, order=True)
class Problem:
    path: str
    line: int | None = None
    field: str | None = None
    message: str = ""
    hint: str = ""
    rule: str = ""
    severity: str = "error"  # or "warning": shown, but the data is still valid (exit 0)

    @property
    def is_warning(self) -> bool:
        return self.severity == "warning"

    def location(self) -> str:
        parts = [self.path]
        if self.line is not None:
            parts.append(str(self.line))
        if self.field:
            parts.append(f" {self.field}")
        return ":".join(parts)

    def as_line(self) -> str:
        warning = "warning: " if self.is_warning else ""
        return f"{self.location()}: {warning}{self.message}"

    def as_text(self) -> str:
        return self.as_line() + (f"\n    how to fix: {self.hint}" if self.hint else "")

    def as_github(self, level: str | None = None) -> str:
        """A GitHub annotation: ::error, ::warning (the problem's severity) or ::notice."""
        level = level or self.severity
        props = [f"file={_escape_property(self.path)}"]
        if self.line is not None:
            props.append(f"line={self.line}")
        if self.field:
            props.append(f"title={_escape_property(self.field)}")
        message = self.message if not self.hint else f"{self.message} How to fix: {self.hint}"
        return f"::{level} {','.join(props)}::{_escape_data(message)}"


class ProjectError(Exception):
    """Raised when a project cannot be read at all (exit code 2): a configuration problem."""

    def __init__(self, problems: Iterable[Problem]) -> None:
        self.problems = tuple(problems)
        super().__init__("\n".join(p.as_text() for p in self.problems))


class UsageError(Exception):
    """A command was asked for something it cannot do (exit code 2): the message says why."""


class InvalidData(Exception):
    """Raised when the data is invalid (exit code 1)."""

    def __init__(self, problems: Iterable[Problem]) -> None:
        self.problems = tuple(problems)
        super().__init__(f"{len(self.problems)} problem(s) in the data")


def format_problems(problems: Iterable[Problem], fmt: str) -> str:
    problems = sorted(problems, key=_sort_key)
    if fmt == "json":
        return json.dumps([asdict(p) for p in problems], indent=2, ensure_ascii=False)
    if fmt == "github":
        return "\n".join(_github(problems))
    return "\n".join([*_grouped_text(problems), _count(problems)])


def _count(problems: list[Problem]) -> str:
    """`3 problems found.`, `2 problems and 1 warning found.`, `1 warning found.`"""
    warnings = sum(p.is_warning for p in problems)
    count = len(problems) - warnings
    said = [f"{count:,} problem{_s(count)}"] if count or not warnings else []
    if warnings:
        said.append(f"{warnings:,} warning{_s(warnings)}")
    return " and ".join(said) + " found."


def _grouped_text(problems: list[Problem]) -> list[str]:
    """Each problem as text, in order, except that many of one file, field and rule become one
    group, shown where the first of them would be."""
    groups: dict[tuple[str, str, str], list[Problem]] = {}
    for problem in problems:
        groups.setdefault(_group_key(problem), []).append(problem)
    lines = []
    for problem in problems:
        group = groups[_group_key(problem)]
        if len(group) <= GROUP_OVER:
            lines.append(problem.as_text())
        elif problem is group[0]:
            lines += _group_text(group)
    return lines


def _group_key(problem: Problem) -> tuple[str, str, str]:
    return (problem.path, problem.field or "", problem.rule)


def _group_text(group: list[Problem]) -> list[str]:
    first, count = group[0], len(group)
    where = first.path + (f": {first.field}" if first.field else "")
    if all(p.message == first.message for p in group):
        lines = [f"{where}: {first.message} ({count:,} times)"]
    else:
        lines = [
            f"{where}: {count:,} problems of one kind ({first.rule}), such as: {first.message}"
        ]
    if first.hint:
        lines.append(f"    how to fix: {first.hint}")
    numbers = [p.line for p in group if p.line is not None]
    if numbers:
        listed = ", ".join(map(str, numbers[:LINES_LISTED]))
        more = len(numbers) - LINES_LISTED
        lines.append(f"    on lines {listed}" + (f" and {more:,} more" if more > 0 else ""))
    lines.append(f"    the first {IN_FULL} in full:")
    return lines + [problem.as_line() for problem in group[:IN_FULL]]


def _github(problems: list[Problem]) -> list[str]:
    """Annotations for the first problems; beyond GitHub's cap, a summary annotation and every
    other problem as a line of the log, folded into a group."""
    if len(problems) <= ANNOTATIONS:
        return [p.as_github() for p in problems]
    shown, rest = problems[: ANNOTATIONS - 1], problems[ANNOTATIONS - 1 :]
    summary = (
        f"{len(problems):,} problems: {len(rest):,} more are not annotated "
        "(GitHub shows only the first few); each is listed in this step's log."
    )
    return [
        *(p.as_github() for p in shown),
        f"::error::{_escape_data(summary)}",
        f"::group::{len(rest):,} more problems",
        *(p.as_line() for p in rest),
        "::endgroup::",
    ]


def _s(count: int) -> str:
    return "s" if count != 1 else ""


def _sort_key(p: Problem) -> tuple[str, int, str, str]:
    return (p.path, p.line or 0, p.field or "", p.message)


def _escape_data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _escape_property(text: str) -> str:
    return _escape_data(text).replace(":", "%3A").replace(",", "%2C")
