"""JSON output files: readable, deterministic, and written with the fast C encoder.

Pretty-printing with `indent` makes Python fall back to its slow pure-Python encoder, which
dominated large builds; instead a list is written one compact record per line.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from typing import Any


def compact(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


def record_lines(records: Iterable[Any]) -> bytes:
    """A JSON array with one record per line: easy to read, diff and grep. Built in one
    growing buffer, so a million records never exist as a million strings at once."""
    buffer = bytearray(b"[")
    separator = b"\n"
    for record in records:
        buffer += separator
        buffer += compact(record).encode("utf-8")
        separator = b",\n"
    buffer += b"\n]\n" if len(buffer) > 1 else b"]\n"
    return bytes(buffer)


def document(value: Any) -> bytes:
    """One JSON document (a page's data): compact, with a final newline."""
    return (compact(value) + "\n").encode("utf-8")
