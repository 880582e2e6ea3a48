"""Problems that scale to a person: 20,000 rows sharing one problem give a short text report
that still states the total, while `--format json` and `--format github` list every one (GitHub
annotating only the first few, as it only shows a few)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from conftest import ROOT, minimal_project

from scrutiny.cli import main
from scrutiny.problems import ANNOTATIONS, GROUP_OVER, Problem, format_problems

ROWS = 20_000
DANGLING = "'ghost-meeting' does not exist in meetings.csv"


def dangling(count: int) -> list[Problem]:
    return [
        Problem(
            "datasets/agenda_items.csv",
            line=n + 2,
            field="meeting_id",
            message=f"{DANGLING}",
            hint="Check the spelling, or add the missing row to meetings.csv first.",
            rule="foreign-key",
        )
        for n in range(count)
    ]


def test_twenty_thousand_copies_make_a_short_text_report() -> None:
    other = Problem("datasets/agenda_items.csv", line=5, field="part", message="x", rule="enum")
    text = format_problems([*reversed(dangling(ROWS)), other], "text").splitlines()
    assert len(text) < 50, text
    assert text[0] == (f"datasets/agenda_items.csv: meeting_id: {DANGLING} (20,000 times)")
    assert "    how to fix: Check the spelling" in text[1]
    assert text[2] == "    on lines 2, 3, 4, 5, 6, 7, 8, 9, 10, 11 and 19,990 more"
    assert text[4:7] == [
        f"datasets/agenda_items.csv:{n}: meeting_id: {DANGLING}" for n in (2, 3, 4)
    ]
    assert "datasets/agenda_items.csv:5: part: x" in text  # a different problem, not grouped
    assert text[-1] == "20,001 problems found."


def test_differing_messages_of_one_rule_are_grouped_with_an_example() -> None:
    problems = [
        Problem("d.csv", line=n, field="date", message=f"'{n}' is not a valid date", rule="type")
        for n in range(2, 102)
    ]
    text = format_problems(problems, "text").splitlines()
    assert (
        text[0] == "d.csv: date: 100 problems of one kind (type), such as: '2' is not a valid date"
    )
    assert "d.csv:4: date: '4' is not a valid date" in text and len(text) == 7


def test_a_few_problems_are_each_shown_in_full() -> None:
    problems = dangling(GROUP_OVER)
    text = format_problems(problems, "text")
    assert text == "\n".join([*(p.as_text() for p in problems), f"{GROUP_OVER} problems found."])


def test_json_and_github_list_every_problem() -> None:
    problems = dangling(ROWS)
    assert len(json.loads(format_problems(problems, "json"))) == ROWS
    github = format_problems(problems, "github").splitlines()
    annotations = [line for line in github if line.startswith("::error")]
    assert len(annotations) == ANNOTATIONS
    assert annotations[-1].startswith("::error::20,000 problems: 19,951 more are not annotated")
    listed = [line for line in github if line.startswith("datasets/agenda_items.csv:")]
    assert len(listed) == ROWS - (ANNOTATIONS - 1)
    assert listed[-1].startswith(f"datasets/agenda_items.csv:{ROWS + 1}: meeting_id:")
    assert github.index("::group::19,951 more problems") < github.index("::endgroup::")


def test_few_problems_are_all_annotated() -> None:
    github = format_problems(dangling(ANNOTATIONS), "github").splitlines()
    assert len(github) == ANNOTATIONS and all(ln.startswith("::error file=") for ln in github)


def test_twenty_thousand_dangling_meeting_ids_through_the_command_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    project = minimal_project(tmp_path / "project")
    agenda = project / "datasets" / "agenda_items.csv"
    rows = [f"ghost-meeting,{n},,Item {n},,public,,,fixture" for n in range(1, ROWS + 1)]
    with agenda.open("a", encoding="utf-8") as handle:
        handle.write("\n".join([*rows, ""]))

    assert main(["validate", str(project), "--format", "json"]) == 1
    found = json.loads(capsys.readouterr().out)
    assert len(found) == ROWS
    assert all(p["field"] == "meeting_id" and p["message"] == DANGLING for p in found)

    assert main(["validate", str(project)]) == 1
    text = capsys.readouterr().out.splitlines()
    assert len(text) < 50, "\n".join(text)
    assert text[0] == f"datasets/agenda_items.csv: meeting_id: {DANGLING} (20,000 times)"
    assert text[-1] == "20,000 problems found."
    guide = (ROOT / "docs" / "fixing-validation-errors.md").read_text(encoding="utf-8")
    assert "```text\n" + "\n".join(text) + "\n```" in guide, "the guide quotes this report"
