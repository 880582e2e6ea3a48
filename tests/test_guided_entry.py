"""Publishing a meeting with `scrutiny new` only: agenda, attendance (the whole committee in
one step, with a substitute and apologies), a declaration, two decisions and the minutes, then
the built meeting page shows all of it. No CSV is typed by hand. Also `scrutiny members`, the
ids made for the officer, and "did you mean" on every id."""

from __future__ import annotations

import csv
import re
import shlex
from pathlib import Path

import pytest
from conftest import BUILD_EPOCH
from test_new_commands import snapshot

from scrutiny.cli import main

MEETING = "testshire-cyp-2023-05-10"


@pytest.fixture(autouse=True)
def as_at(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", BUILD_EPOCH)


def scrutiny(capsys: pytest.CaptureFixture[str], *args: str | Path) -> tuple[int, str, str]:
    code = main([str(a) for a in args])
    out = capsys.readouterr()
    return code, out.out, out.err


def ok(capsys: pytest.CaptureFixture[str], *args: str | Path) -> str:
    code, out, err = scrutiny(capsys, *args)
    assert code == 0, err
    return out


def rows(project: Path, table: str) -> list[dict[str, str]]:
    with (project / "datasets" / f"{table}.csv").open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def text_of(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html)).replace("&#39;", "'")


WALKTHROUGH = f"""
new meeting --committee testshire-cyp --date 2023-05-10 --time 14:00
    --venue "Committee Room 1, County Hall" --source https://testshire.example/agenda/2023-05-10
new agenda-item --meeting {MEETING} --title Apologies --title "Declarations of interest"
    --title "Minutes of the last meeting"
new agenda-item --meeting {MEETING} --title "Fostering sufficiency" --pages 5-12 --lead "Dee Dean"
new agenda-item --meeting {MEETING} --title "Work programme"
new attendance --meeting {MEETING} --apologies bob-baker --substitute bob-baker=cat-cole
    --present dee-dean
new declaration --meeting {MEETING} --item 4 --person cat-cole --kind personal
    --description "Her sister is a foster carer."
new decision --meeting {MEETING} --item 4 --sub-point i --text "The report be noted."
new decision --meeting {MEETING} --item 5 --text "The work programme be agreed."
new minutes --meeting {MEETING} --status draft --from MINUTES
"""


def publish(project: Path, capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    """The walkthrough of docs/publishing-a-meeting.md, command by command."""
    minutes = tmp_path / "minutes-from-word.md"
    minutes.write_text("## 4. Fostering sufficiency\n\nMembers asked about **respite** care.\n")
    for command in WALKTHROUGH.strip().replace("\n    ", " ").splitlines():
        args = [str(minutes) if a == "MINUTES" else a for a in shlex.split(command)]
        out = ok(capsys, *args, project)
        if args[1] == "attendance":
            assert "cat-cole: substitute, present (for bob-baker)" in out


def test_a_meeting_published_with_new_commands_only(
    minimal: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    publish(minimal, capsys, tmp_path)
    assert [r["item_no"] for r in rows(minimal, "agenda_items") if r["meeting_id"] == MEETING] == [
        "1", "2", "3", "4", "5",
    ]  # fmt: skip
    attendance = {
        r["person_id"]: r for r in rows(minimal, "attendance") if r["meeting_id"] == MEETING
    }
    assert {p: (r["role"], r["status"], r["substitute_for"]) for p, r in attendance.items()} == {
        "ann-able": ("chair", "present", ""),  # the role she had at the last meeting
        "bob-baker": ("member", "apologies", ""),
        "cat-cole": ("substitute", "present", "bob-baker"),
        "dee-dean": ("officer", "present", ""),  # her kind in people.csv
    }
    assert {r["source"] for r in attendance.values()} == {
        "https://testshire.example/agenda/2023-05-10"  # the meeting's source, by default
    }
    decisions = [r["decision_id"] for r in rows(minimal, "decisions") if r["meeting_id"] == MEETING]
    assert decisions == [f"{MEETING}-4-i", f"{MEETING}-5-1"]
    meeting = next(r for r in rows(minimal, "meetings") if r["meeting_id"] == MEETING)
    assert (meeting["minutes_status"], meeting["minutes_published"]) == ("draft", "true")

    site = tmp_path / "site"
    ok(capsys, "build", minimal, "--out", site)
    page = text_of((site / "meetings" / MEETING / "index.html").read_text(encoding="utf-8"))
    for shown in (
        "Fostering sufficiency 5-12 Public Dee Dean",
        "Work programme",
        "Members present County Councillor Ann Able (chair)",
        "Substitutes County Councillor Cat Cole , replacing County Councillor Bob Baker",
        "Apologies County Councillor Bob Baker",
        "Ms Dee Dean , Director of Children's Services (officer)",
        "County Councillor Cat Cole , item 4 (personal): Her sister is a foster carer.",
        "Resolved: i. The report be noted.",
        "Resolved: The work programme be agreed.",
        "Minutes status: draft",
        "Members asked about respite care.",
    ):
        assert shown in page, shown


def test_members_lists_the_committee_with_ids(
    minimal: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = ok(capsys, "members", "testshire-cyp", minimal)
    assert out.splitlines() == [
        "Members of testshire-cyp, as recorded at testshire-cyp-2017-03-14:",
        "  ann-able   Ann Able (chair)",
        "  bob-baker  Bob Baker (member)",
    ]
    code, out, err = scrutiny(capsys, "members", "testshire-cy", minimal)
    assert code == 1
    assert "Did you mean testshire-cyp?" in err


@pytest.mark.parametrize(
    "command", [["members", "testshire-cyp"], ["workbook", "testshire-cyp-2017-01-10"]]
)
def test_a_project_with_problems_is_refused_with_the_problems_listed(
    minimal: Path, capsys: pytest.CaptureFixture[str], command: list[str]
) -> None:
    meetings = minimal / "datasets" / "meetings.csv"
    meetings.write_text(meetings.read_text().replace(",2017-01-10,", ",2017-01-99,", 1))
    if command[0] == "workbook":
        command = [command[0], "--out", str(minimal / "w.xlsx"), *command[1:]]
    code, _, err = scrutiny(capsys, *command, minimal)
    assert code == 1
    assert "Fix the problems below" in err
    assert "datasets/meetings.csv:2" in err  # the problems it speaks of are there


def test_more_attendance_adds_only_the_people_named(
    minimal: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    meeting = "testshire-cyp-2017-01-10"  # already has attendance
    code, _, err = scrutiny(
        capsys, "new", "attendance", "--meeting", meeting, "--present", "dee-dean", minimal
    )
    assert code == 1
    assert "dee-dean already has a row for testshire-cyp-2017-01-10 (line 5" in err
    code, _, err = scrutiny(
        capsys, "new", "attendance", "--meeting", meeting, "--apologies", "ann-able", minimal
    )
    assert "ann-able already has a row" in err


REFUSED = {
    "meeting id misspelt": (
        "new decision --meeting testshire-cyp-2017-01-1 --item 2 --text x",
        "Did you mean testshire-cyp-2017-01-10",
    ),
    "item not on the agenda": (
        "new decision --meeting testshire-cyp-2017-01-10 --item 9 --text x",
        "Its items are: 1, 2.",
    ),
    "sub-point taken": (
        "new decision --meeting testshire-cyp-2017-01-10 --item 2 --sub-point ii --text x",
        "already has a decision with sub-point 'ii'",
    ),
    "person misspelt": (
        "new declaration --meeting testshire-cyp-2017-01-10 --item 2 --person bob-bakr "
        "--kind personal --description x",
        "Did you mean bob-baker?",
    ),
    "kind not in the schema": (
        "new declaration --meeting testshire-cyp-2017-01-10 --item 2 --person ann-able "
        "--kind Personal --description x",
        "Did you mean personal? Use one of: pecuniary, non-pecuniary, personal,",
    ),
    "substitute written the wrong way round": (
        "new attendance --meeting testshire-cyp-2099-06-01 --substitute cat-cole=bob-baker",
        "Write the member first: --substitute bob-baker=cat-cole.",
    ),
    "a non-member with no role": (
        "new attendance --meeting testshire-cyp-2099-06-01 --present cat-cole",
        "Add --role cat-cole=ROLE, with ROLE one of: chair, vice-chair, member,",
    ),
    "marked twice": (
        "new attendance --meeting testshire-cyp-2099-06-01 --apologies ann-able --absent ann-able",
        "ann-able is given both as --apologies and as --absent",
    ),
    "recommendation misspelt": (
        "new rag-update --recommendation testshire-ofsted-2 --rag red "
        "--meeting testshire-cyp-2017-03-14",
        "Did you mean testshire-ofsted-1?",
    ),
    "update on a day that has one": (
        "new rag-update --recommendation testshire-ofsted-1 --rag red "
        "--meeting testshire-cyp-2017-03-14",
        "already has an update on 2017-03-14",
    ),
    "agenda item number taken": (
        "new agenda-item --meeting testshire-cyp-2017-01-10 --item-no 2 --title x",
        "already has an item 2",
    ),
}


@pytest.mark.parametrize("case", REFUSED, ids=list(REFUSED))
def test_refused_with_did_you_mean_and_nothing_changed(
    case: str, minimal: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    args, message = REFUSED[case]
    before = snapshot(minimal)
    code, _, err = scrutiny(capsys, *shlex.split(args), minimal)
    assert code in (1, 2)
    assert "nothing was changed" in err
    assert message in err
    assert "how to fix:" in err
    assert snapshot(minimal) == before


def test_a_second_resolution_without_sub_point_gets_the_next_number(
    minimal: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    m = ("--meeting", "testshire-cyp-2017-01-10", "--item", "1")
    ok(capsys, "new", "decision", *m, "--text", "Apologies were noted.", minimal)
    ok(capsys, "new", "decision", *m, "--text", "A substitute was welcomed.", minimal)
    ids = [r["decision_id"] for r in rows(minimal, "decisions")][-2:]
    assert ids == ["testshire-cyp-2017-01-10-1-1", "testshire-cyp-2017-01-10-1-2"]
