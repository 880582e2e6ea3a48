"""Typing only the changed rows (validate/retype.py): after any run of edits, what LastReads
gives (typed rows, problems, the model's records) is what a full check of the edited table and
a model made from scratch give, value for value and type for type."""

from __future__ import annotations

import pytest
from conftest import minimal_project
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from scrutiny.model import Model
from scrutiny.project import Project
from scrutiny.schema.package import load_package
from scrutiny.validate import validate_project
from scrutiny.validate.retype import LastReads
from scrutiny.validate.structure import read_csv
from scrutiny.validate.tables import check_table

SHOWN = "datasets/observations.csv"


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory) -> Project:
    return Project.at(minimal_project(tmp_path_factory.mktemp("retype") / "project"))


# Cells an officer might type in each column: another row's key parts (a repeated key), the
# same number written another way (21 and 21.0 are equal but not the same value), a bad value,
# an empty required cell.
COLUMNS = [
    ["testshire-caseload", "testshire-care-leavers-eet", "no-such-indicator"],
    ["2016-03-31", "2017-03-31", "2017-02-30", ""],
    ["actual", "target", "statistical-neighbours", "guess"],
    ["21", "21.0", "23.5", "abc", ""],
    ["2016/17", ""],
    ["", "a note"],
    ["fixture", ""],
]
EDIT = st.integers(min_value=0, max_value=6).flatmap(
    lambda column: st.tuples(
        st.integers(min_value=0), st.just(column), st.sampled_from(COLUMNS[column])
    )
)
BATCH = st.tuples(st.lists(EDIT, min_size=1, max_size=3), st.booleans())  # and model made?


def edited(text: str, edits: list[tuple[int, int, str]]) -> str:
    lines = text.rstrip("\n").split("\n")
    for row, column, cell in edits:
        index = 1 + row % (len(lines) - 1)
        cells = lines[index].split(",")
        cells[column] = cell
        lines[index] = ",".join(cells)
    return "\n".join(lines) + "\n"


@settings(max_examples=150, deadline=None, suppress_health_check=list(HealthCheck))
@given(st.lists(BATCH, min_size=1, max_size=6))
def test_last_reads_give_what_a_full_check_gives(project: Project, batches: list) -> None:
    package = load_package(project)
    table = package.table("observations")
    original = table.path.read_text(encoding="utf-8")
    reads = LastReads()
    validated = validate_project(project, use_cache=False)
    previous = Model(validated.package, {k: list(v) for k, v in validated.rows.items()})
    text = original
    try:
        for batch, make_model in [([], True), *batches]:
            text = edited(text, batch)
            table.path.write_text(text, encoding="utf-8")
            csv_text, _ = read_csv(table, SHOWN)
            assert csv_text is not None
            full_rows, full_problems = check_table(table, csv_text, SHOWN)
            rows, problems = reads.check(table, csv_text, SHOWN)
            assert sorted(set(problems), key=repr) == sorted(set(full_problems), key=repr)
            assert rows == full_rows
            assert [list(map(type, r.values())) for r in rows] == [
                list(map(type, r.values())) for r in full_rows
            ]
            if problems or not make_model:
                continue
            model = reads.model(package, {"observations": rows}, previous)
            fresh = Model(package, {"observations": list(full_rows)}, previous)
            for name in ("observations", "observations_by_indicator"):
                made, expected = getattr(model, name), getattr(fresh, name)
                assert made == expected  # records of one class
                assert repr(made) == repr(expected)  # and of one type of value: 21 is not 21.0
            previous = model
    finally:
        table.path.write_text(original, encoding="utf-8")


def test_one_changed_cell_types_one_row(project: Project, monkeypatch: pytest.MonkeyPatch) -> None:
    table = load_package(project).table("observations")
    original = table.path.read_text(encoding="utf-8")
    checked: list[int] = []

    def counting(table, text, shown):
        checked.append(len(text.lines))
        return check_table(table, text, shown)

    monkeypatch.setattr("scrutiny.validate.retype.check_table", counting)
    reads = LastReads()
    try:
        for value in ("21", "22", "22.0"):
            table.path.write_text(
                original.replace(",actual,21,", f",actual,{value},", 1), encoding="utf-8"
            )
            csv_text, _ = read_csv(table, SHOWN)
            assert csv_text is not None
            rows, problems = reads.check(table, csv_text, SHOWN)
            assert problems == []
    finally:
        table.path.write_text(original, encoding="utf-8")
    assert checked == [len(csv_text.lines), 1, 1]
    value = next(r["value"] for r in rows if r["period_end"].year == 2017)
    assert repr(value) == "22.0"  # the float of "22.0", not the int of "22" kept
