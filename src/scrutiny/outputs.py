"""What a build makes: pages drawn by templates, files as bytes, and files made in a worker."""

from __future__ import annotations

import weakref
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any


@dataclass(frozen=True)
class Page:
    """One HTML page: where it goes, which template draws it, and what it shows."""

    path: str
    template: str
    title: str
    context: Mapping[str, Any] = field(default_factory=dict)
    twin: str | None = None  # the path of the page's data as JSON, linked from the page
    searchable: bool = False  # whether the search index holds this page


@dataclass(frozen=True, eq=False)
class OnDisk:
    """A file's bytes made on disk rather than in memory (a county's database is 140 MB): its
    temporary file, which is removed once nothing refers to this, its size and SHA-256."""

    path: Path
    size: int
    sha256: str

    def __post_init__(self) -> None:
        weakref.finalize(self, self.path.unlink, missing_ok=True)

    def __reduce__(self) -> tuple[type[OnDisk], tuple[Path, int, str]]:
        """Unpickled (from the process that made it: pool.Ahead) as a new owner of the file."""
        return OnDisk, (self.path, self.size, self.sha256)


@dataclass(frozen=True)
class File:
    """Any other output file (JSON, CSV, feeds), already as bytes, or made on disk."""

    path: str
    data: bytes = b""
    on_disk: OnDisk | None = None


@dataclass(frozen=True)
class Generated:
    """An output file whose bytes are costly to make (a calendar of every meeting): made as
    make(*args) in a worker process, in parallel with the pages, and reused from the last
    build when make and args are unchanged."""

    path: str
    make: Callable[..., bytes]
    args: tuple[Any, ...]
    # Read most of what it is made from (a calendar of every meeting): recorded by the parts
    # it reads (tables, documents), not read by read, and made again when one of them changed.
    coarse: bool = False

    def data(self) -> bytes:
        return self.make(*self.args)


@dataclass(frozen=True)
class Later:
    """An output file made in another process while the build goes on (pages.AHEAD): its
    bytes are asked for (`get()`) only once every other output is made."""

    path: str
    get: Callable[[], bytes | OnDisk]


@dataclass(frozen=True)
class Reused:
    """An output of a family made from nothing that changed since the last build
    (pages.Family.made_from): the last build's file at `path`, linked into the new site
    without the family being asked for its outputs. The maker hands it back (Outcome.missing)
    when the file is gone or what the output read changed, to be made from its family."""

    path: str
    page: bool  # an HTML page, counted as one
    searchable: bool = False  # a page the search index holds
