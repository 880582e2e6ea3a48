"""The data standard is versioned: `scrutiny validate` says when a site's schemas are older than
the installed standard or changed locally, and `scrutiny upgrade` brings them forward without
losing a row or a local change.

A site "made with an older standard" is a new site with one optional column (meetings.note)
taken out of its schema and CSV, and its record saying so, exactly as the older standard would
have written it.
"""

from __future__ import annotations

import csv
import io
import shutil
from pathlib import Path

import pytest
import yaml
from conftest import ROOT, run_scrutiny

from scrutiny import standard
from scrutiny.standard.record import Record, record_text

SCHEMA = Path("datasets", "schemas", "meetings.schema.yaml")
MEETINGS = Path("datasets", "meetings.csv")
RECORD = Path("datasets", "standard.yaml")
COMMITTEE = (
    "testshire-cyp,testshire,Children and Young People Scrutiny Committee,scrutiny,,"
    "https://testshire.example/cyp\n"
)


@pytest.fixture(scope="module")
def new_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A new council site with a committee and three meetings."""
    site = tmp_path_factory.mktemp("upgrade") / "site"
    assert run_scrutiny("init", site, "--council-name", "Testshire").returncode == 0
    with (site / "datasets" / "committees.csv").open("a", encoding="utf-8") as f:
        f.write(COMMITTEE)
    for date, venue in (("2023-01-10", "County Hall"), ("2023-03-14", 'Room "A", Hall'),
                        ("2023-06-20", "Online, by video")):  # fmt: skip
        args = ("--committee", "testshire-cyp", "--date", date, "--venue", venue)
        result = run_scrutiny("new", "meeting", *args, site)
        assert result.returncode == 0, result.stderr
    return site


@pytest.fixture
def site(new_site: Path, tmp_path: Path) -> Path:
    return Path(shutil.copytree(new_site, tmp_path / "site"))


def rows(path: Path) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(path.read_text(encoding="utf-8"), newline="")))


def remove_column(site: Path, column: str) -> dict:
    """Take a column out of the meetings schema and CSV; returns the schema left."""
    schema = yaml.safe_load((site / SCHEMA).read_text(encoding="utf-8"))
    schema["fields"] = [f for f in schema["fields"] if f["name"] != column]
    (site / SCHEMA).write_text(yaml.safe_dump(schema, sort_keys=False), encoding="utf-8")
    write_rows(site / MEETINGS, [f["name"] for f in schema["fields"]], rows(site / MEETINGS))
    return schema


def write_rows(path: Path, names: list[str], table: list[dict[str, str]]) -> None:
    out = io.StringIO()
    writer = csv.DictWriter(out, names, extrasaction="ignore", lineterminator="\n")
    writer.writeheader()
    writer.writerows(table)
    path.write_text(out.getvalue(), encoding="utf-8")


def made_with_older_standard(site: Path, meetings_schema: dict) -> None:
    prints = {**standard.fingerprints(), "meetings": standard.fingerprint(meetings_schema)}
    (site / RECORD).write_text(record_text(Record("0.9", prints)), encoding="utf-8")


def test_upgrade_adds_the_new_optional_column_and_keeps_every_row(site: Path) -> None:
    before = rows(site / MEETINGS)
    made_with_older_standard(site, remove_column(site, "note"))
    warned = run_scrutiny("validate", site)
    assert warned.returncode == 0
    assert "follow version 0.9 of the scrutiny data standard" in warned.stderr
    assert f"the installed scrutiny has version {standard.VERSION}" in warned.stderr

    result = run_scrutiny("upgrade", site)
    assert result.returncode == 0, result.stderr
    assert "meetings.schema.yaml: added the column 'note'" in result.stdout
    assert "every row kept" in result.stdout
    schema = standard.schema_paths()["meetings"].read_bytes()
    assert (site / SCHEMA).read_bytes() == schema
    after = rows(site / MEETINGS)
    assert len(after) == len(before) == 3
    assert after == before  # every value, with note back in its place (empty)
    assert list(after[0]) == [f["name"] for f in standard.schema("meetings")["fields"]]
    checked = run_scrutiny("validate", site)
    assert checked.returncode == 0, checked.stdout
    assert "note:" not in checked.stderr  # now current: nothing to say
    assert f"version: '{standard.VERSION}'" in (site / RECORD).read_text()


def test_a_locally_changed_schema_is_kept_and_gets_the_new_column(site: Path) -> None:
    older = remove_column(site, "note")
    made_with_older_standard(site, older)
    schema = yaml.safe_load((site / SCHEMA).read_text(encoding="utf-8"))
    schema["fields"].append({"name": "webcast", "type": "string", "description": "Recording."})
    (site / SCHEMA).write_text(yaml.safe_dump(schema, sort_keys=False), encoding="utf-8")
    table = rows(site / MEETINGS)
    for row, link in zip(table, ("https://v.example/1", "", "https://v.example/3"), strict=True):
        row["webcast"] = link
    write_rows(site / MEETINGS, [f["name"] for f in schema["fields"]], table)
    warned = run_scrutiny("validate", site)
    assert "meetings.schema.yaml: this schema has been changed here" in warned.stderr

    result = run_scrutiny("upgrade", site)
    assert result.returncode == 0, result.stderr
    assert "kept your changes" in result.stdout and "your own column(s) webcast" in result.stdout
    assert "added the column 'note'" in result.stdout
    names = [f["name"] for f in yaml.safe_load((site / SCHEMA).read_text())["fields"]]
    assert names[-3:] == ["note", "source", "webcast"]
    after = rows(site / MEETINGS)
    assert [r["webcast"] for r in after] == ["https://v.example/1", "", "https://v.example/3"]
    assert [{k: v for k, v in r.items() if k != "note"} for r in after] == table
    assert run_scrutiny("validate", site).returncode == 0


def test_a_column_that_still_holds_values_is_never_dropped(site: Path) -> None:
    """An older standard had a column the new one lacks: with values in it, the table stays."""
    schema = yaml.safe_load((site / SCHEMA).read_text(encoding="utf-8"))
    schema["fields"].append({"name": "legacy", "type": "string"})
    (site / SCHEMA).write_text(yaml.safe_dump(schema, sort_keys=False), encoding="utf-8")
    table = [{**row, "legacy": "kept"} for row in rows(site / MEETINGS)]
    write_rows(site / MEETINGS, [f["name"] for f in schema["fields"]], table)
    made_with_older_standard(site, schema)
    csv_before = (site / MEETINGS).read_bytes()
    result = run_scrutiny("upgrade", site)
    assert result.returncode == 0, result.stderr
    assert "datasets/meetings.csv: left as it was" in result.stdout
    assert "drops the column(s) legacy, which still hold values" in result.stdout
    assert (site / MEETINGS).read_bytes() == csv_before


def test_a_site_from_before_the_standard_was_versioned(site: Path) -> None:
    """No datasets/standard.yaml: every schema that differs counts as the site's own change."""
    (site / RECORD).unlink()
    schema = remove_column(site, "note")
    schema["fields"][2]["description"] = "The day the committee met."
    (site / SCHEMA).write_text(yaml.safe_dump(schema, sort_keys=False), encoding="utf-8")
    noted = run_scrutiny("validate", site)
    assert "does not record which version of the scrutiny data standard" in noted.stderr
    first = run_scrutiny("upgrade", site)
    assert "kept your changes" in first.stdout and "changed column(s) date" in first.stdout
    assert "added the column 'note'" in first.stdout
    assert "(was no recorded version)" in first.stdout
    assert "The day the committee met." in (site / SCHEMA).read_text()
    still = run_scrutiny("validate", site)
    assert still.returncode == 0
    assert "meetings.schema.yaml: this schema has been changed here" in still.stderr
    again = run_scrutiny("upgrade", site)
    assert "kept your changes" in again.stdout
    assert "The day the committee met." in (site / SCHEMA).read_text()


def test_dry_run_changes_nothing(site: Path) -> None:
    made_with_older_standard(site, remove_column(site, "note"))
    before = {p: p.read_bytes() for p in (site / "datasets").rglob("*") if p.is_file()}
    result = run_scrutiny("upgrade", "--dry-run", site)
    assert "Would change:" in result.stdout and "added the column 'note'" in result.stdout
    assert {p: p.read_bytes() for p in (site / "datasets").rglob("*") if p.is_file()} == before


def test_the_example_site_is_an_ordinary_site_on_the_current_standard() -> None:
    """The repository's own data follows the standard the package ships: a schema changed in
    datasets/schemas/ must be changed in src/scrutiny/standard/schemas/ too (and the
    fingerprints in datasets/standard.yaml brought up to date with `scrutiny upgrade`)."""
    for name, path in standard.schema_paths().items():
        site_schema = ROOT / "datasets" / "schemas" / path.name
        assert site_schema.read_bytes() == path.read_bytes(), f"{name} differs from the standard"
    ours = yaml.safe_load((ROOT / "datasets" / "datapackage.yaml").read_text(encoding="utf-8"))
    structure = ("name", "title", "path", "schema", "foreignKeys")  # the prose is the site's own
    assert [{k: r.get(k) for k in structure} for r in ours["resources"]] == [
        {k: r.get(k) for k in structure} for r in standard.datapackage()["resources"]
    ]
    result = run_scrutiny("upgrade", "--dry-run", ROOT)
    assert result.stdout.startswith("The schemas already follow version"), result.stdout
