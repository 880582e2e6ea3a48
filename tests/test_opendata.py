"""The open-data section: downloads equal the data, the package validates, metadata parses."""

from __future__ import annotations

import csv
import io
import json
import re
import zipfile
from pathlib import Path

import yaml
from conftest import ROOT
from frictionless import Package

TABLES = [
    r["name"] for r in yaml.safe_load((ROOT / "datasets/datapackage.yaml").read_text())["resources"]
]


def test_published_package_passes_frictionless_validate(example_site: Path) -> None:
    report = Package(str(example_site / "data" / "datapackage.json")).validate()
    assert report.valid, report.flatten(["rowNumber", "fieldName", "type", "note"])[:10]


def test_csv_downloads_are_byte_identical_and_json_has_every_record(example_site: Path) -> None:
    for table in TABLES:
        source = (ROOT / "datasets" / f"{table}.csv").read_bytes()
        assert (example_site / "data" / f"{table}.csv").read_bytes() == source
        records = json.loads((example_site / "data" / f"{table}.json").read_text())
        assert len(records) == len(list(csv.DictReader(io.StringIO(source.decode()))))


def test_json_values_are_typed(example_site: Path) -> None:
    observations = json.loads((example_site / "data" / "observations.json").read_text())
    assert all(isinstance(o["value"], int | float) for o in observations)
    meetings = json.loads((example_site / "data" / "meetings.json").read_text())
    assert all(isinstance(m["minutes_published"], bool) for m in meetings)
    assert all(re.fullmatch(r"\d{4}-\d{2}-\d{2}", m["date"]) for m in meetings)


def test_descriptor_has_hashes_sizes_keys_and_licence(example_site: Path) -> None:
    descriptor = json.loads((example_site / "data" / "datapackage.json").read_text())
    assert descriptor["licenses"][0]["name"] == "OGL-UK-3.0"
    by_name = {r["name"]: r for r in descriptor["resources"]}
    assert set(by_name) == {*TABLES, "scrutiny-database"}
    database = by_name["scrutiny-database"]
    assert database["path"] == "scrutiny.db"
    assert database["bytes"] == len((example_site / "data" / "scrutiny.db").read_bytes())
    attendance = by_name["attendance"]
    assert attendance["bytes"] == len((ROOT / "datasets/attendance.csv").read_bytes())
    assert attendance["hash"].startswith("sha256:")
    assert {
        "fields": "person_id",
        "reference": {"resource": "people", "fields": "person_id"},
    } in attendance["schema"]["foreignKeys"]


def test_zip_holds_every_table_and_the_descriptor(example_site: Path) -> None:
    with zipfile.ZipFile(example_site / "data" / "scrutiny-data.zip") as archive:
        names = set(archive.namelist())
    assert names == {f"{t}.csv" for t in TABLES} | {"datapackage.json", "scrutiny.db"}


def test_dataset_pages_have_schema_org_and_catalog_is_dcat(example_site: Path) -> None:
    for table in TABLES:
        text = (example_site / "data" / table / "index.html").read_text()
        block = re.search(r'<script type="application/ld\+json">(.*?)</script>', text, re.S)
        data = json.loads(block.group(1))
        assert data["@type"] == "Dataset"
        assert data["license"] and data["creator"]["name"]
        assert {d["encodingFormat"] for d in data["distribution"]} == {
            "text/csv",
            "application/json",
        }
    catalog = json.loads((example_site / "data" / "catalog.jsonld").read_text())
    assert catalog["@type"] == "dcat:Catalog"
    assert len(catalog["dcat:dataset"]) == len(TABLES) + 1  # and the SQLite database
    database = catalog["dcat:dataset"][-1]["dcat:distribution"][0]
    assert database["dcat:mediaType"] == "application/vnd.sqlite3"
    assert all(d["@type"] == "dcat:Dataset" for d in catalog["dcat:dataset"])


def test_every_page_has_a_json_twin(example_site: Path) -> None:
    for family, key, table in (
        ("meetings", "meeting_id", "meetings"),
        ("committees", "committee_id", "committees"),
        ("people", "person_id", "people"),
        ("indicators", "indicator_id", "indicators"),
        ("recommendations", "recommendation_id", "recommendations"),
    ):
        with (ROOT / "datasets" / f"{table}.csv").open() as fh:
            for row in csv.DictReader(fh):
                twin = json.loads((example_site / family / f"{row[key]}.json").read_text())
                assert twin[key] == row[key]
                page = (example_site / family / row[key] / "index.html").read_text()
                assert f'href="../../{family}/{row[key]}.json"' in page
