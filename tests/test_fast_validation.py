"""Each check is defined once (validate/constraints.py and keys.py): the quick proof of a large
table, column by column, and the worded report, row by row, come from the same judgement of a
cell, so they cannot disagree; and what the checks accept is what frictionless-py, the
published standard, accepts too."""

from __future__ import annotations

import datetime as dt
import tempfile
from dataclasses import replace
from pathlib import Path

import pytest
from conftest import minimal_project
from frictionless import Field as FrictionlessField

from scrutiny.project import Project
from scrutiny.schema.checks import FIELD_TYPES
from scrutiny.schema.package import Field, Table, load_package
from scrutiny.textfiles import CONTROL
from scrutiny.validate import shifts, structure
from scrutiny.validate.constraints import CONSTRAINTS, Failure, FieldChecks, TableChecks
from scrutiny.validate.structure import CsvText, read_csv
from scrutiny.validate.tables import check_table

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = load_package(Project.at(ROOT))
# The minimal fixture with the project's schemas, as the corpus uses it.
MINIMAL = load_package(Project.at(minimal_project(Path(tempfile.mkdtemp()) / "minimal")))
# Values a person or a spreadsheet might put in any cell.
TRICKY = [
    "",
    " ",
    "x",
    "Held",
    "held ",
    "ann-able",
    "Ann-Able",
    "ann able",
    "-",
    "0",
    "-1",
    "007",
    "12.5",
    "1,968",
    "1e5",
    "NaN",
    "45%",
    "true",
    "TRUE",
    "yes",
    "2017-02-30",
    "2017-03-14",
    "14/03/2017",
    "2019-W01-1",
    "20170314",
    "14:00",
    "14:00:00",
    "25:00:00",
    "14:00+01",
    "2017",
    "2017-03-14T14:00:00",
    "12\n",
]


def _judged_row_by_row(table: Table, text: CsvText) -> tuple[list[dict], list[tuple]]:
    """The plainest reading of the definition: each cell of each row judged on its own."""
    fields = TableChecks(table).fields
    records, failures = [], []
    for row, line in zip(text.rows, text.lines, strict=True):
        values = [checks.judge(cell) for checks, cell in zip(fields, row, strict=True)]
        records.append({**dict(zip(table.field_names, values, strict=True)), "_line": line})
        failures += [
            (line, checks.field.name, value.message, value.hint, value.rule)
            for checks, value in zip(fields, values, strict=True)
            if isinstance(value, Failure)
        ]
    return records, failures


@pytest.mark.parametrize("table", PACKAGE.tables, ids=lambda t: t.name)
def test_the_example_is_typed_as_each_cell_is_judged(table: Table) -> None:
    text, problems = read_csv(table, table.name)
    assert text is not None and text.complete and not problems
    records, problems = check_table(table, text, table.name)
    assert not problems
    assert (records, []) == _judged_row_by_row(table, text)


WITH_ROWS = [t for t in MINIMAL.tables if len(t.path.read_text(encoding="utf-8").splitlines()) > 1]


@pytest.mark.parametrize("table", WITH_ROWS, ids=lambda t: t.name)
def test_each_failed_value_is_reported_as_it_is_judged(table: Table) -> None:
    """Every tricky value in every column, one row at a time: the column pass reports exactly
    the failures (message, hint and rule) that judging that row's cells gives."""
    text, _ = read_csv(table, table.name)
    assert text is not None
    for index in range(len(table.fields)):
        for value in TRICKY:
            row = list(text.rows[0])
            row[index] = value
            changed = CsvText.from_rows(text.header, [row, *text.rows[1:]], text.lines)
            _, problems = check_table(table, changed, table.name)
            found = [(p.line, p.field, p.message, p.hint, p.rule) for p in problems]
            cells = [p for p in found if p[-1] not in ("primary-key", "unique")]
            assert cells == _judged_row_by_row(table, changed)[1], (table.name, index, value)


def _frictionless(table: Table, name: str) -> FrictionlessField:
    descriptor = next(f for f in table.schema["fields"] if f["name"] == name)
    return FrictionlessField.from_descriptor(descriptor)


def _same(ours: object, theirs: object) -> bool:
    if isinstance(ours, int | float) and not isinstance(ours, bool):
        return float(theirs) == ours  # frictionless reads numbers as Decimal
    return ours == theirs


@pytest.mark.parametrize("table", PACKAGE.tables, ids=lambda t: t.name)
def test_what_the_checks_accept_frictionless_accepts(table: Table) -> None:
    """The published package must pass `frictionless validate`: every value our checks accept
    frictionless accepts as the same value, and a value that breaks one of the schema's
    constraints breaks it for frictionless too. (Types are read more strictly here: no ISO
    week dates, exponents or NaN.)"""
    for checks in TableChecks(table).fields:
        theirs = _frictionless(table, checks.field.name)
        for cell in TRICKY:
            ours = checks.judge(cell)
            value, notes = theirs.read_cell(cell)
            if not isinstance(ours, Failure):
                assert not notes and _same(ours, value), (checks.field.name, cell, notes)
            elif ours.rule in (*CONSTRAINTS, "required") and not cell.endswith("\n"):
                # (frictionless lets a pattern's `$` match before a final line break; not us)
                assert ours.rule in (notes or {}), (checks.field.name, cell, ours, notes)


def test_dates_and_numbers_are_read_strictly() -> None:
    """A subset of frictionless's forms: what passes here reads the same everywhere."""
    fields = {f.field.name: f for f in TableChecks(PACKAGE.table("observations")).fields}
    assert fields["period_end"].judge("2017-03-31") == dt.date(2017, 3, 31)
    assert fields["value"].judge("12.5") == 12.5
    for cell in ("2019-W01-1", "20170331", "2017-3-31"):
        assert fields["period_end"].judge(cell).rule == "type"
    for cell in ("1e5", "NaN", "1,968", "12\n"):
        assert fields["value"].judge(cell).rule == "type"


@pytest.mark.parametrize("table", PACKAGE.tables, ids=lambda t: t.name)
def test_one_sweep_reads_the_same_records_and_lines_as_record_by_record(table: Table) -> None:
    text = table.path.read_bytes().removeprefix(structure.BYTE_ORDER_MARK).decode("utf-8")
    swept = structure._records(text, table.name)
    assert swept[:2] == structure._records_one_by_one(text, table.name)[:2]


def test_a_cell_over_the_limit_is_read_record_by_record() -> None:
    text = "a,b\n1,2\n3," + "x" * (structure.MAX_CELL + 1) + "\n"
    records, lines, swept, problems = structure._records(text, "t.csv")
    assert not swept and not problems and lines == [1, 2, 3]
    assert len(records[2][1]) == structure.MAX_CELL + 1


def test_a_repeated_key_names_both_lines() -> None:
    table = MINIMAL.table("councils")
    text, _ = read_csv(table, table.name)
    assert text is not None
    doubled = CsvText.from_rows(text.header, [*text.rows, text.rows[0]], [*text.lines, 99])
    _, problems = check_table(table, doubled, table.name)
    assert [(p.line, p.rule, p.message) for p in problems] == [
        (99, "primary-key", "duplicate key: the same key is already on line 2")
    ]


def test_more_than_one_value_too_many_or_too_few() -> None:
    fields = TableChecks(MINIMAL.table("people")).fields
    row = ["ann-able", "Ann Able", "County Councillor", "councillor", "testshire", "", "fixture"]
    assert "9 values but the header has 7" in shifts.ragged(fields, [*row, "a", "b"]).message
    assert "5 values but the header has 7" in shifts.ragged(fields, row[:5]).message


def test_the_quick_control_character_test_agrees_with_the_cell_search() -> None:
    """The whole-file test on bytes finds exactly the characters CONTROL finds in a cell."""
    for code in [*range(0x3000), 0xFFFD, 0xFFFE, 0xFFFF, 0x10000]:
        char = chr(code)
        found = structure.may_have_control(f"a{char}£".encode())
        assert found == bool(CONTROL.search(char)), hex(code)


@pytest.mark.parametrize("kind", sorted(FIELD_TYPES))
def test_every_type_a_schema_may_use_reads_a_subset_of_frictionless(kind: str) -> None:
    """Every type schema/checks.py allows, not only those the example uses."""
    ours = FieldChecks(Field("x", kind, "", False, {}), frozenset([""]), "default")
    theirs = FrictionlessField.from_descriptor({"name": "x", "type": kind})
    for cell in TRICKY:
        value = ours.judge(cell)
        if not isinstance(value, Failure):
            read, notes = theirs.read_cell(cell)
            assert not notes and _same(value, read), (kind, cell, notes)


def test_a_unique_field_names_the_earlier_line() -> None:
    table = MINIMAL.table("people")
    name = replace(table.field("name"), constraints={"required": True, "unique": True})
    unique = replace(table, fields=tuple(name if f.name == "name" else f for f in table.fields))
    text, _ = read_csv(table, table.name)
    assert text is not None
    again = [f"{text.rows[0][0]}-2", *text.rows[0][1:]]
    _, problems = check_table(
        unique, CsvText.from_rows(text.header, [*text.rows, again], [*text.lines, 9]), "t"
    )
    assert [(p.line, p.field, p.rule, p.message) for p in problems] == [
        (9, "name", "unique", "'Ann Able' is already on line 2")
    ]


def _read_by_the_csv_module(text: str, table: Table) -> CsvText:
    records, lines, _, problems = structure._records(text, table.name)
    assert not problems
    return CsvText.from_rows(records[0], records[1:], lines[1:])


@pytest.mark.parametrize("table", PACKAGE.tables, ids=lambda t: t.name)
def test_the_plain_text_reader_reads_the_example_as_the_csv_module_does(table: Table) -> None:
    text = table.path.read_bytes().removeprefix(structure.BYTE_ORDER_MARK).decode("utf-8")
    if '"' in text:
        assert structure._plain_columns(text, table) is None
        return
    plain = structure._plain_columns(text, table)
    assert plain is not None
    csv_read = _read_by_the_csv_module(text, table)
    assert (plain.header, plain.rows, list(plain.lines)) == (
        csv_read.header,
        csv_read.rows,
        list(csv_read.lines),
    )


@pytest.mark.parametrize(
    "body",
    [
        "",
        "a,b,c,d\n",
        "a,b,c,d",
        "a,b,c,d\n\n",
        "a,b,c,d\n\ne,f,g,h\n",
        ",,,\n",
        "a,b,c,d\r\n",
        '"a,1",b,c,d\n',
        "a,b,c\n",
        "a,b,c,d,e\n",
        "a,b,c,d\x85\u2028,x\n",
        "a,b,\x07,d\n",
    ],
)
def test_the_plain_text_reader_steps_aside_or_agrees(body: str) -> None:
    """Whatever the text, the plain reader either declines or reads what the csv module
    reads (and only declines when something needs the csv module or a worded problem)."""
    table = MINIMAL.table("councils")
    text = ",".join(table.field_names) + "\n" + body
    plain = structure._plain_columns(text, table)
    if plain is not None:
        csv_read = _read_by_the_csv_module(text, table)
        assert (plain.rows, list(plain.lines)) == (csv_read.rows, list(csv_read.lines))
