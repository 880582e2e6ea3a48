"""Typed rows of tables already proved valid, kept in the build cache (`tables/`) under a hash
of the file's bytes, its schema and scrutiny's code: an unchanged table is not read and cast
again. Anything unreadable or stale simply misses, so deleting the cache costs only time.
Foreign keys and the named rules are always checked again, as they join tables."""

from __future__ import annotations

import os
import pickle
from pathlib import Path
from typing import Any

from scrutiny.incremental.cache import digest, table_key
from scrutiny.project import Project
from scrutiny.schema.package import Table

Records = list[dict[str, Any]]


class RememberedTables:
    def __init__(self, project: Project, enabled: bool = True) -> None:
        self.folder: Path | None = project.cache / "tables" if enabled else None
        self.keys: dict[str, str] = {}

    def rows(self, table: Table) -> Records | None:
        """The table's typed rows if this very file was proved valid before."""
        if self.folder is None:
            return None
        try:
            data = table.path.read_bytes()
        except OSError:
            return None  # read_csv words the problem
        self.keys[table.name] = table_key(table, data)
        try:
            with self._file(table).open("rb") as handle:
                stored = pickle.load(handle)
        except (OSError, pickle.UnpicklingError, EOFError, AttributeError, ImportError):
            return None
        if not isinstance(stored, dict) or stored.get("key") != self.keys[table.name]:
            return None
        return stored["rows"]

    def keep(self, table: Table, rows: Records) -> None:
        """Remember a table that was just proved valid (best effort: a failure only costs
        time next run)."""
        if self.folder is None or table.name not in self.keys:
            return
        target = self._file(table)
        partial = target.with_name(f"{target.name}.{os.getpid()}.partial")
        try:
            self.folder.mkdir(parents=True, exist_ok=True)
            with partial.open("wb") as handle:
                pickle.dump({"key": self.keys[table.name], "rows": rows}, handle, protocol=5)
            partial.replace(target)
        except OSError:
            partial.unlink(missing_ok=True)

    def _file(self, table: Table) -> Path:
        assert self.folder is not None
        return self.folder / f"{digest(table.name.encode())}.pickle"
