"""The bad-input corpus: every case in tests/corpus/ is reported as `path:line: field: message`
with the right exit code and no traceback, and a failed build leaves the previous site as it was.

Each case is a folder of files overlaid on tests/fixtures/minimal (as in fixtures/broken/), plus
an expected.yaml giving the exit code, the problems (every problem found must be listed, so a
case also proves nothing spurious is reported) and optionally files to `remove` first. A case
with exit code 0 is input that is odd but valid (a header-only table, Windows line endings).
Two cases are generated here rather than committed: a 1 MB cell and a 100,000-row table.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from pathlib import Path

import pytest
import yaml
from conftest import minimal_project, overlay_project, run_scrutiny

from scrutiny.cli import main
from scrutiny.output.atomic import OLD_PREFIX, TMP_PREFIX

CORPUS = Path(__file__).parent / "corpus"
# Phrases from inside a library that must never reach an officer.
INTERNAL = re.compile(r'position "\d|line None|\bNone\b|Traceback')
CASES = sorted(p for p in CORPUS.iterdir() if p.is_dir())


overlay = overlay_project


def expected(case: Path) -> dict:
    return yaml.safe_load((case / "expected.yaml").read_text(encoding="utf-8"))


def run(capsys: pytest.CaptureFixture[str], *args: str | Path) -> tuple[int, str, str]:
    """The command line in-process (fast); an uncaught exception fails the test outright."""
    code = main([str(a) for a in args])
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def previous_site(tmp_path: Path) -> tuple[Path, dict[str, bytes]]:
    out = tmp_path / "site"
    (out / "meetings").mkdir(parents=True)
    (out / "index.html").write_text("the previous site")
    (out / "meetings" / "index.html").write_text("previous meetings")
    return out, snapshot(out)


def snapshot(folder: Path) -> dict[str, bytes]:
    return {
        p.relative_to(folder).as_posix(): p.read_bytes()
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


def leftovers(tmp_path: Path) -> list[str]:
    return [p.name for p in tmp_path.iterdir() if p.name.startswith((TMP_PREFIX, OLD_PREFIX))]


def matches(problem: dict, want: dict) -> bool:
    return (
        problem["path"] == want["path"]
        and problem["line"] == want["line"]
        and problem["field"] == want["field"]
        and want["message"] in problem["message"]
    )


def text_location(want: dict) -> str:
    location = ":".join(str(x) for x in (want["path"], want["line"]) if x is not None)
    return f"{location}: {want['field']}: " if want["field"] else f"{location}: "


def check_case(project: Path, want: dict, tmp_path: Path, capsys) -> None:
    if want.get("build_only"):  # only drawing a page can show it: validate passes
        assert run(capsys, "validate", project)[0] == 0
    else:
        check_validate(project, want, capsys)
    check_build(project, want, tmp_path, capsys)


def check_validate(project: Path, want: dict, capsys) -> None:
    code, out, err = run(capsys, "validate", project, "--format", "json")
    assert code == want["exit_code"], out + err
    found = json.loads(out)
    for problem in want["problems"]:
        assert any(matches(p, problem) for p in found), f"expected {problem} in {found}"
    for problem in found:
        assert any(matches(problem, w) for w in want["problems"]), f"unexpected {problem}"
        assert problem["message"] and problem["path"]

    code, out, err = run(capsys, "validate", project)
    assert not INTERNAL.search(out), out
    for problem in want["problems"]:
        location, message = text_location(problem), problem["message"]
        assert any(li.startswith(location) and message in li for li in out.splitlines()), out


def check_build(project: Path, want: dict, tmp_path: Path, capsys) -> None:
    site, before = previous_site(tmp_path)
    code, out, err = run(capsys, "build", project, "--out", site)
    assert code == want["exit_code"], out + err
    assert "Traceback" not in out + err
    if want["exit_code"]:
        assert snapshot(site) == before, "a failed build changed the previous site"
        for problem in want["problems"]:
            assert text_location(problem) in err, err
    else:
        assert (site / "index.html").read_bytes() != before["index.html"]
    assert leftovers(tmp_path) == []


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_corpus_case(case: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    check_case(overlay(case, tmp_path), expected(case), tmp_path, capsys)


# One case of each kind through the real command line in a subprocess, as CI runs it.
THROUGH_CLI = [
    "site-not-yaml",
    "csv-latin1-accent",
    "schema-bad-regex",
    "minutes-front-matter-bad-yaml",
    "template-undefined-variable",
]


@pytest.mark.parametrize("name", THROUGH_CLI)
def test_corpus_case_through_the_command_line(name: str, tmp_path: Path) -> None:
    case = CORPUS / name
    want = expected(case)
    project = overlay(case, tmp_path)
    site, before = previous_site(tmp_path)
    result = run_scrutiny("build", project, "--out", site)
    assert result.returncode == want["exit_code"]
    assert "Traceback" not in result.stdout + result.stderr
    assert text_location(want["problems"][0]) in result.stderr
    assert snapshot(site) == before
    assert leftovers(tmp_path) == []


def test_corpus_is_broad() -> None:
    """At least 30 distinct invalid cases, across site.yaml, CSVs, schemas and Markdown."""
    invalid = [c for c in CASES if expected(c)["exit_code"]]
    assert len(invalid) >= 30
    touched = {
        Path(p["path"]).suffix or p["path"] for c in invalid for p in expected(c)["problems"]
    }
    assert {".csv", ".yaml", ".md", ".html"} <= touched
    assert {expected(c)["exit_code"] for c in CASES} == {0, 1, 2}


def test_one_megabyte_cell(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """A whole document pasted into one cell: named, with its length, not a quoting error."""
    project = minimal_project(tmp_path / "project")
    decisions = project / "datasets" / "decisions.csv"
    lines = decisions.read_text().split("\n")
    lines[1] = lines[1].replace("The report be noted.", '"' + "x" * 1_048_576 + '"')
    decisions.write_text("\n".join(lines))
    want = {
        "exit_code": 1,
        "problems": [
            {
                "path": "datasets/decisions.csv",
                "line": 2,
                "field": "text",
                "message": "this value is 1,048,576 characters long; the limit is 100,000",
            }
        ],
    }
    check_case(project, want, tmp_path, capsys)


def test_hundred_thousand_rows_with_one_bad_row_at_the_end(tmp_path: Path) -> None:
    """A large table is read to the end: the one bad row, on line 100,002, is found and named,
    through the real command line, in reasonable time."""
    project = minimal_project(tmp_path / "project")
    observations = project / "datasets" / "observations.csv"
    header, *_ = observations.read_text().split("\n")
    start = dt.date(1700, 1, 1)
    rows = [
        f"testshire-caseload,{start + dt.timedelta(days=n)},actual,{n % 50}.5,,,fixture"
        for n in range(100_000)
    ]
    rows.append("testshire-caseload,2100-01-01,actual,n/a,,,fixture")
    observations.write_text("\n".join([header, *rows, ""]))
    site = tmp_path / "site"
    site.mkdir()
    (site / "index.html").write_text("the previous site")
    result = run_scrutiny("build", project, "--out", site)
    assert result.returncode == 1, result.stderr
    assert "Traceback" not in result.stderr
    assert "datasets/observations.csv:100002: value: 'n/a' is not a valid number" in result.stderr
    assert result.stderr.count("observations.csv:") == 1
    assert [p.name for p in site.iterdir()] == ["index.html"]
    assert leftovers(tmp_path) == []


def test_a_table_saved_by_excel_is_published_without_its_byte_order_mark(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Excel's "CSV UTF-8" (a byte-order mark, CRLF) validates, and the published package
    still passes `frictionless validate`: the mark, which frictionless would read as part of
    the first column's name, is left out of the download."""
    from frictionless import Package

    project = overlay(CORPUS / "csv-bom-meetings", tmp_path)
    saved = (project / "datasets" / "meetings.csv").read_bytes()
    assert saved.startswith(b"\xef\xbb\xbf") and b"\r\n" in saved
    site = tmp_path / "site"
    assert run(capsys, "build", project, "--out", site)[0] == 0
    assert (site / "data" / "meetings.csv").read_bytes() == saved[3:]
    report = Package(str(site / "data" / "datapackage.json")).validate()
    assert report.valid, report.flatten(["rowNumber", "fieldName", "type", "note"])[:10]
