"""Incremental builds: after each kind of change, the output is byte-identical to a cold build;
the cache changes nothing but time."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import pytest
from conftest import BUILD_EPOCH, minimal_project, run_scrutiny

from scrutiny import build as build_module
from scrutiny import pages
from scrutiny.incremental.keys import OutputStamp, SiteStamp
from scrutiny.incremental.store import PARTS, Store, read_sealed
from scrutiny.pages import Family, Output
from scrutiny.pages.inputs import Inputs
from scrutiny.project import Project

MINUTES = "content/minutes/testshire-cyp-2017-01-10.md"
JOBS = {"SCRUTINY_JOBS": "2"}  # the process pool, even for a small site


def tree(root: Path) -> dict[str, bytes]:
    return {
        p.relative_to(root).as_posix(): p.read_bytes()
        for p in sorted(root.rglob("*"))
        if p.is_file()
    }


def assert_same_site(incremental: Path, cold: Path) -> None:
    left, right = tree(incremental), tree(cold)
    assert sorted(left) == sorted(right)
    different = [name for name in left if left[name] != right[name]]
    assert different == []


def build(project: Path, *args: str | Path) -> str:
    result = run_scrutiny("build", project, *args, env=JOBS)
    assert result.returncode == 0, result.stderr
    return result.stdout


def cold_build(project: Path, out: Path) -> Path:
    """A build that ignores the cache, into a fresh folder."""
    build(project, "--out", out, "--no-cache")
    return out


@pytest.fixture
def project(tmp_path: Path) -> Path:
    project = minimal_project(tmp_path / "project")
    build(project)  # warm the cache and the output
    assert (project / ".cache" / "scrutiny" / "records" / "build.pickle").is_file()
    return project


def edit_minutes(project: Path) -> None:
    path = project / MINUTES
    path.write_text(
        path.read_text(encoding="utf-8") + "\nA late addition: *members thanked the clerk*.\n",
        encoding="utf-8",
    )


def edit_observation(project: Path) -> None:
    path = project / "datasets" / "observations.csv"
    text = path.read_text(encoding="utf-8")
    assert "testshire-caseload,2017-03-31,actual,21," in text
    path.write_text(
        text.replace(
            "testshire-caseload,2017-03-31,actual,21,", "testshire-caseload,2017-03-31,actual,19,"
        ),
        encoding="utf-8",
    )


def edit_template(project: Path) -> None:
    site_templates = project / "templates"
    site_templates.mkdir(exist_ok=True)
    builtin = Path(__file__).parents[1] / "src" / "scrutiny" / "templates" / "meeting.html"
    text = builtin.read_text(encoding="utf-8")
    marker = "{% block content %}"
    assert marker in text
    (site_templates / "meeting.html").write_text(
        text.replace(marker, marker + '<p class="local-note">Local note.</p>', 1),
        encoding="utf-8",
    )


@pytest.mark.parametrize("change", [edit_minutes, edit_observation, edit_template])
def test_incremental_build_equals_cold_build(project: Path, tmp_path: Path, change) -> None:
    before = tree(project / "_site")
    change(project)
    build(project)
    after = tree(project / "_site")
    assert after != before, "the change should show in the site"
    assert_same_site(project / "_site", cold_build(project, tmp_path / "cold"))


def test_changed_page_only_is_rendered_again(project: Path) -> None:
    page = project / "_site" / "meetings" / "testshire-cyp-2017-01-10" / "index.html"
    other = project / "_site" / "committees" / "testshire-cyp" / "index.html"
    other_inode = other.stat().st_ino
    edit_minutes(project)
    build(project)
    assert "A late addition" in page.read_text(encoding="utf-8")
    # the committee page did not change, so it was linked from the previous output
    assert other.stat().st_ino == other_inode


def test_no_change_rebuild_keeps_the_output(project: Path) -> None:
    index = project / "_site" / "index.html"
    stamp = index.stat().st_mtime_ns, index.stat().st_ino
    build(project)
    assert (index.stat().st_mtime_ns, index.stat().st_ino) == stamp


def test_hand_edited_output_is_repaired(project: Path, tmp_path: Path) -> None:
    page = project / "_site" / "committees" / "testshire-cyp" / "index.html"
    page.write_text("edited by hand", encoding="utf-8")
    (project / "_site" / "index.html").unlink()
    build(project)
    assert_same_site(project / "_site", cold_build(project, tmp_path / "cold"))


@pytest.mark.parametrize("jobs", ["1", "2"])
def test_the_output_stamp_sees_every_file_whichever_process_walks_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, jobs: str
) -> None:
    monkeypatch.setenv("SCRUTINY_JOBS", jobs)  # 2: two thirds of the folders in a fork
    site = tmp_path / "site"
    names = ["index.html", "meetings/index.html", "static/css/site.css", "a/b/c/d/deep.txt"]
    names += [f"meetings/m{i}/index.html" for i in range(9)]
    names += [f"meetings/m{i}.json" for i in range(9)]  # beside the folders: both processes
    for number, name in enumerate(names):
        (site / name).parent.mkdir(parents=True, exist_ok=True)
        (site / name).write_text("x" * number, encoding="utf-8")
    stamp = OutputStamp(site).result()
    assert stamp.files == {
        name: ((site / name).stat().st_size, (site / name).stat().st_mtime_ns) for name in names
    }
    assert OutputStamp(site, files=False).result() == SiteStamp(stamp.digest)  # what is checked
    for name in names:  # an edit anywhere is seen
        (site / name).write_text("edited by hand, longer than before", encoding="utf-8")
        edited = OutputStamp(site).result()
        assert edited.files is not None and edited.files[name] != stamp.files[name]
        assert edited.digest != stamp.digest
        assert OutputStamp(site, files=False).result() == SiteStamp(edited.digest)
        stamp = edited


def test_an_output_file_gone_while_it_is_stamped_is_left_out(tmp_path: Path) -> None:
    """Listed, then gone before its stat (another build swapped its site in meanwhile): the
    stamp leaves it out instead of failing, so it differs from the record."""
    from scrutiny.incremental.keys import _stamp_part

    kept = tmp_path / "kept.html"
    kept.write_text("x", encoding="utf-8")
    files = [(str(kept), "kept.html"), (str(tmp_path / "gone.html"), "gone.html")]
    folders = [(str(tmp_path / "gone"), "gone/")]
    assert _stamp_part(files, folders) == {"kept.html": (1, kept.stat().st_mtime_ns)}


def test_deleting_the_cache_changes_nothing(project: Path, tmp_path: Path) -> None:
    edit_minutes(project)
    build(project)
    first = tree(project / "_site")
    shutil.rmtree(project / ".cache")
    build(project)
    assert tree(project / "_site") == first
    assert_same_site(project / "_site", cold_build(project, tmp_path / "cold"))


def test_no_cache_neither_reads_nor_writes_it(tmp_path: Path) -> None:
    project = minimal_project(tmp_path / "fresh")
    build(project, "--no-cache")
    assert not (project / ".cache").exists()
    assert (project / "_site" / "index.html").is_file()


def test_parallel_and_serial_builds_are_identical(tmp_path: Path) -> None:
    project = minimal_project(tmp_path / "project")
    serial = run_scrutiny(
        "build", project, "--out", tmp_path / "serial", "--no-cache", env={"SCRUTINY_JOBS": "1"}
    )
    assert serial.returncode == 0, serial.stderr
    assert_same_site(tmp_path / "serial", cold_build(project, tmp_path / "parallel"))


def test_cache_is_git_ignored() -> None:
    ignored = (Path(__file__).parents[1] / ".gitignore").read_text(encoding="utf-8").split()
    assert ".cache/" in ignored


def bundle_keys(project: Path) -> dict[str, str]:
    """The cache key of every search bundle kept after the last build (blobs/search/)."""
    kept = project / ".cache" / "scrutiny" / "blobs" / "search"
    keys = {}
    for entry in kept.glob("*.tar"):
        payload = read_sealed(entry)
        assert payload is not None, f"{entry} is damaged"
        keys[entry.name.removesuffix(".tar")] = payload.split(b"\n")[0]
    return keys


def test_only_the_search_bundle_of_the_changed_year_is_indexed_again(project: Path) -> None:
    before = bundle_keys(project)
    assert set(before) == {
        "pagefind",
        "pagefind-meetings-2017",
        "pagefind-meetings-2099",
        "pagefind-people",
        "pagefind-indicators",
    }
    edit_minutes(project)  # a 2017 meeting
    build(project)
    after = bundle_keys(project)
    changed = {name for name in before if before[name] != after[name]}
    assert changed == {"pagefind-meetings-2017"}


def test_pages_the_search_index_does_not_hold_change_no_bundle(project: Path) -> None:
    """An observation edit changes the indicator's page, and lists and data pages that are
    not searchable (no data-pagefind-body): only the indicators' bundle is indexed again."""
    site = project / "_site"
    unsearchable = [
        site / "indicators" / "index.html",
        site / "data" / "observations" / "index.html",
    ]
    shown = [page.read_bytes() for page in unsearchable]
    assert not any(b"data-pagefind-body" in page for page in shown)
    before = bundle_keys(project)
    edit_observation(project)
    build(project)
    assert [page.read_bytes() for page in unsearchable] != shown
    after = bundle_keys(project)
    assert {name for name in before if before[name] != after[name]} == {"pagefind-indicators"}


def test_files_made_from_the_tables_alone_survive_a_minutes_edit(project: Path) -> None:
    """Calendars and a twin whose meeting has no minutes are linked from the last output; the
    edited meeting's twin (it holds the minutes) is made again."""
    site = project / "_site"
    kept = ["meetings.ics", "committees/testshire-cyp/meetings.ics", "people/ann-able.json"]
    inodes = {name: (site / name).stat().st_ino for name in kept}
    twin = site / "meetings" / "testshire-cyp-2017-01-10.json"
    twin_inode = twin.stat().st_ino
    edit_minutes(project)
    build(project)
    assert {name: (site / name).stat().st_ino for name in inodes} == inodes
    assert twin.stat().st_ino != twin_inode
    assert "A late addition" in twin.read_text(encoding="utf-8")


def set_title(project: Path, title: str) -> None:
    site = project / "site.yaml"
    lines = site.read_text(encoding="utf-8").splitlines()
    site.write_text(
        "\n".join(f"title: {title}" if line.startswith("title:") else line for line in lines),
        encoding="utf-8",
    )


def test_a_family_made_from_nothing_that_changed_is_not_asked_for_its_outputs(
    project: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """After a minutes edit the meeting pages' family is not run: its pages are the last
    build's, and the edited meeting's page (its reads changed) is made alone. In one process,
    the pages made so are recorded as any other: after a title that comes and goes, the site
    still equals a cold build."""
    monkeypatch.setenv("SCRUTINY_JOBS", "1")
    monkeypatch.setenv("SOURCE_DATE_EPOCH", BUILD_EPOCH)
    asked: list[str] = []

    def counted(family: Family) -> Family:
        def outputs(inputs: Inputs) -> Iterator[Output]:
            asked.append(family.name)
            yield from family.outputs(inputs)

        return replace(family, outputs=outputs)

    families = tuple(map(counted, pages.FAMILIES))
    monkeypatch.setattr(pages, "FAMILIES", families)
    monkeypatch.setattr(build_module, "FAMILIES", families)
    edit_minutes(project)
    build_module.build(Project.at(project))
    assert "meetings" not in asked and "people" not in asked
    assert {"sources", "ocd", "downloads"} <= set(asked)
    page = project / "_site" / "meetings" / "testshire-cyp-2017-01-10" / "index.html"
    assert "A late addition" in page.read_text(encoding="utf-8")
    for title in ("Another Council Scrutiny", "Test Council Scrutiny"):  # away and back
        set_title(project, title)
        build_module.build(Project.at(project))
    assert_same_site(project / "_site", cold_build(project, tmp_path / "cold"))


def test_rendered_markdown_is_stored_again_only_when_it_changed(project: Path) -> None:
    """A table edit leaves the record of rendered Markdown as it was (a county's is 70 MB); a
    minutes edit writes again only the parts that held the old body's HTML or hold the new
    one's, and the old one is dropped."""
    parts = project / ".cache" / "scrutiny" / "records" / "markdown"

    def stamps() -> dict[str, int]:
        return {p.name: p.stat().st_mtime_ns for p in parts.glob("*.pickle")}

    stored = stamps()
    assert len(stored) == PARTS
    edit_observation(project)
    build(project)
    assert stamps() == stored
    store = Store(Project.at(project))
    before = store.load_parts("markdown", store.load("markdown"))
    edit_minutes(project)
    build(project)
    written = [name for name, stamp in stamps().items() if stamp != stored[name]]
    assert 1 <= len(written) <= 2
    assert any(b"members thanked the clerk" in (parts / name).read_bytes() for name in written)
    after = store.load_parts("markdown", store.load("markdown"))
    assert len(after) == len(before) and after.keys() != before.keys()


def test_a_record_in_parts_is_read_back_only_as_it_was_saved(tmp_path: Path) -> None:
    """Store.save_parts writes only the parts that changed; load_parts leaves out a part that
    is damaged, or that a later save wrote (its build stopped before its record did)."""
    store = Store(Project.at(tmp_path))
    data = {f"key-{n}": f"value-{n}" for n in range(200)}
    first = store.save_parts("record", data)
    folder = tmp_path / ".cache" / "scrutiny" / "records" / "record"
    stamps = {p.name: p.stat().st_mtime_ns for p in folder.iterdir()}
    assert store.load_parts("record", first) == data
    assert store.save_parts("record", dict(reversed(data.items()))) == first
    assert {p.name: p.stat().st_mtime_ns for p in folder.iterdir()} == stamps
    second = store.save_parts("record", {**data, "key-7": "changed"})
    changed = [n for n, (a, b) in enumerate(zip(first, second, strict=True)) if a != b]
    assert len(changed) == 1
    stale = store.load_parts("record", first)
    assert "key-7" not in stale and len(stale) < len(data)
    assert store.load_parts("record", second)["key-7"] == "changed"
    damaged = folder / f"{changed[0]}.pickle"
    damaged.write_bytes(damaged.read_bytes()[:-1])
    assert "key-7" not in store.load_parts("record", second)
    assert store.load_parts("record", None) == {}


def spare_of(project: Path) -> Path:
    spares = list((project / ".cache" / "scrutiny" / "spare").iterdir())
    assert len(spares) == 1
    return spares[0]


def test_the_spare_of_an_output_that_is_gone_is_removed(project: Path, tmp_path: Path) -> None:
    """Each output folder has a spare (a whole site) in the cache: once the folder is gone
    (a test's or a benchmark's, removed), its spare is removed by the next build that takes
    one, and the spare of an output that is still there is kept."""
    spares = project / ".cache" / "scrutiny" / "spare"
    other = tmp_path / "other"
    build(project, "--out", other)
    edit_minutes(project)
    build(project)
    build(project, "--out", other)
    assert len(list(spares.iterdir())) == 2
    kept = spare_of_output(project, project / "_site")
    shutil.rmtree(other)
    edit_observation(project)
    build(project)
    assert list(spares.iterdir()) == [kept]
    (spares / "unknown-0123456789abcdef").mkdir()  # a spare no record names
    edit_template(project)
    build(project)
    assert list(spares.iterdir()) == [kept]


def test_a_build_with_no_spare_copies_the_served_site_as_one(project: Path) -> None:
    """The first build after a cold one into a new folder (a new cache: not even the spares'
    folder) has no spare: it is made, a copy of the served site in hard links, and listed."""
    site = (project / "_site").resolve()
    shutil.rmtree(project / ".cache" / "scrutiny" / "spare", ignore_errors=True)
    spare = Store(Project.at(project)).spare_for(site)
    assert spare is not None and not spare.exists()
    listed, copied = build_module._ready_spare(spare, site)
    assert copied and listed is not None
    served = sorted(p.relative_to(site).as_posix() for p in site.rglob("*") if p.is_file())
    assert sorted(name for name in listed if not name.endswith("/")) == served
    assert all((spare / name).stat().st_ino == (site / name).stat().st_ino for name in served)
    edit_minutes(project)
    build(project)
    assert_same_site(site, cold_build(project, project.parent / "cold"))


def spare_of_output(project: Path, out: Path) -> Path:
    spare = Store(Project.at(project)).spare_for(out.resolve())
    assert spare is not None and spare.is_dir()
    return spare


def test_the_served_site_is_never_written_to_while_the_spare_is_brought_up_to_date(
    project: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The spare shares files with the served site (hard links): a build that writes into one
    of them would change the site being served before the swap. The served site must be as
    it was until the new one replaces it, and the new one must equal a cold build."""
    from scrutiny import build as pipeline
    from scrutiny.output import atomic
    from scrutiny.project import Project

    edit_minutes(project)
    build(project)  # the first site is now the spare
    assert spare_of(project).is_dir()
    served = project / "_site"
    before = tree(served)
    checked: list[bool] = []
    swap = atomic._swap_in

    def checking_swap(tmp: Path, out: Path) -> Path | None:
        checked.append(tree(out) == before)
        return swap(tmp, out)

    monkeypatch.setattr(atomic, "_swap_in", checking_swap)
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")
    monkeypatch.setenv("SCRUTINY_JOBS", "1")  # in this process: no forks of a test runner
    edit_observation(project)
    edit_template(project)
    (project / MINUTES).write_text("---\ntitle: Minutes\n---\nRewritten.\n", encoding="utf-8")
    pipeline.build(Project.at(project))
    assert checked == [True]
    assert_same_site(served, cold_build(project, tmp_path / "cold"))
    assert tree(spare_of(project)) == before  # the site it replaced is the spare now


def test_whatever_the_spare_holds_the_new_site_equals_a_cold_build(
    project: Path, tmp_path: Path
) -> None:
    """Nothing in a spare is trusted: files edited in it, files the site no longer has, a
    file where a folder belongs and a folder where a file belongs are all put right."""
    edit_minutes(project)
    build(project)
    spare = spare_of(project)
    meeting = spare / "meetings" / "testshire-cyp-2017-01-10" / "index.html"
    meeting.unlink()
    meeting.write_text("not the page", encoding="utf-8")  # a file of its own, edited
    (spare / "stale.html").write_text("gone from the site", encoding="utf-8")
    shutil.rmtree(spare / "people")
    (spare / "people").write_text("a file where a folder belongs", encoding="utf-8")
    (spare / "index.html").unlink()
    (spare / "index.html").mkdir()
    (spare / "pagefind-meetings" / "1999").mkdir(parents=True)
    edit_observation(project)
    build(project)
    assert_same_site(project / "_site", cold_build(project, tmp_path / "cold"))


def test_each_model_method_declares_the_tables_it_reads() -> None:
    """A recorded call of a model method is replayed only when a table it declares changed
    (model.METHOD_READS): the declaration must be what the method's code reads, or an edit
    would leave a stale page. Every attribute the code reads is a table or a relation."""
    import inspect
    import re

    from scrutiny.model import METHOD_READS, RELATIONS, Model

    tables = {name for name in vars(Model(_package(), {})) if not name.startswith("_")}
    for method, declared in METHOD_READS.items():
        member = getattr(Model, method)
        code = inspect.getsource(member.fget if isinstance(member, property) else member)
        read = set(re.findall(r'self\.vocabulary\("(\w+)"', code))  # the table's schema
        for name in re.findall(r"self\.(\w+)\b(?!\()", code):
            if name in RELATIONS:
                read.add(RELATIONS[name][0])
            else:
                assert name in tables and name != "tables", f"{method} reads self.{name}"
                read.add(name)
        assert read == set(declared), method


def _package():
    from scrutiny.project import Project
    from scrutiny.schema.package import load_package

    return load_package(Project.at(Path(__file__).parents[1]))


def test_reads_of_the_model_are_recorded_by_table(project: Path) -> None:
    """The model's versions are kept per table, and each output records the tables it read:
    a person's page depends on the tables it read, not on observations, so an observation
    edit replays none of its reads and keeps its record; the indicator's page (which holds
    the observations by value) is made again.

    The site-wide calendar and events file read every meeting: they are recorded by the
    tables they read, not read by read (a county's would be a million reads), kept while
    none of those changed, and made again, as a cold build would, when one did."""
    from scrutiny import urls

    site = project / "_site"
    everything = [urls.path("calendar"), urls.path("ocd.events")]

    def outputs() -> dict:
        store = Store(Project.at(project))
        return store.load_parts("graph", store.load("graph")["outputs"])

    person = outputs()["people/ann-able/index.html"]
    read = person[1].split()
    assert any(r.startswith("model:") for r in read)
    assert "model" not in read and "model:observations" not in read
    indicator = outputs()["indicators/testshire-caseload/index.html"]
    for path in everything:  # the meetings are in their arguments; other tables are read
        _, roots, trace = outputs()[path]
        assert trace == b"" and "model:committees" in roots.split()
        assert "model:observations" not in roots.split()
    inodes = [(site / path).stat().st_ino for path in everything]
    edit_observation(project)
    build(project)
    assert outputs()["people/ann-able/index.html"] == person
    assert outputs()["indicators/testshire-caseload/index.html"] != indicator
    assert [(site / path).stat().st_ino for path in everything] == inodes
    meetings = project / "datasets" / "meetings.csv"
    text = meetings.read_text(encoding="utf-8")
    meetings.write_text(text.replace("County Hall", "The Town Hall", 1), encoding="utf-8")
    build(project)
    for path in everything:
        assert "The Town Hall" in (site / path).read_text(encoding="utf-8")
