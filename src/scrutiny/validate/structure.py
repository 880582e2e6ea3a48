"""Checks that each CSV file can be read at all, before any typed validation.

Catches what spreadsheets and hand edits break: an empty file, a byte-order mark, bytes that
are not UTF-8, NUL bytes, an unbalanced quote, a row with too many or too few values, and a
header that doesn't match the schema. While reading, it records the line on which each row
starts, so later messages can point at lines even when a cell spans several lines.
"""

from __future__ import annotations

import csv
import io
import unicodedata
from dataclasses import dataclass

from scrutiny.documents import CONTROL
from scrutiny.problems import Problem
from scrutiny.schema.package import Table

SAVE_AS_UTF8 = "Save the file as 'CSV UTF-8 (comma delimited)' in your spreadsheet program."
# The longest value a cell may hold. Python's csv module stops at 131,072 characters with a
# message about quotes; a cell this long is a paste gone wrong, so it gets its own message.
MAX_CELL = 100_000
_QUOTING = {
    "unexpected end of data": "a quote opened on this line is never closed",
    "expected after": "a quote in the middle of a value",
}


@dataclass(frozen=True)
class CsvText:
    header: list[str]
    rows: list[list[str]]
    lines: list[int]  # line on which each row starts


def read_csv(table: Table, shown: str) -> tuple[CsvText | None, list[Problem]]:
    try:
        data = table.path.read_bytes()
    except FileNotFoundError:
        return None, [
            Problem(
                shown,
                None,
                None,
                "file not found",
                f"Create it with the header line: {','.join(table.field_names)}",
                "file-missing",
            )
        ]
    problem = _byte_problem(data, shown, table)
    if problem:
        return None, [problem]
    return _parse(data.decode("utf-8"), shown, table)


def _byte_problem(data: bytes, shown: str, table: Table) -> Problem | None:
    header = ",".join(table.field_names)
    if not data.strip():
        return Problem(
            shown,
            1,
            None,
            "the file is empty",
            f"The first line must be the header: {header}",
            "empty-file",
        )
    if data.startswith(b"\xef\xbb\xbf"):
        return Problem(
            shown,
            1,
            None,
            "the file starts with a byte-order mark (BOM)",
            "Save it as plain UTF-8 without BOM (in Excel: 'CSV UTF-8' adds one; "
            "use a text editor's 'UTF-8' option).",
            "bom",
        )
    nul = data.find(b"\x00")
    if nul >= 0:
        return Problem(
            shown,
            data.count(b"\n", 0, nul) + 1,
            None,
            "the file contains a NUL byte (it may be a binary or UTF-16 file)",
            SAVE_AS_UTF8,
            "nul-byte",
        )
    try:
        data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        bad = data[exc.start : exc.start + 1].hex()
        return Problem(
            shown,
            line,
            None,
            f"the file is not UTF-8 text (byte 0x{bad}; it looks like Windows-1252 or Latin-1)",
            SAVE_AS_UTF8,
            "encoding",
        )
    return None


def _parse(text: str, shown: str, table: Table) -> tuple[CsvText | None, list[Problem]]:
    csv.field_size_limit(max(csv.field_size_limit(), len(text) + 1))
    simple = _parse_simple(text, table)
    if simple is not None:
        return simple, []
    return _parse_by_row(text, shown, table)


def _parse_simple(text: str, table: Table) -> CsvText | None:
    """The common case, proved in bulk: the right header, one row per line, every row the
    same width, no control characters and no overlong line. None when any of that fails
    (or the file is unusual, with a line break inside a cell), and the row-by-row reader
    then finds and words each problem."""
    if CONTROL.search(text) or _longest_line(text) > MAX_CELL:
        return None
    try:
        rows = list(csv.reader(io.StringIO(text, newline=""), strict=True))
    except csv.Error:
        return None
    if not rows or rows[0] != list(table.field_names):
        return None
    header, body = rows[0], rows[1:]
    physical_lines = text.count("\n") + (0 if text.endswith("\n") else 1)
    if len(rows) != physical_lines or set(map(len, body)) - {len(header)}:
        return None
    return CsvText(header, body, list(range(2, len(body) + 2)))


def _longest_line(text: str) -> int:
    return len(text) if len(text) <= MAX_CELL else max(map(len, text.split("\n")))


def _parse_by_row(text: str, shown: str, table: Table) -> tuple[CsvText | None, list[Problem]]:
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    problems: list[Problem] = []
    rows: list[list[str]] = []
    lines: list[int] = []
    header: list[str] | None = None
    start = 1
    try:
        for row in reader:
            if header is None:
                header = row
                problems += _header_problems(row, shown, table)
            elif not row:
                problems.append(
                    Problem(
                        shown,
                        start,
                        None,
                        "this line is empty",
                        "Delete the empty line.",
                        "blank-row",
                    )
                )
            else:
                if len(row) != len(header):
                    problems.append(_ragged(row, header, shown, start))
                problems += _long_cells(row, header, shown, start)
                problems += _control_characters(row, header, shown, start)
                rows.append(row)
                lines.append(start)
            start = reader.line_num + 1
    except csv.Error as exc:
        reason = next((words for key, words in _QUOTING.items() if key in str(exc)), str(exc))
        problems.append(
            Problem(
                shown,
                start,
                None,
                f"the row cannot be read: {reason}",
                "Check the quotes on this line: a value that contains a comma "
                'or a quote must be wrapped in "double quotes", and a quote '
                'inside it written twice ("").',
                "bad-quoting",
            )
        )
    if header is None:
        return None, problems
    return (None if problems else CsvText(header, rows, lines)), problems


def _header_problems(header: list[str], shown: str, table: Table) -> list[Problem]:
    expected = list(table.field_names)
    if header == expected:
        return []
    missing = [name for name in expected if name not in header]
    unknown = [name for name in header if name not in expected]
    problems = [
        Problem(
            shown,
            1,
            name,
            f"column '{name}' is missing from the header",
            f"The header must be: {','.join(expected)}",
            "header",
        )
        for name in missing
    ] + [
        Problem(
            shown,
            1,
            name,
            f"column '{name}' is not in the schema",
            f"Remove it, or add it to {table.schema_path.name}. "
            f"The header must be: {','.join(expected)}",
            "header",
        )
        for name in unknown
    ]
    if not problems:
        problems.append(
            Problem(
                shown,
                1,
                None,
                "the columns are in a different order from the schema",
                f"The header must be: {','.join(expected)}",
                "header",
            )
        )
    return problems


def _ragged(row: list[str], header: list[str], shown: str, line: int) -> Problem:
    if len(row) > len(header):
        message = f"this row has {len(row)} values but the header has {len(header)} columns"
        hint = "Remove the extra values, or wrap a value that contains a comma in double quotes."
    else:
        message = f"this row has {len(row)} values but the header has {len(header)} columns"
        hint = "Add the missing values (leave a value empty between two commas if unknown)."
    return Problem(shown, line, None, message, hint, "ragged-row")


def _long_cells(row: list[str], header: list[str], shown: str, line: int) -> list[Problem]:
    return [
        Problem(
            shown,
            line,
            header[index] if index < len(header) else None,
            f"this value is {len(cell):,} characters long; the limit is {MAX_CELL:,}",
            "A value this long is usually a paste that went wrong (a quote left open, or a whole "
            "document): put long text in a Markdown file under content/ instead.",
            "cell-too-long",
        )
        for index, cell in enumerate(row)
        if len(cell) > MAX_CELL
    ]


def _control_characters(row: list[str], header: list[str], shown: str, line: int):
    problems = []
    for index, cell in enumerate(row):
        found = CONTROL.search(cell)
        if found:
            problems.append(
                Problem(
                    shown,
                    line,
                    header[index] if index < len(header) else None,
                    f"contains an invisible control character, {describe_character(found.group())}"
                    f", at character {found.start() + 1}",
                    "Delete it (retype the value): such characters usually come from text copied "
                    "out of a PDF.",
                    "control-character",
                )
            )
    return problems


def describe_character(char: str) -> str:
    name = unicodedata.name(char, "")
    return f"U+{ord(char):04X}" + (f" {name}" if name else "")
