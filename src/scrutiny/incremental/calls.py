"""Calls kept between builds by a hash of the function and its arguments."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from functools import partial
from pathlib import Path
from typing import TypeVar

from scrutiny.incremental.keys import Fingerprinter, code_digest
from scrutiny.incremental.store import KeptValues
from scrutiny.incremental.tracking import read_whole

T = TypeVar("T")


def kept_calls(
    folder: Path | None, name: str, function: Callable[..., T], calls: Iterable[tuple]
) -> list[T]:
    """function(*args) for each of `calls`, kept between builds by a hash of the function and
    its arguments (one entry of `folder`, `name`): for a large file made of many parts that
    each seldom change, such as the ten thousand events of a calendar. `function` reads
    nothing but its arguments; a tracked root among them is read whole (an output recorded
    coarsely sees one: tracking.Watched). Without a folder (--no-cache), every call is made."""
    if folder is None:
        return [function(*args) for args in calls]
    kept = KeptValues.recall(folder, name, code_digest())
    fingerprint = Fingerprinter()
    made = []
    for args in calls:
        args = tuple(map(read_whole, args))
        made.append(kept.get(fingerprint((function, args)), partial(function, *args)))
    kept.remember(folder, name, code_digest())
    return made
