"""What the rest of scrutiny uses of the incremental layer, in one place: the store's helpers
for files kept by key (charts, downloads, search bundles) and the key recipes they need.
See store.py (the cache folder), keys.py (hashing) and graph.py (what each output read)."""

from __future__ import annotations

from scrutiny.incremental.keys import (
    Fingerprinter,
    Stamps,
    Unkeyable,
    code_digest,
    digest,
    input_files,
    table_key,
)
from scrutiny.incremental.store import (
    KeptValues,
    Store,
    kept_bytes,
    recall,
    recall_file,
    remember,
    remember_file,
    remembered_bytes,
)

BuildCache = Store  # the name the commands use

__all__ = [
    "BuildCache",
    "Fingerprinter",
    "KeptValues",
    "Stamps",
    "Store",
    "Unkeyable",
    "code_digest",
    "digest",
    "input_files",
    "kept_bytes",
    "recall",
    "recall_file",
    "remember",
    "remember_file",
    "remembered_bytes",
    "table_key",
]
