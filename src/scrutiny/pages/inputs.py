"""Everything the page families read: the config, the model and the rendered documents."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TypeVar

from scrutiny.citations import Library
from scrutiny.config import SiteConfig
from scrutiny.documents import Document
from scrutiny.incremental.pool import Ahead
from scrutiny.model import Meeting, Model
from scrutiny.schema.package import DataPackage

T = TypeVar("T")


@dataclass(frozen=True)
class Inputs:
    config: SiteConfig
    model: Model
    minutes: dict[str, Document]
    reports: dict[str, Document]
    pages: tuple[Document, ...]
    today: dt.date
    cache: Path | None = None  # the build cache folder; None with --no-cache
    package: DataPackage | None = None
    library: Library = field(default_factory=Library)  # the documents `source` values cite
    ahead: Mapping[str, Ahead] = field(default_factory=dict)  # started by the build: AHEAD
    scratch: Path | None = None  # for large temporary files; None: the system's temp folder
    # a hash of what every table's records are made from (None: not known, or not kept)
    tables_key: str | None = None

    def made_ahead(self, name: str, make: Callable[[Inputs], T]) -> T:
        """What make(self) gives: from the work the build started ahead under `name`
        (pages.AHEAD), or made now when nothing was started (the preview, tests)."""
        started = self.ahead.get(name)
        return started.result() if started is not None else make(self)

    def cache_folder(self, name: str) -> Path | None:
        """A folder of the build cache for files kept by content hash (charts, search)."""
        return self.cache / name if self.cache else None

    def upcoming(self) -> list[Meeting]:
        return [
            m
            for m in self.model.meetings.values()
            if m.status == "scheduled" and m.date >= self.today
        ]

    def recent(self, limit: int = 5) -> list[Meeting]:
        held = [m for m in self.model.meetings.values() if m.status == "held"]
        return held[::-1][:limit]
