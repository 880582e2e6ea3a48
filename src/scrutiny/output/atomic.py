"""Write the site atomically: build into a directory beside the output, swap it in.

A build that fails or is killed leaves the previous output exactly as it was. The swap uses
Linux's renameat2(RENAME_EXCHANGE) when available, so the output path never stops existing;
elsewhere it falls back to two renames, and the next build repairs an interrupted swap.
Leftover temporary directories from killed builds are removed at the start of the next build.

Two site folders are used in turn when the build cache allows (`Store.spare_for`): the site
the last swap replaced is kept as a spare, and the next build brings it up to date in place
instead of making 35,000 links and 11,000 folders afresh. The spare shares files with the
site being served (hard links), so nothing writes into a file of it: every writer replaces
(`clear`, `same_file`, `write_atomic`), and `prune` removes what the new site will not have.
Nothing in a spare is trusted but a file that is the served site's own (the same inode).
"""

from __future__ import annotations

import os
import shutil
import threading
from collections.abc import Collection, Iterable, Iterator
from contextlib import contextmanager, suppress
from functools import lru_cache
from pathlib import Path
from typing import Any

TMP_PREFIX = ".scrutiny-tmp-"
OLD_PREFIX = ".scrutiny-old-"
SCRATCH_PREFIX = ".scrutiny-scratch-"
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
    for leftover in _siblings(out, TMP_PREFIX) + olds:
        shutil.rmtree(leftover, ignore_errors=True)


@contextmanager
def scratch_folder(out: Path) -> Iterator[Path]:
    """A folder beside the output for the build's large temporary files (the database): what
    a killed build left there is removed when the next build of `out` starts, and the folder
    (with any parent folder made for it and left empty) when the build ends. The caller holds
    the output's lock, so no other build uses it."""
    out = out.resolve()
    folder = out.parent / f"{SCRATCH_PREFIX}{out.name}"
    shutil.rmtree(folder, ignore_errors=True)
    made = [p for p in (out.parent, *out.parent.parents) if not p.exists()]  # innermost first
    folder.mkdir(parents=True)
    try:
        yield folder
    finally:
        shutil.rmtree(folder, ignore_errors=True)
        for parent in made:  # a build that failed leaves no folder behind
            with suppress(OSError):
                parent.rmdir()


@contextmanager
def atomic_directory(out: Path, spare: Path | None = None) -> Iterator[Path]:
    """Yield a directory to build into; on success it replaces `out` in one step. Without a
    `spare` it is empty and the previous site is removed after the swap; with one, it is the
    spare (a previous site, to be brought up to date in place) if there is one, and the
    previous site becomes the spare."""
    out = out.resolve()
    out.parent.mkdir(parents=True, exist_ok=True)
    recover(out)
    tmp = out.parent / f"{TMP_PREFIX}{out.name}-{os.getpid()}"
    if spare is None or not _claim(spare, tmp):
        tmp.mkdir()
    try:
        yield tmp
    except BaseException:
        _set_aside(tmp, spare)
        raise
    previous = _swap_in(tmp, out)
    if previous is not None:
        _set_aside(previous, spare)


def _claim(spare: Path, tmp: Path) -> bool:
    try:
        spare.rename(tmp)
    except OSError:
        return False
    return True


def _set_aside(folder: Path, spare: Path | None) -> None:
    """Keep a site folder as the spare, or remove it."""
    if spare is not None:
        with suppress(OSError):
            spare.parent.mkdir(parents=True, exist_ok=True)
            shutil.rmtree(spare, ignore_errors=True)
            folder.rename(spare)
            return
    shutil.rmtree(folder, ignore_errors=True)


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


def clear(target: Path) -> None:
    """Remove whatever is at target (a file, a link or a folder), so that a file written
    there is a new one, never the served site's file written into."""
    try:
        target.unlink()
    except FileNotFoundError:
        pass
    except (IsADirectoryError, PermissionError):  # a folder (PermissionError on macOS)
        shutil.rmtree(target)


def same_file(source: Path, target: Path, stat: os.stat_result) -> None:
    """Make target the file source is (`stat` is source's): nothing to do if it already is
    (a spare's file linked from the served site), else a hard link, or a copy where the
    file system has none. FileNotFoundError when target's folder does not exist."""
    try:
        there = os.lstat(target)
    except FileNotFoundError:
        pass
    else:
        if there.st_ino == stat.st_ino and there.st_dev == stat.st_dev:
            return
        clear(target)
    try:
        os.link(source, target)
    except FileNotFoundError:
        raise  # no folder for it: the caller makes one
    except OSError:
        shutil.copy2(source, target)


def make_folder(folder: Path) -> None:
    """The folder and its parents, replacing any file in the way (a spare may have a file
    where the new site has a folder)."""
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except (FileExistsError, NotADirectoryError):
        for parent in reversed((folder, *folder.parents)):
            if parent.exists() and not parent.is_dir():
                parent.unlink()
        folder.mkdir(parents=True, exist_ok=True)


def prune(
    root: Path,
    keep: Collection[str],
    keep_under: Collection[str] = (),
    listed: list[str] | None = None,
) -> None:
    """Remove from a site folder every file that is not one of `keep` (paths from root) or
    inside one of the folders `keep_under`, and every folder left empty. `listed`: what the
    folder holds (`listing`), if it was listed beforehand; otherwise it is walked now."""
    if listed is None:
        _prune(str(root), "", set(keep), set(keep_under))
    else:
        _prune_listed(root, listed, set(keep), set(keep_under))


def linked_copy(site: Path, copy: Path) -> bool:
    """Make `copy` (which must not exist) a copy of the folder `site` in hard links, with GNU
    `cp -al`: the served site as a spare to bring up to date, when there is none (the first
    build after a cold one into a new folder). It takes `cp` a second and a half for a
    county's 35,000 files, most of it in the kernel; linking them one by one from Python took
    two worker processes twice as long. False (leaving nothing) where that fails: no GNU cp,
    or another file system. (`subprocess` is imported here: a build with nothing to do never
    copies.)"""
    import subprocess

    try:
        copy.parent.mkdir(parents=True, exist_ok=True)
        done = subprocess.run(
            ["cp", "-al", "--", str(site), str(copy)],
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            check=False,
        )
    except OSError:
        done = None
    if done is None or done.returncode != 0:
        shutil.rmtree(copy, ignore_errors=True)
        return False
    return True


def listing(root: Path) -> list[str] | None:
    """Every file and folder in a site folder (a folder's name ends in "/"), each folder
    before what it holds; None if it could not be listed whole (it was moved meanwhile).
    The build lists its spare in another process while it loads its inputs: walking a
    county's 11,000 folders took `prune` 0.17 s in the build's process, and it then needs
    no walk."""
    found: list[str] = []
    try:
        _list(str(root), "", found)
    except OSError:
        return None
    return found


def _list(folder: str, prefix: str, found: list[str]) -> None:
    with os.scandir(folder) as entries:
        for entry in entries:
            if entry.is_dir(follow_symlinks=False):
                found.append(f"{prefix}{entry.name}/")
                _list(entry.path, f"{prefix}{entry.name}/", found)
            else:
                found.append(prefix + entry.name)


def _prune_listed(root: Path, listed: list[str], keep: set[str], keep_under: set[str]) -> None:
    """`_prune` over a listing: the same files and folders removed, and no folder walked."""
    kept_whole = {"": False}  # each folder ("a/b/"): is it in one of `keep_under`?
    left: set[str] = {""}  # the folders that keep something
    for name in listed:
        folder = _folder_of(name)
        if name.endswith("/"):
            kept_whole[name] = kept_whole[folder] or name[:-1] in keep_under
            if kept_whole[name]:
                _keep_folder(name, left)
        elif kept_whole[folder] or name in keep:
            _keep_folder(folder, left)
        else:
            with suppress(FileNotFoundError):
                (root / name).unlink()
    for name in reversed(listed):  # what a folder holds before the folder
        if name.endswith("/") and name not in left:
            with suppress(OSError):
                (root / name).rmdir()


def _keep_folder(folder: str, left: set[str]) -> None:
    """Mark a folder ("a/b/") and the folders it is in as keeping something."""
    while folder not in left:
        left.add(folder)
        folder = _folder_of(folder)


def _folder_of(name: str) -> str:
    """The folder a file ("a/b/c") or folder ("a/b/c/") is in: "a/b/"; "" at the top."""
    folder = name.rstrip("/").rpartition("/")[0]
    return f"{folder}/" if folder else ""


def _prune(folder: str, prefix: str, keep: set[str], keep_under: set[str]) -> bool:
    """Whether anything is left in folder."""
    left = False
    with os.scandir(folder) as entries:
        for entry in entries:
            relative = prefix + entry.name
            if entry.is_dir(follow_symlinks=False):
                if relative in keep_under or _prune(entry.path, relative + "/", keep, keep_under):
                    left = True
                else:
                    with suppress(OSError):
                        os.rmdir(entry.path)
            elif relative in keep:
                left = True
            else:
                with suppress(FileNotFoundError):
                    os.unlink(entry.path)
    return left


def _exchange(a: Path, b: Path) -> bool:
    """Swap two folders in one step (Linux's renameat2 with RENAME_EXCHANGE); False where
    the system has no such call."""
    renameat2 = _renameat2()
    if renameat2 is None:
        return False
    result = renameat2(_AT_FDCWD, os.fsencode(a), _AT_FDCWD, os.fsencode(b), _RENAME_EXCHANGE)
    return result == 0


@lru_cache(maxsize=1)
def _renameat2() -> Any:
    """The C library's renameat2, found among the symbols this process has loaded (no
    `ldconfig` run, as `ctypes.util.find_library` does); None where there is none. ctypes
    is imported here, not above: a build with nothing to do never swaps."""
    import ctypes

    try:
        return getattr(ctypes.CDLL(None, use_errno=True), "renameat2", None)
    except OSError:
        return None


def write_atomic(path: Path, data: bytes | Iterable[bytes], durable: bool = False) -> None:
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
