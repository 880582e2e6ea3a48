"""Make a meeting's workbook: pre-filled with what the data already holds for the meeting
(and, when it has no attendance yet, with the committee's members), with drop-down lists for
every column the schema limits to a list of values and an input message on every column."""

from __future__ import annotations

from typing import Any

from openpyxl import Workbook
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.worksheet import Worksheet

from scrutiny.entry.checks import Known
from scrutiny.entry.members import membership
from scrutiny.schema.package import Field
from scrutiny.schema.types import to_json
from scrutiny.workbook.layout import ABOUT, MEETING_CELL, SHEETS, Sheet

ROWS_WITH_LISTS = 200  # drop-down lists and messages reach this far down each sheet


def make_workbook(known: Known, meeting: dict[str, Any]) -> Workbook:
    book = Workbook()
    _about(book.active, meeting)
    for sheet in SHEETS:
        ws = book.create_sheet(sheet.title)
        columns = sheet.columns(known.checked.package)
        _header(ws, columns)
        for row in _prefill(known, sheet, meeting):
            ws.append([_cell(row.get(f.name)) for f in columns])
        _lists_and_messages(ws, columns)
    return book


def _about(ws: Worksheet, meeting: dict[str, Any]) -> None:
    ws.title = ABOUT
    ws.append(["This workbook is for one meeting. Fill in the other sheets, then run:"])
    ws.append(["meeting_id", meeting["meeting_id"]])
    ws.append(["date", meeting["date"].isoformat()])
    ws.append(
        [
            "How to",
            "One row per agenda item, person, declaration or decision; leave item_no empty "
            "on the Agenda sheet to number new items after the last. Do not change the "
            f"meeting_id in {MEETING_CELL}. Then: scrutiny import THIS-FILE.xlsx",
        ]
    )
    ws["A1"].font = Font(bold=True)
    ws.column_dimensions["A"].width = 14
    ws.column_dimensions["B"].width = 60


def _header(ws: Worksheet, columns: tuple[Field, ...]) -> None:
    ws.append([f.name for f in columns])
    for index, f in enumerate(columns, start=1):
        ws.cell(1, index).font = Font(bold=True)
        width = max(len(f.name) + 4, 14 if f.name not in ("title", "text", "description") else 50)
        ws.column_dimensions[get_column_letter(index)].width = width
    ws.freeze_panes = "A2"


def _lists_and_messages(ws: Worksheet, columns: tuple[Field, ...]) -> None:
    for index, f in enumerate(columns, start=1):
        letter = get_column_letter(index)
        allowed = f.constraints.get("enum")
        required = " Required." if f.required else ""
        if allowed:
            check = DataValidation(
                type="list",
                formula1='"' + ",".join(allowed) + '"',
                allow_blank=not f.required,
                showErrorMessage=True,
                errorTitle=f.name,
                error=f"Choose one of: {', '.join(allowed)}"[:255],
            )
            prompt = f"{f.description} Choose from the list.{required}"
        else:
            check = DataValidation(allow_blank=True)
            prompt = f"{f.description}{required}"
        check.showInputMessage = True
        check.promptTitle = f.name[:32]
        check.prompt = prompt[:255]
        check.add(f"{letter}2:{letter}{ROWS_WITH_LISTS}")
        ws.add_data_validation(check)


def _prefill(known: Known, sheet: Sheet, meeting: dict[str, Any]) -> list[dict[str, Any]]:
    """The meeting's rows already in the data; for attendance with none yet, the members."""
    rows = [r for r in known.rows(sheet.table) if r["meeting_id"] == meeting["meeting_id"]]
    if rows or sheet.table != "attendance":
        return rows
    members = membership(
        known.checked.package,
        known.checked.rows,
        meeting["committee_id"],
        meeting["date"],
        meeting["meeting_id"],
    )
    people = {p["person_id"]: p for p in known.rows("people")}
    return [
        {
            "person_id": m.person_id,
            "name_as_written": people[m.person_id]["name"],
            "role": m.role,
            "status": "present",
        }
        for m in members.members
    ]


def _cell(value: Any) -> Any:
    """Typed values as the text the CSV holds (a time as 14:00:00), so re-import compares."""
    if value is None:
        return None
    written = to_json(value)
    return written if isinstance(written, str) else str(written)
