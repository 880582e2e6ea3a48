"""What a build makes: pages drawn by templates, files as bytes, and files made in a worker."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
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


@dataclass(frozen=True)
class File:
    """Any other output file (JSON, CSV, feeds), already as bytes."""

    path: str
    data: bytes


@dataclass(frozen=True)
class Generated:
    """An output file whose bytes are costly to make (a calendar of every meeting): made as
    make(*args) in a worker process, in parallel with the pages, and reused from the last
    build when make and args are unchanged."""

    path: str
    make: Callable[..., bytes]
    args: tuple[Any, ...]

    def data(self) -> bytes:
        return self.make(*self.args)
