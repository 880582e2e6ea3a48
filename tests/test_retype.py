"""Typing only the changed lines (validate/retype.py): after any run of edits, what a read
through LastReads gives (typed rows, problems, the model's records) is what a full read of the
edited table and a model made from scratch give, value for value and type for type."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import minimal_project
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from scrutiny.incremental.keys import table_key
from scrutiny.model import Model
from scrutiny.project import Project
from scrutiny.schema.package import DataPackage, load_package
from scrutiny.validate import run as validate_run
from scrutiny.validate import validate_project
from scrutiny.validate.retype import LastReads

SHOWN = "datasets/observations.csv"


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory) -> Project:
    return Project.at(minimal_project(tmp_path_factory.mktemp("retype") / "project"))


# Cells an officer might type in each column: another row's key parts (a repeated key), the
# same number written another way (21 and 21.0 are equal but not the same value), a bad value,
# an empty required cell, a quote, a control character.
COLUMNS = [
    ["testshire-caseload", "testshire-care-leavers-eet", "no-such-indicator"],
    ["2016-03-31", "2017-03-31", "2017-02-30", ""],
    ["actual", "target", "statistical-neighbours", "guess"],
    ["21", "21.0", "23.5", "abc", ""],
    ["2016/17", "", '"2016/17"'],
    ["", "a note", "a\x07bell"],
    ["fixture", ""],
]
CELL = st.integers(min_value=0, max_value=6).flatmap(
    lambda column: st.tuples(
        st.just("cell"), st.integers(min_value=0), st.just(column), st.sampled_from(COLUMNS[column])
    )
)
LINE = st.tuples(
    st.sampled_from(["copy", "drop", "blank", "crlf"]), st.integers(min_value=0), st.just(0)
)
EDIT = st.one_of(CELL, CELL, CELL, LINE)  # mostly cells
BATCH = st.tuples(st.lists(EDIT, min_size=1, max_size=3), st.booleans())  # and model made?


def edited(text: str, edits: list[tuple]) -> str:
    lines = text.rstrip("\n").split("\n")
    for kind, row, *rest in edits:
        index = 1 + row % (len(lines) - 1) if len(lines) > 1 else 0
        if kind == "cell" and index:
            cells = lines[index].split(",")
            cells[rest[0] % len(cells)] = rest[1]
            lines[index] = ",".join(cells)
        elif kind == "copy":
            lines.append(lines[index])
        elif kind == "drop" and index:
            del lines[index]
        elif kind == "blank" and index:
            lines[index] = ""
        elif kind == "crlf":
            lines = [line.removesuffix("\r") + "\r" for line in lines]
    return "\n".join(lines) + "\n"


def primed(project: Project, package: DataPackage) -> tuple[LastReads, Model]:
    validated = validate_project(project, use_cache=False)
    model = Model(validated.package, {k: list(v) for k, v in validated.rows.items()})
    keys = {t.name: table_key(t, t.path.read_bytes()) for t in package.tables}
    reads = LastReads()
    reads.prime(package, keys, model)
    return reads, model


@settings(max_examples=400, deadline=None, suppress_health_check=list(HealthCheck))
@given(st.lists(BATCH, min_size=1, max_size=6))
def test_a_read_through_last_reads_gives_what_a_full_read_gives(
    project: Project, batches: list
) -> None:
    package = load_package(project)
    table = package.table("observations")
    original = table.path.read_text(encoding="utf-8")
    reads, previous = primed(project, package)
    text = original
    try:
        for batch, make_model in batches:
            text = edited(text, batch)
            table.path.write_bytes(text.encode("utf-8"))
            rows, problems, complete = validate_run._table(table, SHOWN, reads)
            full_rows, full_problems, full_complete = validate_run._table(table, SHOWN)
            assert sorted(set(problems), key=repr) == sorted(set(full_problems), key=repr)
            assert (rows, complete) == (full_rows, full_complete)
            assert repr(rows) == repr(full_rows)  # values of one type: 21 is not 21.0
            if problems or not make_model:
                continue
            assert rows is not None and full_rows is not None
            model = reads.model(package, {"observations": rows}, previous)
            fresh = Model(package, {"observations": list(full_rows)}, previous)
            for name in ("observations", "observations_by_indicator"):
                made, expected = getattr(model, name), getattr(fresh, name)
                assert made == expected  # records of one class
                assert repr(made) == repr(expected)  # and of one type of value
            previous = model
    finally:
        table.path.write_text(original, encoding="utf-8")


def test_a_first_edit_types_one_row(project: Project, monkeypatch: pytest.MonkeyPatch) -> None:
    """Primed from the loaded model, even the table's first edit types the changed row alone,
    and the value typed is the new one (the float of "22.0", not the int of "22")."""
    package = load_package(project)
    table = package.table("observations")
    original = table.path.read_text(encoding="utf-8")
    reads, _ = primed(project, package)
    checked: list[int] = []
    real = validate_run.check_table
    monkeypatch.setattr(
        "scrutiny.validate.retype.check_table",
        lambda table, text, shown: checked.append(len(text.lines)) or real(table, text, shown),
    )
    try:
        for value in ("22", "22.0"):
            Path(table.path).write_text(
                original.replace(",actual,21,", f",actual,{value},", 1), encoding="utf-8"
            )
            rows, problems, _ = validate_run._table(table, SHOWN, reads)
            assert problems == []
    finally:
        table.path.write_text(original, encoding="utf-8")
    assert checked == [1, 1]
    assert rows is not None
    value = next(r["value"] for r in rows if r["period_end"].year == 2017)
    assert repr(value) == "22.0"


def test_rows_typed_between_two_models_all_get_new_records(project: Project) -> None:
    """Two edits, the model made only after the second (the first edit's page was not open,
    or another table had a problem): both edited rows get new records."""
    package = load_package(project)
    table = package.table("observations")
    original = table.path.read_text(encoding="utf-8")
    reads, previous = primed(project, package)
    first = original.replace(",actual,21,", ",actual,22,", 1)
    second = first.replace(",target,18,", ",target,19,", 1)
    try:
        for text in (first, second):
            table.path.write_text(text, encoding="utf-8")
            rows, problems, _ = validate_run._table(table, SHOWN, reads)
            assert problems == []
        assert rows is not None
        model = reads.model(package, {"observations": rows}, previous)
    finally:
        table.path.write_text(original, encoding="utf-8")
    values = [o.value for o in model.observations if o.indicator_id == "testshire-caseload"]
    assert values == [24, 22, 19, 17.5]
