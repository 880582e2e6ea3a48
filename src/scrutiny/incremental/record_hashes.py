"""The model's record hashes, made before the worker pool forks and kept between builds.

Static keys and replayed reads hash the records they meet (keys.Fingerprinter), and a record
keeps its hash on itself (keys.HASH_SLOT). Left to the workers, each one hashes every record
its outputs meet, so at county size both workers hashed most of the model's 440,000 records
whenever a table changed. Made here, in the build's own process before the pool forks, each
record is hashed once; and the hashes are kept in the cache by each table's version (a hash
of its file, its schema and scrutiny's code: build._table_versions), so a build after an edit
hashes only the records of the tables that changed.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from scrutiny.incremental.keys import give_record_hashes, record_hashes
from scrutiny.incremental.store import recall, remember


def hash_records(
    folder: Path | None, tables: Mapping[str, Sequence[Any]], versions: Mapping[str, str]
) -> None:
    """Give every record of `tables` its hash: kept in `folder` under the table's version in
    `versions`, or made now (and kept)."""
    for name, records in tables.items():
        version = versions.get(name)
        kept = recall(folder, name, version) if version else None
        if kept is not None and give_record_hashes(records, kept):
            continue
        hashes = record_hashes(records)
        if hashes is not None and version:
            remember(folder, name, version, hashes)
