"""Is the last build still up to date? Answered before the rest of scrutiny is even imported,
so a build with nothing to do returns at once.

The answer is yes when one hash of everything a build reads (the project's files, by content;
scrutiny's code, templates and libraries; the build date; the output folder) is the one the
last build recorded, and the output is exactly as that build left it (size and mtime of every
file).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from scrutiny.incremental.cache import BuildCache, Stamps, code_digest, input_files
from scrutiny.incremental.keys import OutputStamp
from scrutiny.project import Project


@dataclass(frozen=True)
class BuildResult:
    out: Path
    pages: int
    files: int
    rendered: int = 0  # pages rendered this time (the rest were reused unchanged)
    unchanged: bool = False  # nothing changed since the last build: nothing was done


@dataclass
class LastBuild:
    """What the last build recorded, and this build's inputs key to compare with it."""

    record: dict[str, Any]
    stamps: Stamps
    inputs_key: str
    output: OutputStamp | None = None  # of the last build's output folder, being taken

    def result(self, out: Path) -> BuildResult | None:
        """The last build's result if it is still up to date for `out`, else None."""
        if self.output is None:
            return None
        if self.record.get("out") != str(out) or self.record.get("key") != self.inputs_key:
            self.output.cancel()
            return None
        if self.output.result().digest == self.record.get("output"):
            return BuildResult(out, self.record["pages"], self.record["files"], unchanged=True)
        return None


def build_date() -> dt.date:
    """The date the site is built 'as at': SOURCE_DATE_EPOCH if set, so builds reproduce."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    if epoch and epoch.isdigit():
        return dt.datetime.fromtimestamp(int(epoch), tz=dt.UTC).date()
    return dt.date.today()


def last_build(project: Project, out: Path, cache: BuildCache) -> LastBuild:
    output = OutputStamp(out, files=False) if cache.enabled and out.is_dir() else None
    record = cache.load("build") or {}
    stamps = Stamps(record.get("stamps"))
    return LastBuild(record, stamps, inputs_key(project, out, stamps), output)


def inputs_key(project: Project, out: Path, stamps: Stamps) -> str:
    """One hash of everything a build reads."""
    h = hashlib.blake2b(digest_size=16)
    h.update(f"{code_digest()}|{build_date()}|{out}|".encode())
    root = len(str(project.root)) + 1
    for path in input_files(project, out):
        h.update(f"{path[root:]}:{stamps.digest(path)}|".encode())
    return h.hexdigest()
