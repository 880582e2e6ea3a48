"""The build cache in PROJECT/.cache/scrutiny/: one store, safe to delete, safe to share.

Every entry is written whole (output/atomic.write_atomic) and carries a checksum of its
payload and the code digest it was made with, so a damaged, half-written or stale entry is
detected and ignored (then rebuilt), never trusted. `--no-cache` (enabled=False) makes every
read miss and every write a no-op.

Two builds of one project take turns: `Store.lock()` holds an exclusive lock for the whole
build and says so when it has to wait.

    records/<name>.pickle    named records: the last build's graph, Markdown HTML, ...
    blobs/<kind>/<key>       bytes by content key: charts, JSON downloads, search bundles
    spare/<out>-<hash>       the site an output held before the last swap (output/atomic.py)
"""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
import io
import os
import pickle
import shutil
import sys
import tarfile
import zlib
from collections.abc import Callable, Iterator, Mapping
from pathlib import Path
from typing import Any, TypeVar

from scrutiny.incremental.keys import code_digest
from scrutiny.output.atomic import write_atomic
from scrutiny.project import Project

MAGIC = b"scrutiny-cache 2\n"
PARTS = 32  # a large record is kept in this many files (Store.save_parts)
T = TypeVar("T")


def _header(payload: bytes) -> bytes:
    """The header naming the payload's checksum and the code it was made with."""
    return MAGIC + f"{code_digest()} {_checksum(payload)}\n".encode()


def _checksum(payload: bytes | memoryview) -> str:
    """What a damaged entry is told apart by (SHA-256: twice blake2b's speed on this
    hardware, and a record is read and written at every build)."""
    return hashlib.sha256(payload).hexdigest()


def _sealed_checksum(path: Path) -> str | None:
    """The checksum an entry's header names, read without its payload (None if the entry is
    missing or from other code)."""
    try:
        with path.open("rb") as handle:
            head = handle.read(len(MAGIC) + 200)
    except OSError:
        return None
    found = _read_header(head)
    return found[0] if found is not None else None


def _read_header(data: bytes) -> tuple[str, int] | None:
    """The checksum a sealed entry's header names and where its payload starts; None if the
    entry is damaged or from other code."""
    end = data.find(b"\n", len(MAGIC))
    if not data.startswith(MAGIC) or end < 0:
        return None
    parts = data[len(MAGIC) : end].decode("ascii", "replace").split(" ")
    if len(parts) != 2 or parts[0] != code_digest():
        return None
    return parts[1], end + 1


def _payload(data: bytes) -> memoryview | None:
    """The payload of a sealed entry, not copied (a record can be tens of megabytes); None
    if the entry is damaged, truncated or from other code."""
    found = _read_header(data)
    if found is None:
        return None
    payload = memoryview(data)[found[1] :]
    return payload if _checksum(payload) == found[0] else None


def _read_payload(path: Path) -> memoryview | None:
    try:
        data = path.read_bytes()
    except OSError:
        return None
    payload = _payload(data)
    if payload is None:
        path.unlink(missing_ok=True)  # damaged or stale: drop it, it will be made again
    return payload


def read_sealed(path: Path) -> bytes | None:
    payload = _read_payload(path)
    return None if payload is None else payload.tobytes()


def write_sealed(path: Path, payload: bytes) -> None:
    """Best effort: a cache that cannot be written costs only time. The header and the payload
    are written one after the other, never joined in memory."""
    with contextlib.suppress(OSError):
        write_atomic(path, (_header(payload), payload))


class Store:
    def __init__(self, project: Project, enabled: bool = True) -> None:
        self.root = project.cache
        self.enabled = enabled

    # -- named records ---------------------------------------------------------------------

    def load(self, name: str) -> Any:
        if not self.enabled:
            return None
        payload = _read_payload(self.root / "records" / f"{name}.pickle")
        if payload is None:
            return None
        try:
            return pickle.loads(payload)
        except Exception:  # unpicklable after a code change: a miss
            return None

    def save(self, name: str, data: Any) -> None:
        if self.enabled:
            write_sealed(self.root / "records" / f"{name}.pickle", pickle.dumps(data, 5))

    def save_parts(self, name: str, data: Mapping[str, Any]) -> list[str]:
        """Save a large dict (a county's graph or rendered Markdown: 70 MB) in PARTS files by
        a hash of each key, writing only the parts whose bytes changed; their checksums, for
        the record that refers to them to keep (load_parts), or [] with --no-cache."""
        if not self.enabled:
            return []
        split: list[dict[str, Any]] = [{} for _ in range(PARTS)]
        for key in sorted(data):  # the same bytes for the same dict, in any order
            split[zlib.crc32(key.encode()) % PARTS][key] = data[key]
        checksums = []
        for number, part in enumerate(split):
            payload = pickle.dumps(part, 5)
            checksum = _checksum(payload)
            path = self._part(name, number)
            if _sealed_checksum(path) != checksum:
                write_sealed(path, payload)
            checksums.append(checksum)
        return checksums

    def load_parts(self, name: str, checksums: Any) -> dict[str, Any]:
        """What save_parts saved with these checksums: a part that is missing, damaged, or
        written since (by a build that did not get as far as its record) is left out."""
        if not self.enabled or not isinstance(checksums, list) or len(checksums) != PARTS:
            return {}
        found: dict[str, Any] = {}
        for number, checksum in enumerate(checksums):
            path = self._part(name, number)
            if _sealed_checksum(path) != checksum or (payload := _read_payload(path)) is None:
                continue
            with contextlib.suppress(Exception):  # unpicklable after a code change: a miss
                found.update(pickle.loads(payload))
        return found

    def _part(self, name: str, number: int) -> Path:
        return self.root / "records" / name / f"{number}.pickle"

    # -- blobs by content key --------------------------------------------------------------

    def folder(self, kind: str) -> Path | None:
        """Where blobs of one kind live (None with --no-cache): handed to the writers of
        charts, downloads and search bundles, which use remembered_bytes on it."""
        return self.root / "blobs" / kind if self.enabled else None

    # -- the spare site folder ---------------------------------------------------------------

    def spare_for(self, out: Path) -> Path | None:
        """Where the site that `out` held before the last swap is kept, to be brought up to
        date by the next build (output/atomic.py); None with --no-cache, or when the output is
        on another file system than the cache (a folder cannot be renamed across). The spares
        of outputs that are gone (a benchmark's or a test's folder, removed) are removed: each
        is a whole site, and nothing would ever use it again."""
        if not self.enabled:
            return None
        self.root.mkdir(parents=True, exist_ok=True)
        folder = next(f for f in out.parents if f.is_dir())
        if os.stat(folder).st_dev != os.stat(self.root).st_dev:
            return None
        name = hashlib.blake2b(str(out).encode(), digest_size=8).hexdigest()
        spare = self.root / "spare" / f"{out.name}-{name}"
        self._forget_spares(spare.name, str(out))
        return spare

    def _forget_spares(self, mine: str, out: str) -> None:
        """Record whose spare `mine` is, and remove every spare whose output is gone (or
        that no record names)."""
        known = self.load("spares") or {}
        outputs = {mine: out}
        folder = self.root / "spare"
        for spare in sorted(folder.iterdir()) if folder.is_dir() else ():
            owner = known.get(spare.name)
            if spare.name == mine:
                continue
            if owner is None or not Path(owner).is_dir():
                shutil.rmtree(spare, ignore_errors=True)
            else:
                outputs[spare.name] = owner
        if outputs != known:
            self.save("spares", outputs)

    # -- taking turns ------------------------------------------------------------------------

    @contextlib.contextmanager
    def lock(self, out: Path) -> Iterator[bool]:
        """Hold the project's build lock (and the output folder's) for a whole build; yields
        whether it had to wait for another build (whose result may make this one needless)."""
        folder = next(f for f in out.parents if f.is_dir())  # the nearest that exists
        locks = [(folder, folder)]  # a lock on the folder itself leaves nothing behind
        if self.enabled:
            self.root.mkdir(parents=True, exist_ok=True)
            locks.insert(0, (self.root / "lock", self.root))
        with contextlib.ExitStack() as stack:
            waited = [stack.enter_context(_locked(path, shown)) for path, shown in locks]
            yield any(waited)


@contextlib.contextmanager
def _locked(path: Path, shown: Path) -> Iterator[bool]:
    """An exclusive flock on a file (made if need be) or on a folder, for this process."""
    flags = os.O_RDONLY if path.is_dir() else os.O_RDWR | os.O_CREAT
    handle = os.open(path, flags, 0o666)
    try:
        waited = False
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            waited = True
            print(
                f"Another scrutiny build is using {shown}; waiting for it to finish...",
                file=sys.stderr,
                flush=True,
            )
            fcntl.flock(handle, fcntl.LOCK_EX)
        yield waited
    finally:
        os.close(handle)  # closing releases the lock


def recall(folder: Path | None, name: str, key: str) -> bytes | None:
    """What was remembered as `name` for this key (None if not, or kept for another key)."""
    if folder is None:
        return None
    payload = read_sealed(folder / name)
    if payload is not None and payload.startswith(key.encode() + b"\n"):
        return payload[len(key) + 1 :]
    return None


def remember(folder: Path | None, name: str, key: str, data: bytes) -> None:
    """Keep data as `name` for this key, in place of what was kept for an older key."""
    if folder is not None:
        write_sealed(folder / name, key.encode() + b"\n" + data)


def remembered_bytes(folder: Path | None, name: str, key: str, make: Callable[[], bytes]) -> bytes:
    """make(), kept in folder as `name` for this key (a hash of everything it is made from);
    a new key replaces the old entry. Without a folder (--no-cache), just make()."""
    data = recall(folder, name, key)
    if data is None:
        data = make()
        remember(folder, name, key, data)
    return data


def remember_file(folder: Path | None, name: str, key: str, source: Path) -> None:
    """Keep a copy of a large file (too large to hold in memory) as `name` for this key: the
    copy first, then a sealed record of the key and of the copy's size and hash."""
    if folder is None:
        return
    kept = folder / name
    h = hashlib.blake2b(digest_size=16)
    write_atomic(kept, _hashed_blocks(source, h))
    write_sealed(folder / f"{name}.key", _file_record(key, kept.stat().st_size, h))


def recall_file(folder: Path | None, name: str, key: str, target: Path) -> bool:
    """Copy the file kept as `name` to target, if it was kept for this key and is whole (its
    size and hash are the ones recorded); False otherwise."""
    if folder is None:
        return False
    record = read_sealed(folder / f"{name}.key")
    if record is None or not record.startswith(key.encode() + b"\n"):
        return False
    h = hashlib.blake2b(digest_size=16)
    try:
        with target.open("wb") as writing:
            for block in _hashed_blocks(folder / name, h):
                writing.write(block)
    except OSError:
        return False
    return _file_record(key, target.stat().st_size, h) == record


def _hashed_blocks(source: Path, h: Any) -> Iterator[bytes]:
    """The file's bytes in blocks, each added to the hash `h` as it is read."""
    with source.open("rb") as reading:
        while block := reading.read(1 << 20):
            h.update(block)
            yield block


def _file_record(key: str, size: int, h: Any) -> bytes:
    return f"{key}\n{size}\n{h.hexdigest()}".encode()


class KeptValues:
    """Values kept between builds by a hash of what each is made from (rendered Markdown, the
    deflated blocks of the zip's members): `used` holds what this build asked for, and is
    worth storing again only when it differs from what was `known` (`changed`). `recall` and
    `remember` keep them as one entry of a blob folder; `version` names how the values are
    made (an entry of another version is ignored)."""

    def __init__(self, known: dict[str, Any] | None = None) -> None:
        self.known: dict[str, Any] = known or {}
        self.stored = set(self.known)  # what the store holds (`known` may grow before use)
        self.used: dict[str, Any] = {}

    @classmethod
    def recall(cls, folder: Path | None, name: str, version: str) -> KeptValues:
        return cls(_unpickled_dict(recall(folder, name, version)))

    def get(self, key: str, make: Callable[[], T]) -> T:
        if key not in self.used:
            self.used[key] = self.known[key] if key in self.known else make()
        return self.used[key]

    def changed(self) -> bool:
        """Whether what this build used differs from what was stored (values made, or some no
        longer used): only then is the entry worth writing again."""
        return self.used.keys() != self.stored

    def remember(self, folder: Path | None, name: str, version: str) -> None:
        if self.changed():
            remember(folder, name, version, pickle.dumps(self.used, 5))


def _unpickled_dict(payload: bytes | None) -> dict[str, Any]:
    try:
        value = pickle.loads(payload) if payload is not None else {}
    except Exception:  # unreadable after a change of code: a miss
        return {}
    return value if isinstance(value, dict) else {}


def kept_bytes(folder: Path | None, key: str, make: Callable[[], bytes]) -> bytes:
    """make(), kept in folder by its content key (many entries: one per chart spec)."""
    if folder is None:
        return make()
    path = folder / key[:2] / key
    payload = read_sealed(path)
    if payload is not None:
        return payload
    data = make()
    write_sealed(path, data)
    return data


def pack_folder(folder: Path) -> bytes:
    """A folder's files as one uncompressed tar (a search bundle kept as one sealed blob)."""
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w", format=tarfile.PAX_FORMAT) as archive:
        for path in sorted(folder.rglob("*")):
            if path.is_file():
                info = tarfile.TarInfo(path.relative_to(folder).as_posix())
                info.size = path.stat().st_size
                with path.open("rb") as handle:
                    archive.addfile(info, handle)
    return buffer.getvalue()


def unpack_folder(data: bytes, folder: Path) -> None:
    with tarfile.open(fileobj=io.BytesIO(data), mode="r") as archive:
        archive.extractall(folder, filter="data")
