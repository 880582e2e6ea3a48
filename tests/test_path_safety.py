"""Path safety: no identifier, file name, link or Markdown link can make the build write outside
its output folder or read outside the project."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
import yaml
from conftest import ROOT, minimal_project
from hypothesis import given, settings
from hypothesis import strategies as st

from scrutiny.cli import main
from scrutiny.output.atomic import safe_join
from scrutiny.validate.tables import ID_PATTERN

ESCAPES = [
    "../outside.html",
    "a/../../outside.html",
    "..",
    "/etc/passwd",
    "\\windows\\system32",
    "meetings/\x00/index.html",
    "meetings/../../../outside.html",
]
# Tables whose single-field key becomes a folder of the site (meetings/<meeting_id>/ ...).
ROUTED = {"councils", "committees", "people", "meetings", "indicators", "recommendations"}


@pytest.mark.parametrize("relative", ESCAPES)
def test_safe_join_refuses_paths_that_leave_the_site(tmp_path: Path, relative: str) -> None:
    with pytest.raises(ValueError, match="unsafe output path"):
        safe_join(tmp_path, relative)


def test_safe_join_refuses_a_link_that_leaves_the_site(tmp_path: Path) -> None:
    (tmp_path / "site").mkdir()
    (tmp_path / "site" / "meetings").symlink_to(tmp_path)
    with pytest.raises(ValueError):
        safe_join(tmp_path / "site", "meetings/index.html")


@settings(max_examples=300, deadline=None, database=None)
@given(st.text(max_size=30))
def test_an_id_that_matches_the_pattern_is_one_folder_inside_the_site(text: str) -> None:
    root = Path("/site")
    if re.fullmatch(ID_PATTERN, text):
        path = safe_join(root, f"meetings/{text}/index.html")
        assert path.parent.parent == root / "meetings" and path.parent.name == text
    else:
        assert not re.fullmatch(ID_PATTERN, text)  # rejected by validation before any write
    for bad in ("..", ".", "", "a/b", "a\\b", "A", " a", "a\n", "\u0430"):
        assert not re.fullmatch(ID_PATTERN, bad)


def test_every_key_that_becomes_a_url_is_a_slug() -> None:
    schemas = ROOT / "datasets" / "schemas"
    for table in ROUTED:
        schema = yaml.safe_load((schemas / f"{table}.schema.yaml").read_text())
        key = schema["primaryKey"]
        key = key[0] if isinstance(key, list) else key
        field = next(f for f in schema["fields"] if f["name"] == key)
        assert field["constraints"]["pattern"] == ID_PATTERN, table
        assert field["constraints"]["required"] is True, table


def run(capsys, *args) -> tuple[int, str]:
    code = main([str(a) for a in args])
    captured = capsys.readouterr()
    return code, captured.out + captured.err


@pytest.mark.parametrize(
    "link",
    [
        "content/pages/secret.md",
        "datasets/people.csv",
        "templates/home.html",
        "static/leak.txt",
        "content",
    ],
)
def test_a_link_out_of_the_project_is_refused(tmp_path: Path, capsys, link: str) -> None:
    """A symbolic link that leads outside the project is an error, before anything is read."""
    secret = tmp_path / "secret"
    secret.mkdir()
    (secret / "file").write_text("TOP-SECRET-CONTENT")
    project = minimal_project(tmp_path / "project")
    target = project / link
    target.parent.mkdir(parents=True, exist_ok=True)
    if target.is_dir():
        shutil.rmtree(target)
    elif target.exists():
        target.unlink()
    target.symlink_to(secret if link == "content" else secret / "file")
    code, output = run(capsys, "build", project, "--out", tmp_path / "site")
    assert code == 2
    assert f"{link}: is a link to {secret}" in output
    assert not (tmp_path / "site").exists()


@pytest.mark.parametrize("name", ["..md", "...md", ".hidden.md", "Über.md", "a b.md"])
def test_a_page_file_name_cannot_choose_where_it_is_written(tmp_path: Path, capsys, name) -> None:
    project = minimal_project(tmp_path / "project")
    (project / "content" / "pages" / name).write_text("---\ntitle: x\n---\ntext\n")
    code, output = run(capsys, "build", project, "--out", tmp_path / "out" / "site")
    assert code == 1, output
    assert f"content/pages/{name}: the file name" in output
    assert "Traceback" not in output
    assert not (tmp_path / "out" / "site").exists()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["project"]  # not even out/


def test_a_table_name_cannot_choose_where_its_download_is_written(tmp_path: Path, capsys) -> None:
    project = minimal_project(tmp_path / "project")
    package = project / "datasets" / "datapackage.yaml"
    package.write_text(package.read_text().replace("- name: councils", "- name: ../../councils"))
    code, output = run(capsys, "build", project, "--out", tmp_path / "site")
    assert code == 2
    assert "datasets/datapackage.yaml: resources[0].name: '../../councils' cannot be" in output
