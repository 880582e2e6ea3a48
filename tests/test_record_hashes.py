"""The model's record hashes, made once before the worker pool forks and kept between builds by
each table's version (incremental/record_hashes.py): a kept hash is exactly the one hashing
the record gives, and only a table whose version changed is hashed again."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import pytest
from conftest import minimal_project

from scrutiny.build import load_model
from scrutiny.incremental import keys, record_hashes
from scrutiny.incremental.keys import Fingerprinter, give_record_hashes
from scrutiny.project import Project

Tables = Mapping[str, Sequence[Any]]


def fresh_tables(project: Path) -> Tables:
    """The project's records, none of them hashed yet."""
    return load_model(Project.at(project), use_cache=False)[1].tables


def kept_on(record: Any) -> bytes | None:
    """The hash a record keeps on itself, or None."""
    try:
        return keys._hash_slot(type(record)).__get__(record)
    except AttributeError:
        return None


def hashed_by_hand(tables: Tables) -> dict[str, list[bytes]]:
    return {name: [Fingerprinter().raw(r) for r in records] for name, records in tables.items()}


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return minimal_project(tmp_path_factory.mktemp("hashes") / "project")


def test_kept_hashes_are_the_records_own_and_only_a_changed_table_is_hashed_again(
    project: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = tmp_path / "record-hashes"
    expected = hashed_by_hand(fresh_tables(project))
    versions = {name: f"v1-{name}" for name in expected}
    first = fresh_tables(project)
    record_hashes.hash_records(folder, first, versions)
    assert {n: [kept_on(r) for r in records] for n, records in first.items()} == expected

    made: list[int] = []
    real = record_hashes.record_hashes
    monkeypatch.setattr(record_hashes, "record_hashes", lambda rs: made.append(len(rs)) or real(rs))
    second = fresh_tables(project)
    record_hashes.hash_records(folder, second, versions)
    assert made == []  # every table's hashes were kept
    assert {n: [kept_on(r) for r in records] for n, records in second.items()} == expected
    assert Fingerprinter()(tuple(second["people"])) == Fingerprinter()(tuple(first["people"]))

    third = fresh_tables(project)
    record_hashes.hash_records(folder, third, {**versions, "people": "v2-people"})
    assert made == [len(third["people"])]
    assert [kept_on(r) for r in third["people"]] == expected["people"]


def test_a_damaged_or_mismatched_entry_is_hashed_again(project: Path, tmp_path: Path) -> None:
    folder = tmp_path / "record-hashes"
    expected = hashed_by_hand(fresh_tables(project))
    versions = {name: f"v1-{name}" for name in expected}
    record_hashes.hash_records(folder, fresh_tables(project), versions)
    entry = folder / "people"
    entry.write_bytes(entry.read_bytes()[:-1] + b"\0")  # a flipped byte: the seal breaks
    again = fresh_tables(project)
    record_hashes.hash_records(folder, again, versions)
    assert [kept_on(r) for r in again["people"]] == expected["people"]

    people = fresh_tables(project)["people"]
    assert not give_record_hashes(people, b"".join(expected["people"])[16:])  # one too few
    assert all(kept_on(r) is None for r in people)
    assert give_record_hashes(people, b"".join(expected["people"]))
    assert [kept_on(r) for r in people] == expected["people"]
