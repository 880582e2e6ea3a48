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
import re
import sys
import time
import types
from collections.abc import Callable, Iterable, Mapping, Sequence
from contextlib import suppress
from functools import cache, partial
from operator import attrgetter
from pathlib import Path, PurePath
from typing import TYPE_CHECKING, Any

from scrutiny.incremental.pool import Ahead, jobs_wanted
from scrutiny.project import PACKAGE_DIR, Project

if TYPE_CHECKING:
    from scrutiny.schema.package import Table

FORMAT = 3  # bump when the layout of a cache entry changes
# The libraries that shape output (their versions are in code_digest), and their modules.
LIBRARIES = {
    "jinja2": "jinja2",
    "markupsafe": "markupsafe",
    "cmarkgfm": "cmarkgfm",
    "nh3": "nh3",
    "pyyaml": "yaml",
    "vl-convert-python": "vl_convert",
    "altair": "altair",
    "frictionless": "frictionless",
    "feedgen": "feedgen",
    "icalendar": "icalendar",
    "pagefind": "pagefind",
}
LIBRARY_MODULES = frozenset(LIBRARIES.values())
SKIP_DIRS = {"_site", "node_modules", "__pycache__", "staging", "tests", "benchmarks", "docs"}


def digest(data: bytes) -> str:
    """A hash of bytes (SHA-256, cut to 128 bits: twice blake2b's speed on hardware with SHA
    instructions, and files, bodies and the database's blocks are hashed at every build)."""
    return hashlib.sha256(data).hexdigest()[:32]


@cache
def code_digest() -> str:
    """Everything of scrutiny's own that shapes output: its code, templates and assets, the
    Python version and the versions of the libraries that render."""
    h = hashlib.blake2b(digest_size=16)
    h.update(f"{FORMAT}:{sys.version}".encode())
    for name in LIBRARIES:
        h.update(f"{name}={library_version(name)};".encode())
    for path in sorted(PACKAGE_DIR.rglob("*")):
        if path.is_file() and "__pycache__" not in path.parts:
            h.update(path.relative_to(PACKAGE_DIR).as_posix().encode() + b"\0")
            h.update(path.read_bytes())
    return h.hexdigest()


def library_version(name: str) -> str:
    """The installed version of a distribution, or "none"."""
    found = _dist_info_versions().get(_normal_name(name))
    if found is not None:
        return found
    from importlib import metadata  # a distribution not installed as a .dist-info folder

    try:
        return metadata.version(name)
    except metadata.PackageNotFoundError:
        return "none"


@cache
def _dist_info_versions() -> dict[str, str]:
    """The version of each distribution installed as a `.dist-info` folder on sys.path (the
    first found wins, as for imports), read from the folders' names: importing
    importlib.metadata takes a twentieth of a no-change build."""
    found: dict[str, str] = {}
    for entry in sys.path:
        try:
            names = os.listdir(entry or ".")
        except OSError:
            continue
        for folder in names:
            if folder.endswith(".dist-info"):
                name, _, version = folder.removesuffix(".dist-info").partition("-")
                found.setdefault(_normal_name(name), version)
    return found


def _normal_name(name: str) -> str:
    """A distribution's name as PEP 503 compares them."""
    return re.sub(r"[-_.]+", "-", name).lower()


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


@dataclasses.dataclass(frozen=True)
class SiteStamp:
    """What a site's files are: one hash (all the freshness check compares, so it loads and
    receives no stamp of 35,000 files) and, when asked for, each file's size and mtime (for
    the next build's maker, which links a file from the last site only while it is as that
    build left it)."""

    digest: str
    files: dict[str, tuple[int, int]] | None = None


class OutputStamp:
    """Size and mtime of every file of a built site, to notice it was changed by hand.

    On a large site two thirds of it are walked by another process from the start: the walk
    is bound by the interpreter and the `stat` calls (a county's 35,000 files take one
    process 0.25 s, two 0.14 s), and the caller goes on meanwhile (the freshness check
    hashes the inputs, then walks the rest). Only the site's top two levels of folders are
    listed before the other process starts; their files (a county's 10,000 JSON twins in
    `meetings/`) are stamped, like the folders below, by the two processes. Each part is
    hashed where it was walked, and the digest is a hash of the parts' hashes: the same
    site, listed in the same order, gives the same digest. `result()` waits for the whole
    stamp (with each file's only if `files`); `cancel()` when it is not wanted."""

    def __init__(self, out: Path, files: bool = True) -> None:
        self._top, top_files, folders = _top_of(str(out))
        self._mine = top_files[::3], folders[::3]  # the other process takes two thirds
        self._files = files
        alone = jobs_wanted(len(folders)) <= 1
        other = _all_but_every_third(top_files), _all_but_every_third(folders)
        self._other = Ahead(_stamp_part if files else _part_digest, *other, in_process=alone)

    def result(self) -> SiteStamp:
        mine = _stamp_part(*self._mine)
        other = self._other.result()
        if not self._files:
            return SiteStamp(_joined(self._top, mine, other))
        return SiteStamp(_joined(self._top, mine, _stamp_digest(other)), self._top | mine | other)

    def cancel(self) -> None:
        self._other.cancel()


def _joined(top: dict[str, tuple[int, int]], mine: dict[str, tuple[int, int]], other: str) -> str:
    return digest(f"{_stamp_digest(top)}|{_stamp_digest(mine)}|{other}".encode())


def _stamp_digest(stamp: dict[str, tuple[int, int]]) -> str:
    """A hash of a part of a site's stamp, in the order it was walked."""
    return digest(
        "\0".join(f"{name}:{size}:{mtime}" for name, (size, mtime) in stamp.items()).encode()
    )


def _part_digest(files: Entries, folders: Entries) -> str:
    return _stamp_digest(_stamp_part(files, folders))


Entries = list[tuple[str, str]]  # (path, name in the site)


def _top_of(out: str) -> tuple[dict[str, tuple[int, int]], Entries, Entries]:
    """The stamp of the site's top-level files, and the files and folders one level down
    (not stamped yet): a site's bulk is there and below (`meetings/<id>.json`,
    `meetings/<id>/`)."""
    stamp: dict[str, tuple[int, int]] = {}
    files: Entries = []
    folders: Entries = []
    for path, prefix in _entries(out, "", stamp):
        with os.scandir(path) as entries:
            for entry in entries:
                if entry.is_dir(follow_symlinks=False):
                    folders.append((entry.path, f"{prefix}{entry.name}/"))
                else:
                    files.append((entry.path, prefix + entry.name))
    return stamp, files, folders


def _all_but_every_third(entries: Entries) -> Entries:
    return [entry for i, entry in enumerate(entries) if i % 3]


def _entries(folder: str, prefix: str, stamp: dict[str, tuple[int, int]]) -> Entries:
    """Stamp the files of a folder; its folders, with their name prefixes."""
    folders = []
    with os.scandir(folder) as entries:
        for entry in entries:
            if entry.is_dir(follow_symlinks=False):
                folders.append((entry.path, f"{prefix}{entry.name}/"))
            else:
                stat = entry.stat()
                stamp[prefix + entry.name] = (stat.st_size, stat.st_mtime_ns)
    return folders


def _stamp_part(files: Entries, folders: Entries) -> dict[str, tuple[int, int]]:
    """The stamp of the files, and of everything in the folders. A file or folder gone since
    it was listed (another build swapped its site in meanwhile) is left out: the stamp then
    differs from any build's record, so the site is not taken as up to date."""
    stamp: dict[str, tuple[int, int]] = {}
    for path, name in files:
        with suppress(FileNotFoundError):
            stat = os.stat(path)
            stamp[name] = (stat.st_size, stat.st_mtime_ns)
    for folder, prefix in folders:
        with suppress(FileNotFoundError):
            _stamp_folder(folder, prefix, stamp)
    return stamp


def _stamp_folder(folder: str, prefix: str, stamp: dict[str, tuple[int, int]]) -> None:
    for path, name in _entries(folder, prefix, stamp):
        _stamp_folder(path, name, stamp)


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


@cache
def _fields_of(cls: type) -> tuple[tuple[str, ...], Callable[[Any], tuple]] | None:
    """A dataclass's field names and how to get their values as a tuple (in C); None for a
    class that is not a dataclass."""
    if not dataclasses.is_dataclass(cls):
        return None
    names = _field_names(cls)
    if len(names) > 1:
        return names, attrgetter(*names)
    return names, partial(_values_of, names)


def _values_of(names: tuple[str, ...], obj: Any) -> tuple:
    return tuple(getattr(obj, name) for name in names)


def is_flat_record(obj: Any) -> bool:
    """A dataclass instance whose fields are all scalars (a row of a table)."""
    return _flat_values(obj) is not None


def _flat_values(obj: Any) -> tuple | None:
    """The field values of a flat record; None for anything else."""
    fields = _fields_of(type(obj))
    if fields is None:
        return None
    values = fields[1](obj)
    return values if _SCALAR.issuperset(map(type, values)) else None


class Fingerprinter:
    """A hash of a value: everything code or a template could read from it.

    Containers are hashed once and remembered by identity (until `forget`), so the objects
    many outputs share cost nothing after the first; a flat record (a row of a table) is
    hashed as a whole, and a model record keeps that hash in its HASH_SLOT. Objects
    registered with a token (the model, the documents: read through tracking, see
    tracking.py) hash as that token. Each part of a value goes into its hash framed by its
    kind and length (a plain value, raw bytes standing for part of one, or the hash of a
    value inside it), so no two values run together.
    """

    def __init__(self) -> None:
        self._memo: dict[int, tuple[Any, bytes]] = {}
        self._tokens: dict[int, tuple[Any, bytes]] = {}
        self._strings: dict[str, bytes] = {}  # a page reads site.yaml's values, and so on

    def register(self, obj: Any, token: str) -> None:
        self._tokens[id(obj)] = self._memo[id(obj)] = (obj, f"token:{token}".encode())

    def forget(self) -> None:
        """Forget every hash but the registered tokens. A worker keys thousands of outputs: its
        memory stays that of one batch, not of every object it ever hashed."""
        self._memo = dict(self._tokens)
        self._strings = {}

    def __call__(self, obj: Any) -> str:
        return self._digest(obj).hex()

    def raw(self, obj: Any) -> bytes:
        return self._digest(obj)

    def _digest(self, obj: Any) -> bytes:
        kind = type(obj)
        if kind is str:  # (only strings: 1, 1.0 and True, or 0.0 and -0.0, are equal keys)
            found = self._strings.get(obj)
            if found is None:
                found = self._strings[obj] = hashlib.blake2b(_leaf(obj), digest_size=16).digest()
            return found
        if kind in _PLAIN:
            return hashlib.blake2b(_leaf(obj), digest_size=16).digest()
        if (kept := _kept_hash(obj, kind)) is not None:
            return kept
        memo = self._memo.get(id(obj))
        if memo is not None and memo[0] is obj:
            return memo[1]
        if (record := _record_digest(obj)) is not None:
            return record
        h = hashlib.blake2b(digest_size=16)
        h.update(_type_name(kind))
        for part in self._parts(obj):
            kind = type(part)
            if kind is _Raw:
                h.update(b"r%d:" % len(part))
                h.update(part)
            elif kind in _PLAIN:
                h.update(_leaf(part))
            else:
                h.update(b"d")
                h.update(_kept_hash(part, kind) or self._digest(part))
        value = h.digest()
        self._memo[id(obj)] = (obj, value)
        return value

    def _parts(self, obj: Any) -> Iterable[Any]:
        if isinstance(obj, list | tuple):
            return obj
        if isinstance(obj, Mapping):
            return [x for item in obj.items() for x in item]
        if (fields := _fields_of(type(obj))) is not None:
            names, get = fields
            return [x for pair in zip(names, get(obj), strict=True) for x in pair]
        if isinstance(obj, _PLAIN):  # subclasses such as Markup
            return [_Raw(repr(obj).encode()), _Raw(str(obj).encode())]
        if isinstance(obj, dt.date | dt.time | dt.datetime | dt.timedelta | PurePath):
            return [_Raw(repr(obj).encode())]
        if isinstance(obj, enum.Enum):
            return [_Raw(repr(obj).encode())]
        if isinstance(obj, set | frozenset):
            return [_Raw(b"".join(sorted(self._digest(x) for x in obj)))]
        if isinstance(obj, functools.partial):
            return [obj.func, obj.args, obj.keywords]
        if isinstance(obj, types.MethodType):  # a bound method reads its object
            return [obj.__func__, obj.__self__]
        if isinstance(obj, types.FunctionType):
            return _function_parts(obj)
        if isinstance(obj, types.BuiltinFunctionType | type):
            return [_Raw(f"{getattr(obj, '__module__', '')}.{obj.__qualname__}".encode())]
        raise Unkeyable(
            f"the incremental layer cannot key a {type(obj).__qualname__}: pass plain data "
            "(dataclasses, tuples, dicts, module-level functions) to pages and files"
        )


class _Raw(bytes):
    """Bytes that stand for part of a value (a record's fields, a date), not a bytes value."""


@cache
def _type_name(cls: type) -> bytes:
    return f"{cls.__module__}.{cls.__qualname__}|".encode()


HASH_SLOT = "_hash"  # a frozen record class may have this slot: its hash is kept there
RECORD_HASH_BYTES = 16


@cache
def _hash_slot(cls: type) -> Any:
    """The class's HASH_SLOT descriptor, if it has one and is frozen (else None)."""
    slot = getattr(cls, HASH_SLOT, None)
    return slot if isinstance(slot, types.MemberDescriptorType) and _is_frozen(cls) else None


@cache
def _is_frozen(cls: type) -> bool:
    params = getattr(cls, "__dataclass_params__", None)
    return bool(params and params.frozen)


def has_hash_slot(obj: Any) -> bool:
    """A model record (a frozen row of a table, with a HASH_SLOT)."""
    return _hash_slot(type(obj)) is not None


def _kept_hash(obj: Any, kind: type) -> bytes | None:
    """The hash a record keeps in its HASH_SLOT, if it has one yet (the common case inside a
    container, asked before anything else); None otherwise."""
    slot = _hash_slot(kind)
    if slot is None:
        return None
    try:
        return slot.__get__(obj)
    except AttributeError:
        return None


def _record_digest(obj: Any) -> bytes | None:
    """The hash of a flat record (a row of a table) not hashed yet (`_kept_hash` gives one
    that is); None for anything else. A frozen record whose class has HASH_SLOT keeps it
    there, so it is hashed once per process."""
    flat = _flat_record(obj)
    if flat is None:
        return None
    value = hashlib.blake2b(flat, digest_size=RECORD_HASH_BYTES).digest()
    if (slot := _hash_slot(type(obj))) is not None:
        slot.__set__(obj, value)
    return value


def record_hashes(records: Sequence[Any]) -> bytes | None:
    """The hash of each record of one table as a Fingerprinter has it (16 bytes each, in
    order), to be given back by `restore_record_hashes`; None unless every one is a flat
    model record (with a HASH_SLOT)."""
    hashes = []
    for record in records:
        kind = type(record)
        found = _hash_slot(kind) and (_kept_hash(record, kind) or _record_digest(record))
        if not found:
            return None
        hashes.append(found)
    return b"".join(hashes)


def restore_record_hashes(records: Sequence[Any], hashes: bytes) -> bool:
    """Give each record of one table the hash `record_hashes` made of the same records (the
    same file, read by the same code) in another process; False, giving none, if they do not
    fit."""
    size = RECORD_HASH_BYTES
    if not records or len(hashes) != size * len(records):
        return not records and not hashes
    slot = _hash_slot(type(records[0]))
    if slot is None or any(type(record) is not type(records[0]) for record in records):
        return False
    give = slot.__set__
    for start, record in zip(range(0, len(hashes), size), records, strict=True):
        give(record, hashes[start : start + size])
    return True


def _flat_record(obj: Any) -> bytes | None:
    """A dataclass instance whose fields are all scalars, framed with its type; else None."""
    values = _flat_values(obj)
    if values is None:
        return None
    text = repr(values).encode()
    return b"f%s%d:%s" % (_type_name(type(obj)), len(text), text)


def _leaf(value: Any) -> bytes:
    """A plain value (str, int, float, bool, bytes, None), framed by its type and length."""
    text = repr(value)
    return f"v{type(value).__name__}:{len(text)}:{text}".encode()


def _function_parts(function: types.FunctionType) -> list[Any]:
    """A function whose code is in code_digest (scrutiny's own, a rendering library's, the
    standard library's) is its name; any other function is its name and its code. A closure
    or a lambda carries state neither shows, so it cannot be keyed, unless a library made it
    (Jinja's filters, wrapped by decorators): their versions are in code_digest."""
    name = _Raw(f"{function.__module__}.{function.__qualname__}".encode())
    top = function.__module__.split(".")[0]
    if top in LIBRARY_MODULES or top in sys.stdlib_module_names:
        return [name]
    if function.__closure__ or "<" in function.__qualname__:
        raise Unkeyable(
            f"{function.__module__}.{function.__qualname__} is a closure or a lambda: "
            "use a module-level function (with functools.partial for its arguments)"
        )
    if top == "scrutiny":
        return [name]
    return [name, _Raw(_code_bytes(function.__code__)), function.__defaults__ or ()]


def _code_bytes(code: types.CodeType) -> bytes:
    """What a code object does, the same in every process (marshal's output is not)."""
    consts = [
        _code_bytes(c) if isinstance(c, types.CodeType) else repr(c).encode()
        for c in code.co_consts
    ]
    parts = [code.co_code, repr(code.co_names).encode(), repr(code.co_varnames).encode(), *consts]
    return b"".join(b"%d:%s" % (len(part), part) for part in parts)
