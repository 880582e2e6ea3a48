"""The workflow `scrutiny init` writes for a council: clean under actionlint and zizmor (the
same runs as the project's own workflow, tests/test_workflows.py), and quick: it installs the
pinned scrutiny, validates, builds, checks and deploys, and never runs scrutiny's own tests."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from conftest import ROOT, run_scrutiny
from test_workflows import PINNED, actionlint, steps, workflow, zizmor

import scrutiny


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    target = tmp_path_factory.mktemp("site-workflow") / "council"
    result = run_scrutiny("init", target, "--council-name", "Testshire County Council")
    assert result.returncode == 0, result.stderr
    return target


@pytest.fixture(scope="module")
def publish(site: Path) -> Path:
    return site / ".github" / "workflows" / "publish.yml"


def test_actionlint_finds_nothing(publish: Path, tmp_path: Path) -> None:
    found = actionlint([publish], tmp_path)
    assert found == [], "\n".join(f"{f['file']}:{f['line']}: {f['message']}" for f in found)


def test_zizmor_finds_nothing(publish: Path) -> None:
    code, found = zizmor(publish.parent)
    assert found == [], json.dumps(found, indent=2)
    assert code == 0


def test_it_installs_the_pinned_release(site: Path, publish: Path) -> None:
    pin = [ln for ln in (site / "requirements.txt").read_text().splitlines() if ln[:1] != "#"]
    assert pin == [f"scrutiny @ git+{scrutiny.REPOSITORY}@v{scrutiny.__version__}"]
    runs = [s.get("run", "") for s in steps(workflow(publish))]
    assert any("pip install" in r and "-r requirements.txt" in r for r in runs)


def test_from_points_the_pin_elsewhere(tmp_path: Path) -> None:
    mirror = "scrutiny @ git+https://git.testshire.example/mirror/scrutiny@v0.2.0"
    result = run_scrutiny("init", tmp_path / "c", "--council-name", "Testshire", "--from", mirror)
    assert result.returncode == 0, result.stderr
    assert mirror in (tmp_path / "c" / "requirements.txt").read_text().splitlines()
    assert "mirror" not in (tmp_path / "c" / ".github" / "workflows" / "publish.yml").read_text()


def test_it_validates_builds_checks_and_deploys_without_the_test_suite(publish: Path) -> None:
    data = workflow(publish)
    assert {"push", "pull_request", "workflow_dispatch", "schedule"} <= set(data["on"])
    build = data["jobs"]["build"]
    runs = [s.get("run", "") for s in build["steps"]]
    order = [
        next(i for i, r in enumerate(runs) if want in r)
        for want in ("scrutiny validate --format github", "scrutiny build", "scrutiny check")
    ]
    assert order == sorted(order), "validate, then build, then check"
    text = publish.read_text(encoding="utf-8")
    assert "pytest" not in text and "dev.sh" not in text and "chromium" not in text.lower()
    assert build["timeout-minutes"] <= 20
    python = next(s for s in build["steps"] if s.get("uses", "").startswith("actions/setup-py"))
    assert python["with"]["cache"] == "pip"
    assert python["with"]["cache-dependency-path"] == "requirements.txt"
    cache = next(s for s in build["steps"] if s.get("uses", "").startswith("actions/cache@"))
    # the build cache, but not the spare site folder (a whole site; a fresh checkout has none)
    assert cache["with"]["path"].split() == [".cache/scrutiny", "!.cache/scrutiny/spare"]
    deploy = data["jobs"]["deploy"]
    assert deploy["needs"] == "build" and "default_branch" in deploy["if"]
    assert deploy["permissions"] == {"pages": "write", "id-token": "write"}
    assert data["permissions"] == {} and build["permissions"] == {"contents": "read"}
    assert "secrets." not in text


def test_actions_are_pinned_like_the_projects_own(publish: Path) -> None:
    """Same commits as this repository's workflow, so updating one reminds you of the other."""
    ours = {
        s["uses"].split("@")[0]: s["uses"]
        for s in steps(workflow(ROOT / ".github" / "workflows" / "publish.yml"))
        if "uses" in s
    }
    for step in steps(workflow(publish)):
        if "uses" in step:
            assert PINNED.match(step["uses"]), f"{step['uses']} is not pinned to a commit"
            name = step["uses"].split("@")[0]
            assert ours.get(name, step["uses"]) == step["uses"], f"{name}: pinned differently"
            line = next(ln for ln in publish.read_text().splitlines() if step["uses"] in ln)
            assert re.search(r"# v\d", line), f"say which release is pinned: {line.strip()}"
        if step.get("uses", "").startswith("actions/checkout@"):
            assert step["with"]["persist-credentials"] is False
