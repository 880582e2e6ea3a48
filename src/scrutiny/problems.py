"""Problems found in a project, reported so that a council officer can fix them.

Every problem names a file (relative to the project), a line and a field where it can, says
what is wrong in plain words and, where it helps, how to fix it.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import asdict, dataclass


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

    def as_text(self) -> str:
        warning = "warning: " if self.is_warning else ""
        text = f"{self.location()}: {warning}{self.message}"
        if self.hint:
            text += f"\n    how to fix: {self.hint}"
        return text

    def as_github(self) -> str:
        props = [f"file={_escape_property(self.path)}"]
        if self.line is not None:
            props.append(f"line={self.line}")
        if self.field:
            props.append(f"title={_escape_property(self.field)}")
        message = self.message if not self.hint else f"{self.message} How to fix: {self.hint}"
        return f"::{self.severity} {','.join(props)}::{_escape_data(message)}"


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
        return "\n".join(p.as_github() for p in problems)
    lines = [p.as_text() for p in problems]
    warnings = sum(p.is_warning for p in problems)
    count = len(problems) - warnings
    said = [f"{count} problem{'s' if count != 1 else ''}"] if count or not warnings else []
    if warnings:
        said.append(f"{warnings} warning{'s' if warnings != 1 else ''}")
    lines.append(" and ".join(said) + " found.")
    return "\n".join(lines)


def _sort_key(p: Problem) -> tuple[str, int, str, str]:
    return (p.path, p.line or 0, p.field or "", p.message)


def _escape_data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _escape_property(text: str) -> str:
    return _escape_data(text).replace(":", "%3A").replace(",", "%2C")
