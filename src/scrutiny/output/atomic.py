"""Write the site atomically: build into a fresh directory beside the output, swap it in.

A build that fails or is killed leaves the previous output exactly as it was. The swap uses
Linux's renameat2(RENAME_EXCHANGE) when available, so the output path never stops existing;
elsewhere it falls back to two renames, and the next build repairs an interrupted swap.
Leftover temporary directories from killed builds are removed at the start of the next build.

Removing the previous site takes a county's build a second (35,000 files); for a large site it
is renamed out of the way and removed by a detached process, so the build returns once the
new site is in place. A removal cut short is finished by the next build.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import os
import shutil
import subprocess
import sys
import threading
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from functools import lru_cache
from pathlib import Path

TMP_PREFIX = ".scrutiny-tmp-"
OLD_PREFIX = ".scrutiny-old-"
DISCARD_PREFIX = ".scrutiny-discard-"  # a previous site being removed: never restored
_RENAME_EXCHANGE = 2
_AT_FDCWD = -100


def _siblings(out: Path, prefix: str) -> list[Path]:
    if not out.parent.is_dir():
        return []
    return [p for p in out.parent.iterdir() if p.name.startswith(f"{prefix}{out.name}-")]


def recover(out: Path) -> None:
    """Undo what a killed build left: restore an output half-swapped, drop temp trees."""
    olds = _siblings(out, OLD_PREFIX)
    if not out.exists() and olds:
        olds[0].rename(out)
        olds = olds[1:]
    for leftover in _siblings(out, TMP_PREFIX) + olds + _siblings(out, DISCARD_PREFIX):
        shutil.rmtree(leftover, ignore_errors=True)


@contextmanager
def atomic_directory(out: Path, remove_in_background: bool = False) -> Iterator[Path]:
    """Yield an empty directory to build into; on success it replaces `out` in one step.
    With `remove_in_background` (a large site), the previous site is removed by a detached
    process."""
    out = out.resolve()
    out.parent.mkdir(parents=True, exist_ok=True)
    recover(out)
    tmp = out.parent / f"{TMP_PREFIX}{out.name}-{os.getpid()}"
    tmp.mkdir()
    try:
        yield tmp
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    previous = _swap_in(tmp, out)
    if previous is not None:
        _remove(previous, out, remove_in_background)


def _swap_in(tmp: Path, out: Path) -> Path | None:
    """Put tmp in the place of out; the folder now holding the previous site, if any."""
    if out.exists() and _exchange(tmp, out):
        return tmp
    old = out.parent / f"{OLD_PREFIX}{out.name}-{os.getpid()}"
    if not out.exists():
        tmp.rename(out)
        return None
    out.rename(old)
    tmp.rename(out)
    return old


def _remove(previous: Path, out: Path, in_background: bool) -> None:
    if not in_background:
        shutil.rmtree(previous, ignore_errors=True)
        return
    discarded = previous.with_name(f"{DISCARD_PREFIX}{out.name}-{os.getpid()}")
    previous.rename(discarded)
    code = "import shutil, sys; shutil.rmtree(sys.argv[1], ignore_errors=True)"
    subprocess.Popen(
        [sys.executable, "-c", code, str(discarded)],
        stdin=subprocess.DEVNULL,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,  # outlives this build, and a Ctrl+C meant for it
    )


def _exchange(a: Path, b: Path) -> bool:
    libc_name = ctypes.util.find_library("c")
    if not libc_name:
        return False
    libc = ctypes.CDLL(libc_name, use_errno=True)
    renameat2 = getattr(libc, "renameat2", None)
    if renameat2 is None:
        return False
    result = renameat2(_AT_FDCWD, os.fsencode(a), _AT_FDCWD, os.fsencode(b), _RENAME_EXCHANGE)
    return result == 0


def write_atomic(path: Path, data: bytes | Sequence[bytes], durable: bool = False) -> None:
    """Write a file so that readers see the old bytes or the new ones, never a part: into a
    temporary file beside it (named for this process and thread), then renamed over it, keeping
    the old file's permissions. The one helper every cache, output and data writer uses;
    `durable` also flushes it to disk first, for the project's own files (an officer's CSV).
    `data` may come in parts, written one after the other."""
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_name(f".{path.name}.{os.getpid()}-{threading.get_ident()}.partial")
    try:
        with partial.open("wb") as handle:
            for part in (data,) if isinstance(data, bytes) else data:
                handle.write(part)
            if durable:
                handle.flush()
                os.fsync(handle.fileno())
        if path.exists():
            os.chmod(partial, path.stat().st_mode & 0o777)
        partial.replace(path)
    except BaseException:
        partial.unlink(missing_ok=True)
        raise


def safe_join(root: Path, relative: str) -> Path:
    """The output path for a page, refusing anything that would land outside the site. In
    string operations: a county's build joins 23,000 paths."""
    parts = relative.replace("\\", "/").split("/")
    if relative.startswith(("/", "\\")) or ".." in parts or "\x00" in relative:
        raise ValueError(f"unsafe output path: {relative!r}")
    if _leaves(root, "/".join(part for part in parts[:-1] if part not in ("", "."))):
        raise ValueError(f"unsafe output path: {relative!r}")
    return root / relative


@lru_cache(maxsize=65536)
def _leaves(root: Path, folder: str) -> bool:
    """Whether a folder inside root ("a/b", "" for root itself) is, or is inside, a link that
    leads out of root: checked once per folder (one lstat), not once per file."""
    if not folder:
        return False
    if _leaves(root, folder.rpartition("/")[0]):
        return True
    here = root / folder
    return here.is_symlink() and not here.resolve().is_relative_to(root.resolve())
