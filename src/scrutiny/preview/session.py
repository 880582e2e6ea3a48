"""What `scrutiny serve` does after each batch of edits.

1. **The open pages, at once.** The changed files are read into the inputs kept in memory and
   the pages open in a browser are made again (live.py); the browser reloads them.
2. **Then the whole site.** The incremental build runs in a child process (its own cores,
   and the preview keeps answering meanwhile) and swaps the new site in atomically. An edit
   made while it runs is shown at once, and the whole build runs again when it is done.

The whole build is the authority: it makes every other page and file (lists, feeds, search,
downloads), and when the fast render could not follow an edit (site.yaml, a schema, a content
page) the browser reloads after it instead, and the inputs are read again.
"""

from __future__ import annotations

import contextlib
import logging
import os
import pickle
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

from scrutiny.preview.live import LivePages
from scrutiny.preview.server import BuildState
from scrutiny.problems import InvalidData, Problem, ProjectError, format_problems
from scrutiny.project import Project

# How long the whole build stays paused for the browser to load the pages made first.
SHOWN_WAIT = 1.0


class Session:
    def __init__(self, project: Project, out: Path, state: BuildState) -> None:
        self.project = project
        self.out = out
        self.state = state
        self.live = LivePages(project, out)
        self.live_lock = threading.Lock()  # one user of the inputs in memory at a time
        self.lock = threading.Lock()  # guards pending, followed and building
        self.pending = False  # a whole build is wanted
        self.followed = True  # every edit since the last whole build was rendered live
        self.building = False
        self.last_build_good = False  # the last whole build made the site
        self.whole = ChildBuild(project, out)

    def start(self) -> None:
        """The first whole build (problems are shown as for any other), then the inputs."""
        self._build_now()
        self._load_live()

    def changed(self, paths: set[Path]) -> None:
        """One batch of edits, from the watcher."""
        followed = self._render_open(paths)
        with self.lock:
            self.followed = self.followed and followed
            self.pending = True
            if self.building:
                return
            self.building = True
        threading.Thread(target=self._build_until_done, daemon=True).start()

    def _render_open(self, paths: set[Path]) -> bool:
        """Make the open pages again from the edited inputs; False if the edits need the
        whole build to be followed."""
        started = time.perf_counter()
        self.whole.pause()  # the open pages come first, until the browser has shown them
        written: list[str] = []
        try:
            with self.live_lock:
                try:
                    if not self.live.apply(paths):
                        return False
                    written = self.live.render(self.state.open_pages())
                except (InvalidData, ProjectError) as error:
                    self.state.failed(list(error.problems))  # the whole build prints them
                    return True
                except Exception as error:  # never lose the preview: the whole build follows
                    print(f"The open pages wait for the whole build ({error!r})", file=sys.stderr)
                    self.live.inputs = None
                    return False
            if written:
                took = time.perf_counter() - started
                print(f"Made the open page{'s' * (len(written) > 1)} in {took:.2f} s", flush=True)
                self.state.built()
            return True
        finally:
            self._resume_once_shown(written)

    def _resume_once_shown(self, written: list[str]) -> None:
        """Let the whole build go on once the browser has loaded the pages made again (or
        after SHOWN_WAIT). The wait has a thread of its own: the watcher hands on the next
        edit meanwhile, and a page left before it reloaded does not hold that edit up."""
        if not written:
            self.whole.resume()
            return

        def resume_when_shown() -> None:
            try:
                self.state.wait_until_shown(written, SHOWN_WAIT)
            finally:
                self.whole.resume()

        threading.Thread(target=resume_when_shown, daemon=True).start()

    def _build_until_done(self) -> None:
        try:
            while self._build_once():
                pass
        except BaseException:
            with self.lock:
                self.building = False
            raise

    def _build_once(self) -> bool:
        """One whole build if one is wanted; False, and no longer building, when none is
        (in one step: an edit that comes just after finds no build running, and starts one)."""
        with self.lock:
            if not self.pending:
                self.building = False
                if self.last_build_good:
                    print("The whole site is up to date.", flush=True)
                return False
            self.pending = False
            followed, self.followed = self.followed, True
        if not self._build_now():
            return True
        with self.lock:
            edited_meanwhile = self.pending
        if edited_meanwhile:  # the site swapped in is older than the open pages: again
            with self.live_lock, contextlib.suppress(Exception):  # the next build says why
                self.live.render(self.state.open_pages())
        elif not followed or self.live.inputs is None:
            self._load_live()
            self.state.built()
        return True

    def _build_now(self) -> bool:
        started = time.perf_counter()
        outcome = self.whole.run()
        self.last_build_good = isinstance(outcome, str)
        if outcome is None:  # interrupted: serve is stopping
            return False
        if isinstance(outcome, list):
            self._failed(outcome)
            return False
        took = time.perf_counter() - started
        print(f"Built the whole site in {took:.2f} s: {outcome}", flush=True)
        if self.state.problems:
            self.state.built()
        return True

    def close(self) -> None:
        self.whole.interrupt()

    def _load_live(self) -> None:
        # Problems are reported by the whole build; the open pages wait for the next one.
        with self.live_lock, contextlib.suppress(InvalidData, ProjectError):
            self.live.load()

    def _failed(self, problems: list[Problem]) -> None:
        print(format_problems(problems, "text"), file=sys.stderr)
        print("The last good site is still served: fix the problems above.", file=sys.stderr)
        self.state.failed(problems)


class ChildBuild:
    """The whole build in a child process: its own cores, a lower priority, and a process
    group of its own from the start (with its workers), so it can be paused while the open
    pages are made and interrupted as one when serve stops, and a Ctrl+C in the terminal
    reaches serve alone, which stops it in turn."""

    def __init__(self, project: Project, out: Path) -> None:
        self.project = project
        self.out = out
        self.child: subprocess.Popen[bytes] | None = None
        self.stopping = False
        self.starting = threading.Lock()  # a child is started whole, or not at all
        self.pausing = threading.Condition()  # guards pauses; notified when they end
        self.pauses = 0

    def run(self) -> str | list[Problem] | None:
        """Build; a summary, the problems, or None when interrupted. Started once no pause
        is wanted: a start (a fork of this large process) is no work to do while the browser
        loads the open pages."""
        with self.pausing:
            self.pausing.wait_for(lambda: self.pauses == 0 or self.stopping)
        read, write = os.pipe()
        with self.starting:
            try:
                if self.stopping:
                    os.close(read)
                    return None
                command = [sys.executable, "-c", CHILD, str(self.project.root), str(self.out)]
                child = self.child = subprocess.Popen(
                    [*command, str(write)],
                    stdin=subprocess.DEVNULL,
                    pass_fds=(write,),
                    process_group=0,
                )
                with self.pausing:
                    if self.pauses:
                        self._signal_group("SIGSTOP")
            except BaseException:
                os.close(read)
                raise
            finally:
                os.close(write)
        with os.fdopen(read, "rb") as report:
            sent = report.read()
        child.wait()
        self.child = None
        try:
            return pickle.loads(sent)
        except Exception:  # the child ended without a word
            stopped = Problem("(build)", message="the build stopped unexpectedly")
            return None if self.stopping else [stopped]

    def pause(self) -> None:
        """Stop the build (and its workers) for a moment: the open pages come first. Pauses
        nest: the build goes on at the last `resume()`, and none starts before it (one
        started just as a pause came starts stopped)."""
        with self.pausing:
            self.pauses += 1
            if self.pauses == 1:
                self._signal_group("SIGSTOP")

    def resume(self) -> None:
        with self.pausing:
            self.pauses -= 1
            if self.pauses == 0:
                self._signal_group("SIGCONT")
                self.pausing.notify_all()

    def _signal_group(self, name: str) -> None:
        """Signal the running child's group, if this system has the signal (not Windows)."""
        child, number = self.child, getattr(signal, name, None)
        if child is not None and number is not None and child.poll() is None:
            _signal(child.pid, number)

    def interrupt(self) -> None:
        """Stop it as Ctrl+C would (SIGTERM, taken as Ctrl+C): the site being made is not
        swapped in, the last one stays whole. A child still starting dies of it at once."""
        with self.starting, self.pausing:
            self.stopping = True
            self.pausing.notify_all()
            child = self.child
        if child is None or child.poll() is not None:
            return
        _signal(child.pid, signal.SIGTERM)  # its group: it and its workers
        self._signal_group("SIGCONT")  # a paused group acts on it only once going again
        try:
            child.wait(timeout=30)
        except subprocess.TimeoutExpired:
            _signal(child.pid, signal.SIGKILL)


# What the child runs: child_main() with the project, the output and the report pipe.
CHILD = "from scrutiny.preview.session import child_main; child_main()"


def child_main() -> None:
    """In the child process: the whole build, and its outcome pickled into the report pipe
    (nothing when interrupted). Once the build has ended, a stop finds nothing to stop: it is
    ignored, so that it cannot interrupt the interpreter's exit (as it did, once, in the
    middle of `logging.shutdown`, which then printed a traceback)."""
    root, out, report = sys.argv[1:4]
    try:
        with os.fdopen(int(report), "wb") as pipe:
            outcome = whole_build(Project.at(root), Path(out))
            if outcome is not None:
                pickle.dump(outcome, pipe)
    except KeyboardInterrupt:  # stopped between the build's end and its report
        _quiet_on_the_way_out()
    finally:
        signal.signal(signal.SIGTERM, signal.SIG_IGN)


def interrupt_on_terminate() -> None:
    """Take SIGTERM (a process manager's stop, or serve stopping its build) as Ctrl+C, so
    everything is cleaned up on the way out. Main thread only."""
    signal.signal(signal.SIGTERM, _raise_interrupt)


def _raise_interrupt(number: int, frame: object) -> None:
    raise KeyboardInterrupt


def _signal(group: int, number: int) -> None:
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(group, number)


def whole_build(project: Project, out: Path) -> str | list[Problem] | None:
    """The incremental build: a summary, the problems, or None when interrupted."""
    logging.getLogger("asyncio").addFilter(_notice_of_the_interrupt)
    try:
        interrupt_on_terminate()
        with contextlib.suppress(OSError, AttributeError):
            os.nice(10)  # the open pages of the next edit come first
        from scrutiny.build import build

        result = build(project, out)
    except (InvalidData, ProjectError) as error:
        return list(error.problems)
    except KeyboardInterrupt:  # serve is stopping (ChildBuild.interrupt)
        _quiet_on_the_way_out()
        return None
    return f"{result.pages} pages and {result.files} files into {result.out}"


def _quiet_on_the_way_out() -> None:
    """Stopped on purpose: what asyncio says, as the process exits, of the Pagefind process
    it was talking to (stopped with the build's group) is not news to the officer."""
    sys.unraisablehook = lambda unraisable: None


def _notice_of_the_interrupt(record: logging.LogRecord) -> bool:
    """False for what asyncio says as the build is interrupted: that a subprocess (Pagefind,
    stopped with the build's group) ended after its event loop closed, and that a task
    waiting for it ended with the interrupt ("Task exception was never retrieved")."""
    message = str(record.msg)
    orphaned = message.startswith("Loop ") and "that handles pid" in message
    interrupted = record.exc_info is not None and isinstance(record.exc_info[1], KeyboardInterrupt)
    return not (orphaned or interrupted)
