"""`scrutiny init`: a new site that validates at once, asked for in a terminal, never written
over anything, and safe with whatever a council is called."""

from __future__ import annotations

import builtins
import sys
from pathlib import Path

import pytest
import yaml
from conftest import run_scrutiny

import scrutiny
from scrutiny import standard
from scrutiny.cli import main

NAME = "St Mary's & <Test> Council: Borough #1"


def test_a_new_site_validates_with_nothing_to_note(tmp_path: Path) -> None:
    result = run_scrutiny("init", tmp_path / "site", "--council-name", "Testshire")
    assert result.returncode == 0, result.stderr
    checked = run_scrutiny("validate", tmp_path / "site")
    assert checked.returncode == 0 and checked.stderr == "", checked.stderr
    assert f"All {len(standard.table_names())} tables are valid" in checked.stdout


def test_a_folder_with_files_is_refused_and_left_alone(tmp_path: Path) -> None:
    (tmp_path / "notes.txt").write_text("ours")
    result = run_scrutiny("init", tmp_path, "--council-name", "Testshire")
    assert result.returncode == 2
    assert "is not empty (it has notes.txt); nothing was written" in result.stderr
    assert [p.name for p in tmp_path.iterdir()] == ["notes.txt"]


def test_a_freshly_cloned_repository_counts_as_empty(tmp_path: Path) -> None:
    (tmp_path / ".git").mkdir()
    result = run_scrutiny("init", tmp_path, "--council-name", "Testshire")
    assert result.returncode == 0, result.stderr
    assert (tmp_path / "site.yaml").is_file() and (tmp_path / ".gitignore").is_file()


def test_a_bad_council_id_is_a_usage_error(tmp_path: Path) -> None:
    result = run_scrutiny("init", tmp_path / "s", "--council-name", "X", "--council-id", "Bad Id")
    assert result.returncode == 2
    assert "--council-id 'Bad Id' is not an id" in result.stderr
    assert not (tmp_path / "s").exists()


def test_without_a_name_and_no_terminal_it_says_which_option(tmp_path: Path) -> None:
    result = run_scrutiny("init", tmp_path / "s")
    assert result.returncode == 2 and "--council-name" in result.stderr


def test_in_a_terminal_it_asks(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    answers = iter(["Testshire County Council", "", "clerk@testshire.example", ""])
    asked: list[str] = []
    monkeypatch.setattr(sys.stdin, "isatty", lambda: True, raising=False)
    monkeypatch.setattr(builtins, "input", lambda q: asked.append(q) or next(answers))
    assert main(["init", str(tmp_path / "site")]) == 0
    assert asked[1] == "Council id [testshire-county-council]: "
    settings = yaml.safe_load((tmp_path / "site" / "site.yaml").read_text())
    assert settings["contact_email"] == "clerk@testshire.example"
    assert settings["councils"] == ["testshire-county-council"]
    assert "Created a scrutiny site for Testshire County Council" in capsys.readouterr().out


def test_any_council_name_is_safe(tmp_path: Path) -> None:
    site = tmp_path / "site"
    result = run_scrutiny("init", site, "--council-name", NAME, "--council-id", "st-marys")
    assert result.returncode == 0, result.stderr
    assert yaml.safe_load((site / "site.yaml").read_text())["publisher"] == NAME
    built = run_scrutiny("build", site, "--out", tmp_path / "_site")
    assert built.returncode == 0, built.stderr
    about = (tmp_path / "_site" / "about" / "index.html").read_text("utf-8")
    assert "St Mary's &amp; &lt;Test&gt; Council: Borough #1's scrutiny committees" in about
    assert "<Test>" not in about
    assert "Draft: this page has not been completed yet." in about


def test_the_pin_is_this_release_everywhere_it_is_written() -> None:
    pin = scrutiny.install_requirement()
    assert pin.endswith(f"@v{scrutiny.__version__}")
    root = Path(__file__).resolve().parents[1]
    for doc in ("README.md", "docs/starting-a-site.md"):
        assert pin in (root / doc).read_text(encoding="utf-8"), f"{doc} pins another version"
