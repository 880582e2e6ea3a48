"""Shared fixtures: the example project, a small valid project, and built sites."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[1]
FIXTURES = Path(__file__).parent / "fixtures"
MINIMAL = FIXTURES / "minimal"
BUILD_EPOCH = "1700000000"  # 2023-11-14: builds in tests are 'as at' a fixed date


def run_scrutiny(
    *args: str | Path, cwd: Path | None = None, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    """Run the real command line in a subprocess, as an officer or CI would."""
    environment = {**os.environ, "SOURCE_DATE_EPOCH": BUILD_EPOCH, **(env or {})}
    return subprocess.run(
        [sys.executable, "-m", "scrutiny", *map(str, args)],
        cwd=cwd,
        stdin=subprocess.DEVNULL,  # never waits for an answer, even under a terminal
        capture_output=True,
        text=True,
        env=environment,
        timeout=600,
    )


def copy_project(source: Path, target: Path) -> Path:
    """A copy of a project's inputs (not its build output or caches)."""
    shutil.copytree(
        source,
        target,
        ignore=shutil.ignore_patterns(
            "_site",
            ".cache",
            ".venv",
            "node_modules",
            ".git",
            "staging",
            "tests",
            "benchmarks",
            "__pycache__",
            "*.egg-info",
        ),
    )
    return target


def minimal_project(target: Path) -> Path:
    """The minimal fixture's data and content with this project's own schemas and
    datapackage.yaml: the fixture keeps no copies, so a schema change reaches every test."""
    project = copy_project(MINIMAL, target)
    shutil.copytree(ROOT / "datasets" / "schemas", project / "datasets" / "schemas")
    for name in ("datapackage.yaml", "standard.yaml"):
        shutil.copyfile(ROOT / "datasets" / name, project / "datasets" / name)
    return project


def overlay_project(case: Path, tmp_path: Path) -> Path:
    """The minimal project with a case folder's files laid over it (fixtures/broken/,
    corpus/): `expected.yaml` describes the case and may list files to `remove`."""
    project = minimal_project(tmp_path / "project")
    described = yaml.safe_load((case / "expected.yaml").read_text(encoding="utf-8"))
    for relative in described.get("remove", []):
        target = project / relative
        shutil.rmtree(target) if target.is_dir() else target.unlink()
    for path in case.rglob("*"):
        if path.is_file() and path.name != "expected.yaml":
            target = project / path.relative_to(case)
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(path, target)
    return project


@pytest.fixture
def minimal(tmp_path: Path) -> Path:
    return minimal_project(tmp_path / "project")


@pytest.fixture(scope="session")
def example_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The example project built once for the whole test session."""
    out = tmp_path_factory.mktemp("example") / "_site"
    result = run_scrutiny("build", ROOT, "--out", out)
    assert result.returncode == 0, result.stderr
    return out


@pytest.fixture(scope="session")
def minimal_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    base = tmp_path_factory.mktemp("minimal")
    out = base / "_site"
    result = run_scrutiny("build", minimal_project(base / "project"), "--out", out)
    assert result.returncode == 0, result.stderr
    return out


@pytest.fixture(scope="session")
def new_council_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A site just made by `scrutiny init` (empty tables, draft pages), built once: every empty
    list and page a new council publishes on its first day."""
    base = tmp_path_factory.mktemp("new-council")
    made = run_scrutiny("init", base / "council", "--council-name", "Testshire County Council")
    assert made.returncode == 0, made.stderr
    result = run_scrutiny("build", base / "council", "--out", base / "_site")
    assert result.returncode == 0, result.stderr
    return base / "_site"
