"""Each page family declares the inputs its outputs are made from (`Family.made_from`): while
none of them changed, the build takes its outputs' keys from the last build without hashing
them again. A family that read an undeclared input would keep a stale page, so every family is
run with each input it does not declare replaced by one that fails when read, and its outputs
are hashed as the build would."""

from __future__ import annotations

import dataclasses
from pathlib import Path
from typing import Any, NoReturn

import pytest
from conftest import ROOT, minimal_project

from scrutiny.build import build, load_inputs, tracked_roots
from scrutiny.incremental.graph import Keys
from scrutiny.incremental.keys import Unkeyable
from scrutiny.incremental.tracking import Roots
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


def reads(family: Family, inputs: Inputs) -> set[str]:
    """The fields of `inputs` the family reads while it makes its outputs, or that its
    outputs' static keys hash by value (a tracked root counts only by its name)."""
    found = set()
    for name in FIELDS:
        unreadable = dataclasses.replace(inputs, **{name: Unreadable(name)})
        fingerprint = Roots(tracked_roots(unreadable)).fingerprinter()
        try:
            for output in family.outputs(unreadable):
                if isinstance(output, Page):
                    fingerprint((output.path, output.template, output.title, output.context))
                elif isinstance(output, Generated):
                    fingerprint((output.path, output.make, output.args))
        except (UndeclaredRead, Unkeyable):
            found.add(name)
    return found


@pytest.fixture(scope="module")
def projects(tmp_path_factory: pytest.TempPathFactory) -> list[Inputs]:
    minimal = minimal_project(tmp_path_factory.mktemp("family-reads") / "minimal")
    return [load_inputs(Project.at(root)) for root in (ROOT, minimal)]


@pytest.mark.parametrize("family", FAMILIES, ids=[f.name for f in FAMILIES])
def test_a_family_reads_only_what_it_declares(family: Family, projects: list[Inputs]) -> None:
    found = [reads(family, inputs) for inputs in projects]
    for read in found:
        assert read <= family.made_from, f"{family.name} reads {sorted(read - family.made_from)}"
    unused = family.made_from - set().union(*found)
    assert not unused, f"{family.name} declares {sorted(unused)} but reads none of it"


def test_an_undeclared_read_is_caught(projects: list[Inputs]) -> None:
    """The check itself: a family that reads the date without declaring it is found."""

    def dated(inputs: Inputs) -> list[Path]:
        return [Path(f"{inputs.today:%Y}")]

    family = Family("dated", dated, frozenset({"model"}))  # type: ignore[arg-type]
    assert reads(family, projects[0]) == {"today"}


def test_a_minutes_edit_hashes_only_the_outputs_of_families_made_from_the_minutes(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The meeting page shows the edit (its trace read the minutes), and the families whose
    declared inputs did not change kept their outputs' keys without hashing them."""
    monkeypatch.setenv("SCRUTINY_JOBS", "1")  # in this process, where the spy is
    project = Project.at(minimal_project(tmp_path / "project"))
    build(project)
    minutes = project.minutes / "testshire-cyp-2017-01-10.md"
    minutes.write_text(minutes.read_text(encoding="utf-8") + "\nA late line.\n", "utf-8")
    hashed: list[str] = []
    hash_static = Keys.hash_static
    monkeypatch.setattr(
        Keys,
        "hash_static",
        lambda keys, output: hashed.append(output.path) or hash_static(keys, output),
    )
    result = build(project)
    page = project.default_output / "meetings" / "testshire-cyp-2017-01-10" / "index.html"
    assert "A late line." in page.read_text(encoding="utf-8")
    assert result.rendered == 2  # the meeting's page and its JSON twin
    from_minutes = {
        output.path
        for family, output in collect(load_inputs(project))
        if "minutes" in family.made_from and isinstance(output, Page | Generated)
    }
    assert from_minutes and sorted(hashed) == sorted(from_minutes)
