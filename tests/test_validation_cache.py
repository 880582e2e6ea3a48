"""The validation cache: typed rows of tables proved valid are remembered by content hash,
used only for the very same file and schema, and never change what validation finds."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import minimal_project

from scrutiny.build import load_model
from scrutiny.incremental import keys, remembered
from scrutiny.incremental.keys import HASH_SLOT, Fingerprinter
from scrutiny.model import Model
from scrutiny.project import Project
from scrutiny.schema import package as package_module
from scrutiny.validate import run as validation_run
from scrutiny.validate import validate_project


@pytest.fixture
def project(tmp_path: Path) -> Project:
    return Project.at(minimal_project(tmp_path / "project"))


def kept(project: Project) -> list[Path]:
    return sorted((project.cache / "blobs" / "tables").glob("*.pickle"))


def cast_tables(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The names of the tables the typed pass reads this time."""
    seen: list[str] = []
    original = validation_run.check_table

    def spy(table, text, shown):
        seen.append(table.name)
        return original(table, text, shown)

    monkeypatch.setattr(validation_run, "check_table", spy)
    return seen


def test_unchanged_tables_are_not_cast_again(project: Project, monkeypatch) -> None:
    cold = validate_project(project)
    assert cold.valid and len(kept(project)) == len(cold.rows)
    seen = cast_tables(monkeypatch)
    warm = validate_project(project)
    assert seen == []
    assert warm.rows == cold.rows == validate_project(project, use_cache=False).rows


def test_a_changed_table_is_read_again_and_its_problem_reported(project: Project, monkeypatch):
    validate_project(project)
    path = project.datasets / "observations.csv"
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    fields = lines[2].split(",")
    fields[3] = "twelve"
    lines[2] = ",".join(fields)
    path.write_text("".join(lines), encoding="utf-8")
    seen = cast_tables(monkeypatch)
    result = validate_project(project)
    assert seen == ["observations"]
    assert [(p.path, p.line, p.field) for p in result.problems] == [
        ("datasets/observations.csv", 3, "value")
    ]


def test_a_changed_schema_is_not_served_from_the_cache(project: Project, monkeypatch) -> None:
    validate_project(project)
    schema = project.datasets / "schemas" / "councils.schema.yaml"
    schema.write_text(
        schema.read_text(encoding="utf-8").replace("description:", "description: Changed.", 1),
        encoding="utf-8",
    )
    seen = cast_tables(monkeypatch)
    validate_project(project)
    assert seen == ["councils"]


def test_a_damaged_cache_file_is_ignored(project: Project, monkeypatch) -> None:
    cold = validate_project(project)
    for path in kept(project):
        path.write_bytes(b"not a pickle")
    seen = cast_tables(monkeypatch)
    assert validate_project(project).rows == cold.rows
    assert len(seen) == len(cold.rows)


def test_without_the_cache_nothing_is_kept(project: Project) -> None:
    assert validate_project(project, use_cache=False).valid
    assert not project.cache.exists()


def test_remembered_rows_are_read_only_when_a_check_needs_them(
    project: Project, monkeypatch: pytest.MonkeyPatch
) -> None:
    """After a one-table edit, the remembered tables no join or rule of that table reads are
    never unpickled (until someone asks for their rows)."""
    validate_project(project)
    path = project.datasets / "observations.csv"
    path.write_text(path.read_text(encoding="utf-8").replace(",21,", ",22,", 1), encoding="utf-8")
    loaded: list[bytes] = []
    original = remembered._unpickled
    monkeypatch.setattr(
        remembered, "_unpickled", lambda kept: loaded.append(kept) or original(kept)
    )
    result = validate_project(project)
    assert result.valid
    tables = len(result.rows)
    assert 0 < len(loaded) < tables - 1  # what the joins and rules of observations read
    assert result.rows == validate_project(project, use_cache=False).rows
    assert len(loaded) == tables - 1  # asking for every table's rows loads the rest


def test_schemas_found_valid_are_not_checked_against_the_standard_again(
    project: Project, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The standard's check (frictionless) runs for a schema not seen before, or changed;
    with --no-cache, for every schema."""
    checked: list[str] = []
    original = package_module._check_schema

    def spy(schema, shown):
        checked.append(shown)
        original(schema, shown)

    monkeypatch.setattr(package_module, "_check_schema", spy)
    tables = len(validate_project(project).package.tables)
    assert len(checked) == tables
    checked.clear()
    validate_project(project)
    assert checked == []
    schema = project.datasets / "schemas" / "committees.schema.yaml"
    schema.write_text(
        schema.read_text(encoding="utf-8").replace("description:", "description: Now", 1),
        encoding="utf-8",
    )
    validate_project(project)
    assert checked == ["datasets/schemas/committees.schema.yaml"]
    checked.clear()
    validate_project(project, use_cache=False)
    assert len(checked) == tables


def fresh_model(project: Project) -> tuple[validation_run.Validated, Model]:
    """The project's validated tables and a model of them whose records are not hashed yet."""
    validated, model = load_model(project, use_cache=True)
    assert not any(
        hasattr(record, HASH_SLOT) for records in model.tables.values() for record in records
    )
    return validated, model


def hashes_as_made_afresh(model: Model) -> dict[str, list[str]]:
    fingerprint = Fingerprinter()
    return {name: [fingerprint(r) for r in records] for name, records in model.tables.items()}


def test_records_are_given_the_hashes_kept_for_their_table(
    project: Project, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Each table's records are hashed once per change of its file: another process (a new
    model) is given the kept hashes, the very ones hashing its records would make."""
    validated, model = fresh_model(project)
    remembered.hash_records(project, model.tables, validated.keys)
    assert len(list((project.cache / "blobs" / "tables").glob("*.hashes"))) == len(model.tables)
    hashed: list[object] = []
    original = keys._record_digest
    monkeypatch.setattr(
        keys,
        "_record_digest",
        lambda r: (keys.has_hash_slot(r) and hashed.append(r)) or original(r),
    )
    validated, again = fresh_model(project)
    remembered.hash_records(project, again.tables, validated.keys)
    assert hashed == []
    given = {name: [getattr(r, HASH_SLOT).hex() for r in rs] for name, rs in again.tables.items()}
    assert given == hashes_as_made_afresh(fresh_model(project)[1])

    hashed.clear()
    path = project.datasets / "observations.csv"
    path.write_text(path.read_text(encoding="utf-8").replace(",21,", ",22,", 1), encoding="utf-8")
    validated, edited = fresh_model(project)
    remembered.hash_records(project, edited.tables, validated.keys)
    assert {type(r).table for r in hashed} == {"observations"}  # the edited table alone
    given = {name: [getattr(r, HASH_SLOT).hex() for r in rs] for name, rs in edited.tables.items()}
    assert given == hashes_as_made_afresh(fresh_model(project)[1])


def test_kept_hashes_that_do_not_fit_are_made_again(project: Project) -> None:
    validated, model = fresh_model(project)
    records = model.tables["observations"]
    assert not keys.restore_record_hashes(records, b"\0" * 16 * (len(records) - 1))
    assert not any(hasattr(record, HASH_SLOT) for record in records)  # none given
    remembered.remember(
        project.cache / "blobs" / "tables",
        "observations.hashes",
        validated.keys["observations"],
        b"\0" * 16,
    )
    remembered.hash_records(project, model.tables, validated.keys)
    assert [getattr(r, HASH_SLOT).hex() for r in records] == hashes_as_made_afresh(
        fresh_model(project)[1]
    )["observations"]
