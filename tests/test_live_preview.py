"""The preview's fast render (preview/live.py): after an edit, the open pages made again from
the inputs kept in memory are byte-identical to the same pages of a cold build of the edited
project; an edit it cannot follow says so, and bad data leaves the last good inputs."""

from __future__ import annotations

import logging
import os
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from conftest import BUILD_EPOCH, minimal_project, run_scrutiny

from scrutiny import urls
from scrutiny.incremental.remembered import RememberedTables
from scrutiny.model import Model
from scrutiny.model.records import make_records
from scrutiny.preview import session as session_module
from scrutiny.preview.live import LivePages
from scrutiny.preview.server import BuildState, page_file
from scrutiny.preview.session import ChildBuild, Session, _notice_of_the_interrupt
from scrutiny.problems import InvalidData, Problem, ProjectError
from scrutiny.project import Project
from scrutiny.validate import validate_project

MEETING = "testshire-cyp-2017-01-10"
MEETING_PAGE = f"meetings/{MEETING}/index.html"

# (file, text, replacement, the pages open in the browser)
EDITS = [
    (
        f"content/minutes/{MEETING}.md",
        None,
        "\nA live correction to the minutes.\n",
        [MEETING_PAGE],
    ),
    (
        "datasets/observations.csv",
        "testshire-caseload,2017-03-31,actual,21,",
        "testshire-caseload,2017-03-31,actual,23.5,",
        ["indicators/testshire-caseload/index.html", "indicators/index.html", "index.html"],
    ),
    (
        "datasets/attendance.csv",
        f"{MEETING},bob-baker,Bob Baker,member,present,",
        f"{MEETING},bob-baker,Bob Baker,member,apologies,",
        [MEETING_PAGE, "people/bob-baker/index.html", "committees/testshire-cyp/index.html"],
    ),
    (  # the same table again: only the changed row is typed (validate/retype.py)
        "datasets/observations.csv",
        "testshire-caseload,2017-03-31,actual,23.5,",
        "testshire-caseload,2017-03-31,actual,19.0,",
        ["indicators/testshire-caseload/index.html", "indicators/index.html"],
    ),
    (  # and undone: the file as first validated (its rows are in the validation cache)
        "datasets/observations.csv",
        "testshire-caseload,2017-03-31,actual,19.0,",
        "testshire-caseload,2017-03-31,actual,21,",
        ["indicators/testshire-caseload/index.html"],
    ),
    (
        "datasets/people.csv",
        "bob-baker,Bob Baker,",
        "bob-baker,Robert Baker,",
        ["people/bob-baker/index.html", MEETING_PAGE, "people/index.html"],
    ),
]


@pytest.fixture
def live(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> LivePages:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", BUILD_EPOCH)
    project = Project.at(minimal_project(tmp_path / "project"))
    pages = LivePages(project, tmp_path / "live")
    pages.load()
    return pages


def edit(path: Path, old: str | None, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    if old is None:
        path.write_text(text + new, encoding="utf-8")
        return
    assert old in text, f"{old!r} is not in {path}"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def test_open_pages_match_a_cold_build_after_each_edit(live: LivePages, tmp_path: Path) -> None:
    for number, (file, old, new, pages) in enumerate(EDITS):
        edit(live.project.root / file, old, new)
        assert live.apply({live.project.root / file}), file
        assert live.render(pages) == pages
        cold = tmp_path / f"cold-{number}"
        built = run_scrutiny("build", live.project.root, "--out", cold, "--no-cache")
        assert built.returncode == 0, built.stderr
        for page in pages:
            made = (live.out / page).read_bytes()
            assert made == (cold / page).read_bytes(), f"{page} after editing {file}"
    shown = (live.out / MEETING_PAGE).read_text(encoding="utf-8")
    assert "A live correction to the minutes." in shown
    assert "Robert Baker" in shown


def test_bad_data_keeps_the_last_good_inputs(live: LivePages) -> None:
    meetings = live.project.root / "datasets" / "meetings.csv"
    edit(meetings, f"{MEETING},testshire-cyp,2017-01-10", f"{MEETING},testshire-cyp,2017-01-99")
    before = live.inputs
    with pytest.raises(InvalidData) as raised:
        live.apply({meetings})
    assert any(p.path == "datasets/meetings.csv" and p.line == 2 for p in raised.value.problems)
    assert live.inputs is before
    assert live.render([MEETING_PAGE]) == [MEETING_PAGE]  # still the last good page


def test_a_table_edit_reads_that_table_alone(
    live: LivePages, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Only the edited table's file is read and checked again; the result is what a whole
    validation of the edited project finds."""
    read: list[str] = []  # each table whose file is read (and hashed) again
    real = RememberedTables.key_of
    monkeypatch.setattr(
        RememberedTables, "key_of", lambda self, table: read.append(table.name) or real(self, table)
    )
    file, old, new, _ = EDITS[1]
    edit(live.project.root / file, old, new)
    assert live.apply({live.project.root / file})
    assert read == ["observations"]
    assert live.validated is not None
    whole = validate_project(live.project, use_cache=False)
    assert live.validated.keys == validate_project(live.project).keys
    assert repr(live.inputs.model.tables) == repr(Model(whole.package, whole.rows).tables)  # type: ignore[union-attr]


def test_a_table_edit_checks_the_documents_edited_before_it(live: LivePages) -> None:
    """Minutes added for a meeting that does not exist are followed alone (a document); the
    next table edit runs the checks that read the documents, and finds them."""
    stray = live.project.minutes / "testshire-cyp-1999-01-01.md"
    stray.write_text("Minutes of no meeting.\n", encoding="utf-8")
    assert live.apply({stray})
    file, old, new, _ = EDITS[1]
    edit(live.project.root / file, old, new)
    with pytest.raises(InvalidData) as raised:
        live.apply({live.project.root / file})
    assert {p.path for p in raised.value.problems} == {live.project.relative(stray)}


def test_an_edit_with_problems_is_read_again_with_the_next(live: LivePages) -> None:
    """A table left broken by one save is still checked when the next save is of another
    table; once it is fixed, both edits are taken in."""
    meetings = live.project.root / "datasets" / "meetings.csv"
    good = meetings.read_text(encoding="utf-8")
    edit(meetings, f"{MEETING},testshire-cyp,2017-01-10", f"{MEETING},testshire-cyp,2017-01-99")
    with pytest.raises(InvalidData):
        live.apply({meetings})
    people = live.project.root / "datasets" / "people.csv"
    edit(people, "bob-baker,Bob Baker,", "bob-baker,Robert Baker,")
    with pytest.raises(InvalidData) as raised:
        live.apply({people})
    assert {p.path for p in raised.value.problems} == {"datasets/meetings.csv"}
    meetings.write_text(good, encoding="utf-8")
    assert live.apply({meetings})
    assert live.inputs.model.people["bob-baker"].name == "Robert Baker"  # type: ignore[union-attr]


@pytest.mark.parametrize(
    "changed", ["site.yaml", "content/pages/about.md", "datasets/schemas/x", "datasets/notes.txt"]
)
def test_edits_only_the_whole_build_follows(live: LivePages, changed: str) -> None:
    path = live.project.root / changed
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text((path.read_text() if path.exists() else "") + "\n", encoding="utf-8")
    assert live.apply({path}) is False
    assert live.inputs is None  # read again after the whole build
    assert live.render([MEETING_PAGE]) == []


def test_a_new_or_deleted_document_template_or_static_file_is_followed(live: LivePages) -> None:
    minutes = live.project.minutes / f"{MEETING}.md"
    minutes.unlink()
    assert live.apply({minutes})
    assert MEETING not in live.inputs.minutes  # type: ignore[union-attr]
    minutes.write_text("A new minutes file.\n", encoding="utf-8")
    assert live.apply({minutes})
    override = live.project.templates / "meeting.html"
    override.parent.mkdir(parents=True, exist_ok=True)
    override.write_text(
        '{% extends "base.html" %}{% block content %}Overridden {{ minutes.html }}{% endblock %}',
        encoding="utf-8",
    )
    assert live.apply({override})
    live.render([MEETING_PAGE])
    shown = (live.out / MEETING_PAGE).read_text(encoding="utf-8")
    assert "Overridden" in shown and "A new minutes file." in shown
    css = live.project.static / "extra.css"
    css.parent.mkdir(parents=True, exist_ok=True)
    css.write_text("main { color: #0b0c0c; }", encoding="utf-8")
    assert live.apply({css})
    assert (live.out / "static" / "extra.css").read_text() == "main { color: #0b0c0c; }"


def test_a_broken_document_or_template_is_a_problem_not_a_crash(live: LivePages) -> None:
    minutes = live.project.minutes / f"{MEETING}.md"
    minutes.write_text("---\ntitle: never closed\n", encoding="utf-8")
    with pytest.raises(InvalidData) as raised:
        live.apply({minutes})
    assert [p.path for p in raised.value.problems] == [f"content/minutes/{MEETING}.md"]
    minutes.write_text("Fixed.\n", encoding="utf-8")
    override = live.project.templates / "meeting.html"
    override.parent.mkdir(parents=True, exist_ok=True)
    override.write_text("{% block content %}{% endblok %}", encoding="utf-8")
    assert live.apply({minutes, override})
    with pytest.raises(ProjectError) as broken:
        live.render([MEETING_PAGE])
    assert broken.value.problems[0].path == "templates/meeting.html"


def test_pages_that_are_not_pages_are_not_made(live: LivePages) -> None:
    assert live.render(["meetings/no-such-meeting/index.html", "data/scrutiny.db"]) == []
    assert not (live.out / "meetings" / "no-such-meeting").exists()


def test_a_model_made_from_the_previous_one_equals_a_new_one(tmp_path: Path) -> None:
    """Each table in turn: a model whose previous version lacked that table's last row, made
    again from the table alone, equals a model made from scratch in every table and relation
    (so each relation is made again from the table it comes from)."""
    project = Project.at(minimal_project(tmp_path / "project"))
    validated = validate_project(project, use_cache=False)
    rows, package = validated.rows, validated.package
    for table in package.tables:
        older = {name: list(r[:-1] if name == table.name else r) for name, r in rows.items()}
        previous = Model(package, older)
        remade = Model(package, {table.name: list(rows[table.name])}, previous)
        fresh = Model(package, {name: list(r) for name, r in rows.items()})
        assert vars(remade).keys() == vars(fresh).keys()
        for name, value in vars(fresh).items():
            # by repr: each model makes its own record classes, which never compare equal
            assert repr(getattr(remade, name)) == repr(value), f"{name}: {table.name}"


def test_a_model_with_records_replaced_equals_a_new_one(tmp_path: Path) -> None:
    """Each table in turn, one record replaced by another (the preview's edit of one row,
    validate/retype.py): with the other records kept, the model equals one made from scratch
    in every table and relation, whether the record stays in its groups or moves to others."""
    project = Project.at(minimal_project(tmp_path / "project"))
    validated = validate_project(project, use_cache=False)
    rows, package = validated.rows, validated.package
    previous = Model(package, {name: list(r) for name, r in rows.items()})
    for table in package.tables:
        for field in table.field_names:
            edited = [dict(row) for row in rows[table.name]]
            if not edited:
                continue
            donor = edited[0][field]  # moves the last row into the first row's groups
            edited[-1] = {**edited[-1], field: donor}
            replaced = list(previous.tables[table.name])
            replaced[-1] = make_records(table, edited[-1:])[0]
            remade = Model(package, {table.name: []}, previous, {table.name: tuple(replaced)})
            fresh = Model(
                package, {name: list(r) for name, r in rows.items()} | {table.name: edited}
            )
            for name, value in vars(fresh).items():
                assert repr(getattr(remade, name)) == repr(value), f"{name}: {table.name}.{field}"


def test_the_server_knows_which_pages_are_open() -> None:
    state = BuildState()
    state.viewing("a", "/meetings/x/")
    state.viewing("b", "/")
    state.viewing("c", "/../../etc/passwd")  # never a file outside the site
    assert state.open_pages() == ["index.html", "meetings/x/index.html"]
    state.closed("a")  # the page was left or reloaded
    assert state.open_pages() == ["index.html"]
    assert page_file("/people/ann-able/") == "people/ann-able/index.html"
    assert urls.key_of("meeting", "meetings/x/index.html") == "x"
    assert urls.key_of("meeting", "meetings/index.html") is None  # the family's index
    assert urls.key_of("page", "meetings/x/index.html") is None  # not a content page
    assert page_file("/data/catalog.jsonld") == "data/catalog.jsonld"


def test_the_whole_build_waits_until_the_pages_made_first_are_shown() -> None:
    """After the open pages are made, the whole build stays paused until each has loaded
    again (its new view asks for the state at the new version), or for a second at most."""
    state = BuildState()
    state.viewing("a", "/meetings/x/", "0")
    state.built()  # version 1: the page was made again
    assert not state.wait_until_shown(["meetings/x/index.html"], 0.05)  # not reloaded yet
    state.closed("a")  # the old view leaves, the reloaded one asks
    threading.Timer(0.05, state.viewing, ("b", "/meetings/x/", "1")).start()
    started = time.monotonic()
    assert state.wait_until_shown(["meetings/x/index.html"], 5)
    assert time.monotonic() - started < 4


def test_an_edit_is_made_at_once_while_the_last_still_waits_to_be_shown(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The wait for the browser to show the pages made first holds the whole build, never the
    next edit: an officer who saves twice, or leaves the page before it reloaded, sees the
    second edit at once. The build goes on once every page made is shown."""
    monkeypatch.setenv("SOURCE_DATE_EPOCH", BUILD_EPOCH)
    monkeypatch.setattr(session_module, "SHOWN_WAIT", 600.0)
    state = BuildState()
    session = Session(Project.at(minimal_project(tmp_path / "project")), tmp_path / "site", state)
    session._load_live()
    state.viewing("a", f"/meetings/{MEETING}/", "0")
    minutes = session.project.root / "content" / "minutes" / f"{MEETING}.md"

    def save_and_render(text: str) -> None:
        edit(minutes, None, text)
        done = threading.Thread(target=session._render_open, args=({minutes},))
        done.start()
        done.join(timeout=60)
        assert not done.is_alive(), "the watcher waited for the browser"

    save_and_render("\nA first correction.\n")
    assert session.whole.pauses == 1  # the page has not reloaded yet: the whole build waits
    save_and_render("\nA second correction.\n")  # saved again before it did
    assert "A second correction" in (tmp_path / "site" / MEETING_PAGE).read_text()
    assert (state.version, session.whole.pauses) == (2, 2)
    state.viewing("b", f"/meetings/{MEETING}/", "2")  # the page reloaded: the build goes on
    deadline = time.monotonic() + 30
    while session.whole.pauses and time.monotonic() < deadline:
        time.sleep(0.01)
    assert session.whole.pauses == 0


def test_the_whole_build_loop_ends_in_the_step_that_finds_no_edit(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """The loop of whole builds stops being "building" in the same step that finds no edit
    waiting, so an edit saved just then starts a build of its own rather than waiting for the
    next save; it says when the whole site is up to date, and not after a failed build."""
    session = Session(
        Project.at(minimal_project(tmp_path / "project")), tmp_path / "site", BuildState()
    )
    outcomes = iter(["2 pages", [Problem("datasets/people.csv", 3, "name", "missing")]])
    session.whole.run = lambda: next(outcomes)  # type: ignore[method-assign]
    for says_up_to_date in (True, False):
        session.pending = session.building = True
        session._build_until_done()
        assert (session.pending, session.building) == (False, False)
        said = capsys.readouterr()
        assert said.out.endswith("The whole site is up to date.\n") is says_up_to_date
    assert "datasets/people.csv:3" in said.err


def test_serve_stops_at_once_even_while_the_whole_build_runs(tmp_path: Path) -> None:
    """Stopping `scrutiny serve` alone (SIGTERM, as a process manager does; Ctrl+C too) stops
    the whole build it started: serve exits promptly and quietly (no traceback, from serve or
    from the build), and the site left is whole."""
    project = minimal_project(tmp_path / "project")
    out = tmp_path / "site"
    serve = subprocess.Popen(
        [sys.executable, "-m", "scrutiny", "serve", str(project), "--port", "0", "--out", str(out)],
        env={**os.environ, "SOURCE_DATE_EPOCH": BUILD_EPOCH},
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    assert serve.stdout is not None
    try:
        for line in serve.stdout:
            if line.startswith("Serving"):
                break
        minutes = project / "content" / "minutes" / f"{MEETING}.md"
        minutes.write_text(minutes.read_text() + "\nA last edit.\n", encoding="utf-8")
        for line in serve.stdout:
            if line.startswith("Changed"):
                break
        time.sleep(0.5)  # the whole build has started
        serve.terminate()
        assert serve.wait(timeout=40) == 0
        assert "Traceback" not in serve.stdout.read()
    finally:
        serve.kill()
    assert (out / MEETING_PAGE).is_file()
    assert not [p.name for p in tmp_path.iterdir() if p.name.startswith(".scrutiny-")]


def test_asyncios_notices_of_the_interrupt_are_dropped_and_no_other() -> None:
    """What asyncio logs of an interrupted Pagefind run is not shown to the officer; any
    other error it logs still is."""

    def record(message: str, error: BaseException | None = None) -> logging.LogRecord:
        exc_info = (type(error), error, None) if error is not None else None
        return logging.LogRecord("asyncio", logging.ERROR, "", 0, message, (), exc_info)

    dropped = [
        record("Task exception was never retrieved", KeyboardInterrupt()),
        record("Loop <_UnixSelectorEventLoop closed> that handles pid 42 is closed"),
    ]
    kept = [record("Task exception was never retrieved", ValueError()), record("other")]
    assert not any(map(_notice_of_the_interrupt, dropped))
    assert all(map(_notice_of_the_interrupt, kept))


def test_a_whole_build_interrupted_while_it_starts_stops_quietly(
    tmp_path: Path, capfd: pytest.CaptureFixture[str]
) -> None:
    """serve stopping just as it starts a whole build: the child, still starting, is stopped
    at once (it makes no site) and says nothing (no traceback of a half-started process)."""
    project = Project.at(minimal_project(tmp_path / "project"))
    out = tmp_path / "site"
    whole = ChildBuild(project, out)
    outcome: list[object] = []
    running = threading.Thread(target=lambda: outcome.append(whole.run()))
    running.start()
    while whole.child is None and running.is_alive():
        time.sleep(0.001)
    whole.interrupt()
    running.join(timeout=60)
    assert outcome == [None]
    assert not out.exists()
    assert "Traceback" not in capfd.readouterr().err
    assert whole.run() is None  # nothing starts once stopping
