"""`scrutiny new meeting` and `scrutiny new observation`: a valid row lands and the project still
validates; anything wrong is refused with a clear message and every file left byte-identical."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest
import yaml
from conftest import run_scrutiny

from scrutiny.documents import split_front_matter
from scrutiny.entry.observations import new_observation
from scrutiny.project import Project


def snapshot(project: Path) -> dict[str, bytes]:
    """Every file in the project and its bytes, to prove a refused command changed nothing
    (but the build cache, which the validation may fill)."""
    return {
        p.relative_to(project).as_posix(): p.read_bytes()
        for p in sorted(project.rglob("*"))
        if p.is_file() and ".cache" not in p.relative_to(project).parts
    }


def rows(project: Path, table: str) -> list[dict[str, str]]:
    with (project / "datasets" / f"{table}.csv").open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def test_new_meeting_adds_a_valid_row_and_minutes_file(minimal: Path) -> None:
    result = run_scrutiny(
        "new",
        "meeting",
        "--committee",
        "testshire-cyp",
        "--date",
        "2030-02-03",
        "--time",
        "18:30",
        "--venue",
        "Council Chamber, Town Hall",
        "--source",
        "https://example.org/agenda?id=1",
        minimal,
    )
    assert result.returncode == 0, result.stderr
    assert "testshire-cyp-2030-02-03" in result.stdout
    row = rows(minimal, "meetings")[-1]
    assert row == {
        "meeting_id": "testshire-cyp-2030-02-03",
        "committee_id": "testshire-cyp",
        "date": "2030-02-03",
        "start_time": "18:30:00",
        "venue": "Council Chamber, Town Hall",
        "status": "scheduled",
        "minutes_status": "none",
        "minutes_published": "true",
        "note": "",
        "source": "https://example.org/agenda?id=1",
    }
    minutes = minimal / "content" / "minutes" / "testshire-cyp-2030-02-03.md"
    meta, body = split_front_matter(minutes.read_text(encoding="utf-8"), "minutes")
    assert meta == {
        "meeting_id": "testshire-cyp-2030-02-03",
        "source": "https://example.org/agenda?id=1",
    }
    assert "<!--" in body
    check = run_scrutiny("validate", minimal)
    assert check.returncode == 0, check.stdout


def test_a_past_meeting_is_held_and_builds(minimal: Path, tmp_path: Path) -> None:
    # The tests run 'as at' 2023-11-14 (SOURCE_DATE_EPOCH), so 2023-06-01 is in the past.
    result = run_scrutiny(
        "new", "meeting", "--committee", "testshire-cyp", "--date", "2023-06-01", minimal
    )
    assert result.returncode == 0, result.stderr
    row = rows(minimal, "meetings")[-1]
    assert (row["meeting_id"], row["status"], row["start_time"], row["venue"]) == (
        "testshire-cyp-2023-06-01",
        "held",
        "",
        "",
    )
    assert row["source"] == "content/minutes/testshire-cyp-2023-06-01.md"
    built = run_scrutiny("build", minimal, "--out", tmp_path / "site")
    assert built.returncode == 0, built.stderr
    page = tmp_path / "site" / "meetings" / "testshire-cyp-2023-06-01" / "index.html"
    html = page.read_text(encoding="utf-8")
    assert "have not been published yet" in html
    assert "This note is not shown" not in html  # the guidance comment is stripped


def test_new_observation_adds_a_valid_row(minimal: Path) -> None:
    result = run_scrutiny(
        "new",
        "observation",
        "--indicator",
        "testshire-caseload",
        "--period-end",
        "2018-03-31",
        "--value",
        "19.5",
        "--label",
        "2017/18",
        "--source",
        "https://example.org/report.pdf#page=4",
        minimal,
    )
    assert result.returncode == 0, result.stderr
    assert rows(minimal, "observations")[-1] == {
        "indicator_id": "testshire-caseload",
        "period_end": "2018-03-31",
        "series": "actual",
        "value": "19.5",
        "period_label": "2017/18",
        "note": "",
        "source": "https://example.org/report.pdf#page=4",
    }
    target = run_scrutiny(
        "new",
        "observation",
        "--indicator",
        "testshire-caseload",
        "--period-end",
        "2018-03-31",
        "--value",
        "18",
        "--series",
        "target",
        "--source",
        "report.txt:12",
        minimal,
    )
    assert target.returncode == 0, target.stderr
    assert rows(minimal, "observations")[-1]["series"] == "target"
    check = run_scrutiny("validate", minimal)
    assert check.returncode == 0, check.stdout


MEETING = ("new", "meeting", "--committee", "testshire-cyp", "--date")
OBSERVATION = ("new", "observation", "--indicator", "testshire-caseload", "--source", "x.txt:1")

REFUSED = {
    "unknown committee": (
        ("new", "meeting", "--committee", "testshire-cy", "--date", "2030-01-01"),
        1,
        "there is no committee 'testshire-cy'",
    ),
    "duplicate meeting": (
        (*MEETING, "2017-01-10"),
        1,
        "already a meeting testshire-cyp-2017-01-10",
    ),
    "impossible date": ((*MEETING, "2030-02-30"), 2, "'2030-02-30' is not a real date"),
    "date in another form": ((*MEETING, "03/02/2030"), 2, "is not written as YYYY-MM-DD"),
    "impossible time": ((*MEETING, "2030-02-03", "--time", "24:30"), 2, "not a time of day"),
    "time with am/pm": ((*MEETING, "2030-02-03", "--time", "2pm"), 2, "not written as HH:MM"),
    "unknown indicator": (
        (
            "new",
            "observation",
            "--indicator",
            "testshire-casel",
            "--period-end",
            "2018-03-31",
            "--value",
            "3",
            "--source",
            "x",
        ),
        1,
        "there is no indicator 'testshire-casel'",
    ),
    "duplicate observation": (
        (*OBSERVATION, "--period-end", "2017-03-31", "--value", "9", "--series", "target"),
        1,
        "already has a target value",
    ),
    "invalid period end": (
        (*OBSERVATION, "--period-end", "2018-13-01", "--value", "9"),
        2,
        "not a real date",
    ),
    "value with a comma": (
        (*OBSERVATION, "--period-end", "2018-03-31", "--value", "1,200"),
        2,
        "'1,200' is not a number",
    ),
    "value not finite": (
        (*OBSERVATION, "--period-end", "2018-03-31", "--value", "NaN"),
        2,
        "is not a number",
    ),
    "unknown series": (
        (*OBSERVATION, "--period-end", "2018-03-31", "--value", "9", "--series", "forecast"),
        2,
        "'forecast' is not a series",
    ),
    # Passes every up-front check but breaks a validation rule: written, validated, rolled back.
    "percent over 100": (
        (
            "new",
            "observation",
            "--indicator",
            "testshire-care-leavers-eet",
            "--period-end",
            "2018-03-31",
            "--value",
            "150",
            "--source",
            "x",
        ),
        1,
        "150 is not a percentage between 0 and 100",
    ),
}


@pytest.mark.parametrize("case", REFUSED, ids=list(REFUSED))
def test_refused_with_a_clear_message_and_nothing_changed(case: str, minimal: Path) -> None:
    args, code, message = REFUSED[case]
    before = snapshot(minimal)
    result = run_scrutiny(*args, minimal)
    assert result.returncode == code, result.stdout + result.stderr
    assert message in result.stderr
    assert "nothing was changed" in result.stderr
    assert "how to fix:" in result.stderr
    assert "Traceback" not in result.stderr
    assert snapshot(minimal) == before


def test_refused_when_the_project_already_has_problems(minimal: Path) -> None:
    meetings = minimal / "datasets" / "meetings.csv"
    meetings.write_text(meetings.read_text().replace(",held,approved,", ",happened,approved,"))
    before = snapshot(minimal)
    result = run_scrutiny(*MEETING, "2030-02-03", minimal)
    assert result.returncode == 1
    assert "already has problems" in result.stderr
    assert "datasets/meetings.csv:2: status: 'happened' is not an allowed value" in result.stderr
    assert snapshot(minimal) == before


def test_refused_when_the_minutes_file_exists_without_a_row(minimal: Path) -> None:
    stray = minimal / "content" / "minutes" / "testshire-cyp-2030-02-03.md"
    before = snapshot(minimal)
    stray.write_text("---\nmeeting_id: testshire-cyp-2030-02-03\n---\nDraft.\n")
    result = run_scrutiny(*MEETING, "2030-02-03", minimal)
    assert result.returncode == 1
    # The stray file makes the project invalid before anything is added: refused, not clobbered.
    assert stray.read_text() == "---\nmeeting_id: testshire-cyp-2030-02-03\n---\nDraft.\n"
    stray.unlink()
    assert snapshot(minimal) == before


def test_appends_after_a_last_line_without_newline_and_keeps_crlf(minimal: Path) -> None:
    path = minimal / "datasets" / "observations.csv"
    lines = path.read_text(encoding="utf-8").splitlines()
    path.write_bytes("\r\n".join(lines).encode("utf-8"))  # CRLF, no newline at the end
    new_observation(
        Project.at(minimal),
        indicator="testshire-caseload",
        period_end="2019-03-31",
        value="20",
        source="x.txt:2",
    )
    data = path.read_bytes()
    assert data.endswith(b"\r\ntestshire-caseload,2019-03-31,actual,20,,,x.txt:2\r\n")
    assert b"\n" not in data.replace(b"\r\n", b"")
    assert [p.name for p in path.parent.iterdir() if p.name.startswith(".")] == []


def test_minutes_front_matter_survives_awkward_sources(minimal: Path) -> None:
    source = 'agenda.txt:5-7 "as printed": see #3'
    result = run_scrutiny(*MEETING, "2030-02-03", "--source", source, minimal)
    assert result.returncode == 0, result.stderr
    text = (minimal / "content/minutes/testshire-cyp-2030-02-03.md").read_text(encoding="utf-8")
    assert yaml.safe_load(text.split("---")[1])["source"] == source
    assert rows(minimal, "meetings")[-1]["source"] == source
