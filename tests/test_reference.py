"""The reference pages are generated: docs/reference/tables.md from the schemas (every field of
every table, with its type, whether it is required and the values it allows) and
docs/reference/site-yaml.md from the settings declared in scrutiny.config; both are up to date."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from conftest import ROOT

from scrutiny.config import SiteConfig, settings
from scrutiny.project import Project
from scrutiny.reference import DEFAULT_OUT, SETTINGS_OUT, render, render_settings
from scrutiny.schema.package import load_package

REFERENCE = ROOT / DEFAULT_OUT
REGENERATE = "run `.venv/bin/python -m scrutiny.reference` and commit docs/reference/"


def sections(text: str) -> dict[str, str]:
    """Each `## Title` section of the page, by title."""
    parts = text.split("\n## ")[1:]
    return {part.split("\n", 1)[0]: part for part in parts}


def test_committed_reference_matches_the_schemas() -> None:
    assert REFERENCE.is_file(), REGENERATE
    assert REFERENCE.read_text(encoding="utf-8") == render(load_package(Project.at(ROOT))), (
        f"the field reference is out of date: {REGENERATE}"
    )


def test_every_field_of_every_schema_is_listed() -> None:
    package = load_package(Project.at(ROOT))
    found = sections(REFERENCE.read_text(encoding="utf-8"))
    assert set(found) == {table.title for table in package.tables}
    for table in package.tables:
        section = found[table.title]
        assert f"`datasets/{table.path.name}`" in section
        for field in table.fields:
            row = next(
                (ln for ln in section.splitlines() if ln.startswith(f"| `{field.name}` |")), None
            )
            assert row, f"{table.name}.{field.name} is missing from the reference"
            assert f"| {'yes' if field.required else 'no'} |" in row
            for value in field.constraints.get("enum", []):
                assert f"`{value}`" in row, f"{table.name}.{field.name}: {value} not listed"
            if field.description:
                assert " ".join(field.description.split())[:40] in row


def test_committed_settings_reference_matches_the_declaration() -> None:
    assert (ROOT / SETTINGS_OUT).read_text(encoding="utf-8") == render_settings(), (
        f"the site.yaml reference is out of date: {REGENERATE}"
    )


def test_every_setting_is_documented_with_its_default() -> None:
    text = render_settings()
    for spec in settings(SiteConfig).values():
        row = next(ln for ln in text.splitlines() if ln.startswith(f"| `{spec.name}` |"))
        assert f"| {'yes' if spec.required else 'no'} | {spec.kind.words} |" in row
        assert " ".join(spec.help.split()) in row
        if isinstance(spec.default, str) and spec.default:
            assert f"`{spec.default}`" in row
    assert "## `licence`" in text and "## Each item of `navigation`" in text


def test_check_mode_reports_a_stale_page(tmp_path: Path) -> None:
    command = [sys.executable, "-m", "scrutiny.reference", ROOT, "--check"]
    fresh = subprocess.run([*command, "--out", REFERENCE.parent], capture_output=True, text=True)
    assert fresh.returncode == 0, fresh.stderr
    for name in (DEFAULT_OUT.name, SETTINGS_OUT.name):
        (tmp_path / name).write_text((REFERENCE.parent / name).read_text(encoding="utf-8"))
    stale = tmp_path / SETTINGS_OUT.name
    stale.write_text(stale.read_text().replace("| yes |", "| no |", 1))
    result = subprocess.run([*command, "--out", tmp_path], capture_output=True, text=True)
    assert result.returncode == 1
    assert f"{stale} is out of date" in result.stderr
    assert DEFAULT_OUT.name not in result.stderr
