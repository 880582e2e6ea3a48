"""Two builds of one project at once take turns (with a message) and leave the output equal
to a cold build; a damaged or half-written cache entry is detected and never trusted."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

from conftest import BUILD_EPOCH, minimal_project, run_scrutiny
from test_incremental import assert_same_site, edit_minutes, edit_observation

from scrutiny.incremental.store import Store, read_sealed, write_sealed
from scrutiny.project import Project


def start_build(project: Path, *args: str) -> subprocess.Popen[str]:
    env = {**os.environ, "SOURCE_DATE_EPOCH": BUILD_EPOCH}
    return subprocess.Popen(
        [sys.executable, "-m", "scrutiny", "build", str(project), *args],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def cold(project: Path, out: Path) -> Path:
    result = run_scrutiny("build", project, "--out", out, "--no-cache")
    assert result.returncode == 0, result.stderr
    return out


def test_two_builds_at_once_then_a_damaged_cache(tmp_path: Path) -> None:
    project = minimal_project(tmp_path / "project")
    assert run_scrutiny("build", project).returncode == 0
    first = start_build(project)
    edit_minutes(project)  # an edit while the first build runs
    second = start_build(project)
    for build in (first, second):
        _, stderr = build.communicate(timeout=600)
        assert build.returncode == 0, stderr
        assert "Traceback" not in stderr
    assert_same_site(project / "_site", cold(project, tmp_path / "cold-1"))

    damage(project / ".cache" / "scrutiny")
    edit_observation(project)
    result = run_scrutiny("build", project)
    assert result.returncode == 0, result.stderr
    assert_same_site(project / "_site", cold(project, tmp_path / "cold-2"))
    # every page made again (a changed base template) reads from the cache whatever it
    # needs: the damaged entries were detected, never trusted
    base = Path(__file__).parents[1] / "src" / "scrutiny" / "templates" / "base.html"
    (project / "templates").mkdir()
    (project / "templates" / "base.html").write_text(base.read_text() + "<!-- local -->\n")
    assert run_scrutiny("build", project).returncode == 0
    assert_same_site(project / "_site", cold(project, tmp_path / "cold-3"))


def test_damaged_entries_are_detected(tmp_path: Path) -> None:
    entry = tmp_path / "entry"
    write_sealed(entry, b"payload " * 100)
    assert read_sealed(entry) == b"payload " * 100
    damage(tmp_path)
    assert read_sealed(entry) is None
    assert not entry.exists(), "a damaged entry is dropped, to be made again"


def damage(cache: Path) -> None:
    """Truncate some entries (a half-written file) and flip a byte in the others."""
    entries = sorted(p for p in cache.rglob("*") if p.is_file() and p.name != "lock")
    for number, path in enumerate(entries):
        data = path.read_bytes()
        if number % 2:
            path.write_bytes(data[: len(data) // 2])
        else:
            middle = len(data) // 2
            path.write_bytes(data[:middle] + bytes([data[middle] ^ 0xFF]) + data[middle + 1 :])


def test_a_second_build_waits_for_the_first_and_says_so(tmp_path: Path) -> None:
    project = minimal_project(tmp_path / "project")
    store = Store(Project.at(project))
    with store.lock((project / "_site").resolve()):
        waiting = start_build(project)
        deadline = time.monotonic() + 60
        assert waiting.stderr is not None
        line = ""
        while time.monotonic() < deadline and "waiting" not in line:
            line = waiting.stderr.readline()
            assert line or waiting.poll() is None, "the build ended without waiting"
        assert "Another scrutiny build is using" in line
        assert waiting.poll() is None, "the build went ahead while another held the lock"
    _, stderr = waiting.communicate(timeout=600)
    assert waiting.returncode == 0, stderr
    assert (project / "_site" / "index.html").is_file()
