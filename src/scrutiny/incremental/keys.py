"""Key recipes: hashes of what an output or a cache entry is made from.

Everything the incremental layer keys is hashed here. `Fingerprinter` hashes a value by what it
holds; a value it cannot key (a closure, a lambda, an object with hidden state) is an
`Unkeyable` error at development time, never a silent collision.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import enum
import functools
import hashlib
import os
import sys
import time
import types
from collections.abc import Iterable, Mapping
from functools import cache
from importlib import metadata
from pathlib import Path, PurePath
from typing import TYPE_CHECKING, Any

from scrutiny.project import PACKAGE_DIR, Project

if TYPE_CHECKING:
    from scrutiny.schema.package import Table

FORMAT = 3  # bump when the layout of a cache entry changes
LIBRARIES = (
    "jinja2",
    "markupsafe",
    "markdown-it-py",
    "nh3",
    "pyyaml",
    "vl-convert-python",
    "altair",
    "frictionless",
    "feedgen",
    "icalendar",
    "pagefind",
)
SKIP_DIRS = {"_site", "node_modules", "__pycache__", "staging", "tests", "benchmarks", "docs"}


def digest(data: bytes) -> str:
    return hashlib.blake2b(data, digest_size=16).hexdigest()


@cache
def code_digest() -> str:
    """Everything of scrutiny's own that shapes output: its code, templates and assets, the
    Python version and the versions of the libraries that render."""
    h = hashlib.blake2b(digest_size=16)
    h.update(f"{FORMAT}:{sys.version}".encode())
    for name in LIBRARIES:
        try:
            h.update(f"{name}={metadata.version(name)};".encode())
        except metadata.PackageNotFoundError:
            h.update(f"{name}=none;".encode())
    for path in sorted(PACKAGE_DIR.rglob("*")):
        if path.is_file() and "__pycache__" not in path.parts:
            h.update(path.relative_to(PACKAGE_DIR).as_posix().encode() + b"\0")
            h.update(path.read_bytes())
    return h.hexdigest()


def input_files(project: Project, out: Path) -> list[str]:
    """Every file under the project that a build could read: all but hidden folders, the
    output, caches and development folders. As strings: a no-change build makes ten thousand
    of them, and Paths take a while to make."""
    out_path = str(out.resolve())
    found: list[str] = []
    for folder, dirs, files in os.walk(project.root):
        dirs[:] = sorted(
            d
            for d in dirs
            if not d.startswith(".")
            and d not in SKIP_DIRS
            and not d.endswith(".egg-info")
            and os.path.realpath(os.path.join(folder, d)) != out_path
        )
        found += (os.path.join(folder, f) for f in sorted(files) if not f.startswith("."))
    return found


RACY_NS = 2_000_000_000  # a file changed this recently may change again within one mtime tick


class Stamps:
    """File digests that are only recomputed when a file's size or mtime changed, or when
    the file changed so recently that an edit of the same size could keep its mtime (as
    git does for "racily clean" files)."""

    def __init__(self, known: Mapping[str, tuple[int, int, str]] | None = None) -> None:
        self.known = dict(known or {})
        self.seen: dict[str, tuple[int, int, str]] = {}
        self.racy_after = time.time_ns() - RACY_NS

    def digest(self, path: str | Path) -> str:
        key = str(path)
        if key in self.seen:
            return self.seen[key][2]
        stat = os.stat(key)
        entry = self.known.get(key)
        if (
            entry is None
            or entry[:2] != (stat.st_size, stat.st_mtime_ns)
            or stat.st_mtime_ns > self.racy_after
        ):
            with open(key, "rb") as handle:
                entry = (stat.st_size, stat.st_mtime_ns, digest(handle.read()))
        self.seen[key] = entry
        return entry[2]


def output_stamp(out: Path) -> dict[str, tuple[int, int]]:
    """Size and mtime of every file of a built site, to notice it was changed by hand."""
    stamp: dict[str, tuple[int, int]] = {}
    _stamp_folder(str(out), "", stamp)
    return stamp


def _stamp_folder(folder: str, prefix: str, stamp: dict[str, tuple[int, int]]) -> None:
    with os.scandir(folder) as entries:
        for entry in entries:
            if entry.is_dir(follow_symlinks=False):
                _stamp_folder(entry.path, f"{prefix}{entry.name}/", stamp)
            else:
                stat = entry.stat()
                stamp[prefix + entry.name] = (stat.st_size, stat.st_mtime_ns)


def table_key(table: Table, data: bytes) -> str:
    """A hash of everything a table's typed rows are made from: its name, schema and bytes,
    and scrutiny's code."""
    schema = Fingerprinter()(table.schema)
    return digest(f"{code_digest()}|{table.name}|{schema}|".encode() + data)


class Unkeyable(TypeError):
    """A value the layer cannot key. Raised at development time: make the value plain data
    (a dataclass, a tuple, a module-level function), never let it collide silently."""


_PLAIN = (str, int, float, bool, bytes, type(None))
_SCALAR = frozenset((*_PLAIN, dt.date, dt.time, dt.datetime))


@cache
def _field_names(cls: type) -> tuple[str, ...]:
    return tuple(f.name for f in dataclasses.fields(cls))


def is_flat_record(obj: Any) -> bool:
    """A dataclass instance whose fields are all scalars (a row of a table)."""
    if not dataclasses.is_dataclass(obj) or isinstance(obj, type):
        return False
    return all(type(getattr(obj, n)) in _SCALAR for n in _field_names(type(obj)))


class Fingerprinter:
    """A hash of a value: everything code or a template could read from it.

    Containers and records are hashed once and remembered by identity, so the objects many
    outputs share cost nothing after the first. Objects registered with a token (the model,
    the documents: read through tracking, see tracking.py) hash as that token.
    """

    def __init__(self) -> None:
        self._memo: dict[int, tuple[Any, bytes]] = {}
        self._tokens: dict[int, tuple[Any, bytes]] = {}

    def register(self, obj: Any, token: str) -> None:
        self._tokens[id(obj)] = self._memo[id(obj)] = (obj, f"token:{token}".encode())

    def forget(self) -> None:
        """Forget every hash but the registered tokens. A worker keys thousands of outputs: its
        memory stays that of one batch, not of every object it ever hashed."""
        self._memo = dict(self._tokens)

    def __call__(self, obj: Any) -> str:
        return self._digest(obj).hex()

    def raw(self, obj: Any) -> bytes:
        return self._digest(obj)

    def _digest(self, obj: Any) -> bytes:
        if type(obj) in _PLAIN:
            return hashlib.blake2b(
                f"{type(obj).__name__}:{obj!r}".encode(), digest_size=16
            ).digest()
        memo = self._memo.get(id(obj))
        if memo is not None and memo[0] is obj:
            return memo[1]
        h = hashlib.blake2b(digest_size=16)
        h.update(f"{type(obj).__module__}.{type(obj).__qualname__}|".encode())
        for part in self._parts(obj):
            h.update(part if isinstance(part, bytes) else self._digest(part))
        value = h.digest()
        self._memo[id(obj)] = (obj, value)
        return value

    def _parts(self, obj: Any) -> Iterable[Any]:
        if isinstance(obj, _PLAIN):  # subclasses such as Markup
            return [repr(obj).encode(), str(obj).encode()]
        if isinstance(obj, dt.date | dt.time | dt.datetime | dt.timedelta | PurePath):
            return [repr(obj).encode()]
        if isinstance(obj, enum.Enum):
            return [repr(obj).encode()]
        if isinstance(obj, Mapping):
            return [x for item in obj.items() for x in item]
        if isinstance(obj, list | tuple):
            return list(obj)
        if isinstance(obj, set | frozenset):
            return [b"".join(sorted(self._digest(x) for x in obj))]
        if dataclasses.is_dataclass(obj) and not isinstance(obj, type):
            names = _field_names(type(obj))
            values = [getattr(obj, name) for name in names]
            if all(type(v) in _SCALAR for v in values):
                return [repr(values).encode()]  # a flat record (most of the model): one hash
            return [x for pair in zip(names, values, strict=True) for x in pair]
        if isinstance(obj, functools.partial):
            return [obj.func, obj.args, obj.keywords]
        if isinstance(obj, types.MethodType):  # a bound method reads its object
            return [obj.__func__, obj.__self__]
        if isinstance(obj, types.FunctionType):
            return [_function_name(obj)]
        if isinstance(obj, types.BuiltinFunctionType | type):
            return [f"{getattr(obj, '__module__', '')}.{obj.__qualname__}".encode()]
        raise Unkeyable(
            f"the incremental layer cannot key a {type(obj).__qualname__}: pass plain data "
            "(dataclasses, tuples, dicts, module-level functions) to pages and files"
        )


def _function_name(function: types.FunctionType) -> bytes:
    """A module-level function is its name (its code is in code_digest); a closure or a
    lambda carries state a name does not show, so it cannot be keyed. A library's functions
    (Jinja's filters, wrapped by decorators) are their names: their versions are in
    code_digest."""
    ours = function.__module__.split(".")[0] == "scrutiny"
    if ours and (function.__closure__ or "<" in function.__qualname__):
        raise Unkeyable(
            f"{function.__module__}.{function.__qualname__} is a closure or a lambda: "
            "use a module-level function (with functools.partial for its arguments)"
        )
    return f"{function.__module__}.{function.__qualname__}".encode()
