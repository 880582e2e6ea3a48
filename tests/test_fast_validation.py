"""The fast validation paths prove valid data in bulk; they must agree exactly with the
row-by-row readers (which word the problems) on every table of the example, and step aside
for the row readers whenever anything is unusual."""

from __future__ import annotations

from pathlib import Path

import pytest

from scrutiny.project import Project
from scrutiny.schema.package import load_package
from scrutiny.validate.structure import _parse_by_row, _parse_simple, read_csv
from scrutiny.validate.tables import _check_table_by_row, _typed_by_column

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = load_package(Project.at(ROOT))


@pytest.mark.parametrize("table", PACKAGE.tables, ids=lambda t: t.name)
def test_column_pass_matches_row_pass_on_the_example(table) -> None:
    text, problems = read_csv(table, table.name)
    assert text is not None and not problems
    by_row, row_problems = _check_table_by_row(table, text, table.name)
    assert not row_problems
    assert _typed_by_column(table, text, table.name) == by_row


@pytest.mark.parametrize("table", PACKAGE.tables, ids=lambda t: t.name)
def test_simple_reader_matches_row_reader_on_the_example(table) -> None:
    data = table.path.read_text(encoding="utf-8")
    simple = _parse_simple(data, table)
    by_row, problems = _parse_by_row(data, table.name, table)
    assert not problems
    assert simple is None or simple == by_row


def _meetings_text(body: str) -> str:
    return ",".join(PACKAGE.table("meetings").field_names) + "\n" + body


@pytest.mark.parametrize(
    "body",
    [
        "a,b\n",  # too few values
        "\n",  # an empty line
        '"x\ny",' + "," * 8 + "\n",  # a line break inside a cell
        "\x07" + "," * 9 + "\n",  # a control character
    ],
    ids=["ragged", "blank-line", "multi-line-cell", "control-character"],
)
def test_simple_reader_steps_aside_for_unusual_files(body: str) -> None:
    table = PACKAGE.table("meetings")
    assert _parse_simple(_meetings_text(body), table) is None


def test_column_pass_steps_aside_for_a_duplicate_key() -> None:
    table = PACKAGE.table("councils")
    text, _ = read_csv(table, table.name)
    assert text is not None
    doubled = type(text)(text.header, [*text.rows, text.rows[0]], [*text.lines, 99])
    assert _typed_by_column(table, doubled, table.name) is None
    _, problems = _check_table_by_row(table, doubled, table.name)
    assert [p.line for p in problems] == [99]
