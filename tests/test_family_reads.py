"""Each page family declares the inputs its outputs are made from (`Family.made_from`): while
none of them changed, the build takes its outputs' keys from the last build without hashing
them again. A family that read an undeclared input would keep a stale page, so every family is
run with each input it does not declare replaced by one that fails when read, and its outputs
are hashed as the build would."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator, Mapping
from dataclasses import replace
from pathlib import Path
from typing import Any, NoReturn

import pytest
from conftest import ROOT, minimal_project

from scrutiny.build import build, load_inputs, tracked_roots
from scrutiny.incremental.graph import Keys
from scrutiny.incremental.keys import Unkeyable
from scrutiny.incremental.tracking import Roots
from scrutiny.model import Model, reads_by_attribute
from scrutiny.outputs import Generated, Page
from scrutiny.pages import FAMILIES, Family, collect
from scrutiny.pages.inputs import Inputs
from scrutiny.project import Project


class UndeclaredRead(Exception):
    pass


class Unreadable:
    """Stands for an input: reading it in any way fails, naming it."""

    def __init__(self, name: str) -> None:
        object.__setattr__(self, "_name", name)

    def _fail(self, *args: Any, **kwargs: Any) -> NoReturn:
        raise UndeclaredRead(object.__getattribute__(self, "_name"))

    __getattr__ = __getitem__ = __iter__ = __len__ = __contains__ = __bool__ = _fail
    __call__ = __eq__ = __lt__ = __le__ = __gt__ = __ge__ = __hash__ = _fail
    __str__ = __format__ = __fspath__ = __truediv__ = __rtruediv__ = __reversed__ = _fail


FIELDS = [f.name for f in dataclasses.fields(Inputs)]


class WatchedModel:
    """Stands for the model: records which tables are read through it (`model:<table>`, or
    `model` for a read that is not of one table), and hands back what was read."""

    def __init__(self, model: Model) -> None:
        self._model = model
        self._tables = reads_by_attribute(model)
        self.read: set[str] = set()

    def __getattr__(self, name: str) -> Any:
        tables = self._tables.get(name)
        if tables is None:
            self.read.add("model")
        elif tables == ("*",):  # model.tables: read by the name looked up
            return WatchedTables(self._model.tables, self.read)
        else:
            self.read |= {f"model:{table}" for table in tables}
        return getattr(self._model, name)


class WatchedTables(Mapping):
    def __init__(self, tables: Mapping[str, Any], read: set[str]) -> None:
        self._tables, self._read = tables, read

    def __getitem__(self, name: str) -> Any:
        self._read.add(f"model:{name}")
        return self._tables[name]

    def __iter__(self) -> Iterator[str]:
        self._read.add("model")
        return iter(self._tables)

    def __len__(self) -> int:
        self._read.add("model")
        return len(self._tables)


def reads(family: Family, inputs: Inputs) -> set[str]:
    """The fields of `inputs` the family reads while it makes its outputs, or that its
    outputs' static keys hash by value (a tracked root counts only by its name); of the
    model, the tables it reads."""
    found = set()
    for name in FIELDS:
        if name != "model" and not made(family, replace(inputs, **{name: Unreadable(name)})):
            found.add(name)
    model = WatchedModel(inputs.model)
    assert made(family, replace(inputs, model=model), {model: "model"})
    return found | model.read


def made(family: Family, inputs: Inputs, roots: Mapping[Any, str] | None = None) -> bool:
    """Whether the family makes its outputs, and the build could hash them, from `inputs`
    (False if it read an input that fails when read). `roots`: stand-ins for tracked roots."""
    fingerprint = Roots(tracked_roots(inputs)).fingerprinter()
    for stand_in, name in (roots or {}).items():
        fingerprint.register(stand_in, repr((name,)))
    try:
        for output in family.outputs(inputs):
            if isinstance(output, Page):
                fingerprint((output.path, output.template, output.title, output.context))
            elif isinstance(output, Generated):
                fingerprint((output.path, output.make, output.args))
    except (UndeclaredRead, Unkeyable):
        return False
    return True


@pytest.fixture(scope="module")
def projects(tmp_path_factory: pytest.TempPathFactory) -> list[Inputs]:
    minimal = minimal_project(tmp_path_factory.mktemp("family-reads") / "minimal")
    return [load_inputs(Project.at(root)) for root in (ROOT, minimal)]


@pytest.mark.parametrize("family", FAMILIES, ids=[f.name for f in FAMILIES])
def test_a_family_reads_only_what_it_declares(family: Family, projects: list[Inputs]) -> None:
    declared = family.made_from
    found = [reads(family, inputs) for inputs in projects]
    for read in found:
        if "model" in declared:  # the whole model: every table of it
            read = {name for name in read if not name.startswith("model:")}
        assert read <= declared, f"{family.name} reads {sorted(read - declared)}"
    read = set().union(*found)
    if any(name.startswith("model") for name in read):
        read.add("model")
    unused = declared - read
    assert not unused, f"{family.name} declares {sorted(unused)} but reads none of it"


def test_an_undeclared_read_is_caught(projects: list[Inputs]) -> None:
    """The check itself: a family that reads the date without declaring it is found."""

    def dated(inputs: Inputs) -> list[Path]:
        return [Path(f"{inputs.today:%Y}")]

    family = Family("dated", dated, frozenset({"model"}))  # type: ignore[arg-type]
    assert reads(family, projects[0]) == {"today"}


def edit_minutes(project: Project) -> tuple[str, str]:
    minutes = project.minutes / "testshire-cyp-2017-01-10.md"
    minutes.write_text(minutes.read_text(encoding="utf-8") + "\nA late line.\n", "utf-8")
    return "meetings/testshire-cyp-2017-01-10/index.html", "A late line."


def edit_observation(project: Project) -> tuple[str, str]:
    path = project.datasets / "observations.csv"
    row = "testshire-caseload,2017-03-31,actual,21,"
    text = path.read_text(encoding="utf-8")
    assert row in text
    path.write_text(text.replace(row, row.replace(",21,", ",23,")), encoding="utf-8")
    return "indicators/testshire-caseload/index.html", "23"


@pytest.mark.parametrize(
    ("edit", "changed"),
    [(edit_minutes, {"minutes"}), (edit_observation, {"model", "model:observations"})],
)
def test_an_edit_hashes_only_the_outputs_of_the_families_made_from_what_changed(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, edit, changed: set[str]
) -> None:
    """The page shows the edit (its trace read what changed), and the families whose
    declared inputs did not change kept their outputs' keys without hashing them."""
    monkeypatch.setenv("SCRUTINY_JOBS", "1")  # in this process, where the spy is
    project = Project.at(minimal_project(tmp_path / "project"))
    build(project)
    page, shown = edit(project)
    hashed: list[str] = []
    hash_static = Keys.hash_static
    monkeypatch.setattr(
        Keys,
        "hash_static",
        lambda keys, output: hashed.append(output.path) or hash_static(keys, output),
    )
    build(project)
    assert shown in (project.default_output / page).read_text(encoding="utf-8")
    made_from_it = {
        output.path
        for family, output in collect(load_inputs(project))
        if family.made_from & changed and isinstance(output, Page | Generated)
    }
    assert made_from_it and sorted(hashed) == sorted(made_from_it)
    assert "meetings/testshire-cyp-2017-01-10/index.html" not in made_from_it - {page}
