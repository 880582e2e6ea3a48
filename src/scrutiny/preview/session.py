"""What `scrutiny serve` does after each batch of edits.

1. **The open pages, at once.** The changed files are read into the inputs kept in memory and
   the pages open in a browser are made again (live.py); the browser reloads them.
2. **Then the whole site.** The incremental build runs in a child process (its own cores,
   and the preview keeps answering meanwhile) and swaps the new site in atomically. An edit
   made while it runs is shown at once, and the whole build runs again when it is done.

The whole build is the authority: it makes every other page and file (lists, feeds, search,
downloads), and when the fast render could not follow an edit (site.yaml, a schema, a static
file, a new document) the browser reloads after it instead, and the inputs are read again.
"""

from __future__ import annotations

import contextlib
import multiprocessing
import os
import signal
import sys
import threading
import time
from pathlib import Path

from scrutiny.preview.live import LivePages
from scrutiny.preview.server import BuildState
from scrutiny.problems import InvalidData, Problem, ProjectError, format_problems
from scrutiny.project import Project


class Session:
    def __init__(self, project: Project, out: Path, state: BuildState) -> None:
        self.project = project
        self.out = out
        self.state = state
        self.live = LivePages(project, out)
        self.live_lock = threading.Lock()  # one user of the inputs in memory at a time
        self.lock = threading.Lock()  # guards the three fields below
        self.pending = False  # a whole build is wanted
        self.followed = True  # every edit since the last whole build was rendered live
        self.building = False
        self.child: multiprocessing.process.BaseProcess | None = None  # the running build

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

    def _build_until_done(self) -> None:
        while True:
            with self.lock:
                if not self.pending:
                    self.building = False
                    return
                self.pending = False
                followed, self.followed = self.followed, True
            if not self._build_now():
                continue
            with self.lock:
                edited_meanwhile = self.pending
            if edited_meanwhile:  # the site swapped in is older than the open pages
                with self.live_lock:
                    self.live.render(self.state.open_pages())
            elif not followed or self.live.inputs is None:
                self._load_live()
                self.state.built()

    def _build_now(self) -> bool:
        started = time.perf_counter()
        context = multiprocessing.get_context("spawn")
        receiver, sender = context.Pipe(duplex=False)
        child = context.Process(target=whole_build, args=(self.project, self.out, sender))
        child.start()
        self.child = child
        sender.close()
        try:
            outcome = receiver.recv()
        except EOFError:  # the child died without a word
            outcome = [Problem("(build)", message="the build stopped unexpectedly")]
        child.join()
        self.child = None
        if isinstance(outcome, list):
            self._failed(outcome)
            return False
        took = time.perf_counter() - started
        print(f"Built the whole site in {took:.2f} s: {outcome}", flush=True)
        if self.state.problems:
            self.state.built()
        return True

    def close(self) -> None:
        """Stop a whole build still running, as Ctrl+C would (the site it was making is not
        swapped in: the atomic output leaves the last one whole)."""
        child = self.child
        if child is None or child.pid is None or not child.is_alive():
            return
        with contextlib.suppress(ProcessLookupError):
            os.kill(child.pid, signal.SIGINT)
        child.join(timeout=30)
        if child.is_alive():
            child.terminate()

    def _load_live(self) -> None:
        # Problems are reported by the whole build; the open pages wait for the next one.
        with self.live_lock, contextlib.suppress(InvalidData, ProjectError):
            self.live.load()

    def _failed(self, problems: list[Problem]) -> None:
        print(format_problems(problems, "text"), file=sys.stderr)
        print("The last good site is still served: fix the problems above.", file=sys.stderr)
        self.state.failed(problems)


def whole_build(project: Project, out: Path, report) -> None:
    """In the child process: the incremental build; sends a summary or the problems. It runs
    at a lower priority, so the next edit's open pages never wait for it."""
    from scrutiny.build import build

    with contextlib.suppress(OSError, AttributeError):  # not on every system
        os.nice(10)

    try:
        result = build(project, out)
    except (InvalidData, ProjectError) as error:
        report.send(list(error.problems))
        return
    except KeyboardInterrupt:  # Ctrl+C reaches the whole process group: stop quietly
        return
    report.send(f"{result.pages} pages and {result.files} files into {result.out}")
