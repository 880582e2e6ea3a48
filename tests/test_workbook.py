"""The meeting workbook: `scrutiny workbook` makes it, LibreOffice (Debian's
libreoffice-calc-nogui, headless, driven through its UNO bridge) fills cells and saves it, and
`scrutiny import` writes the rows, or, filled badly, names each sheet, row and column and
writes nothing. Importing the same workbook twice changes nothing.

LibreOffice is required, never skipped: `bash dev.sh test` installs it with apt-get."""

from __future__ import annotations

import csv
import json
import shutil
import subprocess
from pathlib import Path

import pytest
from conftest import BUILD_EPOCH
from openpyxl import load_workbook
from test_new_commands import snapshot

from scrutiny.cli import main

MEETING = "testshire-cyp-2023-05-10"
FILL = Path(__file__).parent / "helpers" / "libreoffice_fill.py"
SYSTEM_PYTHON = "/usr/bin/python3"  # Debian's, with python3-uno (LibreOffice's Python bridge)


@pytest.fixture(autouse=True)
def as_at(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", BUILD_EPOCH)


@pytest.fixture
def project(minimal: Path, capsys: pytest.CaptureFixture[str]) -> Path:
    args = ["new", "meeting", "--committee", "testshire-cyp", "--date", "2023-05-10"]
    assert main([*args, "--source", "agenda.pdf", str(minimal)]) == 0
    capsys.readouterr()
    return minimal


def workbook(project: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> Path:
    out = tmp_path / "meeting.xlsx"
    assert main(["workbook", MEETING, str(project), "--out", str(out)]) == 0
    capsys.readouterr()
    return out


def import_(book: Path, project: Path, capsys: pytest.CaptureFixture[str]) -> tuple[int, str]:
    code = main(["import", str(book), str(project)])
    captured = capsys.readouterr()
    return code, captured.out + captured.err


def rows(project: Path, table: str) -> list[dict[str, str]]:
    with (project / "datasets" / f"{table}.csv").open(encoding="utf-8", newline="") as handle:
        return [r for r in csv.DictReader(handle) if r["meeting_id"] == MEETING]


def libreoffice_fills(book: Path, edits: dict, tmp_path: Path) -> Path:
    """LibreOffice opens the workbook, types the cells and saves it as .xlsx."""
    assert shutil.which("soffice"), "LibreOffice is missing: apt-get install libreoffice-calc-nogui"
    check = subprocess.run([SYSTEM_PYTHON, "-c", "import uno"], capture_output=True)
    assert check.returncode == 0, "LibreOffice's Python bridge is missing: install python3-uno"
    filled = tmp_path / f"filled-{len(list(tmp_path.glob('filled-*')))}.xlsx"
    (tmp_path / "edits.json").write_text(json.dumps(edits))
    result = subprocess.run(
        [SYSTEM_PYTHON, FILL, book, filled, tmp_path / "edits.json", tmp_path / "lo-profile"],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0 and filled.is_file(), result.stdout + result.stderr
    return filled


def test_the_workbook_has_a_sheet_per_table_with_lists_from_the_schemas(
    project: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    book = load_workbook(workbook(project, tmp_path, capsys))
    assert book.sheetnames == ["About", "Agenda", "Attendance", "Declarations", "Decisions"]
    assert book["About"]["B2"].value == MEETING
    attendance = [[c.value for c in r] for r in book["Attendance"].iter_rows()]
    assert attendance == [
        ["person_id", "name_as_written", "role", "status", "substitute_for", "note"],
        ["ann-able", "Ann Able", "chair", "present", None, None],  # the committee's members
        ["bob-baker", "Bob Baker", "member", "present", None, None],
    ]
    lists = {
        str(v.sqref).split(":")[0]: v.formula1
        for v in book["Attendance"].data_validations.dataValidation
        if v.type == "list"
    }
    assert lists == {
        "C2": '"chair,vice-chair,member,co-opted,substitute,officer,cabinet-member,guest"',
        "D2": '"present,apologies,absent"',
    }
    messages = {
        v.promptTitle: v.prompt for v in book["Declarations"].data_validations.dataValidation
    }
    assert messages["kind"].startswith("The kind of interest. Choose from the list.")
    assert set(messages) == {"item_no", "person_id", "kind", "description"}
    for sheet in book.sheetnames[1:]:
        assert book[sheet].max_row >= 1 and book[sheet]["A1"].value  # one header row


GOOD = {
    "Agenda": {
        "C2": "Apologies",
        "E2": "public",
        "C3": "Declarations of interest",
        "E3": "public",
        "C4": "Minutes of the last meeting",
        "E4": "public",
        "C5": "Fostering sufficiency",
        "D5": "5-12",
        "E5": "public",
        "F5": "Dee Dean",
        "C6": "Work programme",
        "E6": "public",
    },
    "Attendance": {
        "D3": "apologies",
        "A4": "cat-cole",
        "B4": "Cat Cole",
        "C4": "substitute",
        "D4": "present",
        "E4": "bob-baker",
        "A5": "dee-dean",
        "B5": "Dee Dean",
        "C5": "officer",
        "D5": "present",
    },
    "Declarations": {"A2": 4, "B2": "cat-cole", "C2": "personal", "D2": "Foster carer."},
    "Decisions": {
        "A2": 4,
        "B2": "i",
        "C2": "The report be noted.",
        "A3": 5,
        "C3": "The work programme be agreed.",
    },
}


def test_libreoffice_fills_the_workbook_and_import_writes_the_rows(
    project: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    filled = libreoffice_fills(workbook(project, tmp_path, capsys), GOOD, tmp_path)
    code, out = import_(filled, project, capsys)
    assert code == 0, out
    assert "12 rows added, 0 changed" in out
    assert [(r["item_no"], r["title"]) for r in rows(project, "agenda_items")] == [
        ("1", "Apologies"),
        ("2", "Declarations of interest"),
        ("3", "Minutes of the last meeting"),
        ("4", "Fostering sufficiency"),
        ("5", "Work programme"),
    ]
    attendance = {r["person_id"]: r for r in rows(project, "attendance")}
    assert {p: (r["role"], r["status"], r["substitute_for"]) for p, r in attendance.items()} == {
        "ann-able": ("chair", "present", ""),
        "bob-baker": ("member", "apologies", ""),
        "cat-cole": ("substitute", "present", "bob-baker"),
        "dee-dean": ("officer", "present", ""),
    }
    assert attendance["cat-cole"]["source"] == f"{filled.name}: Attendance row 4"
    assert [r["decision_id"] for r in rows(project, "decisions")] == [
        f"{MEETING}-4-i",
        f"{MEETING}-5-1",
    ]
    assert rows(project, "declarations")[0]["item_no"] == "4"  # typed as a number in Calc

    before = snapshot(project)
    code, out = import_(filled, project, capsys)
    assert code == 0, out
    assert "Nothing to change" in out
    assert snapshot(project) == before


BAD = {
    "Attendance": {"D2": "presnt", "A4": "dee-den", "B4": "Dee Dean", "C4": "officer"},
    "Declarations": {"A2": 9, "B2": "cat-cole", "C2": "personal", "D2": "Foster carer."},
    "Decisions": {"A2": 1, "C2": "Noted.", "A3": 1, "C3": "Noted again."},
    "Agenda": {"C2": "Apologies", "E2": "Public"},
}


def test_a_badly_filled_workbook_names_sheet_row_and_column_and_writes_nothing(
    project: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    filled = libreoffice_fills(workbook(project, tmp_path, capsys), BAD, tmp_path)
    before = snapshot(project)
    code, out = import_(filled, project, capsys)
    assert code == 1
    name = filled.name
    for expected in (
        f"{name}: sheet Agenda, row 2, column E (part): 'Public' is not an allowed value",
        f"{name}: sheet Attendance, row 2, column D (status): 'presnt' is not an allowed value",
        f"{name}: sheet Attendance, row 4, column A (person_id): 'dee-den' does not exist",
        "how to fix: Did you mean dee-dean?",
        f"{name}: sheet Attendance, row 4, column D (status):",  # status left empty
        f"{name}: sheet Declarations, row 2, column A (item_no):",
    ):
        assert expected in out, out
    assert "nothing was imported" in out
    assert "Traceback" not in out
    assert snapshot(project) == before


def test_headers_and_the_meeting_are_checked_before_anything_else(
    project: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = workbook(project, tmp_path, capsys)
    book = load_workbook(path)
    book["Decisions"]["C1"] = "resolution"
    book["About"]["B2"] = "testshire-cyp-2023-05-1"
    book.save(path)
    before = snapshot(project)
    code, out = import_(path, project, capsys)
    assert code == 1
    assert "sheet About, row 2, column B (meeting_id): there is no meeting" in out, out
    assert "Did you mean testshire-cyp-2023-05-10 or" in out, out
    assert "sheet Decisions, row 1, column C (resolution): 'resolution' is not a column" in out
    assert "sheet Decisions, row 1, column text: the column text is missing" in out
    assert snapshot(project) == before
