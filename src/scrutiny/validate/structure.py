"""Reading each CSV file as rows of its table, before any value is checked.

Catches what spreadsheets and hand edits break: an empty file, bytes that are not UTF-8, NUL
bytes, an unbalanced quote, a header that doesn't match the schema, empty lines (and lines of
empty cells, as a spreadsheet leaves them), a row with too many or too few values (worded by
the likely cell, see shifts.py), control characters and overlong cells. What Excel's "CSV UTF-8"
writes (a byte-order mark, CRLF line ends) is accepted as it is.

Every readable row of the right shape is kept with the line it starts on (a quoted cell may
span lines), so the values of the other rows are still checked in the same run.
"""

from __future__ import annotations

import csv
import io
import re
import unicodedata
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from operator import methodcaller

from scrutiny.problems import Problem
from scrutiny.schema.package import Table
from scrutiny.textfiles import CONTROL, bytes_problem
from scrutiny.validate import shifts
from scrutiny.validate.constraints import TableChecks

SAVE_AS_UTF8 = "Save the file as 'CSV UTF-8 (comma delimited)' in your spreadsheet program."
BYTE_ORDER_MARK = b"\xef\xbb\xbf"
# The longest value a cell may hold. Python's csv module stops at 131,072 characters with a
# message about quotes; a cell this long is a paste gone wrong, so it gets its own message.
MAX_CELL = 100_000
_NOT_CONTROL = bytes(range(0x20, 0x7F)) + bytes(range(0x80, 0x100)) + b"\t\n\r"
_C1 = re.compile(rb"\xc2[\x80-\x9f]")  # U+0080 to U+009F in UTF-8
_NONCHARACTER = re.compile(rb"\xef\xbf[\xbe\xbf]")  # U+FFFE, U+FFFF
_QUOTING = {
    "unexpected end of data": "a quote opened on this line is never closed",
    "expected after": "a quote in the middle of a value",
}


@dataclass(frozen=True)
class CsvText:
    """A table's readable rows, held as columns (the checks go column by column)."""

    header: list[str]
    columns: list[Sequence[str]]  # the cells of each column, in the order of the rows
    lines: Sequence[int]  # line on which each row starts
    complete: bool = True  # False when a row was left out: it could not be read as a row

    @classmethod
    def from_rows(
        cls, header: list[str], rows: list[list[str]], lines: Sequence[int], complete: bool = True
    ) -> CsvText:
        columns = list(zip(*rows, strict=True)) if rows else [()] * len(header)
        return cls(header, columns, lines, complete)

    @property
    def rows(self) -> list[list[str]]:
        return [self.row(index) for index in range(len(self.lines))]

    def row(self, index: int) -> list[str]:
        return [column[index] for column in self.columns]


def read_csv(
    table: Table, shown: str, data: bytes | None = None
) -> tuple[CsvText | None, list[Problem]]:
    """The table's rows of the right shape, and a problem for each line that is not; None
    when the file cannot be read as this table at all. `data` is the file's bytes, if the
    caller has read them."""
    try:
        data = (table.path.read_bytes() if data is None else data).removeprefix(BYTE_ORDER_MARK)
    except FileNotFoundError:
        return None, [
            Problem(
                shown,
                message="file not found",
                hint=f"Create it with the header line: {','.join(table.field_names)}",
                rule="file-missing",
            )
        ]
    text, problem = _decoded(data, shown, table)
    if problem:
        return None, [problem]
    return shape(text, may_have_control(data), shown, table)


def _decoded(data: bytes, shown: str, table: Table) -> tuple[str, Problem | None]:
    if not data or data.isspace():
        return "", Problem(
            shown,
            line=1,
            message="the file is empty",
            hint=f"The first line must be the header: {','.join(table.field_names)}",
            rule="empty-file",
        )
    problem = bytes_problem(data, shown, SAVE_AS_UTF8)
    return ("", problem) if problem else (data.decode("utf-8"), None)


def may_have_control(data: bytes) -> bool:
    """Whether the UTF-8 bytes hold any of CONTROL's characters (C0 but tab and line ends,
    DEL, C1, U+FFFE, U+FFFF): a quick test over the whole file, in C, before any cell is
    searched."""
    return bool(data.translate(None, _NOT_CONTROL)) or (
        not data.isascii() and bool(_C1.search(data) or _NONCHARACTER.search(data))
    )


def shape(
    text: str, control: bool, shown: str, table: Table
) -> tuple[CsvText | None, list[Problem]]:
    plain = None if control else _plain_columns(text, table)
    if plain is not None:
        return plain, []  # the common case, proved in bulk
    # Read by the csv module: quotes, CRLF, or a line that needs a worded problem.
    records, lines, swept, unreadable = _records(text, shown)
    header = records[0] if records else []
    problems = _header_problems(header, shown, table)
    if problems or not records:
        return None, problems + unreadable
    body, starts = records[1:], lines[1:]
    width = len(header)
    if swept and not control and set(map(len, body)) <= {width} and [""] * width not in body:
        return CsvText.from_rows(header, body, starts), []  # quoted or CRLF, but sound
    long = not swept and len(text) > MAX_CELL
    rows, kept, problems = _well_shaped(body, starts, table, shown, control, long)
    complete = not unreadable and len(rows) == sum(1 for row in body if any(row))
    return CsvText.from_rows(header, rows, kept, complete), problems + unreadable


def _plain_columns(text: str, table: Table) -> CsvText | None:
    """The columns of a file with nothing unusual in it, cut straight out of the text: no
    quotes and no carriage returns (so it is exactly lines split at commas, as any CSV reader
    reads them), the schema's header, every line with one comma fewer than the columns, no
    line of empty cells and none over MAX_CELL. None when any of that fails: the csv module
    then reads the file and each unusual line is worded."""
    width = len(table.fields)
    if '"' in text or "\r" in text or width < 2:
        return None
    lines = text.removesuffix("\n").split("\n")
    if lines[0].split(",") != list(table.field_names):
        return None
    body = lines[1:]
    if set(map(methodcaller("count", ","), body)) - {width - 1} or "," * (width - 1) in body:
        return None
    if len(text) > MAX_CELL and max(map(len, body)) > MAX_CELL:
        return None
    cells = ",".join(body).split(",") if body else []
    columns = [cells[index::width] for index in range(width)]
    return CsvText(lines[0].split(","), columns, range(2, len(body) + 2))


def _records(text: str, shown: str) -> tuple[list[list[str]], list[int], bool, list[Problem]]:
    """Every record of the file (the header first), the line each starts on, whether they
    were read in one sweep (no cell then is over MAX_CELL), and a problem if a quoting mistake
    stopped the reading. One sweep when each record is one line; record by record, for the
    line numbers, when a cell holds a line break, and up to the first quoting mistake (the
    rest cannot be read)."""
    limit = csv.field_size_limit()
    try:
        csv.field_size_limit(MAX_CELL)
        records = list(csv.reader(io.StringIO(text, newline=""), strict=True))
        if len(records) == text.count("\n") + (not text.endswith("\n")):
            return records, list(range(1, len(records) + 1)), True, []
    except csv.Error:
        pass  # a quoting mistake or an overlong cell: read record by record to place it
    finally:
        csv.field_size_limit(limit)
    return _records_one_by_one(text, shown)


def _records_one_by_one(text: str, shown: str):
    limit = csv.field_size_limit(max(csv.field_size_limit(), len(text) + 1))
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    records: list[list[str]] = []
    lines: list[int] = []
    start = 1
    try:
        for record in reader:
            records.append(record)
            lines.append(start)
            start = reader.line_num + 1
    except csv.Error as exc:
        reason = next((words for key, words in _QUOTING.items() if key in str(exc)), str(exc))
        return records, lines, False, [_unreadable(shown, start, reason)]
    finally:
        csv.field_size_limit(limit)
    return records, lines, False, []


def _unreadable(shown: str, line: int, reason: str) -> Problem:
    return Problem(
        shown,
        line=line,
        message=f"the row cannot be read: {reason}",
        hint="Check the quotes on this line: a value that contains a comma or a quote must be "
        'wrapped in "double quotes", and a quote inside it written twice ("").',
        rule="bad-quoting",
    )


def _header_problems(header: list[str], shown: str, table: Table) -> list[Problem]:
    expected = list(table.field_names)
    if header == expected:
        return []
    must = f"The header must be: {','.join(expected)}"
    missing = [name for name in expected if name not in header]
    unknown = [name for name in header if name not in expected]
    problems = [
        Problem(
            shown,
            line=1,
            field=name,
            message=f"column '{name}' is missing from the header",
            hint=must,
            rule="header",
        )
        for name in missing
    ] + [
        Problem(
            shown,
            line=1,
            field=name or None,
            message=f"column '{name}' is not in the schema"
            if name
            else f"column {header.index(name) + 1} has no name",
            hint=f"Remove it, or add it to {table.schema_path.name}. {must}"
            if name
            else f"Delete the empty column (in a spreadsheet, delete the columns after the "
            f"last one and save again). {must}",
            rule="header",
        )
        for name in dict.fromkeys(unknown)
    ]
    if not problems:
        problems.append(
            Problem(
                shown,
                line=1,
                message="the columns are in a different order from the schema",
                hint=must,
                rule="header",
            )
        )
    return problems


def _well_shaped(
    body: list[list[str]], starts: list[int], table: Table, shown: str, control: bool, long: bool
) -> tuple[list[list[str]], list[int], list[Problem]]:
    """The rows of the right shape, and a problem for each line that is not: empty lines
    (one problem for a run of them), rows of the wrong width, and, where the file has any
    (`control`, `long`), cells with control characters or over the length limit."""
    fields = TableChecks(table).fields
    rows, kept, ragged, empty, problems = [], [], [], [], []
    for row, line in zip(body, starts, strict=True):
        if not any(row):
            empty.append((line, bool(row)))
        elif len(row) != len(fields):
            ragged.append((row, line))
        else:
            found = _cell_problems(row, table, shown, line, long) if control or long else ()
            if found:
                problems += found
            else:
                rows.append(row)
                kept.append(line)
    problems += _empty_line_problems(empty, shown)
    problems += _ragged_problems(fields, ragged, all_rows=not rows, shown=shown)
    return rows, kept, problems


def _empty_line_problems(empty: list[tuple[int, bool]], shown: str) -> Iterator[Problem]:
    for first, run in _runs(empty):
        cells = any(commas for _, commas in run)
        last, joined = first + len(run) - 1, "and" if len(run) == 2 else "to"
        message = f"lines {first} {joined} {last} are empty" if run[1:] else "this line is empty"
        yield Problem(
            shown,
            line=first,
            message=message + (" (only commas: cells a spreadsheet left empty)" if cells else ""),
            hint="Delete the empty rows in the spreadsheet (not just their contents) and save "
            "again."
            if cells
            else f"Delete the empty line{'s' if len(run) > 1 else ''}.",
            rule="blank-row",
        )


def _runs(empty: list[tuple[int, bool]]) -> Iterator[tuple[int, list[tuple[int, bool]]]]:
    """Consecutive empty lines grouped, each group with its first line."""
    run: list[tuple[int, bool]] = []
    for entry in empty:
        if run and entry[0] != run[-1][0] + 1:
            yield run[0][0], run
            run = []
        run.append(entry)
    if run:
        yield run[0][0], run


def _ragged_problems(fields, ragged: list[tuple[list[str], int]], all_rows: bool, shown: str):
    """A problem for each row of the wrong width; one for the whole file when every row is
    one value short (a column put back in the header only)."""
    if all_rows and len(ragged) > 1 and {len(row) for row, _ in ragged} == {len(fields) - 1}:
        explained = [(shifts.every_row_short(fields, [row for row, _ in ragged]), ragged[0][1])]
    else:
        explained = [(shifts.ragged(fields, row), line) for row, line in ragged]
    return [
        Problem(shown, line=line, field=e.field, message=e.message, hint=e.hint, rule="ragged-row")
        for e, line in explained
    ]


def _cell_problems(row: list[str], table: Table, shown: str, line: int, long: bool):
    problems = []
    for name, cell in zip(table.field_names, row, strict=True):
        if long and len(cell) > MAX_CELL:
            problems.append(
                Problem(
                    shown,
                    line=line,
                    field=name,
                    message=f"this value is {len(cell):,} characters long; the limit is "
                    f"{MAX_CELL:,}",
                    hint="A value this long is usually a paste that went wrong (a quote left "
                    "open, or a whole document): put long text in a Markdown file under "
                    "content/ instead.",
                    rule="cell-too-long",
                )
            )
        found = CONTROL.search(cell)
        if found:
            problems.append(
                Problem(
                    shown,
                    line=line,
                    field=name,
                    message=f"contains an invisible control character, "
                    f"{describe_character(found.group())}, at character {found.start() + 1}",
                    hint="Delete it (retype the value): such characters usually come from text "
                    "copied out of a PDF.",
                    rule="control-character",
                )
            )
    return problems


def describe_character(char: str) -> str:
    name = unicodedata.name(char, "")
    return f"U+{ord(char):04X}" + (f" {name}" if name else "")
