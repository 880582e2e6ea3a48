"""Where things live in a scrutiny project directory."""

from __future__ import annotations

import os
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path

PACKAGE_DIR = Path(__file__).parent


@dataclass(frozen=True)
class Project:
    root: Path

    @classmethod
    def at(cls, root: str | Path) -> Project:
        return cls(Path(root).resolve())

    @property
    def site_yaml(self) -> Path:
        return self.root / "site.yaml"

    @property
    def datasets(self) -> Path:
        return self.root / "datasets"

    @property
    def datapackage(self) -> Path:
        return self.datasets / "datapackage.yaml"

    @property
    def content(self) -> Path:
        return self.root / "content"

    @property
    def minutes(self) -> Path:
        return self.content / "minutes"

    @property
    def reports(self) -> Path:
        return self.content / "reports"

    @property
    def pages(self) -> Path:
        return self.content / "pages"

    @property
    def templates(self) -> Path:
        return self.root / "templates"

    @property
    def static(self) -> Path:
        return self.root / "static"

    @property
    def sources(self) -> Path:
        return self.root / "sources"

    @property
    def cache(self) -> Path:
        return self.root / ".cache" / "scrutiny"

    @property
    def default_output(self) -> Path:
        return self.root / "_site"

    @cached_property
    def _root_prefix(self) -> str:
        return str(self.root).rstrip("/") + "/"

    def relative(self, path: Path) -> str:
        """The path as a council officer sees it in their repository."""
        text, root = str(path), self._root_prefix
        if text.startswith(root) and ".." not in path.parts and os.sep == "/":
            return text[len(root) :]  # the common case, in string operations and no stat
        try:
            return path.resolve().relative_to(self.root).as_posix()
        except ValueError:
            return path.as_posix()
