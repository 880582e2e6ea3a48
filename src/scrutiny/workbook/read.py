"""Read a filled meeting workbook back into rows of text, as the CSV tables hold them."""

from __future__ import annotations

import datetime as dt
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from openpyxl import load_workbook
from openpyxl.utils import get_column_letter

from scrutiny.entry.checks import did_you_mean
from scrutiny.schema.package import DataPackage
from scrutiny.workbook.layout import ABOUT, MEETING_CELL, SHEETS, Sheet


@dataclass(frozen=True)
class CellProblem:
    """A problem in the workbook, named by sheet, row and column as the officer sees them."""

    sheet: str
    row: int | None
    column: str | None  # the header, e.g. status
    letter: str | None  # the column letter, e.g. E
    message: str
    hint: str = ""

    def as_text(self, workbook: str) -> str:
        where = [f"sheet {self.sheet}"]
        if self.row is not None:
            where.append(f"row {self.row}")
        if self.column:
            where.append(
                f"column {self.letter} ({self.column})" if self.letter else f"column {self.column}"
            )
        text = f"{workbook}: {', '.join(where)}: {self.message}"
        return text + (f"\n    how to fix: {self.hint}" if self.hint else "")


@dataclass(frozen=True)
class SheetRow:
    sheet: Sheet
    row: int  # the spreadsheet's row number
    values: dict[str, str]  # column -> text
    letters: dict[str, str]  # column -> column letter


@dataclass(frozen=True)
class Filled:
    meeting_id: str
    rows: tuple[SheetRow, ...]


class Unreadable(Exception):
    def __init__(self, problems: list[CellProblem]) -> None:
        self.problems = problems
        super().__init__("\n".join(p.message for p in problems))


def read_workbook(path: Path, package: DataPackage, meetings: set[str]) -> Filled:
    """The workbook's rows; every problem with its structure (the meeting, the sheets, the
    headings) raised together as Unreadable."""
    try:
        book = load_workbook(path, data_only=True)
    except (OSError, zipfile.BadZipFile, KeyError, ValueError) as error:
        raise Unreadable(
            [
                CellProblem(
                    "-",
                    None,
                    None,
                    None,
                    f"this is not an Excel workbook that can be read ({type(error).__name__})",
                    "Save it from Excel or LibreOffice as 'Excel Workbook (.xlsx)'.",
                )
            ]
        ) from None
    problems: list[CellProblem] = []
    meeting_id = _meeting_id(book, problems, meetings)
    rows: list[SheetRow] = []
    for sheet in SHEETS:
        if sheet.title not in book.sheetnames:
            problems.append(
                CellProblem(
                    sheet.title,
                    None,
                    None,
                    None,
                    "the sheet is missing",
                    "Make a new workbook with `scrutiny workbook` and copy the rows into it.",
                )
            )
            continue
        rows += _sheet_rows(book[sheet.title], sheet, package, problems)
    if problems:
        raise Unreadable(problems)
    return Filled(meeting_id, tuple(rows))


def _meeting_id(book: Any, problems: list[CellProblem], meetings: set[str]) -> str:
    value = book[ABOUT][MEETING_CELL].value if ABOUT in book.sheetnames else None
    if not value or not str(value).strip():
        problems.append(
            CellProblem(
                ABOUT,
                2,
                "meeting_id",
                "B",
                "the workbook does not say which meeting it is for",
                "Use a workbook made by `scrutiny workbook MEETING_ID`, which fills this cell.",
            )
        )
        return ""
    meeting_id = str(value).strip()
    if meeting_id not in meetings:
        problems.append(
            CellProblem(
                ABOUT,
                2,
                "meeting_id",
                "B",
                f"there is no meeting '{meeting_id}' in the data",
                did_you_mean(meeting_id, meetings, "meeting_id", "datasets/meetings.csv"),
            )
        )
    return meeting_id


def _sheet_rows(ws: Any, sheet: Sheet, package: DataPackage, problems: list) -> list[SheetRow]:
    expected = {f.name: f for f in sheet.columns(package)}
    header = [text(c.value) for c in next(ws.iter_rows(min_row=1, max_row=1), ())]
    letters = {name: get_column_letter(i) for i, name in enumerate(header, start=1) if name}
    for i, name in enumerate(header, start=1):
        if name and name not in expected:
            problems.append(
                CellProblem(
                    sheet.title,
                    1,
                    name,
                    get_column_letter(i),
                    f"'{name}' is not a column of this sheet",
                    f"The columns are: {', '.join(expected)}. Correct the heading or delete "
                    "the column.",
                )
            )
    for name, f in expected.items():
        if f.required and name not in letters:
            problems.append(
                CellProblem(
                    sheet.title,
                    1,
                    name,
                    None,
                    f"the column {name} is missing",
                    f"Add a column headed {name} (the headings are in row 1).",
                )
            )
    found = []
    for number, cells in enumerate(ws.iter_rows(min_row=2, values_only=True), start=2):
        values = {
            name: text(value, expected[name].type)
            for name, value in zip(header, cells, strict=False)
            if name in expected
        }
        if any(values.values()):  # a row of empty cells is not a row
            found.append(SheetRow(sheet, number, values, letters))
    return found


def text(value: Any, kind: str = "string") -> str:
    """A cell as the CSV would hold it: 4 (a number) as 4, a time as 14:00:00."""
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        return value.time().isoformat() if kind == "time" else value.date().isoformat()
    if isinstance(value, dt.time):
        return value.replace(microsecond=0).isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    written = str(value).strip()
    if kind == "time" and len(written) == 5 and written[2] == ":":
        return written + ":00"
    return written
