"""Work made ahead in another process (pool.Ahead): its value, its problems, its temporary
files and its cancelling."""

from __future__ import annotations

import gc
import os
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pytest

from scrutiny.incremental.pool import Ahead, WorkerError
from scrutiny.outputs import OnDisk
from scrutiny.problems import Problem, ProjectError


def temporary_file(text: str) -> OnDisk:
    with tempfile.NamedTemporaryFile(prefix="scrutiny-test-", delete=False) as handle:
        handle.write(text.encode())
    return OnDisk(Path(handle.name), len(text), "not checked")


def refuse(name: str) -> None:
    raise ProjectError([Problem(name, message="cannot be made", rule="test")])


def count_calls(calls: list[int]) -> int:
    calls.append(1)
    return len(calls)


def test_a_file_made_ahead_belongs_to_this_process_once_received() -> None:
    """The child's copy of the OnDisk does not remove the file; this process's copy does,
    once nothing refers to it."""
    made = Ahead(temporary_file, "made ahead").result()
    assert made.path.read_text() == "made ahead"
    path = made.path
    del made
    gc.collect()
    assert not path.exists()


def test_a_problem_found_ahead_is_raised_here() -> None:
    ahead = Ahead(refuse, "datasets/x.csv")
    with pytest.raises(ProjectError) as raised:
        ahead.result()
    assert [p.path for p in raised.value.problems] == ["datasets/x.csv"]


def test_made_in_process_when_first_asked_and_only_once() -> None:
    calls: list[int] = []
    ahead = Ahead(count_calls, calls, in_process=True)
    assert calls == []
    assert ahead.result() == 1
    assert ahead.result() == 1
    assert calls == [1]


def large(size: int) -> bytes:
    return bytes(range(256)) * (size // 256)


def unpicklable() -> object:
    return lambda: None


def killed() -> None:
    os.kill(os.getpid(), signal.SIGKILL)


def test_a_value_larger_than_a_pipe_holds_comes_whole() -> None:
    assert Ahead(large, 8 << 20).result() == large(8 << 20)


def test_a_failure_ahead_is_a_worker_error_with_its_cause() -> None:
    with pytest.raises(WorkerError, match="ZeroDivisionError"):
        Ahead(divmod, 1, 0).result()
    with pytest.raises(WorkerError, match="pickle"):
        Ahead(unpicklable).result()
    with pytest.raises(WorkerError, match="stopped"):
        Ahead(killed).result()


def test_cancelling_stops_the_process_at_once() -> None:
    ahead = Ahead(time.sleep, 60)
    started = time.monotonic()
    ahead.cancel()
    assert time.monotonic() - started < 10
    with pytest.raises(WorkerError, match="stopped"):
        ahead.result()
    ahead.cancel()  # again: nothing to do


def test_a_build_in_one_process_makes_the_downloads_once(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Four files come from the downloads made ahead; in one process they are made once,
    when the first of them is written."""
    from conftest import minimal_project

    from scrutiny import build as pipeline
    from scrutiny.pages import data
    from scrutiny.project import Project

    made: list[int] = []
    database_file = data.database_file

    def counting(*args: object) -> OnDisk:
        made.append(1)
        return database_file(*args)

    monkeypatch.setattr(data, "database_file", counting)
    monkeypatch.setenv("SCRUTINY_JOBS", "1")
    project = Project.at(minimal_project(tmp_path / "project"))
    pipeline.build(project, tmp_path / "site", use_cache=False)
    assert made == [1]
    assert (tmp_path / "site" / "data" / "scrutiny.db").stat().st_size > 0


def test_a_stop_waits_while_a_child_is_forked() -> None:
    """SIGTERM (taken as Ctrl+C) during a fork would be raised inside the interpreter's
    at-fork handlers, printed as "Exception ignored" and lost: it waits until the fork is
    done, and the child can still be stopped."""
    from scrutiny.incremental.pool import _stops_held

    seen: list[int] = []
    previous = signal.signal(signal.SIGTERM, lambda number, frame: seen.append(number))
    try:
        with _stops_held():
            os.kill(os.getpid(), signal.SIGTERM)
            assert seen == []
        assert seen == [signal.SIGTERM]
    finally:
        signal.signal(signal.SIGTERM, previous)


def test_a_child_nobody_waited_for_is_stopped_when_the_build_exits() -> None:
    code = (
        "import time; from scrutiny.incremental.pool import Ahead; "
        "print(Ahead(time.sleep, 60)._pid, flush=True)"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    child = int(done.stdout)
    time.sleep(0.2)
    with pytest.raises(ProcessLookupError):
        os.kill(child, 0)
