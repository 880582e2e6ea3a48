"""Everything the page families read: the config, the model and the rendered documents."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path

from scrutiny.citations import Library
from scrutiny.config import SiteConfig
from scrutiny.documents import Document
from scrutiny.model import Meeting, Model
from scrutiny.schema.package import DataPackage


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
