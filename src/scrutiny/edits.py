"""Changing a project's files as one validated, atomic step.

`scrutiny new` and `scrutiny import` change CSV rows and Markdown files through a
`transaction`: every change is written atomically (a temporary file beside the real one, then
`os.replace`, so a crash or a full disk never leaves a half-written file), then the whole
project is validated, and if it would not be valid every file is put back exactly as it was.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING

from scrutiny.output.atomic import write_atomic
from scrutiny.problems import EXIT_INVALID, Problem
from scrutiny.project import Project
from scrutiny.schema.package import Table

if TYPE_CHECKING:
    from scrutiny.validate.run import Validated


class Refused(Exception):
    """The change was not made; the message says why and how to put it right."""

    def __init__(
        self,
        message: str,
        hint: str = "",
        code: int = EXIT_INVALID,
        problems: tuple[Problem, ...] = (),
    ) -> None:
        self.message = message
        self.hint = hint
        self.code = code
        self.problems = problems
        super().__init__(message)


def valid_project(project: Project) -> Validated:
    """The project's typed rows; refused when it already has problems (a change made on top of
    them could not be checked)."""
    checked = _validate(project)
    if checked.problems:
        raise Refused(
            "the project already has problems, so nothing was added",
            "Fix the problems below first (run `scrutiny validate`).",
            problems=checked.problems,
        )
    return checked


class Edit:
    """Every file a transaction touches, with its bytes before the change, so it can be undone."""

    def __init__(self, project: Project) -> None:
        self.project = project
        self.before: dict[Path, bytes | None] = {}

    def append_rows(self, table: Table, rows: list[Mapping[str, str]]) -> list[int]:
        """Append CSV rows in the table's column order; returns the line each starts on."""
        if not rows:
            return []
        text, newline = self._text(table.path)
        if text and not text.endswith("\n"):
            text += newline
        buffer = io.StringIO()
        writer = csv.writer(buffer, lineterminator=newline)
        lines = []
        for values in rows:
            lines.append(text.count("\n") + buffer.getvalue().count("\n") + 1)
            writer.writerow([values.get(name, "") for name in table.field_names])
        self.write(table.path, (text + buffer.getvalue()).encode("utf-8"))
        return lines

    def append_row(self, table: Table, values: Mapping[str, str]) -> int:
        return self.append_rows(table, [values])[0]

    def update_row(self, table: Table, line: int, changes: Mapping[str, str]) -> None:
        """Change some values of the record that starts on `line` (it may span several lines),
        leaving every other byte of the file as it was."""
        text, newline = self._text(table.path)
        lines = text.splitlines(keepends=True)
        found = next(((s, e, v) for s, e, v in records(lines) if s == line), None)
        if found is None:
            raise ValueError(f"no record starts on line {line} of {table.path}")
        _, end, values = found
        buffer = io.StringIO()
        csv.writer(buffer, lineterminator=newline).writerow(
            [{**values, **changes}.get(name, "") for name in values]
        )
        replaced = buffer.getvalue()
        if not lines[end - 1].endswith(("\n", "\r")):
            replaced = replaced.removesuffix(newline)
        new = "".join(lines[: line - 1]) + replaced + "".join(lines[end:])
        self.write(table.path, new.encode("utf-8"))

    def create(self, path: Path, data: bytes) -> None:
        """A new file (refused if it exists, so nothing is overwritten by surprise)."""
        if path.exists() and path not in self.before:
            raise Refused(
                f"{self.project.relative(path)} already exists",
                "Move or rename that file first; it would otherwise be overwritten.",
            )
        path.parent.mkdir(parents=True, exist_ok=True)
        self.write(path, data)

    def write(self, path: Path, data: bytes) -> None:
        """Replace a file's contents, remembering the old ones."""
        if path not in self.before:
            self.before[path] = path.read_bytes() if path.exists() else None
        write_atomic(path, data, durable=True)

    def undo(self) -> None:
        for path, data in self.before.items():
            if data is None:
                path.unlink(missing_ok=True)
            else:
                write_atomic(path, data, durable=True)

    def _text(self, path: Path) -> tuple[str, str]:
        data = path.read_bytes()
        newline = "\r\n" if b"\r\n" in data.split(b"\n", 1)[0] + b"\n" else "\n"
        return data.decode("utf-8"), newline


def records(lines: list[str]) -> Iterator[tuple[int, int, dict[str, str]]]:
    """(first line, last line, values by column) of each record of a CSV file's lines."""
    reader = csv.reader(iter(lines))
    header = [name.removeprefix("\ufeff") for name in next(reader, [])]
    start = reader.line_num + 1
    for record in reader:
        if record:
            yield start, reader.line_num, dict(zip(header, record, strict=False))
        start = reader.line_num + 1


def table_records(table: Table) -> list[tuple[int, dict[str, str]]]:
    """Each record of a table's CSV file as written (text), with the line it starts on."""
    text = table.path.read_bytes().decode("utf-8-sig")
    return [(start, values) for start, _, values in records(text.splitlines(keepends=True))]


@contextmanager
def transaction(project: Project) -> Iterator[Edit]:
    """Apply the changes, then validate the project; undo everything if it is not valid."""
    edit = Edit(project)
    try:
        yield edit
        checked = _validate(project)
    except BaseException:
        edit.undo()
        raise
    if checked.problems:
        edit.undo()
        raise Refused(
            "the project would not be valid after this change",
            "Correct the value you typed (see the problems below) and run the command again.",
            problems=checked.problems,
        )


def _validate(project: Project) -> Validated:
    """Imported here: validation (and Markdown) load only when a change is made, so the
    commands that import this module start fast."""
    from scrutiny.validate import validate_project

    return validate_project(project)
