"""The build cache in PROJECT/.cache/scrutiny/: content hashes, so deleting it costs only time.

Three things are kept, each keyed by a hash of everything that can change the result, so a
stale entry can never be used (a changed input simply misses):

* `build.pickle`: the fingerprint of every input file and of the scrutiny code, and a stamp
  (size, mtime) of every file of the last output. When neither changed, the build is skipped.
* `pages.pickle`: for each output page, a hash of its template sources and its context. A page
  whose hash is unchanged is hard-linked from the previous output instead of being re-rendered.
* `markdown.pickle`: rendered (sanitised) HTML of each Markdown body, by a hash of the body.

Beside these, kept by content hash: chart SVGs (`charts/`, by a hash of the spec), search
index bundles (`search/`, by a hash of the pages they index), the JSON downloads
(`opendata/`, by a hash of the CSV and its schema) and the typed rows of tables proved valid
(`tables/`, see validate/remembered.py).
`scrutiny build --no-cache` neither reads nor writes any of this.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import enum
import hashlib
import inspect
import os
import pickle
import sys
from collections.abc import Callable, Iterable, Mapping
from functools import cache
from importlib import metadata
from pathlib import Path, PurePath
from typing import TYPE_CHECKING, Any

from scrutiny.project import PACKAGE_DIR, Project

if TYPE_CHECKING:
    from scrutiny.schema.package import Table

FORMAT = 1  # bump when the layout of a cache file changes
LIBRARIES = (
    "jinja2",
    "markupsafe",
    "markdown-it-py",
    "nh3",
    "pyyaml",
    "vl-convert-python",
    "altair",
    "frictionless",
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


def input_files(project: Project, out: Path) -> list[Path]:
    """Every file under the project that a build could read: all but hidden folders, the
    output, caches and development folders."""
    out = out.resolve()
    found: list[Path] = []
    for folder, dirs, files in os.walk(project.root):
        here = Path(folder)
        dirs[:] = sorted(
            d
            for d in dirs
            if not d.startswith(".")
            and d not in SKIP_DIRS
            and not d.endswith(".egg-info")
            and (here / d).resolve() != out
        )
        found += (here / f for f in sorted(files) if not f.startswith("."))
    return found


class Stamps:
    """File digests that are only recomputed when a file's size or mtime changed."""

    def __init__(self, known: Mapping[str, tuple[int, int, str]] | None = None) -> None:
        self.known = dict(known or {})
        self.seen: dict[str, tuple[int, int, str]] = {}

    def digest(self, path: Path) -> str:
        key = str(path)
        if key in self.seen:
            return self.seen[key][2]
        stat = path.stat()
        entry = self.known.get(key)
        if entry is None or entry[:2] != (stat.st_size, stat.st_mtime_ns):
            entry = (stat.st_size, stat.st_mtime_ns, digest(path.read_bytes()))
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


class BuildCache:
    """The cache files for one project; with `enabled=False` everything misses and nothing is
    written, so a --no-cache build does exactly what a build with an empty cache does."""

    def __init__(self, project: Project, enabled: bool = True) -> None:
        self.root = project.cache
        self.enabled = enabled

    def load(self, name: str) -> Any:
        if not self.enabled:
            return None
        try:
            with (self.root / f"{name}.pickle").open("rb") as handle:
                stored = pickle.load(handle)
        except (OSError, pickle.UnpicklingError, EOFError, AttributeError, ImportError):
            return None
        if not isinstance(stored, dict) or stored.get("code") != code_digest():
            return None
        return stored.get("data")

    def save(self, name: str, data: Any) -> None:
        if not self.enabled:
            return
        self.root.mkdir(parents=True, exist_ok=True)
        path = self.root / f"{name}.pickle"
        tmp = path.with_suffix(f".tmp-{os.getpid()}")
        with tmp.open("wb") as handle:
            pickle.dump({"code": code_digest(), "data": data}, handle, protocol=5)
        tmp.replace(path)


def table_key(table: Table, data: bytes) -> str:
    """A hash of everything a table's typed rows are made from: its name, schema and bytes,
    and scrutiny's code."""
    schema = Fingerprinter()(table.schema)
    return digest(f"{code_digest()}|{table.name}|{schema}|".encode() + data)


def remembered_bytes(folder: Path | None, name: str, key: str, make: Callable[[], bytes]) -> bytes:
    """make(), kept in folder as `name.key` (key: a hash of everything it is made from); a
    new version replaces the older ones. Without a folder (--no-cache), just make()."""
    if folder is None:
        return make()
    kept = folder / f"{name}.{key}"
    try:
        return kept.read_bytes()
    except OSError:
        pass
    data = make()
    partial = folder / f".{name}.{key}.{os.getpid()}"
    try:
        folder.mkdir(parents=True, exist_ok=True)
        for old in folder.glob(f"{name}.*"):
            old.unlink(missing_ok=True)
        partial.write_bytes(data)
        partial.replace(kept)
    except OSError:
        partial.unlink(missing_ok=True)
    return data


class Uncacheable(Exception):
    """A page context holds something that cannot be fingerprinted: always render it."""


_PLAIN = (str, int, float, bool, bytes, type(None))
_SCALAR = frozenset((*_PLAIN, dt.date, dt.time, dt.datetime))


@cache
def _field_names(cls: type) -> tuple[str, ...]:
    return tuple(f.name for f in dataclasses.fields(cls))


class Fingerprinter:
    """A hash of a page's context: everything a template could read from it.

    Containers and records are hashed once per build and remembered by identity, so the
    objects many pages share (the people, a committee) cost nothing after the first page.
    Very large shared objects (the whole model) can be registered with a precomputed digest:
    the hash of every input file, which changes whenever anything they hold could.
    """

    def __init__(self) -> None:
        self._memo: dict[int, tuple[Any, bytes]] = {}

    def register(self, obj: Any, value: str) -> None:
        self._memo[id(obj)] = (obj, value.encode())

    def __call__(self, obj: Any) -> str:
        return self._digest(obj).hex()

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
            values = [getattr(obj, name) for name in _field_names(type(obj))]
            if all(type(v) in _SCALAR for v in values):
                return [repr(values).encode()]  # a flat record (most of the model): one hash
            return [x for pair in zip(_field_names(type(obj)), values, strict=True) for x in pair]
        if inspect.ismethod(obj):  # a bound method reads its object
            return [obj.__qualname__.encode(), obj.__self__]
        if callable(obj) and hasattr(obj, "__qualname__"):  # code is in code_digest()
            return [f"{getattr(obj, '__module__', '')}.{obj.__qualname__}".encode()]
        if hasattr(obj, "__dict__"):
            return [x for item in sorted(vars(obj).items()) for x in item]
        try:
            return [pickle.dumps(obj, protocol=5)]
        except Exception as exc:
            raise Uncacheable(type(obj).__name__) from exc
