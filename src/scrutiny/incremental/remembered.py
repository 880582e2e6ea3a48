"""Typed rows of tables already proved valid, kept in the store under a hash of the file's
bytes, its schema and scrutiny's code: an unchanged table is not read and cast again; and,
under the same key, the hash of each of its records. Anything unreadable, damaged or stale
simply misses, so deleting the cache costs only time."""

from __future__ import annotations

import pickle
from collections.abc import Callable, Iterator, Mapping, Sequence
from pathlib import Path
from typing import Any

from scrutiny.incremental.keys import record_hashes, restore_record_hashes, table_key
from scrutiny.incremental.store import recall, remember
from scrutiny.project import Project
from scrutiny.schema.package import Table

Records = list[dict[str, Any]]


class RememberedTables:
    def __init__(self, project: Project, enabled: bool = True) -> None:
        self.folder = tables_folder(project) if enabled else None
        self.keys: dict[str, str] = {}
        self.keeping = enabled  # whether `keep` writes

    def rows(self, table: Table) -> Callable[[], Records | None] | None:
        """How to have the table's typed rows, if this very file was proved valid before: the
        entry is read and checked now, and unpickled when the rows are first needed
        (LazyRows)."""
        if self.folder is None or not self.key_of(table):
            return None
        kept = recall(self.folder, f"{table.name}.pickle", self.keys[table.name])
        if kept is None:
            return None
        return lambda: _unpickled(kept)

    def key_of(self, table: Table) -> bool:
        """Set the table's key in `keys` from its file as it is now; False if unreadable."""
        try:
            data = table.path.read_bytes()
        except OSError:
            return False  # read_csv words the problem
        self.keys[table.name] = table_key(table, data)
        return True

    def recall(self, table: Table) -> Records | None:
        """The rows kept under the table's key in `keys` (set by the caller, who knows the
        file is unchanged); None if the entry is gone or damaged."""
        if self.folder is None or table.name not in self.keys:
            return None
        kept = recall(self.folder, f"{table.name}.pickle", self.keys[table.name])
        return _unpickled(kept) if kept is not None else None

    def keep(self, table: Table, rows: Records) -> None:
        """Remember a table that was just proved valid (best effort)."""
        if not self.keeping or self.folder is None or table.name not in self.keys:
            return
        remember(self.folder, f"{table.name}.pickle", self.keys[table.name], pickle.dumps(rows, 5))


def tables_folder(project: Project) -> Path:
    return project.cache / "blobs" / "tables"


def hash_records(
    project: Project, tables: Mapping[str, Sequence[Any]], keys: Mapping[str, str]
) -> None:
    """Give each record the hash kept for its table's key (`keys`: validation's), or hash the
    table's records and keep them. A record is otherwise hashed in every process that keys a
    page holding it: after a new meeting, the 10,000 meeting pages' contexts hold 570,000
    records, hashed again in each worker. Now a table's records are hashed once per change
    of its file, and the workers, forked later, are given them."""
    folder = tables_folder(project)
    for name, records in tables.items():
        key = keys.get(name)
        if key is None:
            continue
        kept = recall(folder, f"{name}.hashes", key)
        if kept is not None and restore_record_hashes(records, kept):
            continue
        hashes = record_hashes(records)
        if hashes is not None:
            remember(folder, f"{name}.hashes", key, hashes)


def _unpickled(kept: bytes) -> Records | None:
    try:
        return pickle.loads(kept)
    except Exception:
        return None


class LazyRows(dict):
    """Typed rows by table name, where a remembered table's rows are unpickled only when first
    asked for: after a one-table edit, validation reads just the tables its checks need.
    Every way of reading it (an item, get, pop, values, items, a copy, ==) gives the rows."""

    def __init__(self) -> None:
        super().__init__()
        self._pending: dict[str, Callable[[], Records]] = {}

    def defer(self, name: str, load: Callable[[], Records]) -> None:
        super().__setitem__(name, None)
        self._pending[name] = load

    def __getitem__(self, name: str) -> Records:
        load = self._pending.pop(name, None)
        if load is not None:
            super().__setitem__(name, load())
        return super().__getitem__(name)

    def __iter__(self) -> Iterator[str]:  # also makes dict(rows) and {**rows} ask for items
        return iter(list(super().__iter__()))

    def get(self, name: str, default: Any = None) -> Any:
        try:
            return self[name]
        except KeyError:
            return default

    def pop(self, name: str, *default: Any) -> Any:
        if name not in self:
            return super().pop(name, *default)
        value = self[name]
        super().pop(name)
        return value

    def values(self) -> list[Records]:  # type: ignore[override]
        return [self[name] for name in self]

    def items(self) -> list[tuple[str, Records]]:  # type: ignore[override]
        return [(name, self[name]) for name in self]

    def copy(self) -> dict[str, Records]:
        return dict(self.items())

    def __eq__(self, other: object) -> bool:
        return isinstance(other, dict) and dict(self.items()) == dict(other.items())

    __hash__ = None  # type: ignore[assignment]

    def __repr__(self) -> str:
        return repr(self.copy())
