"""The generator is an ordinary package: the wheel, installed in a fresh virtual environment
with no access to this repository, is the whole tool.

One module, one slow fixture (building the wheel and installing it with its dependencies from
pip's cache or index takes a minute or two), then a council's first afternoon: `scrutiny init`,
a committee typed into the CSV, `scrutiny new meeting`, the minutes written, `validate`,
`build` and `check`, each run from a folder outside the repository with no PYTHONPATH.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
import yaml
from conftest import BUILD_EPOCH, ROOT

import scrutiny
from scrutiny.standard import DATAPACKAGE

MEETING = "testshire-cyp-2023-10-10"
MINUTES = """\
---
meeting_id: testshire-cyp-2023-10-10
source: "content/minutes/testshire-cyp-2023-10-10.md"
---
## Present

Councillors A. Example (Chair) and B. Example.

## 1. Apologies

There were no apologies.
"""


def run(*args: str | Path, cwd: Path, check: bool = True) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "VIRTUAL_ENV")}
    env["SOURCE_DATE_EPOCH"] = BUILD_EPOCH
    result = subprocess.run(
        [str(a) for a in args],
        cwd=cwd,
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        env=env,
        timeout=900,
    )
    if check:
        assert result.returncode == 0, f"{args}\n{result.stdout}\n{result.stderr}"
    return result


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str]:
    """Built from a copy of what the package is made of, so no stale build/ folder of the
    checkout can slip into it."""
    out = tmp_path_factory.mktemp("wheel")
    source = out / "source"
    for name in ("pyproject.toml", "README.md", "LICENSE"):
        source.mkdir(exist_ok=True)
        shutil.copyfile(ROOT / name, source / name)
    shutil.copytree(
        ROOT / "src", source / "src", ignore=shutil.ignore_patterns("*.egg-info", "__pycache__")
    )
    run(sys.executable, "-m", "pip", "wheel", "--no-deps", "-w", out, source, cwd=out)
    (path,) = out.glob("scrutiny-*.whl")
    return path


@pytest.fixture(scope="module")
def installed(wheel: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A fresh virtual environment (no system site-packages) with the wheel installed."""
    venv = tmp_path_factory.mktemp("venv") / "env"
    run(sys.executable, "-m", "venv", venv, cwd=venv.parent)
    run(venv / "bin" / "python", "-m", "pip", "install", "--quiet", wheel, cwd=venv.parent)
    return venv / "bin"


@pytest.fixture(scope="module")
def council(installed: Path, tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    """What each step of the council's first afternoon printed; the site is in work/site."""
    work = tmp_path_factory.mktemp("work")
    exe = installed / "scrutiny"
    said = {"init": run(exe, "init", "site", "--council-name", "Testshire County Council",
                        "--council-id", "testshire", cwd=work).stdout}  # fmt: skip
    site = work / "site"
    with (site / "datasets" / "committees.csv").open("a", encoding="utf-8") as csv:
        csv.write(
            "testshire-cyp,testshire,Children and Young People Scrutiny Committee,scrutiny,,"
            "https://testshire.example/cyp\n"
        )
    said["new"] = run(exe, "new", "meeting", "--committee", "testshire-cyp", "--date",
                      "2023-10-10", "--time", "14:00", cwd=site).stdout  # fmt: skip
    (site / "content" / "minutes" / f"{MEETING}.md").write_text(MINUTES, encoding="utf-8")
    for step in ("validate", "build", "check"):
        said[step] = run(exe, step, cwd=site).stdout
    said["site"] = str(site)
    return said


def test_the_wheel_carries_the_whole_tool(wheel: Path) -> None:
    names = zipfile.ZipFile(wheel).namelist()
    for needed in (
        "scrutiny/templates/base.html",
        "scrutiny/static/scrutiny.css",
        "scrutiny/standard/datapackage.yaml",
        "scrutiny/standard/schemas/meetings.schema.yaml",
        "scrutiny/skeleton/files/dot-github/workflows/publish.yml",
        "scrutiny/skeleton/files/content/pages/accessibility.md",
    ):
        assert needed in names, f"{needed} is not in the wheel"
    metadata = next(n for n in names if n.endswith(".dist-info/METADATA"))
    text = zipfile.ZipFile(wheel).read(metadata).decode()
    assert f"Version: {scrutiny.__version__}\n" in text
    assert "License-Expression: MIT\n" in text


def test_the_installed_tool_is_not_the_checkout(installed: Path, tmp_path: Path) -> None:
    where = run(
        installed / "python", "-c", "import scrutiny; print(scrutiny.__file__)", cwd=tmp_path
    )
    assert str(installed.parent) in where.stdout and str(ROOT) not in where.stdout
    version = run(installed / "scrutiny", "--version", cwd=tmp_path)
    assert version.stdout.strip() == f"scrutiny {scrutiny.__version__}"


def test_a_council_goes_from_nothing_to_a_checked_site(council: dict[str, str]) -> None:
    assert "Created a scrutiny site for Testshire County Council" in council["init"]
    assert f"Added meeting {MEETING}" in council["new"]
    standard = yaml.safe_load(DATAPACKAGE.read_text(encoding="utf-8"))
    assert f"All {len(standard['resources'])} tables are valid" in council["validate"]
    assert "no problems found" in council["check"]
    site = Path(council["site"]) / "_site"
    meeting = (site / "meetings" / MEETING / "index.html").read_text("utf-8")
    assert "There were no apologies." in meeting
    assert "Children and Young People Scrutiny Committee" in meeting


def test_the_data_page_lists_the_empty_tables_with_their_schemas(council: dict[str, str]) -> None:
    site = Path(council["site"]) / "_site"
    catalogue = (site / "data" / "index.html").read_text("utf-8")
    for table in ("agenda_items", "attendance", "decisions", "observations", "workplan"):
        assert f'href="../data/{table}/"' in catalogue, f"{table} is not listed on /data/"
        assert (site / "data" / f"{table}.csv").is_file()
    fields = (site / "data" / "agenda_items" / "index.html").read_text("utf-8")
    assert "Fields of agenda_items.csv" in fields and "item_no" in fields
    assert (site / "data" / "agenda_items.json").read_text("utf-8").strip() == "[]"
