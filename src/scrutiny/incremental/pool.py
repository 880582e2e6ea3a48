"""The one worker pool: forked processes that inherit the build's state instead of receiving
it pickled (the outputs, the compiled templates, the model).

`run_chunks(task, count, jobs)` calls task(start, stop) over [0, count) in chunks, in worker
processes when that pays, in this process otherwise, and yields each chunk's result as it
comes. Both the Markdown pre-render and the writing of outputs use it.

`Ahead(make, *args)` makes one costly thing in a forked process while this one goes on (the
open-data downloads, while the pages are made); `.result()` waits for it.
"""

from __future__ import annotations

import atexit
import os
import pickle
import signal
import traceback
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from typing import Any, NoReturn

from scrutiny.problems import ProjectError

CHUNK = 64  # items per task: small enough to balance, large enough to be cheap
SERIAL_BELOW = 256  # smaller sites run in-process (forking costs more than it saves)

Task = Callable[[int, int], Any]
_TASK: Task | None = None  # the task of the running pool, inherited by its forked workers


class WorkerError(RuntimeError):
    """A worker failed with an unexpected exception (its traceback is the message)."""


def jobs_wanted(count: int) -> int:
    """How many processes: SCRUTINY_JOBS if set, else one per CPU for large sites."""
    configured = os.environ.get("SCRUTINY_JOBS", "")
    if configured.isdigit() and int(configured) > 0:
        return int(configured)
    if count < SERIAL_BELOW:
        return 1
    return os.cpu_count() or 1


def run_chunks(task: Task, count: int, jobs: int) -> Iterator[Any]:
    """Each chunk's result, in order. A ProjectError (a problem for the officer) raised in a
    worker is raised here again; anything else becomes a WorkerError with its traceback."""
    global _TASK
    chunks = [(i, min(i + CHUNK, count)) for i in range(0, count, CHUNK)]
    if jobs <= 1 or len(chunks) <= 1:
        for bounds in chunks:
            yield task(*bounds)
        return
    _TASK = task
    try:
        import multiprocessing  # not before: a build with nothing to do never needs it

        context = multiprocessing.get_context("fork")
        with _stops_held():
            workers = context.Pool(min(jobs, len(chunks)), initializer=_quiet_stop)
        with workers as pool:
            for outcome in pool.imap(_run, chunks):
                if "problems" in outcome:
                    raise ProjectError(outcome["problems"])
                if "error" in outcome:
                    raise WorkerError(f"a worker process failed:\n{outcome['error']}")
                yield outcome["result"]
    finally:
        _TASK = None


def _quiet_stop() -> None:
    """Workers leave stopping to the build: Ctrl+C is for it, and its SIGTERM ends them
    without a traceback each (held while they were forked: `_stops_held`)."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    signal.pthread_sigmask(signal.SIG_UNBLOCK, _STOPS)


_STOPS = {signal.SIGINT, signal.SIGTERM}


@contextmanager
def _stops_held() -> Iterator[None]:
    """Ctrl+C and SIGTERM wait while this process forks. Arriving in the middle of a fork,
    they were raised inside the interpreter's at-fork handlers (logging's), which printed
    "Exception ignored" with a traceback and dropped them: `scrutiny serve`, stopped while its
    build was starting, once printed one. Children unblock them (`_quiet_stop`)."""
    held = signal.pthread_sigmask(signal.SIG_BLOCK, _STOPS)
    try:
        yield
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, held)


def _run(bounds: tuple[int, int]) -> dict[str, Any]:
    assert _TASK is not None
    return _outcome_of(_TASK, bounds)


class Ahead:
    """make(*args), run in a forked process from now on (or, `in_process`, here when first
    asked for); `result()` waits for its value.

    The value comes back pickled through a pipe. The child keeps its own copy alive until it
    exits, so anything that cleans up when collected (a temporary file's `OnDisk`) is cleaned
    up by the copy this process unpickles, not by the child. A bare `os.fork`, not
    `multiprocessing`: the freshness check starts one, and a build with nothing to do should
    not import a hundredth of a second of modules it never uses."""

    def __init__(self, make: Callable[..., Any], *args: Any, in_process: bool = False) -> None:
        self._make, self._args = make, args
        self._outcome: dict[str, Any] | None = None
        self._pid: int | None = None
        if in_process:
            return
        receive, send = os.pipe()
        with _stops_held():  # a stop then comes once the child is known, to be stopped too
            pid = os.fork()
            if pid == 0:  # the child
                os.close(receive)
                _ahead(send, make, args)
            os.close(send)
            self._pid, self._receive = pid, receive
            _RUNNING.add(pid)

    def result(self) -> Any:
        if self._outcome is None:
            if self._pid is None:
                return self._made_here()
            with open(self._receive, "rb") as pipe:
                sent = pipe.read()
            self._wait()
            self._outcome = pickle.loads(sent) if sent else _STOPPED  # empty: it was killed
        if "problems" in self._outcome:
            raise ProjectError(self._outcome["problems"])
        if "error" in self._outcome:
            raise WorkerError(f"a worker process failed:\n{self._outcome['error']}")
        return self._outcome["result"]

    def _made_here(self) -> Any:
        value = self._make(*self._args)
        self._outcome = {"result": value}
        return value

    def cancel(self) -> None:
        """Stop it if it is still running (the build failed before it was needed)."""
        if self._pid is None or self._outcome is not None:
            return
        with suppress(ProcessLookupError):
            os.kill(self._pid, signal.SIGTERM)
        os.close(self._receive)
        self._wait()
        self._outcome = _STOPPED

    def _wait(self) -> None:
        assert self._pid is not None
        with suppress(ChildProcessError):
            os.waitpid(self._pid, 0)
        _RUNNING.discard(self._pid)


_STOPPED = {"error": "the process making it stopped"}
_RUNNING: set[int] = set()  # children not waited for yet


@atexit.register
def _stop_running() -> None:
    """At exit, stop the children nobody waited for (a build stopped while one was being
    started): none goes on making a database for a build that is gone."""
    for pid in list(_RUNNING):
        with suppress(ProcessLookupError):
            os.kill(pid, signal.SIGTERM)
        with suppress(ChildProcessError):
            os.waitpid(pid, 0)


def _ahead(send: int, make: Callable[..., Any], args: tuple[Any, ...]) -> NoReturn:
    """The child's whole life: make the value, send it, and leave at once, the value still
    alive (its copy here must not remove what it refers to, nor may the parent's atexit
    handlers run twice)."""
    code = 1
    try:
        _quiet_stop()
        outcome = _outcome_of(make, args)
        with open(send, "wb") as pipe:
            pipe.write(_pickled(outcome))
        code = 0
    except BaseException:  # nobody is listening, or a signal: leave without a word
        pass
    finally:
        os._exit(code)


def _outcome_of(make: Callable[..., Any], args: tuple[Any, ...]) -> dict[str, Any]:
    """make(*args) as a worker or a child sends it back: its value, the problems it found
    for the officer, or any other failure's traceback."""
    try:
        return {"result": make(*args)}
    except ProjectError as error:
        return {"problems": list(error.problems)}
    except Exception:
        return {"error": traceback.format_exc()}


def _pickled(outcome: dict[str, Any]) -> bytes:
    try:
        return pickle.dumps(outcome, pickle.HIGHEST_PROTOCOL)
    except Exception:
        return pickle.dumps({"error": traceback.format_exc()}, pickle.HIGHEST_PROTOCOL)
