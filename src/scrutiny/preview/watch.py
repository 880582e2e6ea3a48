"""Watch a project (watchfiles: the operating system's change events, not polling) and
rebuild after each batch of edits. A failed build leaves the last good site in place."""

from __future__ import annotations

import sys
import time
from collections.abc import Callable
from pathlib import Path

import watchfiles

from scrutiny.problems import InvalidData, Problem, ProjectError, format_problems
from scrutiny.project import Project

IGNORED_DIRS = {".git", ".cache", "node_modules", "__pycache__", ".venv", "_site"}


class ProjectFilter(watchfiles.DefaultFilter):
    """Changes to the project's inputs; not the output, the cache or editors' temp files."""

    def __init__(self, project: Project, out: Path) -> None:
        super().__init__(ignore_dirs=tuple(IGNORED_DIRS))
        self.root = project.root
        self.out = out

    def __call__(self, change: watchfiles.Change, path: str) -> bool:
        here = Path(path)
        if here == self.out or self.out in here.parents:
            return False
        inside = here.relative_to(self.root).parts if here.is_relative_to(self.root) else ()
        if any(part.startswith(".scrutiny-") for part in inside) or here.name.startswith(".#"):
            return False  # a build's temporary folders and lock, an editor's lock file
        return super().__call__(change, path)


def rebuild(build: Callable[[], object], on_built, on_failed) -> bool:
    """One build; problems are printed and handed on, never raised."""
    started = time.perf_counter()
    try:
        result = build()
    except (InvalidData, ProjectError) as error:
        problems: list[Problem] = list(error.problems)
        print(format_problems(problems, "text"), file=sys.stderr)
        print("The last good site is still served: fix the problems above.", file=sys.stderr)
        on_failed(problems)
        return False
    print(f"Rebuilt in {time.perf_counter() - started:.2f} s: {result}", flush=True)
    on_built()
    return True


def watch(
    project: Project, out: Path, build: Callable[[], object], on_built, on_failed, stop=None
) -> None:
    """Rebuild after every batch of changes until `stop` (a threading.Event) is set."""
    for changes in watchfiles.watch(
        project.root,
        watch_filter=ProjectFilter(project, out),
        debounce=50,
        step=20,
        stop_event=stop,
        raise_interrupt=False,
    ):
        names = sorted({project.relative(Path(path)) for _, path in changes})
        print(f"Changed: {', '.join(names[:5])}{' ...' if len(names) > 5 else ''}", flush=True)
        rebuild(build, on_built, on_failed)
