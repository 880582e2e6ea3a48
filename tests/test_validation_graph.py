"""Validation follows the graph: a join or a named rule whose inputs are unchanged since the
last clean validation is not run again, and everything an edit can break is still found."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import minimal_project

from scrutiny.project import Project
from scrutiny.validate import validate_project
from scrutiny.validate.rules import RULES


@pytest.fixture
def project(tmp_path: Path) -> Project:
    project = Project.at(minimal_project(tmp_path / "project"))
    first = validate_project(project)
    assert first.valid and first.skipped == ()
    return project


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def test_nothing_changed_nothing_checked_again(project: Project) -> None:
    again = validate_project(project)
    assert again.valid
    assert {f"rule:{rule.__name__}" for rule in RULES} <= set(again.skipped)
    assert "join:attendance(meeting_id)->meetings" in again.skipped


def test_an_observation_edit_rechecks_only_what_reads_observations(project: Project) -> None:
    edit(project.datasets / "observations.csv", "2016-03-31,actual,24,", "2016-03-31,actual,25,")
    result = validate_project(project)
    assert result.valid
    assert "rule:one_chair_per_meeting" in result.skipped  # reads attendance only
    assert "join:attendance(meeting_id)->meetings" in result.skipped
    assert "rule:percentages_in_range" not in result.skipped  # reads observations
    assert "join:observations(indicator_id)->indicators" not in result.skipped


def test_a_deleted_key_still_referenced_is_reported(project: Project) -> None:
    meetings = project.datasets / "meetings.csv"
    lines = meetings.read_text(encoding="utf-8").splitlines(keepends=True)
    meetings.write_text("".join(line for line in lines if "2017-01-10,testshire" not in line))
    problems = validate_project(project).problems
    referring = [p for p in problems if p.path == "datasets/attendance.csv"]
    assert referring and all(p.field == "meeting_id" and p.line for p in referring)
    assert "testshire-cyp-2017-01-10" in referring[0].message


def test_a_broken_minutes_file_is_found_though_no_table_changed(project: Project) -> None:
    minutes = project.minutes / "testshire-cyp-2017-01-10.md"
    edit(minutes, "---\n", "--\n")
    problems = validate_project(project).problems
    assert [p.path for p in problems] == ["content/minutes/testshire-cyp-2017-01-10.md"]


def test_a_failed_validation_is_not_remembered(project: Project) -> None:
    observations = project.datasets / "observations.csv"
    edit(observations, "2016-03-31,actual,24,", "2016-03-31,actual,-5,")
    edit(project.datasets / "indicators.csv", "count", "percent")
    assert not validate_project(project).valid
    assert not validate_project(project).valid  # the same problem is found again


def test_no_cache_checks_everything(project: Project) -> None:
    assert validate_project(project, use_cache=False).skipped == ()
