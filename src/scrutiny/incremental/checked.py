"""Validation follows the graph: a foreign key or a named rule whose inputs did not change since
the last validation that found nothing wrong is not checked again.

A check's inputs are the tables it read, each by its remembered key (a hash of the file, its
schema and scrutiny's code), and, for a rule that reads the project's documents, a stamp of
the content and sources folders (every file's name and content hash, re-hashed only when its
size or modification time changed, as the build's freshness check does). What each
rule reads is recorded while it runs (validate/rules.Context), so a new rule needs no
declaration here. Only a clean validation is remembered, so a check that is skipped is one
that passed on exactly these inputs; deleting the cache only makes every check run again.
"""

from __future__ import annotations

import json
import os
import pickle
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from scrutiny.incremental.keys import Stamps, code_digest, digest
from scrutiny.incremental.store import recall, remember
from scrutiny.project import Project

# check name -> (tables it read, whether it read the documents, digest of those inputs)
Inputs = tuple[tuple[str, ...], bool, str]


class CheckedBefore:
    def __init__(
        self,
        project: Project,
        table_keys: dict[str, str],
        enabled: bool,
        documents: str | None = None,
    ) -> None:
        """`documents`: the documents' stamp, when the caller knows they did not change since
        it was taken."""
        self.project = project
        self.table_keys = table_keys  # this validation's key of each table it could read
        self.folder = project.cache / "blobs" / "validation" if enabled else None
        kept = self._load()
        self.before: dict[str, Inputs] = kept.get("checks", {})
        self.stamps = Stamps(kept.get("stamps"))
        self.now: dict[str, Inputs] = {}
        self._documents = documents
        self.skipped: list[str] = []

    def unchanged(self, check: str) -> bool:
        """Whether the check passed last time on the very inputs it would read now; if so it
        is carried over to what this validation remembers."""
        if check not in self.before:
            return False
        tables, documents, was = self.before[check]
        if self.inputs_digest(tables, documents) != was:
            return False
        self.now[check] = self.before[check]
        self.skipped.append(check)
        return True

    def ran(self, check: str, tables: Iterable[str], documents: bool) -> None:
        read = tuple(sorted(set(tables)))
        now = self.inputs_digest(read, documents)
        if now is not None:
            self.now[check] = (read, documents, now)

    def inputs_digest(self, tables: Iterable[str], documents: bool) -> str | None:
        """None when an input has no key (a table that could not be read): always check."""
        parts = []
        for name in tables:
            key = self.table_keys.get(name)
            if key is None:
                return None
            parts.append(f"{name}:{key}")
        if documents:
            parts.append(self._documents_stamp())
        return digest("|".join(parts).encode())

    def save(self) -> None:
        """Remember the checks of a validation that found no problem."""
        state = {"checks": self.now, "stamps": self.stamps.seen or self.stamps.known}
        remember(self.folder, "checked.pickle", code_digest(), pickle.dumps(state, 5))

    def _load(self) -> dict:
        kept = recall(self.folder, "checked.pickle", code_digest())
        try:
            return pickle.loads(kept) if kept is not None else {}
        except Exception:
            return {}

    def documents_stamp_if_known(self) -> str | None:
        return self._documents

    def _documents_stamp(self) -> str:
        if self._documents is None:
            files = [
                p for folder in (self.project.content, self.project.sources) for p in _files(folder)
            ]
            self._documents = digest(repr([(p, self.stamps.digest(p)) for p in files]).encode())
        return self._documents


def _files(folder: Path) -> list[str]:
    """Every file below the folder, as strings (ten thousand Paths take a while to make)."""
    found = []
    for root, dirs, files in os.walk(folder):
        dirs.sort()
        found += (os.path.join(root, name) for name in sorted(files))
    return found


class ValidSchemas:
    """Table Schemas found valid against the standard before, kept by a hash of each: the
    check (frictionless) is slow to import and to run, a third of a second every build."""

    NAME = "schemas.pickle"

    def __init__(self, project: Project, enabled: bool) -> None:
        self.folder = project.cache / "blobs" / "validation" if enabled else None
        kept = recall(self.folder, self.NAME, code_digest())
        try:
            self.known: set[str] = set(pickle.loads(kept)) if kept is not None else set()
        except Exception:
            self.known = set()
        self.now: set[str] = set()

    def __contains__(self, schema: dict[str, Any]) -> bool:
        key = _schema_key(schema)
        if key in self.known:
            self.now.add(key)
            return True
        return False

    def add(self, schema: dict[str, Any]) -> None:
        self.now.add(_schema_key(schema))

    def save(self) -> None:
        if self.now != self.known:
            remember(self.folder, self.NAME, code_digest(), pickle.dumps(sorted(self.now), 5))


def _schema_key(schema: dict[str, Any]) -> str:
    return digest(json.dumps(schema, sort_keys=True, default=repr).encode())
