"""Typed rows of tables already proved valid, kept in the store under a hash of the file's
bytes, its schema and scrutiny's code: an unchanged table is not read and cast again.
Anything unreadable, damaged or stale simply misses, so deleting the cache costs only time."""

from __future__ import annotations

import pickle
from typing import Any

from scrutiny.incremental.keys import table_key
from scrutiny.incremental.store import recall, remember
from scrutiny.project import Project
from scrutiny.schema.package import Table

Records = list[dict[str, Any]]


class RememberedTables:
    def __init__(self, project: Project, enabled: bool = True) -> None:
        self.folder = project.cache / "blobs" / "tables" if enabled else None
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
        kept = recall(self.folder, f"{table.name}.pickle", self.keys[table.name])
        if kept is None:
            return None
        try:
            return pickle.loads(kept)
        except Exception:
            return None

    def keep(self, table: Table, rows: Records) -> None:
        """Remember a table that was just proved valid (best effort)."""
        if self.folder is None or table.name not in self.keys:
            return
        remember(self.folder, f"{table.name}.pickle", self.keys[table.name], pickle.dumps(rows, 5))
