"""Atomicity under interruption: a build killed at any moment (SIGTERM or SIGKILL, as when CI
cancels a job or a machine runs out of memory) leaves the output exactly as the last complete
build left it, and the next build cleans up whatever the killed one left behind.

The project's title is switched between two values before every build, so each build has real
work to do and the two complete sites differ on every page: after each kill the output must be
one of the two, byte for byte, never a mixture. Kill points are spread over the whole build:
some timed from the start (loading, validating), most timed from the moment the temporary
output directory appears (writing pages and files, post-processing, the swap).
"""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from conftest import BUILD_EPOCH, minimal_project, run_scrutiny

from scrutiny.output.atomic import OLD_PREFIX, SCRATCH_PREFIX, TMP_PREFIX

TITLES = ("Interrupted Council Scrutiny", "Resumed Council Scrutiny")
FROM_START = (0.05, 0.2, 0.35, 0.5, 0.65, 0.8, 0.9, 0.97)  # fractions of a whole build
AFTER_TMP = (0.0, 0.002, 0.005, 0.01, 0.02, 0.04, 0.06, 0.08, 0.1, 0.13, 0.16, 0.2, 0.3, 0.45)


def snapshot(folder: Path) -> dict[str, bytes]:
    return {
        p.relative_to(folder).as_posix(): p.read_bytes()
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


def set_title(project: Path, title: str) -> None:
    site = project / "site.yaml"
    lines = site.read_text().splitlines()
    site.write_text("\n".join(f"title: {title}" if li.startswith("title:") else li for li in lines))


def leftovers(folder: Path, prefixes: tuple[str, ...] = (TMP_PREFIX, OLD_PREFIX)) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if p.name.startswith(prefixes))


def start_build(project: Path, out: Path) -> subprocess.Popen[bytes]:
    """The build, with a temporary folder of its own: what it leaves there is seen."""
    temp = out.parent / "system-temp"
    temp.mkdir(exist_ok=True)
    env = {**os.environ, "SOURCE_DATE_EPOCH": BUILD_EPOCH, "TMPDIR": str(temp)}
    command = [sys.executable, "-m", "scrutiny", "build", str(project), "--out", str(out)]
    return subprocess.Popen(
        command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, start_new_session=True
    )


def wait_for_tmp(build: subprocess.Popen[bytes], folder: Path, limit: float = 30) -> bool:
    """Wait until the build has created its temporary output directory (or has finished)."""
    deadline = time.monotonic() + limit
    while time.monotonic() < deadline and build.poll() is None:
        if any(p.name.startswith(TMP_PREFIX) for p in folder.iterdir()):
            return True
        time.sleep(0.0005)
    return False


def kill(build: subprocess.Popen[bytes], number: int) -> None:
    """SIGTERM and SIGKILL in turn, to the build and any worker processes it started."""
    sig = signal.SIGKILL if number % 2 else signal.SIGTERM
    with contextlib.suppress(ProcessLookupError):  # it had already finished
        os.killpg(build.pid, sig)
    build.wait(timeout=60)


def test_killed_builds_leave_the_previous_site_intact(tmp_path: Path) -> None:
    project = minimal_project(tmp_path / "project")
    out = tmp_path / "site"
    sites = []
    for title in TITLES:
        set_title(project, title)
        assert run_scrutiny("build", project, "--out", out).returncode == 0
        sites.append(snapshot(out))
    assert sites[0].keys() == sites[1].keys() and sites[0] != sites[1]

    current = 1  # the output holds the second site
    started = time.monotonic()
    set_title(project, TITLES[0])
    assert run_scrutiny("build", project, "--out", out).returncode == 0
    duration = time.monotonic() - started
    current = 0

    mid_write = completed = 0
    points = [("start", t * duration) for t in FROM_START] + [("tmp", t) for t in AFTER_TMP]
    for number, (anchor, delay) in enumerate(points):
        target = 1 - current
        set_title(project, TITLES[target])
        build = start_build(project, out)
        if anchor == "tmp":
            wait_for_tmp(build, tmp_path)
        else:
            time.sleep(delay)
            delay = 0
        time.sleep(delay)
        writing = build.poll() is None and bool(leftovers(tmp_path))
        kill(build, number)
        assert b"Traceback" not in (build.stderr.read() if build.stderr else b"")
        now = snapshot(out)
        assert now in sites, f"kill point {number} ({anchor} + {delay}s) left a mixed site"
        if now == sites[target]:
            current, completed = target, completed + 1
        else:
            mid_write += writing

    print(f"{len(points)} kills: {mid_write} while writing, {completed} after the swap")
    assert mid_write >= 8, "too few kills landed while the site was being written"
    assert completed < len(points), "no build was actually interrupted"

    set_title(project, TITLES[1 - current])
    result = run_scrutiny("build", project, "--out", out)
    assert result.returncode == 0, result.stderr
    assert snapshot(out) == sites[1 - current]
    everything = (TMP_PREFIX, OLD_PREFIX, SCRATCH_PREFIX)
    assert leftovers(tmp_path, everything) == [], "the next build left temporary folders behind"
    left = sorted(p.name for p in (tmp_path / "system-temp").iterdir())
    assert left == [], f"killed builds left temporary files: {left}"
