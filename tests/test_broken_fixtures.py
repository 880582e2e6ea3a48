"""Each broken project in fixtures/broken/ gives the exact file, line and field, the right exit
code, no traceback, and writes no output."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml
from conftest import FIXTURES, overlay_project, run_scrutiny

BROKEN = sorted(p for p in (FIXTURES / "broken").iterdir() if p.is_dir())


broken_project = overlay_project


def expected(case: Path) -> dict:
    return yaml.safe_load((case / "expected.yaml").read_text())


@pytest.mark.parametrize("case", BROKEN, ids=[c.name for c in BROKEN])
def test_validate_reports_file_line_and_field(case: Path, tmp_path: Path) -> None:
    project = broken_project(case, tmp_path)
    want = expected(case)
    result = run_scrutiny("validate", project, "--format", "json")
    assert result.returncode == want["exit_code"], result.stdout + result.stderr
    assert "Traceback" not in result.stdout + result.stderr
    found = json.loads(result.stdout)
    for problem in want["problems"]:
        matches = [
            p
            for p in found
            if p["path"] == problem["path"]
            and p["line"] == problem["line"]
            and p["field"] == problem["field"]
            and problem["message"] in p["message"]
        ]
        assert matches, f"expected {problem} in {found}"


@pytest.mark.parametrize("case", BROKEN, ids=[c.name for c in BROKEN])
def test_text_format_is_path_line_field_message(case: Path, tmp_path: Path) -> None:
    project = broken_project(case, tmp_path)
    first = expected(case)["problems"][0]
    result = run_scrutiny("validate", project)
    location = ":".join(str(x) for x in (first["path"], first["line"]) if x is not None)
    if first["field"]:
        location += f": {first['field']}"
    assert f"{location}: " in result.stdout, result.stdout
    assert "how to fix:" in result.stdout


@pytest.mark.parametrize("case", BROKEN, ids=[c.name for c in BROKEN])
def test_github_annotations_name_file_and_line(case: Path, tmp_path: Path) -> None:
    project = broken_project(case, tmp_path)
    first = expected(case)["problems"][0]
    result = run_scrutiny("validate", project, "--format", "github")
    line = f",line={first['line']}" if first["line"] is not None else ""
    assert f"::error file={first['path']}{line}" in result.stdout, result.stdout


@pytest.mark.parametrize("case", BROKEN, ids=[c.name for c in BROKEN])
def test_build_writes_nothing_and_keeps_previous_output(case: Path, tmp_path: Path) -> None:
    project = broken_project(case, tmp_path)
    out = tmp_path / "site"
    out.mkdir()
    (out / "previous.html").write_text("the previous site")
    result = run_scrutiny("build", project, "--out", out)
    assert result.returncode == expected(case)["exit_code"]
    assert "Traceback" not in result.stderr
    assert [p.name for p in out.iterdir()] == ["previous.html"]
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".scrutiny")] == []


def test_clean_project_exits_zero(minimal: Path) -> None:
    result = run_scrutiny("validate", minimal)
    assert result.returncode == 0, result.stdout
    assert run_scrutiny("validate", minimal, "--format", "json").stdout.strip() == "[]"
