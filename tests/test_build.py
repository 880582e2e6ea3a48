"""End-to-end: the example builds, every record has its page with its data, builds repeat."""

from __future__ import annotations

import csv
import filecmp
import html
import re
import subprocess
import sys
from pathlib import Path

from conftest import BUILD_EPOCH, ROOT, minimal_project, run_scrutiny


def rows(table: str, root: Path = ROOT) -> list[dict[str, str]]:
    with (root / "datasets" / f"{table}.csv").open(newline="", encoding="utf-8") as fh:
        return list(csv.DictReader(fh))


def page(site: Path, path: str) -> str:
    return html.unescape((site / path / "index.html").read_text(encoding="utf-8"))


def test_every_meeting_has_a_page_with_its_agenda_and_decisions(example_site: Path) -> None:
    items = rows("agenda_items")
    decisions = rows("decisions")
    for meeting in rows("meetings"):
        text = page(example_site, f"meetings/{meeting['meeting_id']}")
        assert meeting["venue"] in text
        for item in (i for i in items if i["meeting_id"] == meeting["meeting_id"]):
            assert item["title"] in text
        for decision in (d for d in decisions if d["meeting_id"] == meeting["meeting_id"]):
            assert decision["text"] in text


def test_meeting_pages_show_attendance_by_name(example_site: Path) -> None:
    people = {p["person_id"]: p for p in rows("people")}
    for row in rows("attendance"):
        text = page(example_site, f"meetings/{row['meeting_id']}")
        assert people[row["person_id"]]["name"] in text


def test_every_committee_and_person_has_a_page(example_site: Path) -> None:
    for committee in rows("committees"):
        assert committee["name"] in page(example_site, f"committees/{committee['committee_id']}")
    for person in rows("people"):
        assert person["name"] in page(example_site, f"people/{person['person_id']}")


def test_minutes_are_rendered_on_the_meeting_page(example_site: Path) -> None:
    for minutes in (ROOT / "content" / "minutes").glob("*.md"):
        text = (example_site / "meetings" / minutes.stem / "index.html").read_text()
        assert 'id="minutes"' in text


def test_attendance_record_does_not_count_substitutions_against_members(
    minimal_site: Path,
) -> None:
    text = " ".join(re.sub(r"<[^>]+>", "", page(minimal_site, "people/bob-baker")).split())
    assert "Attended 1 of 1 meetings" in text
    assert "Replaced by a substitute (not counted against them): 1" in text


def test_two_builds_are_byte_identical(tmp_path: Path) -> None:
    first, second = tmp_path / "one", tmp_path / "two"
    assert run_scrutiny("build", ROOT, "--out", first).returncode == 0
    assert run_scrutiny("build", ROOT, "--out", second).returncode == 0
    comparison = filecmp.dircmp(first, second)
    assert _identical(comparison), "builds differ"


def _identical(comparison: filecmp.dircmp) -> bool:
    if comparison.left_only or comparison.right_only or comparison.diff_files:
        return False
    _, mismatch, errors = filecmp.cmpfiles(
        comparison.left, comparison.right, comparison.common_files, shallow=False
    )
    return (
        not mismatch and not errors and all(_identical(sub) for sub in comparison.subdirs.values())
    )


def test_build_py_is_the_one_line_build(tmp_path: Path) -> None:
    out = tmp_path / "site"
    project = minimal_project(tmp_path / "project")
    result = subprocess.run(
        [sys.executable, str(ROOT / "build.py"), str(project), "--out", str(out), "--no-cache"],
        capture_output=True,
        text=True,
        env={"SOURCE_DATE_EPOCH": BUILD_EPOCH, "PATH": "/usr/bin:/bin"},
    )
    assert result.returncode == 0, result.stderr
    assert (out / "index.html").exists()


def test_help_and_version() -> None:
    for command in ("validate", "build", "serve"):
        result = run_scrutiny(command, "--help")
        assert result.returncode == 0 and "usage: scrutiny" in result.stdout
    assert run_scrutiny("--version").stdout.startswith("scrutiny ")


def test_missing_project_folder_is_a_usage_error(tmp_path: Path) -> None:
    result = run_scrutiny("validate", tmp_path / "nowhere")
    assert result.returncode == 2
    assert "Traceback" not in result.stderr


def test_links_are_relative(example_site: Path) -> None:
    text = (example_site / "meetings" / "index.html").read_text()
    assert 'href="/' not in text and 'src="/' not in text
