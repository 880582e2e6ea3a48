"""What the built sites should contain, read straight from the projects' CSV files, so the
feed, calendar, export and search tests compare the output with the data, not with the code."""

from __future__ import annotations

import csv
import datetime as dt
from dataclasses import dataclass
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
import yaml
from conftest import MINIMAL, ROOT

LONDON = ZoneInfo("Europe/London")


@dataclass(frozen=True)
class Built:
    """A project and the site built from it."""

    project: Path
    site: Path

    @property
    def base_url(self) -> str | None:
        config = yaml.safe_load((self.project / "site.yaml").read_text(encoding="utf-8"))
        url = config.get("base_url")
        return url.rstrip("/") + "/" if url else None

    def rows(self, table: str) -> list[dict[str, str]]:
        path = self.project / "datasets" / f"{table}.csv"
        with path.open(newline="", encoding="utf-8") as handle:
            return list(csv.DictReader(handle))

    def meetings(self, committee_id: str | None = None) -> dict[str, dict[str, str]]:
        return {
            m["meeting_id"]: m
            for m in self.rows("meetings")
            if committee_id is None or m["committee_id"] == committee_id
        }

    def committee_ids(self) -> list[str]:
        return [c["committee_id"] for c in self.rows("committees")]


SITES = ["example", "minimal"]  # the example (with base_url) and the test site (without)


def built_site(request: pytest.FixtureRequest) -> Built:
    """For a fixture parametrized over SITES: the project and its (session-built) site."""
    if request.param == "example":
        return Built(ROOT, request.getfixturevalue("example_site"))
    return Built(MINIMAL, request.getfixturevalue("minimal_site"))


def local_start(meeting: dict[str, str]) -> dt.datetime | dt.date:
    """The meeting's start as an aware Europe/London datetime, or its date when untimed."""
    day = dt.date.fromisoformat(meeting["date"])
    if not meeting["start_time"]:
        return day
    return dt.datetime.combine(day, dt.time.fromisoformat(meeting["start_time"]), tzinfo=LONDON)


def start_instant(meeting: dict[str, str]) -> dt.datetime:
    start = local_start(meeting)
    if isinstance(start, dt.datetime):
        return start
    return dt.datetime.combine(start, dt.time(), tzinfo=LONDON)
