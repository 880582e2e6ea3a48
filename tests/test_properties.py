"""Property-based tests (hypothesis): arbitrary cells, bytes and Markdown never crash validation
or the build (they may be reported as invalid: that is the point), and valid data comes out of
the JSON downloads exactly as it went into the CSV.

Example counts are kept small (a build is most of a second) so the suite stays fast; the
hypothesis database is off, so every run draws fresh examples rather than replaying old ones.
"""

from __future__ import annotations

import contextlib
import csv
import io
import json
from pathlib import Path

import pytest
from conftest import FIXTURES, minimal_project
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from test_injection import audit_html

from scrutiny.build import build
from scrutiny.documents import CONTROL
from scrutiny.problems import InvalidData, ProjectError
from scrutiny.project import Project
from scrutiny.render.markdown import render_markdown
from scrutiny.validate import validate_project

FAST = settings(
    max_examples=40,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
# Builds take most of a second, so these examples are few and are not shrunk (shrinking a
# failure would take minutes); hypothesis still prints the failing example.
SLOW = settings(FAST, max_examples=8, phases=[Phase.explicit, Phase.generate])

# Any text a spreadsheet or editor could save as UTF-8 (surrogates cannot be encoded).
ANY_TEXT = st.text(st.characters(exclude_categories=("Cs",)), max_size=80)
CELL_TEXT = st.text(st.characters(exclude_categories=("Cs",)))
# Text that is valid in a cell: anything but control characters other than tab, CR and LF
# (validation rejects those, since feeds and other XML outputs cannot hold them).
VALID_TEXT = st.text(
    st.characters(exclude_categories=("Cs", "Cc"), include_characters="\t\r\n"), max_size=40
).filter(lambda s: not CONTROL.search(s))
ID = st.from_regex(r"[a-z0-9][a-z0-9-]{0,20}", fullmatch=True)


@pytest.fixture(scope="module")
def scratch(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One project reused by every example (each example restores what it changed)."""
    return minimal_project(tmp_path_factory.mktemp("props") / "project")


def read_rows(path: Path) -> list[list[str]]:
    with path.open(newline="", encoding="utf-8") as f:
        return list(csv.reader(f))


def write_rows(path: Path, rows: list[list[str]]) -> None:
    """As Excel writes CSV: CRLF line ends, so a value holding a lone CR is quoted too."""
    out = io.StringIO()
    csv.writer(out, lineterminator="\r\n").writerows(rows)
    path.write_text(out.getvalue(), encoding="utf-8", newline="")


def validate_or_report(project: Path):
    """Validation either succeeds or reports problems; anything else is a crash."""
    try:
        return validate_project(Project.at(project))
    except ProjectError as error:
        pytest.fail(f"data made the project unreadable: {error}")


def build_or_report(project: Path, out: Path) -> None:
    """Build, or report invalid data; anything else is a crash."""
    with contextlib.suppress(InvalidData):
        build(Project.at(project), out)


TABLES = ["meetings", "people", "attendance", "observations", "decisions", "workplan"]


@FAST
@given(
    table=st.sampled_from(TABLES), row=st.integers(1, 3), column=st.integers(0, 9), cell=CELL_TEXT
)
def test_any_cell_in_any_column_is_reported_not_crashed(scratch, table, row, column, cell):
    path = scratch / "datasets" / f"{table}.csv"
    original = path.read_bytes()
    rows = read_rows(path)
    row = min(row, len(rows) - 1)
    rows[row][column % len(rows[0])] = cell
    write_rows(path, rows)
    try:
        result = validate_or_report(scratch)
        for problem in result.problems:
            assert problem.path and problem.message
    finally:
        path.write_bytes(original)


@FAST
@given(table=st.sampled_from(TABLES), line=st.integers(0, 4), data=st.binary(max_size=60))
def test_any_bytes_on_any_line_are_reported_not_crashed(scratch, table, line, data):
    path = scratch / "datasets" / f"{table}.csv"
    original = path.read_bytes()
    lines = original.split(b"\n")
    lines.insert(min(line, len(lines)), data)
    path.write_bytes(b"\n".join(lines))
    try:
        result = validate_or_report(scratch)
        assert all(p.path and p.message for p in result.problems)
    finally:
        path.write_bytes(original)


@SLOW
@given(texts=st.lists(VALID_TEXT, min_size=4, max_size=4))
def test_any_free_text_builds(scratch, tmp_path_factory, texts):
    """Free text anywhere (names, venues, decisions) passes validation and builds."""
    targets = [("people", 1, 1), ("meetings", 1, 4), ("decisions", 1, 4), ("committees", 1, 4)]
    saved = {}
    for (table, row, column), text in zip(targets, texts, strict=True):
        path = scratch / "datasets" / f"{table}.csv"
        saved.setdefault(path, path.read_bytes())
        rows = read_rows(path)
        rows[row][column] = text or "x"  # these columns are required
        write_rows(path, rows)
    try:
        result = validate_or_report(scratch)
        assert result.problems == ()
        build(Project.at(scratch), tmp_path_factory.mktemp("site") / "out")
    finally:
        for path, data in saved.items():
            path.write_bytes(data)


@settings(FAST, max_examples=300)
@given(text=ANY_TEXT)
def test_any_markdown_renders_to_inert_html(text):
    audit = audit_html(render_markdown(text))
    assert audit.problems == [] and audit.inline_scripts == []


MARKDOWN_BITS = st.sampled_from(
    ["# ", "## ", "---\n", "- ", "1. ", "> ", "```\n", "|a|b|\n|-|-|\n", "<div>", "</div>",
     "<script>", "[x](", ")", "![", "*", "_", "`", "\n", "\n\n", "<!--", "-->", "{{", "}}", "&"]
)  # fmt: skip
MARKDOWN = st.lists(st.one_of(MARKDOWN_BITS, ANY_TEXT), max_size=30).map("".join)


@SLOW
@given(body=MARKDOWN)
def test_any_minutes_and_pages_build(scratch, tmp_path_factory, body):
    minutes = scratch / "content" / "minutes" / "testshire-cyp-2017-01-10.md"
    page = scratch / "content" / "pages" / "about.md"
    saved = {p: p.read_bytes() for p in (minutes, page)}
    minutes.write_text(f"---\nmeeting_id: testshire-cyp-2017-01-10\n---\n{body}", encoding="utf-8")
    page.write_text(body, encoding="utf-8")
    try:
        build_or_report(scratch, tmp_path_factory.mktemp("site") / "out")
    finally:
        for path, data in saved.items():
            path.write_bytes(data)


NUMBER = st.one_of(
    st.integers(-(10**12), 10**12).map(str),
    st.decimals(-(10**6), 10**6, places=4, allow_nan=False, allow_infinity=False).map(
        lambda d: format(d, "f")
    ),
).filter(lambda s: s not in ("-0", "-0.0000") and not s.startswith("-0."))
PERSON = st.fixed_dictionaries(
    {
        "person_id": ID,
        "name": VALID_TEXT.filter(bool),
        "honorific": VALID_TEXT,
        "position": VALID_TEXT,
        "source": VALID_TEXT.filter(bool),
    }
)


@SLOW
@given(
    people=st.lists(PERSON, min_size=1, max_size=5, unique_by=lambda p: p["person_id"]),
    values=st.lists(NUMBER, min_size=1, max_size=5),
)
def test_valid_data_round_trips_to_the_json_downloads(tmp_path_factory, people, values):
    """CSV -> validation -> model -> /data/<table>.json gives back exactly what was written:
    the same text, the same numbers, dates as YYYY-MM-DD, and an empty cell as null."""
    base = tmp_path_factory.mktemp("roundtrip")
    project = minimal_project(base / "project")
    people = [p for p in people if p["person_id"] not in {"ann-able", "bob-baker", "cat-cole"}]
    people = [p for p in people if p["person_id"] != "dee-dean"]
    people_csv = project / "datasets" / "people.csv"
    rows = read_rows(people_csv)
    for p in people:
        rows.append([p["person_id"], p["name"], p["honorific"], "councillor", "testshire",
                     p["position"], p["source"]])  # fmt: skip
    write_rows(people_csv, rows)
    observations_csv = project / "datasets" / "observations.csv"
    rows = read_rows(observations_csv)
    for n, value in enumerate(values):
        rows.append(["testshire-caseload", f"2000-01-{n + 1:02d}", "actual", value, "", "", "x"])
    write_rows(observations_csv, rows)

    assert validate_or_report(project).problems == ()
    build(Project.at(project), base / "site")

    downloaded = json.loads((base / "site" / "data" / "people.json").read_text("utf-8"))
    by_id = {r["person_id"]: r for r in downloaded}
    for p in people:
        got = by_id[p["person_id"]]
        for key in ("name", "honorific", "position", "source"):
            assert got[key] == (p[key] or None), key
    downloaded = json.loads((base / "site" / "data" / "observations.json").read_text("utf-8"))
    by_date = {r["period_end"]: r for r in downloaded if r["indicator_id"] == "testshire-caseload"}
    for n, value in enumerate(values):
        got = by_date[f"2000-01-{n + 1:02d}"]["value"]
        assert got == (float(value) if "." in value else int(value))
        assert type(got) is (float if "." in value else int)


def test_scratch_project_is_restored(scratch: Path) -> None:
    """The shared project is back to the fixture after the examples above."""
    for path in (FIXTURES / "minimal").rglob("*"):
        if path.is_file() and ".cache" not in path.parts:
            assert (scratch / path.relative_to(FIXTURES / "minimal")).read_bytes() == (
                path.read_bytes()
            ), path
