"""Watch a project (watchfiles: the operating system's change events, not polling) and hand
on each batch of edits (to preview/session.py)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import watchfiles

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


def watch(
    project: Project,
    out: Path,
    changed: Callable[[set[Path]], None],
    ready: Callable[[], None],
    stop=None,
) -> None:
    """Call `ready` once the project is watched, then hand each batch of changed files to
    `changed` until `stop` (an Event) is set."""
    watching = False
    for changes in watchfiles.watch(
        project.root,
        watch_filter=ProjectFilter(project, out),
        debounce=50,
        step=20,
        stop_event=stop,
        raise_interrupt=False,
        yield_on_timeout=True,  # an empty batch: the first says the watcher is running
        rust_timeout=500,
    ):
        if not watching:
            watching = True
            ready()
        if not changes:
            continue
        paths = {Path(path) for _, path in changes}
        names = sorted(project.relative(path) for path in paths)
        print(f"Changed: {', '.join(names[:5])}{' ...' if len(names) > 5 else ''}", flush=True)
        changed(paths)
