"""The SQLite download, opened with sqlite3: the tables equal the CSVs, the keys hold, full-text
search finds a meeting by a word of its minutes, and the views give the figures the pages show."""

from __future__ import annotations

import csv
import html
import re
import sqlite3
from collections.abc import Iterator
from contextlib import closing
from pathlib import Path

import pytest
import yaml
from conftest import ROOT

TABLES = [
    r["name"] for r in yaml.safe_load((ROOT / "datasets/datapackage.yaml").read_text())["resources"]
]


@pytest.fixture(scope="module")
def db(example_site: Path) -> Iterator[sqlite3.Connection]:
    path = example_site / "data" / "scrutiny.db"
    with closing(sqlite3.connect(f"file:{path}?mode=ro", uri=True)) as connection:
        yield connection


def page_text(example_site: Path, path: str) -> str:
    raw = (example_site / path / "index.html").read_text(encoding="utf-8")
    return html.unescape(re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", raw)))


def test_every_table_has_the_rows_of_its_csv(db: sqlite3.Connection) -> None:
    for table in TABLES:
        with (ROOT / "datasets" / f"{table}.csv").open(encoding="utf-8", newline="") as fh:
            expected = sum(1 for _ in csv.DictReader(fh))
        assert db.execute(f"SELECT COUNT(*) FROM [{table}]").fetchone()[0] == expected, table


def test_keys_are_declared_and_hold(db: sqlite3.Connection) -> None:
    assert db.execute("PRAGMA foreign_key_check").fetchall() == []
    joins = {(r[2], r[3]) for r in db.execute("PRAGMA foreign_key_list(declarations)")}
    assert joins == {
        ("agenda_items", "meeting_id"),
        ("agenda_items", "item_no"),
        ("people", "person_id"),
    }
    pk = [r[1] for r in db.execute("PRAGMA table_info(attendance)") if r[5]]
    assert pk == ["meeting_id", "person_id"]
    types = {r[1]: r[2] for r in db.execute("PRAGMA table_info(observations)")}
    assert types["value"] == "FLOAT" and types["period_end"] == "TEXT"


def test_full_text_search_finds_a_meeting_by_a_word_of_its_minutes(
    db: sqlite3.Connection,
) -> None:
    found = db.execute(
        "SELECT minutes.meeting_id FROM minutes_fts JOIN minutes ON minutes.rowid = "
        "minutes_fts.rowid WHERE minutes_fts MATCH 'psychologist'"
    ).fetchall()
    assert found == [("lancashire-childrens-services-scrutiny-2018-04-11",)]
    for table in ("decisions", "recommendations", "agenda_items"):
        assert db.execute(f"SELECT COUNT(*) FROM [{table}_fts]").fetchone()[0] > 0


def test_attendance_view_matches_the_person_page(
    db: sqlite3.Connection, example_site: Path
) -> None:
    """David Howarth was replaced by a substitute once: it does not count against him."""
    row = db.execute(
        "SELECT attended, expected, percent, apologies, absent, substituted, not_recorded "
        "FROM attendance_rates WHERE person_id = 'david-howarth'"
    ).fetchall()
    assert len(row) == 1
    attended, expected, percent, apologies, absent, substituted, not_recorded = row[0]
    assert substituted == 1
    text = page_text(example_site, "people/david-howarth")
    assert f"Attended {attended} of {expected} meetings" in text
    assert f"({percent}%)" in text
    assert f"Apologies sent: {apologies} " in text
    assert f"Absent: {absent} " in text
    assert f"Replaced by a substitute (not counted against them): {substituted} " in text
    assert f"attendance not recorded: {not_recorded} " in text


def test_latest_rag_view_matches_the_recommendation_page(
    db: sqlite3.Connection, example_site: Path
) -> None:
    rag, as_at = db.execute(
        "SELECT rag, latest_as_at FROM latest_rag "
        "WHERE recommendation_id = 'leicestershire-ofsted-2017-1'"
    ).fetchone()
    assert (rag, as_at) == ("amber", "2017-11-13")
    text = page_text(example_site, "recommendations/leicestershire-ofsted-2017-1")
    assert "Latest rating ◆ Amber Last update Monday 13 November 2017" in text


def test_indicator_view_matches_the_indicator_page(
    db: sqlite3.Connection, example_site: Path
) -> None:
    indicator = "lancashire-adoption-days-placement-order-to-match"
    value, target, status = db.execute(
        "SELECT latest_value, target_value, status FROM indicator_latest WHERE indicator_id = ?",
        (indicator,),
    ).fetchone()
    text = page_text(example_site, f"indicators/{indicator}")
    assert f"Status against target {status.capitalize()} " in text
    assert f"the latest value is {value:g} days" in text
    assert f"does not meet the target of {target:g} days" in text


def test_the_kept_tables_file_gives_the_same_bytes_and_a_damaged_one_is_not_used(
    tmp_path: Path,
) -> None:
    """The file of the tables is kept by a hash of what they are made from: a database made
    from it is byte for byte one made afresh (after a minutes edit too), and a kept file
    that is damaged, or kept for other tables, is made again."""
    from dataclasses import replace

    from scrutiny.build import load_inputs
    from scrutiny.database import TABLES_FILE, Kept, database_file
    from scrutiny.project import Project

    inputs = load_inputs(Project.at(ROOT))
    assert inputs.package is not None
    folder = tmp_path / "kept"
    members = inputs.model.roles.group("members")

    def made(kept: Kept | None, minutes: dict = inputs.minutes) -> bytes:
        database = database_file(inputs.package, inputs.model.tables, minutes, members, kept)
        return database.path.read_bytes()

    afresh = made(None)
    assert made(Kept(folder=folder, tables_key="tables-1")) == afresh  # kept now
    kept_file = folder / TABLES_FILE
    stamp = kept_file.stat().st_mtime_ns
    assert made(Kept(folder=folder, tables_key="tables-1")) == afresh  # taken from it
    assert kept_file.stat().st_mtime_ns == stamp

    meeting = next(iter(inputs.minutes))
    edited = inputs.minutes | {meeting: replace(inputs.minutes[meeting], html="<p>Edited.</p>")}
    assert made(Kept(folder=folder, tables_key="tables-1"), edited) == made(None, edited)

    data = bytearray(kept_file.read_bytes())
    data[len(data) // 2] ^= 0xFF
    kept_file.write_bytes(bytes(data))
    assert made(Kept(folder=folder, tables_key="tables-1")) == afresh  # damaged: made again
    assert made(Kept(folder=folder, tables_key="tables-2")) == afresh  # other tables
